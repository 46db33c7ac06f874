"""The classes and properties of ``airace.ttl``, read from the ontology itself.

Extraction needs to know which classes are organisations, what may have a
country, what a chip may be used by; analysis needs the same lists. They are
read here, from the one file that defines them, instead of being written out
again in every module that asks.

>>> sorted(subclasses("Organisation"))
['Company', 'GovernmentBody', 'Organisation', 'ResearchInstitute', 'University']
>>> sorted(domain("usesChip")), sorted(range_of("operatedBy"))
(['AIModel', 'Company', 'DataCentre', 'GovernmentBody', 'Organisation', 'ResearchInstitute', 'University'], ['Company', 'GovernmentBody', 'Organisation', 'ResearchInstitute', 'University'])
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection

from .namespace import RACE
from .paths import ONTOLOGY_PATH

__all__ = ["subclasses", "domain", "range_of", "entity_classes", "relations", "attributes"]

_NS = str(RACE._NS)


@lru_cache(maxsize=1)
def _ontology() -> Graph:
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


def _local(term) -> str:
    return str(term)[len(_NS):]


@lru_cache(maxsize=None)
def subclasses(name: str) -> frozenset[str]:
    """The class and every class below it, by their local names."""
    graph = _ontology()
    found, todo = set(), [RACE[name]]
    while todo:
        term = todo.pop()
        if term in found:
            continue
        found.add(term)
        todo.extend(graph.subjects(RDFS.subClassOf, term))
    return frozenset(_local(term) for term in found if str(term).startswith(_NS))


def _classes_of(node) -> frozenset[str]:
    """A class, or an ``owl:unionOf`` of classes, with everything below them."""
    graph = _ontology()
    union = graph.value(node, OWL.unionOf)
    members = list(Collection(graph, union)) if union is not None else [node]
    return frozenset().union(*(subclasses(_local(member)) for member in members if str(member).startswith(_NS)))


@lru_cache(maxsize=None)
def domain(predicate: str) -> frozenset[str]:
    """The classes whose members a property may describe."""
    node = _ontology().value(RACE[predicate], RDFS.domain)
    return _classes_of(node) if node is not None else frozenset()


@lru_cache(maxsize=None)
def range_of(predicate: str) -> frozenset[str]:
    """The classes a relation may point to (empty for an attribute, whose range is a datatype)."""
    node = _ontology().value(RACE[predicate], RDFS.range)
    return _classes_of(node) if node is not None else frozenset()


def entity_classes() -> frozenset[str]:
    """Every class of thing the graph names (below ``race:Entity``), by local name."""
    return subclasses("Entity") - {"Entity"}


def _properties(kind: URIRef) -> tuple[str, ...]:
    graph = _ontology()
    entities = entity_classes()
    names = [_local(term) for term in graph.subjects(RDF.type, kind)
             if isinstance(term, URIRef) and str(term).startswith(_NS) and domain(_local(term)) & entities]
    return tuple(sorted(names))


@lru_cache(maxsize=1)
def relations() -> tuple[str, ...]:
    """The relations between entities (object properties whose domain is an entity class)."""
    return tuple(name for name in _properties(OWL.ObjectProperty) if range_of(name) & entity_classes())


@lru_cache(maxsize=1)
def attributes() -> tuple[str, ...]:
    """The attributes of entities (datatype properties whose domain is an entity class)."""
    return _properties(OWL.DatatypeProperty)
