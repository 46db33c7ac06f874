"""The classes extraction assigns, and the first segment of each class's instance IRIs.

The classes come from the ontology (:mod:`airace.ontology.schema`); the segments are the
instance IRI scheme that ``airace.ttl`` documents. All organisations share one segment so
that a change of mind about an organisation's kind never splits it into two nodes.

>>> SEGMENT["University"], SEGMENT["AIModel"], "Company" in ORGANISATION_CLASSES
('org', 'model', True)
"""

from __future__ import annotations

from airace.ontology import ID as _ID
from airace.ontology.schema import domain, entity_classes, subclasses

__all__ = ["ID", "ORGANISATION_CLASSES", "SEGMENT", "COUNTRY_ABLE", "SUBJECT_KINDS"]

#: Base of every instance IRI, as text.
ID = str(_ID)

ORGANISATION_CLASSES = subclasses("Organisation")

_OWN_SEGMENT = {"Country": "country", "AIModel": "model", "Chip": "chip", "Person": "person", "DataCentre": "datacentre"}
SEGMENT = {**{name: "org" for name in ORGANISATION_CLASSES}, **_OWN_SEGMENT}
assert set(SEGMENT) == entity_classes(), "every entity class of airace.ttl needs an IRI segment"

#: What may be placed in a country.
COUNTRY_ABLE = domain("country")

#: What a figure may be about: every entity but a person.
SUBJECT_KINDS = entity_classes() - {"Person"}
