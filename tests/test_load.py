"""`airace load`: our own exports round-trip, loading is idempotent and atomic per file."""

from __future__ import annotations

import pytest
from airace.graph.build import build
from airace.graph.cli import main
from airace.graph.export import export
from airace.graph.load import LoadError, load_file, load_files, load_graph_iri
from airace.graph.store import open_store, union_graph
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

ONE_ARTICLE = (
    "---\ntitle: One article\n---\n"
    "Chinese AI company DeepSeek released DeepSeek-R1 in January 2025.\n"
    "Huawei's Ascend 910B is made by SMIC on a 7nm process.\n"
    "In 2024, China accounted for 74.2% of global AI patents.\n"
)

BROKEN_TURTLE = '@prefix ex: <http://example.org/> .\nex:a ex:p "unterminated .\n'


@pytest.fixture(scope="module")
def one_article_store(tmp_path_factory):
    """A store built by `airace build` from one short article."""
    path = tmp_path_factory.mktemp("article") / "one.md"
    path.write_text(ONE_ARTICLE, encoding="utf-8")
    store = open_store(None)
    build([path], store)
    return store


def _graphs(store) -> dict:
    """Each named graph of the store, as an rdflib graph."""
    graphs: dict = {}
    for subject, predicate, obj, name in store.quads():
        graphs.setdefault(name, Graph()).add((subject, predicate, obj))
    return graphs


@pytest.mark.parametrize("format, suffix", [("trig", "trig"), ("nquads", "nq"), ("jsonld", "jsonld")])
def test_quads_export_round_trips_with_its_graphs(one_article_store, format, suffix, tmp_path):
    path = tmp_path / f"graph.{suffix}"
    path.write_bytes(export(one_article_store, format))
    store = open_store(None)
    loaded = load_file(path, store)
    assert loaded.quads == len(store) == len(one_article_store)
    assert store.graphs() == one_article_store.graphs()
    ours, theirs = _graphs(store), _graphs(one_article_store)
    assert ours.keys() == theirs.keys()
    assert all(isomorphic(ours[name], theirs[name]) for name in ours)


@pytest.mark.parametrize("format, suffix", [("turtle", "ttl"), ("nt", "nt")])
def test_triples_export_round_trips_into_one_graph(one_article_store, format, suffix, tmp_path):
    path = tmp_path / f"graph.{suffix}"
    path.write_bytes(export(one_article_store, format))
    store = open_store(None)
    load_file(path, store)
    assert store.graphs() == [load_graph_iri(path.read_bytes())]
    assert isomorphic(union_graph(store.quads()), union_graph(one_article_store.quads()))


def test_loading_twice_adds_nothing(one_article_store, tmp_path):
    path = tmp_path / "graph.trig"
    path.write_bytes(export(one_article_store, "trig"))
    turtle = tmp_path / "graph.ttl"
    turtle.write_bytes(export(one_article_store, "turtle"))
    store = open_store(None)
    load_files([path, turtle], store)
    once = sorted(store.quads())
    load_files([path, turtle], store)
    assert sorted(store.quads()) == once


def test_merging_keeps_both_graphs(one_article_store, tmp_path):
    mine = tmp_path / "mine.nt"
    mine.write_text("_:b0 <http://example.org/p> <http://example.org/mine> .\n", encoding="utf-8")
    store = open_store(None)
    store.replace_graph(URIRef("http://example.org/g"), [])
    load_file(mine, store)
    colleague = tmp_path / "colleague.trig"
    colleague.write_bytes(export(one_article_store, "trig"))
    load_file(colleague, store)
    assert len(store) == 1 + len(one_article_store)
    assert load_graph_iri(mine.read_bytes()) in store.graphs()


def test_blank_nodes_of_two_files_stay_apart(tmp_path):
    store = open_store(None)
    for name in ("a", "b"):
        path = tmp_path / f"{name}.ttl"
        path.write_text(f'_:x <http://example.org/p> "{name}" .\n', encoding="utf-8")
        load_file(path, store)
    assert len({subject for subject, _, _, _ in store.quads()}) == 2


def test_broken_file_changes_nothing(tmp_path):
    good = tmp_path / "good.nt"
    good.write_text('<http://example.org/a> <http://example.org/p> "x" .\n', encoding="utf-8")
    broken = tmp_path / "broken.ttl"
    broken.write_text(BROKEN_TURTLE, encoding="utf-8")
    store = open_store(None)
    store.replace_graph(load_graph_iri(broken.read_bytes()), [(URIRef("urn:x:s"), URIRef("urn:x:p"), URIRef("urn:x:o"))])
    before = sorted(store.quads())
    with pytest.raises(LoadError, match=r"broken\.ttl: not valid Turtle: .*line 2"):
        load_file(broken, store)
    assert sorted(store.quads()) == before
    loaded, problems = load_files([broken, good], store)
    assert [done.path for done in loaded] == [good] and len(problems) == 1


def test_cli_reports_a_broken_file_in_one_line_and_loads_the_rest(tmp_path, capsys):
    good = tmp_path / "good.nt"
    good.write_text('<http://example.org/a> <http://example.org/p> "x" .\n', encoding="utf-8")
    broken = tmp_path / "broken.ttl"
    broken.write_text(BROKEN_TURTLE, encoding="utf-8")
    store = tmp_path / "store"
    assert main(["load", str(broken), str(good), "--store", str(store)]) == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith(f"airace load: {broken}: not valid Turtle")
    assert out == f"loaded {good}: 1 quad in 1 graph\n"
    assert len(open_store(store, read_only=True)) == 1


@pytest.mark.parametrize("name", ["graph.rdf", "graph.owl"])
def test_rdf_xml_is_refused_in_one_line(name, tmp_path, capsys):
    path = tmp_path / name
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaa">]>\n'
                    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n', encoding="utf-8")
    assert main(["load", str(path), "--store", str(tmp_path / "store")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{path}: RDF/XML is not accepted" in err


def test_graph_option_names_the_graph(tmp_path):
    path = tmp_path / "a.ttl"
    path.write_text('<http://example.org/a> <http://example.org/p> "x" .\n', encoding="utf-8")
    store = open_store(None)
    load_files([path], store, graph="http://example.org/theirs")
    assert store.graphs() == [URIRef("http://example.org/theirs")]
    with pytest.raises(LoadError, match="one file"):
        load_files([path, path], store, graph="http://example.org/theirs")
    with pytest.raises(LoadError, match="absolute IRI"):
        load_files([path], store, graph="theirs")


def test_format_option_overrides_the_extension(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text('<http://example.org/a> <http://example.org/p> "x" <http://example.org/g> .\n', encoding="utf-8")
    store = open_store(None)
    with pytest.raises(LoadError, match="unknown extension"):
        load_file(path, store)
    load_file(path, store, format="nquads")
    assert store.graphs() == [URIRef("http://example.org/g")]


def test_relative_iris_resolve_against_the_file(tmp_path):
    path = tmp_path / "rel.ttl"
    path.write_text('<#a> <#p> <other.ttl> .\n', encoding="utf-8")
    store = open_store(None)
    load_file(path, store)
    subject, _, obj, _ = next(store.quads())
    assert subject == URIRef(path.as_uri() + "#a") and obj == URIRef((tmp_path / "other.ttl").as_uri())


def test_a_blank_graph_name_becomes_an_iri_of_the_file(tmp_path):
    path = tmp_path / "blank.trig"
    path.write_text("_:g { <http://example.org/a> <http://example.org/p> <http://example.org/o> . }\n",
                    encoding="utf-8")
    store = open_store(None)
    load_file(path, store)
    assert store.graphs() == [URIRef(load_graph_iri(path.read_bytes()) + "-b0")]


def test_triple_terms_are_refused_and_change_nothing(tmp_path):
    path = tmp_path / "star.ttl"
    path.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/o> .\n"
                    "<http://example.org/a> <http://example.org/says> "
                    "<<( <http://example.org/a> <http://example.org/p> <http://example.org/o> )>> .\n",
                    encoding="utf-8")
    store = open_store(None)
    with pytest.raises(LoadError, match=r"star\.ttl: holds RDF 1\.2 triple terms"):
        load_file(path, store)
    assert len(store) == 0
