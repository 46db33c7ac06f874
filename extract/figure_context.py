"""What a subject rule may look at: the sentence's candidate entities, the paragraph before it, and its sources.

A source is a name that reports a figure rather than owns it: the object of
"according to", or the subject of a verb that reports a clause ("NBER found
that ..."). Subject rules skip sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator
from weakref import WeakKeyDictionary

from spacy.tokens import Doc, Span, Token

from .entities import country_of_adjective, resolve_in_doc
from .kinds import SUBJECT_KINDS
from .lexicon import words
from .mentions import Mention, known
from .reference import lookup

__all__ = ["SUBJECT_KINDS", "Context", "read_context", "holding", "sources_of", "reporters", "overlaps"]



@dataclass(frozen=True)
class Context:
    """What a subject rule may look at: the sentence, its candidate mentions, and the paragraph before it."""

    sentence: Span
    candidates: tuple[tuple[Mention, Span], ...]  # in the sentence: entities and nationalities
    earlier: tuple[tuple[Mention, Span], ...]  # named earlier in the paragraph
    offset: int


def _nationality(token: Token, offset: int) -> tuple[Mention, Span] | None:
    country = country_of_adjective(token.text) if token.ent_type_ == "NORP" else None
    reference = lookup(country) if country else None
    if reference is None:
        return None
    span = token.doc[token.i:token.i + 1]
    start = offset + token.idx
    return known(reference, reference.name, start, start + len(token)), span


def read_context(sentence: Span, found: list[tuple[Mention, Span]]) -> Context:
    doc = sentence.doc
    offset = found[0][0].start - found[0][1].start_char if found else 0
    candidates = [(m, span) for m, span in found if m.kind in SUBJECT_KINDS]
    candidates += [pair for token in sentence if (pair := _nationality(token, offset))]
    return Context(sentence, tuple(sorted(candidates, key=lambda pair: pair[1].start)),
                   tuple(_named_before(doc, sentence.start, offset)), offset)


@dataclass
class _Named:
    """A doc's entities, and the mention each resolves to at an offset, as far as a sentence has asked."""

    ents: tuple[Span, ...]
    mentions: dict[int, list[Mention | None]]


# Per doc (dropped with it): every sentence looks back over all the entities before it.
_NAMED: WeakKeyDictionary[Doc, _Named] = WeakKeyDictionary()


def _named_before(doc: Doc, start: int, offset: int) -> Iterator[tuple[Mention, Span]]:
    """The subjects the doc names before token ``start``, in order, with the entities that name them."""
    named = _NAMED.get(doc)
    if named is None:
        named = _NAMED[doc] = _Named(tuple(doc.ents), {})
    mentions = named.mentions.setdefault(offset, [])
    for index, ent in enumerate(named.ents):
        if ent.end > start:
            break
        if index == len(mentions):
            mentions.append(resolve_in_doc(ent, offset=offset))
        mention = mentions[index]
        if mention is not None and mention.kind in SUBJECT_KINDS:
            yield mention, ent


def holding(token: Token, candidates) -> tuple[Mention, Span] | None:
    for mention, span in candidates:
        if span.start <= token.i < span.end:
            return mention, span
    return None


def sources_of(number: Span, context: Context) -> frozenset[int]:
    """Where the mentions that report the figure rather than own it start: "According to WIPO", "NBER found that"."""
    speaking = reporters(context.sentence)
    return frozenset(span.start for _, span in context.candidates if span.root.i in speaking and not overlaps(span, number))


_SOURCE_NOUNS = words("source-nouns")


def reporters(sentence: Span) -> frozenset[int]:
    """The tokens naming who reports: the object of 'according to', the subject of a verb that reports a clause,
    a person named with where they work ("Ryan M. Allen of Soka University examined ...").

    A verb reports a clause when 'that' opens one right after it ("NBER has found that", "Zuckerberg announced
    on January 24, 2025, that"); the words are read rather than the parse, which masked link syntax can break.

    Example: "China's guidance funds spent $16.7 billion a year, though the NBER study's method was broad. Meta chief executive Mark Zuckerberg said on January 27, 2025, that Meta expects to invest more than $60 billion. Ryan M. Allen at Soka University of America traced the education of 27 core contributors to DeepSeek papers."
    """
    known = _REPORTERS.setdefault(sentence.doc, {})
    bounds = (sentence.start, sentence.end)
    if bounds not in known:
        known[bounds] = frozenset(_reporting(sentence))
    return known[bounds]


# Per doc (dropped with it), per sentence: each figure of a sentence asks who reports in it.
_REPORTERS: WeakKeyDictionary[Doc, dict[tuple[int, int], frozenset[int]]] = WeakKeyDictionary()


def _reporting(sentence: Span) -> set[int]:
    """The tokens of :func:`reporters`, read anew."""
    found = set()
    for token in sentence:
        if token.lower_ == "according":
            found.update(t.i for t in token.subtree)
        if token.pos_ in ("VERB", "AUX") and _opens_clause(token, sentence):
            for child in token.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    found.update(_speakers(child))
        if token.dep_ in ("poss", "compound") and token.head.lemma_.lower() in _SOURCE_NOUNS:
            found.update(t.i for t in token.subtree)  # "the NBER study's method", "Stanford's AI Index": who counted
        if token.dep_ in ("nsubj", "nsubjpass") and token.ent_type_ == "PERSON" and any(
                child.dep_ == "prep" and child.lower_ in ("of", "at", "from") for child in token.children):
            found.update(_speakers(token))  # "Ryan M. Allen of Soka University examined ...": a researcher and where he works
    return found


def _opens_clause(verb: Token, sentence: Span) -> bool:
    words = [t for t in sentence.doc[verb.i + 1:min(sentence.end, verb.i + 14)] if not t.is_space and not t.is_punct][:8]
    for word in words:
        if word.lower_ == "that":
            return True
        if word.pos_ in ("VERB", "AUX"):
            return False
    return False


def _speakers(subject: Token) -> Iterator[int]:
    """The tokens of a reporting clause's subject, less its possessors ("SMIC's production shows that ...")."""
    yield subject.i
    for child in subject.children:
        if child.dep_ != "poss":
            yield from _speakers(child)


def overlaps(span: Span, number: Span) -> bool:
    return span.start < number.end and number.start < span.end
