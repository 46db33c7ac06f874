"""End to end on the built-in corpus and on small real inputs: build and rebuild.

Exports and their re-parsing are in test_export.py, SHACL conformance in test_validate.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from airace.extract.reader import read_article
from airace.extract.statements import document_iri
from airace.graph.build import BuildError, build, discover
from airace.graph.cli import BUILT_IN_CORPUS, main
from airace.graph.store import open_store, union_graph
from airace.ontology import RACE
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS

ONE_ARTICLE = (
    "---\ntitle: One article\n---\n"
    "Chinese AI company DeepSeek released DeepSeek-R1 in January 2025.\n"
    "Huawei's Ascend 910B is made by SMIC on a 7nm process.\n"
    "In 2024, China accounted for 74.2% of global AI patents.\n"
    "Read More: an unrelated teaser about OpenAI\n"
)


@pytest.fixture
def one_article(tmp_path):
    path = tmp_path / "one.md"
    path.write_text(ONE_ARTICLE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("store") / "s")
    build([BUILT_IN_CORPUS], store)
    return store


def test_one_article_yields_its_facts(one_article):
    store = open_store(None)
    build([one_article], store)
    graph = union_graph(store.quads())
    id_ = "https://w3id.org/airace/id/"
    assert (URIRef(id_ + "model/deepseek-r1"), RACE.developedBy, URIRef(id_ + "org/deepseek")) in graph
    assert (URIRef(id_ + "org/deepseek"), RACE.country, URIRef(id_ + "country/china")) in graph
    assert (URIRef(id_ + "chip/ascend-910b"), RACE.designedBy, URIRef(id_ + "org/huawei")) in graph
    shares = [m for m in graph.subjects(RACE.subject, URIRef(id_ + "country/china"))
              if (m, RACE.unit, Literal("percent")) in graph]
    assert any(float(graph.value(m, RACE.value)) == 74.2 and str(graph.value(m, RACE.period)) == "2024" for m in shares)
    # the teaser line names OpenAI; nothing of it may enter the graph
    assert not any("OpenAI" in str(o) for o in graph.objects(None, RDFS.label))


def test_every_statement_traces_to_its_sentence(one_article):
    store = open_store(None)
    build([one_article], store)
    article = read_article(one_article)
    rows = store.select("""
        PREFIX race: <https://w3id.org/airace/ontology#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?rule ?text ?start ?end ?doc WHERE {
          ?claim a race:Claim ; rdf:predicate race:developedBy ; race:rule ?rule ;
                 race:sentence ?s ; prov:wasDerivedFrom ?doc .
          ?s race:text ?text ; race:startChar ?start ; race:endChar ?end .
        }""").rows
    assert rows
    for rule, text, start, end, doc in rows:
        assert article.text[int(start):int(end)] == str(text)
        assert doc == document_iri(article.sha256)
        assert str(rule)


def test_building_twice_gives_an_isomorphic_graph(corpus_store):
    before, quads = union_graph(corpus_store.quads()), len(corpus_store)
    build([BUILT_IN_CORPUS], corpus_store)
    assert isomorphic(before, union_graph(corpus_store.quads()))
    assert len(corpus_store) == quads


def test_build_reports_bad_files_and_builds_the_rest(tmp_path, one_article):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02abc")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 owners met Huawei in Paris.".encode("latin-1"))
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "folder.md").mkdir()  # a folder named like an article is walked, not read
    store = open_store(None)
    summary = build([tmp_path], store)
    assert (summary.documents, summary.built) == (2, 2)
    problems = sorted(summary.problems)
    assert len(problems) == 4, problems
    assert all(problem.count("\n") == 0 for problem in problems)
    by_file = {Path(problem.split(": ")[0]).name: problem for problem in problems}
    assert sorted(by_file) == ["binary.txt", "empty.txt", "gone.md", "pipe.txt"]
    assert "empty" in by_file["empty.txt"]
    assert "binary" in by_file["binary.txt"]
    assert "symlink" in by_file["gone.md"] and "nowhere.md" in by_file["gone.md"]
    assert "not a regular file" in by_file["pipe.txt"]
    assert "Café" in store.select("SELECT ?text WHERE { ?s <https://w3id.org/airace/ontology#text> ?text "
                                  "FILTER(CONTAINS(?text, 'Caf')) }").rows[0][0]


def test_nothing_to_build_is_an_error(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    with pytest.raises(BuildError, match="nothing could be built"):
        build([tmp_path], open_store(None))
    with pytest.raises(BuildError, match="no such file"):
        discover([tmp_path / "missing"])


def test_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["build", str(tmp_path / "missing"), "--store", str(tmp_path / "s")]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "no such file or folder" in error
    assert main(["query", "no-such-query", "--store", str(tmp_path / "s")]) == 1
    assert "no query named" in capsys.readouterr().err
    assert main(["stats", "--store", str(tmp_path / "never-built")]) == 1
    assert "run `airace build` first" in capsys.readouterr().err
    (tmp_path / "a.txt").write_text("DeepSeek released DeepSeek-R1.", encoding="utf-8")
    for workers in ("1", "2"):  # with workers, told before any worker starts
        assert main(["build", str(tmp_path / "a.txt"), "--store", str(tmp_path / "s"), "--model", "no_such_model",
                     "--workers", workers, "--quiet"]) == 1
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and "the spaCy model 'no_such_model' is not installed" in error


def test_cli_build_query_export(tmp_path, one_article, capsys):
    store = str(tmp_path / "s")
    assert main(["build", str(one_article), "--store", store, "--quiet"]) == 0
    assert "1 documents" in capsys.readouterr().out
    assert main(["query", "models-by-organisation", "--store", store, "--format", "csv"]) == 0
    assert "DeepSeek-R1" in capsys.readouterr().out
    output = tmp_path / "g.ttl"
    assert main(["export", "--store", store, "-o", str(output)]) == 0
    assert "race:developedBy" in output.read_text(encoding="utf-8")


def test_store_folder_is_created_with_its_parents(tmp_path, one_article):
    store = open_store(tmp_path / "out" / "nested" / "store")
    assert build([one_article], store).documents == 1


TABLE_ARTICLE = (
    "---\ntitle: Data centres\n---\n"
    "Data centres of cloud companies in China.\n\n"
    "Company\tLocation\tServers\n"
    "Alibaba Cloud\tUlanqab (2020)\t300,000\n"
    "Huawei Cloud\tUlanqab\t100,000\n"
    "Tencent Cloud\tChongqing\t200,000\n"
)


def built_rows(tmp_path, text: str, variables: str, where: str) -> set[tuple[str, ...]]:
    """Build one article of ``text``; the rows of ``SELECT variables WHERE { where }`` (race: and rdfs: declared)."""
    path = tmp_path / "article.md"
    path.write_text(text, encoding="utf-8")
    store = open_store(tmp_path / "s")
    build([path], store)
    query = ("PREFIX race: <https://w3id.org/airace/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
             f"SELECT {variables} WHERE {{ {where} }}")
    return {tuple(str(term) for term in row) for row in store.select(query).rows}


def test_a_label_is_the_fullest_name_no_other_entity_goes_by(tmp_path):
    labels = {label for (label,) in built_rows(tmp_path, TABLE_ARTICLE, "?label", "?centre a race:DataCentre ; rdfs:label ?label")}
    assert labels == {"Alibaba Cloud Ulanqab", "Huawei Cloud Ulanqab", "Tencent Cloud Chongqing"}


ELO_ARTICLE = (
    "---\ntitle: Elo\n---\n"
    "Top Chatbot Arena Elo scores of US and Chinese models by month.\n\n"
    "Month\tUS\tChina\tGap\n"
    "2024-05\t1289 (gpt-4o-2024-05-13, OpenAI)\t1238 (yi-large-preview, 01-ai)\t51\n"
)


def test_a_countrys_score_names_the_model_behind_it(tmp_path):
    rows = built_rows(tmp_path, ELO_ARTICLE, "?country ?model",
                      "?m race:subject/rdfs:label ?country ; race:model/rdfs:label ?model")
    assert rows == {("United States", "gpt-4o-2024-05-13"), ("China", "yi-large-preview")}


def test_a_folder_of_thousands_of_files_reports_each_bad_one_and_builds_the_rest(tmp_path, capsys):
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(1500):
        path = folder / f"note-{number:04d}.txt"
        if number % 500 == 0:
            path.write_text(f"Report {number}: DeepSeek released DeepSeek-R1 in January 2025.\n", encoding="utf-8")
        elif number % 2:
            path.write_bytes(b"")
        else:
            path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert main(["build", str(folder), "--store", str(tmp_path / "s"), "--quiet"]) == 0
    captured = capsys.readouterr()
    skipped = captured.err.splitlines()
    assert len(skipped) == 1497 and all(line.startswith(f"skipped {folder}/note-") for line in skipped)
    assert sum("the file is empty" in line for line in skipped) == 750
    assert sum("a binary file (a PNG image)" in line for line in skipped) == 747
    assert "3 documents (built 3, unchanged 0, 1497 skipped)" in captured.out


def test_flushing_the_write_buffers_during_a_build_changes_nothing(corpus_store, tmp_path, monkeypatch):
    from airace.graph import build as building
    from airace.graph.export import export

    monkeypatch.setattr(building, "FLUSH_EVERY", 1)  # a flush after every batch
    flushed = open_store(tmp_path / "flushed")
    build([BUILT_IN_CORPUS], flushed)
    assert len(flushed) == len(corpus_store) > 1000
    assert export(flushed, "nquads") == export(corpus_store, "nquads")
