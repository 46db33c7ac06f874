"""`airace validate`: the SHACL shapes over the built graph; exit 0 when it conforms, 1 with a report when not."""

from __future__ import annotations

import pytest
from airace.graph.build import build
from airace.graph.cli import BUILT_IN_CORPUS, main
from airace.graph.store import open_store
from airace.ontology.validate import summary, violations

BROKEN = """
@prefix race: <https://w3id.org/airace/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix id: <https://w3id.org/airace/id/> .

<https://w3id.org/airace/id/country/china> a race:Country ; rdfs:label "China" .

# no race:value
<https://w3id.org/airace/id/measurement/no-value> a race:Measurement ;
    race:subject <https://w3id.org/airace/id/country/china> ;
    race:unit "percent" ; race:quote "74.2%" ; race:rule "figure_share" ;
    race:sentence <https://w3id.org/airace/id/doc/d/sentence/0-10> ;
    prov:wasDerivedFrom <https://w3id.org/airace/id/doc/d> .

# a literal where the subject's IRI must be
<https://w3id.org/airace/id/measurement/literal-subject> a race:Measurement ;
    race:subject "China" ; race:value 74.2 ;
    race:unit "percent" ; race:quote "74.2%" ; race:rule "figure_share" ;
    race:sentence <https://w3id.org/airace/id/doc/d/sentence/0-10> ;
    prov:wasDerivedFrom <https://w3id.org/airace/id/doc/d> .
"""


def store_with(tmp_path, turtle: str) -> str:
    path = tmp_path / "store"
    store = open_store(path)
    store.load(turtle.encode("utf-8"), format="ttl", graph=None)
    store.flush()
    del store
    return str(path)


def test_the_built_in_corpus_conforms(tmp_path, capsys):
    store = str(tmp_path / "store")
    build([BUILT_IN_CORPUS], open_store(store))
    assert main(["validate", "--store", store]) == 0
    assert capsys.readouterr().out == "Conforms: no SHACL violations.\n"


@pytest.mark.shared
def test_the_shared_corpus_conforms(shared, tmp_path, capsys):
    store = str(tmp_path / "store")
    build([shared / "corpus"], open_store(store))
    status = main(["validate", "--store", store])
    assert status == 0, capsys.readouterr().out[:3000]


def test_a_broken_graph_fails_naming_the_node_and_the_shape(tmp_path, capsys):
    assert main(["validate", "--store", store_with(tmp_path, BROKEN)]) == 1
    report = capsys.readouterr().out
    assert report.startswith("2 SHACL violations of 2 shapes:")
    value = report.index("rsh:Measurement-value  (path race:value)  1 violation")
    assert "A Measurement needs exactly one race:value" in report[value:]
    assert "- <https://w3id.org/airace/id/measurement/no-value>" in report[value:]
    subject = report.index("rsh:Measurement-subject  (path race:subject)  1 violation")
    assert '- <https://w3id.org/airace/id/measurement/literal-subject>  value: "China"' in report[subject:]


def test_the_listing_is_capped_and_the_rest_counted(tmp_path, capsys):
    many = "\n".join(f"<https://w3id.org/airace/id/chip/c{i:02d}> a race:Chip ." for i in range(15))
    turtle = "@prefix race: <https://w3id.org/airace/ontology#> .\n" + many
    assert main(["validate", "--store", store_with(tmp_path, turtle), "--limit", "3"]) == 1
    report = capsys.readouterr().out
    assert "rsh:Entity-label-count  (path rdfs:label)  15 violations" in report
    assert report.count("  - <https://w3id.org/airace/id/chip/c") == 3
    assert "  ... and 12 more" in report


def test_violations_are_plain_sorted_data():
    from rdflib import Graph

    found = violations(Graph().parse(data=BROKEN, format="turtle"))
    assert [(v.shape, v.focus) for v in found] == [
        ("rsh:Measurement-subject", "<https://w3id.org/airace/id/measurement/literal-subject>"),
        ("rsh:Measurement-value", "<https://w3id.org/airace/id/measurement/no-value>"),
    ]
    assert summary([]) == "Conforms: no SHACL violations."


def test_a_missing_store_is_one_line(tmp_path, capsys):
    assert main(["validate", "--store", str(tmp_path / "never-built")]) == 1
    assert "run `airace build` first" in capsys.readouterr().err
