"""From spaCy's entity spans to resolved mentions: one IRI per real-world thing.

A span labelled by the reference list resolves to its canonical entry; any
other span is typed by the shape of its name first ("… University" is a
University) and by the statistical label second, and keyed so that surface
variants meet ("Deep Seek" and "DeepSeek"). Spans that are not names a careful
reader would keep (common words, fragments, cities as countries) are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span

from .reference import ID, ORGANISATION_CLASSES, SEGMENT, key, lookup, slug

__all__ = ["Mention", "resolve", "NATIONALITIES", "country_of_adjective", "kind_by_shape", "COMMON_WORDS"]



# Adjectives and demonyms naming a country: "Chinese AI company DeepSeek".
NATIONALITIES = {
    "chinese": "China", "china": "China", "american": "United States", "us": "United States",
    "u.s.": "United States", "british": "United Kingdom", "uk": "United Kingdom", "french": "France",
    "german": "Germany", "japanese": "Japan", "korean": "South Korea", "south korean": "South Korea",
    "taiwanese": "Taiwan", "indian": "India", "european": "European Union", "eu": "European Union",
    "dutch": "Netherlands", "israeli": "Israel", "canadian": "Canada", "russian": "Russia",
    "singaporean": "Singapore", "emirati": "United Arab Emirates", "saudi": "Saudi Arabia",
}

# Names no careful reader would take for an entity, whatever the tagger says.
COMMON_WORDS = {
    "ai", "agi", "llm", "llms", "gpu", "gpus", "ceo", "cto", "phd", "r&d", "s&t", "ip", "vc", "api",
    "the west", "west", "east", "state", "government", "company", "model", "models", "chip", "chips",
    "internet", "cloud", "table", "figure", "source", "report", "data", "stem", "euv", "duv", "hpc",
    "nlp", "soe", "soes", "ugc", "saas", "mau", "moe", "mla", "ic", "wfe", "edwc", "aidp", "nsri",
    "nrdi", "ict", "icd", "bis", "chatbot", "cold war", "sputnik", "covid-19", "genai", "recorded future reporting",
}

_SHAPES: list[tuple[str, re.Pattern]] = [
    ("University", re.compile(r"\bUniversity\b|\bUniversité\b|\bCollege\b|Institute of Technology\b")),
    ("ResearchInstitute", re.compile(r"\b(?:Institute|Institution|Laboratory|Laboratories|Lab|Labs|Academy|Observatory|Center for|Centre for|Research Center)\b")),
    ("GovernmentBody", re.compile(r"\b(?:Ministry|Department|Bureau|Administration|Commission|Council|Agency|Congress|Parliament|Fund|Office|Senate|Committee)\b")),
    ("Company", re.compile(r"\b(?:Inc|Corp|Corporation|Ltd|LLC|Co|Group|Technologies|Technology|Semiconductor|Microelectronics|Cloud|Capital|Holdings)\b\.?")),
]


def kind_by_shape(name: str) -> str | None:
    """The organisation class a name's shape gives away, if any.

    >>> kind_by_shape("Xiamen University"), kind_by_shape("Shanghai AI Laboratory"), kind_by_shape("Big Bank")
    ('University', 'ResearchInstitute', None)
    """
    for kind, pattern in _SHAPES:
        if pattern.search(name):
            return kind
    return None


def country_of_adjective(word: str) -> str | None:
    """The country a nationality word names: 'Chinese' → 'China'."""
    return NATIONALITIES.get(word.lower().strip())


@dataclass(frozen=True)
class Mention:
    """One mention of an entity in a document."""

    iri: str
    kind: str
    label: str | None  # the canonical name when the reference list knows it
    surface: str
    start: int  # character offsets into the article
    end: int

    @property
    def is_organisation(self) -> bool:
        return self.kind in ORGANISATION_CLASSES


_STATISTICAL = {"ORG": "Organisation", "PERSON": "Person", "GPE": "Country", "PRODUCT": None, "FAC": None}


def _clean_surface(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"^(?:the|The)\s+", "", text)
    text = re.sub(r"['’]s?$", "", text).strip()
    return text.strip(" ,;:-–—\"“”'‘’()[]")


def _plausible(surface: str, kind: str) -> bool:
    if not surface or surface.lower() in COMMON_WORDS or len(surface) > 80:
        return False
    if not re.search(r"[A-Z\u4e00-\u9fff]", surface) or re.search(r"[\n\t@#<>{}|=_]", surface):
        return False
    words = surface.split()
    if len(words) > 8 or (kind == "Person" and (len(words) < 2 or re.search(r"\d", surface))):
        return False
    if kind != "AIModel" and re.fullmatch(r"[\d\W]+", surface):
        return False
    return True


def resolve(span: Span, *, offset: int = 0) -> Mention | None:
    """The mention a spaCy entity span stands for, or None when it is not one we keep.

    ``offset`` is where the span's text starts in the article.
    """
    start, end = offset + span.start_char, offset + span.end_char
    if span.ent_id_:
        reference = lookup(span.ent_id_)
        if reference is not None:
            return Mention(f"{ID}{SEGMENT[reference.kind]}/{reference.slug}", reference.kind, reference.name, span.text, start, end)
    surface = _clean_surface(span.text)
    reference = lookup(surface) if surface else None
    if reference is not None:
        return Mention(f"{ID}{SEGMENT[reference.kind]}/{reference.slug}", reference.kind, reference.name, surface, start, end)
    kind = span.label_ if span.label_ in SEGMENT else _STATISTICAL.get(span.label_)
    if kind is None or kind == "Country":  # a place the list does not know is a city or region
        return None
    if kind == "Organisation" or kind in ORGANISATION_CLASSES:
        kind = kind_by_shape(surface) or kind
    if not _plausible(surface, kind):
        return None
    return Mention(f"{ID}{SEGMENT[kind]}/{slug(key(surface))}", kind, None, surface, start, end)
