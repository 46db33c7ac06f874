"""Data out: CSV tables that pandas reads as numbers and dates, the network as GraphML and GEXF with the
report's counts and measures, and the export format taken from -o's extension."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from airace.graph.analysis import analyze
from airace.graph.cli import main
from airace.graph.network import knowledge_graph
from airace.graph.store import open_store

FIXTURES = Path(__file__).parent / "fixtures"
ID = "https://w3id.org/airace/id/"


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny") / "store"
    assert main(["load", str(FIXTURES / "tiny_graph.trig"), "--store", str(folder)]) == 0
    return str(folder)


@pytest.fixture(scope="module")
def tables(tiny_store, tmp_path_factory):
    folder = tmp_path_factory.mktemp("tables")
    assert main(["export", "--store", tiny_store, "--format", "csv", "-o", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def report(tiny_store, tmp_path_factory):
    return analyze(open_store(tiny_store, read_only=True), out_dir=tmp_path_factory.mktemp("report"))


def test_figures_csv_has_numbers_and_dates(tables):
    figures = pandas.read_csv(tables / "figures.csv", parse_dates=["period_start"])
    assert str(figures["value"].dtype) == "float64"
    assert str(figures["period_start"].dtype).startswith("datetime64")
    assert len(figures) == 21
    china_patents = figures[(figures["subject_label"] == "China") & (figures["metric_label"] == "AI patent share")]
    assert china_patents["value"].tolist() == [68.0, 70.0, 74.2]
    assert china_patents["period"].astype(str).tolist() == ["2023", "2024", "2024"]
    assert [str(day.date()) for day in china_patents["period_start"]] == ["2023-01-01", "2024-01-01", "2024-01-01"]
    assert china_patents["quote"].tolist() == ["68% in 2023", "about 70% of AI patents in 2024",
                                               "74.2% of AI patent filings in 2024"]
    assert china_patents["title"].tolist() == ["Patents, prices and the chip squeeze"] * 2 + [
        "Open models narrow the Chatbot Arena gap"]
    elo = figures[figures["period"].astype(str) == "2024-11"]
    assert [str(day.date()) for day in elo["period_start"]] == ["2024-11-01", "2024-11-01"]
    floor = figures[figures["bound"].notna()]
    assert floor[["measurement", "bound", "value"]].values.tolist() == [
        [ID + "measurement/c-patents-cn-floor", "lower", 60.0]]
    prices = figures[figures["unit"] == "USD per million tokens"]
    assert sorted(prices["value"]) == [0.55, 2.19, 15.0, 60.0]
    assert prices["period_start"].isna().all()  # no period: an empty cell, not a made-up date


def test_entities_and_relations_csv_hold_the_knowledge_graph(tables, tiny_store):
    graph = knowledge_graph(open_store(tiny_store, read_only=True))
    entities = pandas.read_csv(tables / "entities.csv", keep_default_na=False)
    assert entities["iri"].tolist() == sorted(graph)
    deepseek = entities[entities["iri"] == ID + "org/deepseek"].iloc[0].to_dict()
    assert deepseek == {"iri": ID + "org/deepseek", "label": "DeepSeek", "class": "Company", "country": "China",
                        "country_iri": ID + "country/china", "other_names": "Deep Seek", "documents": 2,
                        "sentences": 4}  # three sentences of document A, one of B
    assert entities[entities["iri"] == ID + "country/united-states"]["other_names"].tolist() == ["U.S.; US"]
    relations = pandas.read_csv(tables / "relations.csv", keep_default_na=False)
    assert len(relations) == graph.number_of_edges()
    assert str(relations["documents"].dtype) == "int64" and str(relations["weight"].dtype) == "int64"
    made = relations[(relations["relation"] == "fabricatedBy")]
    assert made[["subject_label", "object_label", "documents"]].values.tolist() == [["Ascend 910B", "SMIC", 1]]


def test_graphml_has_the_ties_weights_countries_and_pagerank_of_analyze(tiny_store, report, tmp_path):
    path = tmp_path / "network.graphml"
    assert main(["export", "--store", tiny_store, "-o", str(path)]) == 0
    network = nx.read_graphml(path)
    assert (network.number_of_nodes(), network.number_of_edges()) == (
        report["summary"]["organisations"], report["summary"]["ties"])
    for row in report["organisations"]:
        node = network.nodes[row["iri"]]
        assert (node["label"], node["country"], node["pagerank"], node["community"]) == (
            row["label"], row["country"] or "", row["pagerank"], row["community"])
    tie = network.edges[ID + "org/bytedance", ID + "org/peking-university"]
    assert (tie["kind"], tie["weight"], tie["relations"]) == ("relation", 2.0, "collaboratesWith")  # A and B state it
    total = sum(weight for _, _, weight in network.edges(data="weight"))
    from airace.graph.network import organisation_network

    expected = organisation_network(open_store(tiny_store, read_only=True), mentions=False)
    assert total == pytest.approx(sum(weight for _, _, weight in expected.edges(data="weight")))


def test_gexf_has_the_same_network_and_colours_by_country(tiny_store, report, tmp_path):
    path = tmp_path / "network.gexf"
    assert main(["export", "--store", tiny_store, "--format", "gexf", "-o", str(path)]) == 0
    network = nx.read_gexf(path)
    assert (network.number_of_nodes(), network.number_of_edges()) == (
        report["summary"]["organisations"], report["summary"]["ties"])
    by_iri = {row["iri"]: row for row in report["organisations"]}
    assert {node: data["pagerank"] for node, data in network.nodes(data=True)} == {
        iri: row["pagerank"] for iri, row in by_iri.items()}
    colours = {data["country"]: (data["viz"]["color"]["r"], data["viz"]["color"]["g"], data["viz"]["color"]["b"])
               for _, data in network.nodes(data=True)}
    assert colours["China"] == (200, 16, 46) and colours["United States"] == (59, 111, 182)


@pytest.mark.parametrize("name, format, parse", [
    ("graph.jsonld", None, "json-ld"), ("graph.nt", None, "nt"), ("graph.ttl", "ttl", "turtle"),
    ("graph.json", "json-ld", "json-ld"), ("graph.trig", None, "trig"),
])
def test_the_format_follows_the_extension(tiny_store, tmp_path, name, format, parse):
    path = tmp_path / name
    assert main(["export", "--store", tiny_store, "-o", str(path), *(["--format", format] if format else [])]) == 0
    triples = Graph()
    if parse in ("json-ld", "trig"):
        dataset = Dataset()
        dataset.parse(path, format=parse)
        for s, p, o, _ in dataset.quads():
            triples.add((s, p, o))
    else:
        triples.parse(path, format=parse)
    reference = tmp_path / "reference.nt"
    assert main(["export", "--store", tiny_store, "--format", "nt", "-o", str(reference)]) == 0
    assert isomorphic(triples, Graph().parse(reference, format="nt"))
    if parse == "json-ld":
        assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict)


@pytest.mark.parametrize("argv, message", [
    (["--format", "turtle", "-o", "graph.jsonld"],
     "airace export: --format turtle writes Turtle but -o {out}/graph.jsonld names a JSON-LD file; "
     "give one or make them agree\n"),
    (["--format", "csv", "-o", "figures.csv"],
     "airace export: --format csv writes three tables into a folder (entities.csv, relations.csv, figures.csv); "
     "give -o a folder, not {out}/figures.csv\n"),
    (["-o", "graph.txt"],
     "airace export: -o {out}/graph.txt: cannot tell the format from '.txt'; give --format (or an extension: "
     ".gexf, .graphml, .json, .jsonld, .nq, .nt, .trig, .ttl, .turtle)\n"),
    (["--format", "csv"], "airace export: --format csv writes three files: give -o FOLDER\n"),
])
def test_a_contradiction_is_refused_in_one_line(tiny_store, tmp_path, capsys, argv, message):
    argv = [value if not value.startswith(("graph.", "figures.")) else str(tmp_path / value) for value in argv]
    assert main(["export", "--store", tiny_store, *argv]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == ("", message.format(out=tmp_path))
    assert list(tmp_path.iterdir()) == []  # nothing written
