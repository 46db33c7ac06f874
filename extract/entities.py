"""From spaCy's entity spans to resolved mentions: one IRI per real-world thing.

A span labelled by the reference list resolves to its canonical entry; any
other span is typed by the shape of its name first ("… University" is a
University) and by the statistical label second, and keyed so that surface
variants meet ("Deep Seek" and "DeepSeek"). Spans that are not names a careful
reader would keep (common words, fragments, cities as countries) are dropped.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.tokens import Doc, Span

from .lexicon import mapping, words
from .mentions import Mention, known, named
from .reference import ORGANISATION_CLASSES, SEGMENT, lookup
from .rules import registered, rule

__all__ = [
    "Mention", "resolve", "NATIONALITIES", "country_of_adjective", "kind_by_shape", "COMMON_WORDS",
    "ORG_HEADS", "ends_in_org_head",
]



# Adjectives and demonyms naming a country ("Chinese AI company DeepSeek"), and names no careful
# reader would take for an entity, whatever the tagger says.
NATIONALITIES = mapping("nationalities")
COMMON_WORDS = words("common-words")

_SHAPES: list[tuple[str, re.Pattern]] = [
    # a publisher, though a university's: "Shanghai Jiao Tong University Press"
    ("Company", re.compile(r"\bPress$|\bPublish(?:ing|ers)\b")),
    # a government's working group: "National Artificial Intelligence Standardization General Working Group"
    ("GovernmentBody", re.compile(r"\b(?:Working|Leading|Steering) Group\b|\bTask Force\b")),
    ("University", re.compile(r"\bUniversity\b|\bUniversité\b|\bCollege\b|Institute of Technology\b")),
    ("ResearchInstitute", re.compile(r"\b(?:Institute|Institution|Laboratory|Laboratories|Lab|Labs|Academy|Observatory|Center for|Centre for|Research Center)\b")),
    ("GovernmentBody", re.compile(r"\b(?:Ministry|Department|Bureau|Administration|Commission|Council|Agency|Congress|Parliament|Fund|Office|Senate|Committee)\b")),
    ("Company", re.compile(r"\b(?:Inc|Corp|Corporation|Ltd|LLC|Co|Group|Technologies|Technology|Semiconductor|Microelectronics|Cloud|Capital|Holdings)\b\.?")),
]


def kind_by_shape(name: str) -> str | None:
    """The organisation class a name's shape gives away, if any.

    >>> kind_by_shape("Xiamen University"), kind_by_shape("Shanghai AI Laboratory"), kind_by_shape("Big Bank")
    ('University', 'ResearchInstitute', None)
    >>> kind_by_shape("Shanghai Jiao Tong University Press")
    'Company'
    """
    for kind, pattern in _SHAPES:
        if pattern.search(name):
            return kind
    return None


# Words that end only an organisation's name: "Keen Security Lab", "Runpeng Semiconductor".
ORG_HEADS = words("organisation-heads")


def ends_in_org_head(name: str) -> bool:
    """Whether a title-case name ends in a word that only organisations end in.

    >>> ends_in_org_head("Keen Security Lab"), ends_in_org_head("Korean Development Institute")
    (True, True)
    >>> ends_in_org_head("Security Lab results"), ends_in_org_head("Lab")
    (False, False)
    """
    words = name.split()
    connectors = {"of", "and", "for", "the", "&", "de"}
    return (len(words) >= 2 and words[-1] in ORG_HEADS
            and all(word[0].isupper() or word[0].isdigit() or word in connectors for word in words))

def country_of_adjective(word: str) -> str | None:
    """The country a nationality word names: 'Chinese' → 'China'."""
    return NATIONALITIES.get(word.lower().strip())


_STATISTICAL = {"ORG": "Organisation", "PERSON": "Person", "GPE": "Country", "PRODUCT": None, "FAC": None}


# Compiled once: a span's surface is cleaned several times while it is resolved.
_WHITESPACE = re.compile(r"\s+")
_ARTICLE = re.compile(r"^(?:the|The|a|an)\s+")
_BRACKET = re.compile(r"\s[(\[]")
_APOSTROPHE = re.compile(r"['’]s?$")


@lru_cache(maxsize=8)  # resolving a span cleans its text once, and the not-a-name tests clean it again
def _clean_surface(text: str) -> str:
    text = _WHITESPACE.sub(" ", text).strip()
    text = _ARTICLE.sub("", text)  # "a National Innovation Investment Guidance Fund"
    text = _BRACKET.split(text)[0]  # "Korean Development Institute (School of International Policy Studies"
    text = _APOSTROPHE.sub("", text).strip()
    return text.strip(" ,;:-–—\"“”'‘’()[]")


def _plausible(surface: str, kind: str) -> bool:
    if not surface or surface.lower() in COMMON_WORDS or len(surface) > 80:
        return False
    lower_case_model = kind == "AIModel" and re.search(r"[\d-]", surface)  # "yi-large-preview", "o1"
    if not (re.search(r"[A-Z\u4e00-\u9fff]", surface) or lower_case_model) or re.search(r"[\n\t@#<>{}|=_]", surface):
        return False
    words = surface.split()
    if len(words) > 8 or (kind == "Person" and (len(words) < 2 or re.search(r"\d", surface))):
        return False
    if kind != "AIModel" and re.fullmatch(r"[\d\W]+", surface):
        return False
    if ":" in surface or re.search(r"\s(?:of|and|for|the|in|on)$", surface):  # "World: Achievements and"
        return False
    return True


# --- statistical spans that are no names: each a test with the example it rejects ----------

_OPENING_QUOTES, _CLOSING_QUOTES = "\"“‘'", "\"”’'"


# ``doc.text`` joins every token of the doc on each access, so the characters around a span are read
# token by token from the span outwards instead.

def _last_character_before(doc: Doc, index: int) -> str:
    """The last character before token ``index`` that is no whitespace ('' when there is none)."""
    for position in range(index - 1, -1, -1):
        piece = doc[position].text_with_ws.rstrip()
        if piece:
            return piece[-1]
    return ""


def _first_character_after(doc: Doc, index: int, skipped: str) -> str:
    """The first character from token ``index`` on that is not in ``skipped`` ('' when there is none)."""
    for position in range(index, len(doc)):
        piece = doc[position].text_with_ws.lstrip(skipped)
        if piece:
            return piece[0]
    return ""


def _starts_a_line(doc: Doc, index: int) -> bool:
    """Whether only whitespace stands between the last line break (or the doc's start) and token ``index``."""
    for position in range(index - 1, -1, -1):
        for character in reversed(doc[position].text_with_ws):
            if character == "\n":
                return True
            if not character.isspace():
                return False
    return True


@rule("junk", 1, (
    'Analysts call phrases like "Neural Networks" buzzwords.', {"Neural Networks"}))
def _is_quoted_term(span: Span) -> bool:
    """A phrase in quotation marks is a term or a title: 'phrases like "Neural Networks," and …'."""
    doc = span.doc
    before = _last_character_before(doc, span.start)
    # the span's own trailing space is one of the skipped characters, so reading on from its end token is enough
    after = _first_character_after(doc, span.end, " ,.;")
    return bool(before) and before in _OPENING_QUOTES and bool(after) and after in _CLOSING_QUOTES


@rule("junk", 1, ('NSRIs vary widely in size across provinces.',
    {
        "NSRIs",
    }))
def _is_plural_acronym(span: Span) -> bool:
    """A plural acronym names a class of things: 'NSRIs (also known as NRDI) vary widely …'."""
    return bool(re.fullmatch(r"[A-Z]{2,}s", span.text.strip()))


@rule("junk", 1, ('Token counts cover both input and output.',
    {
        "Token",
    }))
def _is_capitalised_word_at_sentence_start(span: Span) -> bool:
    """A common word capitalised because it opens a sentence: 'Token counts cover …'."""
    words = [token for token in span if not token.is_space]
    if len(words) != 1 or words[0].tag_ in {"NNP", "NNPS"} or re.fullmatch(r"[A-Z]{2,5}", words[0].text):
        return False  # a proper noun, or an acronym: "ISD refers to NSFC's Information Science Department."
    word = words[0]
    return all(token.is_space for token in word.doc[word.sent.start:word.i])


@rule("junk", 1, ('AI Race Intensifies',
    {
        "AI Race Intensifies",
    }))
def _is_in_a_heading(span: Span) -> bool:
    """A heading is a line of capitalised words, not a sentence: 'AI Race Intensifies', 'Model Performance'."""
    sentence = span.sent
    words = []
    for token in sentence:
        if not token.is_space:
            words.append(token)
            if len(words) > 12:
                return False  # a sentence, however it ends
    if not words or words[-1].text in ".!?:;\"”)’" or words[-1].is_punct:
        return False
    return _starts_a_line(sentence.doc, words[0].i)


# The last word of a phrase that names an activity, a quality or a rule, not a body that acts.
_ABSTRACT_HEADS = words("abstract-heads")


@rule("junk", 1, ('Beijing issued the Generative AI Measures in 2023.',
    {
        "the Generative AI Measures",
    }))
def _is_abstract_phrase(span: Span) -> bool:
    """A phrase ending in an abstract noun is a topic, not an organisation: 'Interim Measures', 'Data Acquisition'."""
    surface = _clean_surface(span.text)
    return bool(surface) and surface.split()[-1].lower() in _ABSTRACT_HEADS and kind_by_shape(surface) is None


@rule("junk", 1, ('Data Acquisition and Model Training\nFirms buy data from brokers.',
    {
        "Model Training\nFirms",
    }))
def _crosses_a_line_break(span: Span) -> bool:
    """A name is written on one line: 'Data Acquisition and Model Training' above 'Firms buy data' is no 'Model Training Firms'."""
    return "\n" in span.text.strip()


@rule("junk", 1, ('Dr Hook argues that the gap is closing.',
    {
        "Dr Hook",
    }))
def _is_a_titled_surname(span: Span) -> bool:
    """An honorific and a surname name a person already met, never an organisation: 'Dr Hook argues that …'."""
    return bool(re.fullmatch(r"(?:Dr|Mr|Mrs|Ms|Prof|Professor|Sir)\.?\s+[A-Z][\w'’-]+", _clean_surface(span.text)))


# Words that end the name of a product or a service, never a person's name.
_PRODUCT_HEADS = words("product-heads")


@rule("junk", 1, ("Recorded Future's Intelligence Cloud collects data.",
    {
        "Intelligence Cloud",
    }))
def _is_a_product_taken_for_a_person(span: Span) -> bool:
    """A 'person' whose last word is a product's is a product: 'Recorded Future's Intelligence Cloud collects …'."""
    surface = _clean_surface(span.text)
    return span.label_ == "PERSON" and bool(surface) and surface.split()[-1].lower() in _PRODUCT_HEADS


# Statistical labels that a name ending in an organisation's word overrules ("Keen Security Lab" as a title).
_OVERRULED_BY_ORG_HEAD = {"PERSON", "WORK_OF_ART", "GPE", "LOC", "FAC", "PRODUCT", "NORP", "EVENT", "LAW"}


def resolve(span: Span, *, offset: int = 0) -> Mention | None:
    """The mention a spaCy entity span stands for, or None when it is not one we keep.

    ``offset`` is where the span's text starts in the article.
    """
    start, end = offset + span.start_char, offset + span.end_char
    if span.ent_id_:
        reference = lookup(span.ent_id_)
        if reference is not None:
            return known(reference, span.text, start, end)
        if span.label_ in SEGMENT:  # a name rule gave the canonical name: "鼎龙" glosses "Hubei Dinglong"
            name = span.ent_id_
            return named(span.label_, span.text, start, end, label=name)
    surface = _clean_surface(span.text)
    reference = lookup(surface) if surface else None
    if reference is not None:
        return known(reference, surface, start, end)
    if span.label_ not in SEGMENT and any(test(span) for test in _JUNK):  # the reference list and name rules are trusted
        return None
    if span.label_ in _OVERRULED_BY_ORG_HEAD and ends_in_org_head(surface):
        return _mention(surface, kind_by_shape(surface) or "Organisation", start, end)
    kind = span.label_ if span.label_ in SEGMENT else _STATISTICAL.get(span.label_)
    if kind is None or kind == "Country":  # a place the list does not know is a city or region
        return None
    if kind == "Organisation" or kind in ORGANISATION_CLASSES:
        kind = kind_by_shape(surface) or kind
    return _mention(surface, kind, start, end)


def _mention(surface: str, kind: str, start: int, end: int) -> Mention | None:
    if not _plausible(surface, kind):
        return None
    return named(kind, surface, start, end)


_JUNK = registered("junk")
