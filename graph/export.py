"""Export: the store as Turtle, N-Triples, N-Quads, TriG or JSON-LD.

Turtle and N-Triples carry the asserted graph (the union of every document's
graph); N-Quads and TriG keep one named graph per document, so provenance
survives; JSON-LD is the quads with a context of the ontology's prefixes.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from airace.ontology import ID, RACE

from .store import LocalStore, RemoteStore

__all__ = ["FORMATS", "PREFIXES", "export"]

FORMATS = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt", "nquads": "nquads",
           "nq": "nquads", "trig": "trig", "jsonld": "json-ld", "json-ld": "json-ld"}

PREFIXES = {"race": str(RACE._NS), "id": str(ID), "rdf": str(RDF), "rdfs": str(RDFS), "skos": str(SKOS),
            "prov": str(PROV), "dcterms": str(DCTERMS), "xsd": str(XSD), "owl": str(OWL)}


def _bind(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


def export(store: LocalStore | RemoteStore, format: str = "turtle") -> bytes:
    """Serialise the store.

    Raises
    ------
    ValueError
        For an unknown format; the message lists the known ones.
    """
    name = FORMATS.get(format.lower())
    if name is None:
        raise ValueError(f"unknown export format {format!r}; choose one of turtle, nt, nquads, trig, jsonld")
    if name in ("turtle", "nt"):
        graph = Graph()
        _bind(graph)
        for subject, predicate, obj, _ in store.quads():
            graph.add((subject, predicate, obj))
        data = graph.serialize(format=name, encoding="utf-8")
        if name == "nt":
            data = b"".join(sorted(set(data.splitlines(keepends=True))))
        return data
    dataset = Dataset()
    _bind(dataset)
    for subject, predicate, obj, graph in store.quads():
        dataset.add((subject, predicate, obj, graph or URIRef("urn:x-rdflib:default")))
    if name == "json-ld":
        return dataset.serialize(format="json-ld", context={k: v for k, v in PREFIXES.items()}, encoding="utf-8")
    data = dataset.serialize(format=name, encoding="utf-8")
    if name == "nquads":
        data = b"".join(sorted(set(data.splitlines(keepends=True))))
    return data
