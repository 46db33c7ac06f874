"""The airace ontology: vocabulary, shapes and validation.

``airace.ttl`` is the OWL ontology (its header documents the provenance
design and the instance IRI scheme), ``shapes.ttl`` the SHACL shapes that
instance data must satisfy, and ``RACE`` the same vocabulary as a closed
rdflib namespace.

>>> from airace.ontology import RACE, ONTOLOGY_PATH
>>> from rdflib import Graph, OWL, RDF
>>> (RACE.Chip, RDF.type, OWL.Class) in Graph().parse(ONTOLOGY_PATH)
True
"""

from .namespace import ID, ONTOLOGY_IRI, RACE, RESOLUTION_GRAPH, SHAPES
from .paths import ONTOLOGY_PATH, SHAPES_PATH
from .validate import validate

__all__ = [
    "RACE",
    "ID",
    "SHAPES",
    "ONTOLOGY_IRI",
    "RESOLUTION_GRAPH",
    "ONTOLOGY_PATH",
    "SHAPES_PATH",
    "validate",
]
