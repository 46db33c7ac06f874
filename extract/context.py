"""One sentence as every rule sees it: its entities, what the paragraph named before, who reports.

:func:`read_sentence` makes the one :class:`Context` of a sentence; the document's
reader hands the same object to every relation rule and every figure rule, so no
rule resolves a name or finds a sentence's speakers again.

A source is a name that reports a figure rather than owns it: the object of
"according to", or the subject of a verb that reports a clause ("NBER found
that ..."). Figure rules skip sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from spacy.tokens import Span, Token

from .entities import country_of_adjective
from .kinds import SUBJECT_KINDS
from .lexicon import words
from .mentions import Mention, known
from .reference import lookup

__all__ = ["Found", "Context", "read_sentence", "holding", "overlaps", "reporters"]

Found = tuple[Mention, Span]


@dataclass(frozen=True)
class Context:
    """One sentence and what the rules may read about it."""

    sentence: Span
    text: str  # the sentence's text, as in the doc (offsets relative to ``sentence.start_char``)
    found: tuple[Found, ...]  # the sentence's entities, resolved, in order
    candidates: tuple[Found, ...]  # what a figure may be about: entities of subject classes, and nationalities
    earlier: tuple[Found, ...]  # what the paragraph named before the sentence, of subject classes
    paragraph: tuple[Found, ...]  # every entity of the paragraph, resolved, in order
    reporting: frozenset[int]  # tokens naming who reports, in this sentence and those before it
    speaking: frozenset[int]  # those of this sentence
    offset: int  # where the sentence's paragraph starts in the article
    date: str | None  # the document's date (ISO), for times said relative to it

    def chars(self, start: int, end: int) -> str:
        """The doc's text between two character offsets of the doc, within the sentence."""
        base = self.sentence.start_char
        return self.text[max(0, start - base):max(0, end - base)]

    def sources(self, number: Span) -> frozenset[int]:
        """Where the mentions that report a figure rather than own it start: "According to WIPO", "NBER found that"."""
        return frozenset(span.start for _, span in self.candidates if span.root.i in self.speaking and not overlaps(span, number))

    def reports(self, span: Span) -> bool:
        """Whether a name of this or an earlier sentence is a source."""
        return span.root.i in self.reporting


def read_sentence(sentence: Span, text: str, found: list[Found], named: list[Found], *, offset: int,
                  reported: frozenset[int], date: str | None) -> Context:
    """The context of ``sentence`` (its ``text``), given its entities, every entity of its doc (``named``,
    resolved, in order), the reporting tokens of the sentences before it, and the document's date."""
    candidates = [(mention, span) for mention, span in found if mention.kind in SUBJECT_KINDS]
    candidates += [pair for token in sentence if (pair := _nationality(token, offset))]
    earlier = [(mention, span) for mention, span in _before(named, sentence.start) if mention.kind in SUBJECT_KINDS]
    speaking = reporters(sentence)
    return Context(sentence, text, tuple(found), tuple(sorted(candidates, key=lambda pair: pair[1].start)),
                   tuple(earlier), tuple(named), reported | speaking, speaking, offset, date)


def _before(named: list[Found], start: int) -> Iterator[Found]:
    for mention, span in named:
        if span.end > start:
            return
        yield mention, span


def _nationality(token: Token, offset: int) -> Found | None:
    country = country_of_adjective(token.text) if token.ent_type_ == "NORP" else None
    reference = lookup(country) if country else None
    if reference is None:
        return None
    start = offset + token.idx
    return known(reference, reference.name, start, start + len(token)), token.doc[token.i:token.i + 1]


def holding(token: Token, candidates) -> Found | None:
    """The entity whose span holds the token."""
    for mention, span in candidates:
        if span.start <= token.i < span.end:
            return mention, span
    return None


def overlaps(span: Span, number: Span) -> bool:
    return span.start < number.end and number.start < span.end


_SOURCE_NOUNS = words("source-nouns")


def reporters(sentence: Span) -> frozenset[int]:
    """The tokens naming who reports: the object of 'according to', the subject of a verb that reports a clause,
    a person named with where they work ("Ryan M. Allen of Soka University examined ...").

    A verb reports a clause when 'that' opens one right after it ("NBER has found that", "Zuckerberg announced
    on January 24, 2025, that"); the words are read rather than the parse, which masked link syntax can break.

    Example: "China's guidance funds spent $16.7 billion a year, though the NBER study's method was broad. Meta chief executive Mark Zuckerberg said on January 27, 2025, that Meta expects to invest more than $60 billion. Ryan M. Allen at Soka University of America traced the education of 27 core contributors to DeepSeek papers."
    """
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
    return frozenset(found)


def _opens_clause(verb: Token, sentence: Span) -> bool:
    words_after = [t for t in sentence.doc[verb.i + 1:min(sentence.end, verb.i + 14)] if not t.is_space and not t.is_punct][:8]
    for word in words_after:
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
