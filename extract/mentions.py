"""A mention of an entity in a document, and the one way an entity's IRI is made.

An entity the reference list knows takes the IRI of its canonical name; any other
takes the IRI of its name's key, so that surface variants meet ("Deep Seek" and
"DeepSeek") while different names stay apart ("Alibaba" and "Alibaba Cloud").

>>> named("Company", "Deep Seek", 0, 9).iri == named("Company", "DeepSeek", 20, 28).iri
True
>>> entity_iri("University", "Tsinghua University")
'https://w3id.org/airace/id/org/tsinghua-university'
"""

from __future__ import annotations

from dataclasses import dataclass

from .kinds import ID, ORGANISATION_CLASSES, SEGMENT
from .reference import Reference, key, slug

__all__ = ["Mention", "entity_iri", "known", "named"]


@dataclass(frozen=True)
class Mention:
    """One mention of an entity in a document."""

    iri: str
    kind: str
    label: str | None  # the canonical name when the reference list knows it or the text gives it
    surface: str
    start: int  # character offsets into the article
    end: int

    @property
    def is_organisation(self) -> bool:
        return self.kind in ORGANISATION_CLASSES


def entity_iri(kind: str, name: str) -> str:
    """The IRI of the entity of class ``kind`` whose canonical name (or name key) is ``name``."""
    return f"{ID}{SEGMENT[kind]}/{slug(name)}"


def known(reference: Reference, surface: str, start: int, end: int) -> Mention:
    """A mention of an entity of the reference list, by whichever of its names the text used."""
    return Mention(entity_iri(reference.kind, reference.name), reference.kind, reference.name, surface, start, end)


def named(kind: str, surface: str, start: int, end: int, *, label: str | None = None) -> Mention:
    """A mention of an entity the reference list does not know; ``label`` is a canonical name the text gives."""
    return Mention(entity_iri(kind, key(label or surface)), kind, label, surface, start, end)
