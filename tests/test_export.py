"""Exports: the same graph gives the same bytes in every format, and independent parsers read them back.

Python randomises string hashing per process, so an export that leans on set
order can be stable inside one process and differ between two: each format is
also exported in two fresh processes with different ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pyoxigraph as ox
import pytest
from airace.extract.document import Extraction, Fact, Sentence
from airace.extract.mentions import Mention
from airace.extract.reader import Article
from airace.extract.reference import key, slug
from airace.extract.statements import document_iri, triples
from airace.graph.build import build
from airace.graph.cli import BUILT_IN_CORPUS
from airace.graph.export import export
from airace.graph.store import open_store, union_graph
from airace.ontology import ID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic

FORMATS = ["turtle", "nt", "nquads", "trig", "jsonld"]
RDFLIB = {"turtle": "turtle", "nt": "nt", "nquads": "nquads", "trig": "trig", "jsonld": "json-ld"}
OXIGRAPH = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
            "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
TRIPLES_ONLY = {"turtle", "nt"}
RAPPER = shutil.which("rapper")

EXPORT_ALL = (
    "import sys\n"
    "from pathlib import Path\n"
    "from airace.graph.export import export\n"
    "from airace.graph.store import open_store\n"
    "store = open_store(sys.argv[1], read_only=True)\n"
    "for name in sys.argv[3:]:\n"
    "    Path(sys.argv[2], name).write_bytes(export(store, name))\n"
)


def export_in_a_fresh_process(store: str, out, seed: int) -> dict[str, bytes]:
    out.mkdir()
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    subprocess.run([sys.executable, "-c", EXPORT_ALL, store, str(out), *FORMATS], check=True, env=env)
    return {name: (out / name).read_bytes() for name in FORMATS}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[str, str]:
    """The built-in corpus built into two stores, each closed after building."""
    paths = []
    for name in ("first", "second"):
        path = tmp_path_factory.mktemp(name) / "store"
        build([BUILT_IN_CORPUS], open_store(path))
        paths.append(str(path))
    return paths[0], paths[1]


@pytest.fixture(scope="module")
def corpus_store(two_builds):
    return open_store(two_builds[0], read_only=True)


@pytest.fixture(scope="module")
def exports(two_builds, tmp_path_factory) -> dict[str, list[bytes]]:
    """Each format four times: the first store twice here, the first and the second in fresh processes."""
    first, second = two_builds
    here = open_store(first, read_only=True)
    elsewhere = [export_in_a_fresh_process(first, tmp_path_factory.mktemp("x") / "seed1", 1),
                 export_in_a_fresh_process(second, tmp_path_factory.mktemp("x") / "seed2", 2)]
    return {name: [export(here, name), export(here, name), *(run[name] for run in elsewhere)] for name in FORMATS}


def assert_same_dataset(data: bytes, format: str, quads: list) -> None:
    """The export re-parses (rdflib) to the quads it was written from, graph by graph, isomorphic."""
    if format in TRIPLES_ONLY:
        assert isomorphic(Graph().parse(data=data, format=RDFLIB[format]), union_graph(quads))
        return
    parsed = Dataset().parse(data=data, format=RDFLIB[format])
    expected = Dataset()
    for s, p, o, g in quads:
        expected.add((s, p, o, g or expected.default_graph.identifier))

    def graphs(dataset):
        return {graph.identifier: graph for graph in dataset.graphs() if len(graph)}

    assert graphs(parsed).keys() == graphs(expected).keys()
    for name, graph in graphs(expected).items():
        assert isomorphic(graphs(parsed)[name], graph), name


# --- the same graph gives the same bytes ---------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_exports_of_one_build_and_of_two_builds_are_byte_identical(exports, format):
    here, again, first_elsewhere, second_elsewhere = exports[format]
    assert here == again, "two exports of one store in one process differ"
    assert here == first_elsewhere, "the same store exported in another process differs"
    assert here == second_elsewhere, "a second build exported in another process differs"


TWO_BLANK_NODES = """
@prefix race: <https://w3id.org/airace/ontology#> .
<https://example.org/a> race:p [ race:q "one" ; race:r [ race:q "two" ] ] , [ race:q "three" ] .
"""


@pytest.mark.parametrize("format", FORMATS)
def test_blank_nodes_get_fixed_labels(format):
    # each load mints fresh blank node ids; the exports must not show them
    loads = []
    for _ in range(2):
        store = open_store(None)
        store.load(TWO_BLANK_NODES.encode(), format="ttl", graph=URIRef("https://example.org/g"))
        loads.append(store)
    first, second = (export(store, format) for store in loads)
    assert first == second
    assert_same_dataset(first, format, list(loads[0].quads()))


# --- independent parsers -------------------------------------------------------------------


@pytest.mark.parametrize("format", FORMATS)
def test_every_format_reparses_to_the_same_graph(corpus_store, exports, format):
    data = exports[format][0]
    quads = list(corpus_store.quads())
    assert_same_dataset(data, format, quads)
    parsed = list(ox.parse(data, format=OXIGRAPH[format]))
    expected = len(union_graph(quads)) if format in TRIPLES_ONLY else len(set(quads))
    assert len(parsed) == expected


@pytest.mark.parametrize("format, rapper_syntax", [("turtle", "turtle"), ("nt", "ntriples")])
def test_raptor_reads_the_turtle_and_ntriples_exports(exports, tmp_path, format, rapper_syntax):
    if not RAPPER:
        pytest.skip("needs rapper (Debian's raptor2-utils; .ci/run installs it)")
    path = tmp_path / f"graph.{format}"
    path.write_bytes(exports[format][0])
    result = subprocess.run(["rapper", "-q", "-i", rapper_syntax, "-c", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "returned 0 triples" not in result.stderr


# --- hostile names and texts ---------------------------------------------------------------

# Fragments that break naive writers and readers: quotes, escapes, line and paragraph separators,
# bidirectional controls and right-to-left scripts, emoji sequences, Chinese, combining marks.
FRAGMENTS = [*'"\'\\\n\r\t <>{}|^`#@:/?&%.;,[]()_-', "\u2028", "\u2029", "\u202e", "\u200f", "\u00a0", "\ufeff",
             "\x00", "\x0b", "\x7f", "שלום", "مرحبا", "😀", "👩\u200d💻", "🇨🇳", "中国", "人工智能", "İ", "ß", "Ｋ",
             "e\u0301", '"""', "\\u0041", "\\\""]
HOSTILE = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.characters(exclude_categories=("Cs",))),
                   min_size=1, max_size=20).map("".join)


@settings(max_examples=200, deadline=None)
@given(HOSTILE)
def test_a_slug_is_always_a_safe_iri_segment(label):
    for segment in (slug(label), slug(key(label))):
        assert segment == "unnamed" or all(part and part.isascii() and part.isalnum() and part == part.lower()
                                            for part in segment.split("-")), segment
        iri = f"{ID}org/{segment}"
        ox.NamedNode(iri)  # raises on an invalid IRI
        assert URIRef(iri).n3() == f"<{iri}>"


def hostile_document(label: str, text: str) -> tuple[URIRef, list]:
    """A document whose entity is named ``label`` and whose sentence is ``text``, through the statements layer."""
    article = Article(name=f"{label}.md", text=text, sha256="0" * 64, metadata={"title": text, "publisher": label})
    iri = f"{ID}org/{slug(key(label))}"
    company = Mention(iri, "Company", label, text, 0, len(text))
    model = Mention(f"{ID}model/{slug(text)}", "AIModel", None, label, 0, len(label))
    sentence = Sentence(0, len(text), text)
    fact = Fact(subject=model, predicate="developedBy", object=company, rule=label, sentence=sentence)
    extraction = Extraction(article, mentions=[(company, sentence)], facts=[fact])
    return document_iri(article.sha256), list(set(triples(extraction)))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(label=HOSTILE, text=HOSTILE)
def test_hostile_labels_and_texts_survive_every_format(label, text):
    graph, statements = hostile_document(label, text)
    extra = [(URIRef(f"{ID}x"), URIRef(f"{ID}p"), literal) for literal in
             (Literal(label, lang="zh-Hans"), Literal(text, datatype=URIRef("https://example.org/dt")))]
    store = open_store(None)
    store.replace_graph(graph, statements + extra)
    quads = list(store.quads())
    strings = {str(o) for _, _, o, _ in quads if isinstance(o, Literal)}
    assert {label, text} <= strings
    for format in FORMATS:
        data = export(store, format)
        assert data == export(store, format)
        assert_same_dataset(data, format, quads)
        parsed = list(ox.parse(data, format=OXIGRAPH[format]))
        assert len(parsed) == len(quads)
        assert {label, text} <= {q.object.value for q in parsed if isinstance(q.object, ox.Literal)}
        if format in TRIPLES_ONLY and RAPPER:
            result = subprocess.run(["rapper", "-q", "-i", {"turtle": "turtle", "nt": "ntriples"}[format], "-c", "-",
                                     "https://example.org/base"], input=data, capture_output=True)
            assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
