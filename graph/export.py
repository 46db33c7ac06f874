"""Export: the store as Turtle, N-Triples, N-Quads, TriG or JSON-LD, the same bytes for the same graph.

Turtle and N-Triples carry the asserted graph (the union of every document's
graph) with the ontology's prefixes; N-Quads and TriG keep one named graph per
document, so provenance survives; JSON-LD is the quads with a context of the
ontology's prefixes.

Every format is written in a fixed order, so exports diff cleanly: N-Triples
and N-Quads lines are sorted; Turtle subjects, predicates and objects are
sorted (rdflib's serialiser does this); TriG's graphs are written in IRI order;
JSON-LD's arrays (unordered in JSON-LD) are sorted and its keys too. Blank
nodes, when there are any, are first relabelled by W3C RDF Dataset
Canonicalization (RDFC-1.0, via Oxigraph) to ``_:c14n0``, ``_:c14n1``...
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD
from rdflib.plugins.serializers.trig import TrigSerializer

from airace.ontology import ID, RACE

from .store import LocalStore, RemoteStore, to_oxigraph, union_graph

__all__ = ["FORMATS", "TABLE_FORMATS", "EXTENSIONS", "choose_format", "PREFIXES", "export", "canonical_quads"]

FORMATS = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt", "nquads": "nquads",
           "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "json-ld": "json-ld"}

#: The formats that are not RDF: tables for spreadsheets (a folder of CSV files) and the
#: organisation network for Gephi and Cytoscape (airace.graph.spreadsheets, airace.graph.network_files).
TABLE_FORMATS = {"csv": "csv", "graphml": "graphml", "gexf": "gexf"}

#: The format each file extension of ``-o`` stands for.
EXTENSIONS = {".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig",
              ".jsonld": "json-ld", ".json": "json-ld", ".graphml": "graphml", ".gexf": "gexf"}

_NAMES = {"turtle": "Turtle", "nt": "N-Triples", "nquads": "N-Quads", "trig": "TriG", "json-ld": "JSON-LD",
          "csv": "CSV tables", "graphml": "GraphML", "gexf": "GEXF"}


def choose_format(format: str | None, output: str | None) -> str:
    """The format to write: the one named, else the one ``output``'s extension stands for, else Turtle.

    Names and their aliases are those of :data:`FORMATS` and :data:`TABLE_FORMATS` (``ttl``,
    ``json-ld``...). CSV writes a folder of tables, so its ``output`` has no extension.

    Raises
    ------
    ValueError
        For an unknown format or extension, or when the format named and the extension disagree.

    Examples
    --------
    >>> choose_format(None, "graph.jsonld"), choose_format("ttl", "graph.ttl"), choose_format("csv", "tables")
    ('json-ld', 'turtle', 'csv')
    >>> choose_format("turtle", "graph.jsonld")
    Traceback (most recent call last):
    ...
    ValueError: --format turtle writes Turtle but -o graph.jsonld names a JSON-LD file; give one or make them agree
    """
    known = {**FORMATS, **TABLE_FORMATS}
    named = None
    if format is not None:
        named = known.get(format.lower())
        if named is None:
            raise ValueError(f"unknown export format {format!r}; choose one of {', '.join(sorted(set(known)))}")
    suffix = Path(output).suffix.lower() if output else ""
    by_extension = EXTENSIONS.get(suffix)
    if suffix and by_extension is None and named is None:
        raise ValueError(f"-o {output}: cannot tell the format from {suffix!r}; give --format "
                         f"(or an extension: {', '.join(sorted(EXTENSIONS))})")
    if named == "csv" and suffix:
        raise ValueError(f"--format csv writes three tables into a folder ({', '.join(_TABLES)}); "
                         f"give -o a folder, not {output}")
    if named and by_extension and named != by_extension:
        raise ValueError(f"--format {format} writes {_NAMES[named]} but -o {output} names a "
                         f"{_NAMES[by_extension]} file; give one or make them agree")
    return named or by_extension or "turtle"


_TABLES = ("entities.csv", "relations.csv", "figures.csv")

PREFIXES = {"race": str(RACE._NS), "id": str(ID), "rdf": str(RDF), "rdfs": str(RDFS), "skos": str(SKOS),
            "prov": str(PROV), "dcterms": str(DCTERMS), "xsd": str(XSD), "owl": str(OWL)}

Quad = tuple  # (subject, predicate, object, graph or None), rdflib terms


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def export(store: LocalStore | RemoteStore, format: str = "turtle") -> bytes:
    """Serialise the store; the same graph always gives the same bytes.

    Raises
    ------
    ValueError
        For an unknown format; the message lists the known ones.
    """
    name = FORMATS.get(format.lower())
    if name is None:
        raise ValueError(f"unknown export format {format!r}; choose one of turtle, nt, nquads, trig, jsonld")
    if name in ("turtle", "nt"):
        graph = union_graph(canonical_quads((s, p, o, None) for s, p, o, _ in store.quads()))
        _bind(graph)
        return _sorted_lines(graph.serialize(format="nt", encoding="utf-8")) if name == "nt" \
            else graph.serialize(format="turtle", encoding="utf-8")
    dataset = Dataset()
    _bind(dataset)
    for subject, predicate, obj, graph in canonical_quads(store.quads()):
        dataset.add((subject, predicate, obj, graph or DATASET_DEFAULT_GRAPH_ID))
    if name == "nquads":
        return _sorted_lines(dataset.serialize(format="nquads", encoding="utf-8"))
    if name == "trig":
        return _trig(dataset)
    return _sorted_json(dataset.serialize(format="json-ld", context=dict(PREFIXES), encoding="utf-8"))


def canonical_quads(quads: Iterable[Quad]) -> list[Quad]:
    """The quads without duplicates, their blank nodes relabelled canonically (RDFC-1.0).

    Every other term is returned as given (the very same rdflib object), so
    literals keep their lexical form. Without blank nodes this is ``set(quads)``.

    Canonical labels depend on the whole dataset (adding a quad may renumber
    blank nodes), and RDFC-1.0 can take exponential time on pathological
    graphs of many indistinguishable blank nodes.

    >>> from rdflib import BNode, Literal, URIRef
    >>> p = URIRef("https://example.org/p")
    >>> canonical_quads([(BNode("random42"), p, Literal("x"), None)])
    [(rdflib.term.BNode('c14n0'), rdflib.term.URIRef('https://example.org/p'), rdflib.term.Literal('x'), None)]
    """
    quads = set(quads)
    if not any(isinstance(term, BNode) for quad in quads for term in quad):
        return list(quads)
    back: dict = {}

    def to_ox(term, *, graph=False):
        if term is None and graph:
            return ox.DefaultGraph()
        converted = to_oxigraph(term)
        if not isinstance(term, BNode):
            back[converted] = term
        return converted

    dataset = ox.Dataset(ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g, graph=True)) for s, p, o, g in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)

    def to_rdflib(term):
        if isinstance(term, ox.DefaultGraph):
            return None
        return BNode(term.value) if isinstance(term, ox.BlankNode) else back[term]

    return [tuple(to_rdflib(term) for term in (q.subject, q.predicate, q.object, q.graph_name)) for q in dataset]


def _sorted_lines(data: bytes) -> bytes:
    return b"".join(sorted(set(data.splitlines(keepends=True))))


class _SortedTrigSerializer(TrigSerializer):
    """rdflib's TriG serialiser with the graphs in a fixed order: the default graph, then by name."""

    def __init__(self, store: Dataset):
        super().__init__(store)
        default = store.default_context.identifier
        self.contexts.sort(key=lambda graph: (graph.identifier != default, isinstance(graph.identifier, BNode),
                                              str(graph.identifier)))


def _trig(dataset: Dataset) -> bytes:
    stream = io.BytesIO()
    _SortedTrigSerializer(dataset).serialize(stream, encoding="utf-8")
    return stream.getvalue()


def _sorted_json(data: bytes) -> bytes:
    """JSON-LD with sorted keys and sorted arrays (except ``@list`` and ``@context``, whose order means something)."""

    def order(value, key=None):
        if isinstance(value, dict):
            return {k: (v if k == "@context" else order(v, k)) for k, v in value.items()}
        if isinstance(value, list):
            items = [order(item) for item in value]
            if key == "@list":
                return items
            return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
        return value

    document = order(json.loads(data))
    return (json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
