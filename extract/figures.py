"""Figures in prose: each percentage, count, amount of money or ratio becomes a Measurement.

A figure's subject is the entity the sentence ties it to: the one right after
it ("1,810 in the United States", "13% from the US"), else the subject of its
clause ("China accounted for 74.2%"), else the nearest one before it. Its
period is the nearest year or month in the sentence, else the last one the
paragraph named. Its metric is read from the words around it.

>>> parse_number("97,206"), parse_number("14.31 million"), parse_number("$593 billion")
(97206.0, 14310000.0, 593000000000.0)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from spacy.tokens import Span

from .entities import Mention

__all__ = ["Figure", "figures_in", "parse_number", "parse_period"]

_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100,
          "double": 2, "twice": 2, "triple": 3, "half": 0.5}
_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"], start=1)}

SUBJECT_KINDS = {"Country", "Organisation", "Company", "University", "ResearchInstitute", "GovernmentBody",
                 "AIModel", "Chip", "DataCentre"}


@dataclass(frozen=True)
class Figure:
    subject: Mention
    metric: str
    value: float
    unit: str
    period: str | None
    compared_with: Mention | None
    quote: str
    rule: str


def parse_number(text: str) -> float | None:
    """The number a figure's text states, scales applied."""
    lowered = text.lower().replace(",", "")
    match = re.search(r"\d+(?:\.\d+)?", lowered)
    if match:
        value = float(match.group())
    else:
        words = [_WORDS[word] for word in re.findall(r"[a-z]+", lowered) if word in _WORDS]
        if not words:
            return None
        value = float(words[0])
    scale = re.search(r"\b(thousand|million|billion|trillion|bn)\b", lowered)
    return value * _SCALE[scale.group(1)] if scale else value


def parse_period(text: str) -> str | None:
    """A year or year-month from a date expression: 'March 2025' → '2025-03'.

    >>> parse_period("in March 2025"), parse_period("2024-01"), parse_period("2023"), parse_period("last year")
    ('2025-03', '2024-01', '2023', None)
    """
    iso = re.search(r"\b(19[5-9]\d|20\d\d)-(0[1-9]|1[0-2])\b", text)
    if iso:
        return f"{iso.group(1)}-{iso.group(2)}"
    year = re.search(r"\b(19[5-9]\d|20\d\d)\b", text)
    if not year:
        return None
    month = re.search(r"\b(" + "|".join(_MONTHS) + r")\b", text.lower())
    if month:
        return f"{year.group(1)}-{_MONTHS[month.group(1)]:02d}"
    return year.group(1)


def _unit(label: str, text: str, after: str) -> str:
    lowered = text.lower()
    if label == "PERCENT" or "%" in text or "percent" in lowered:
        return "percent"
    if label == "MONEY" or "$" in text:
        if re.search(r"yuan|rmb|¥", lowered + " " + after.lower()[:10]):
            return "RMB"
        return "USD"
    if re.match(r"\s*(?:x\b|×|times\b)", after.lower()) or re.search(r"\d(?:x|×)$", lowered):
        return "times"
    word = re.match(r"\s*([a-z]+)", after.lower())
    if word and word.group(1) in ("servers", "racks", "months", "nm", "elo"):
        return {"elo": "Elo"}.get(word.group(1), word.group(1))
    return "count"


def _metric(sentence: Span, number: Span, unit: str) -> str:
    doc = sentence.doc
    after = doc[number.end:min(sentence.end, number.end + 8)]
    words = []
    skip_of = unit == "percent"
    for token in after:
        if token.is_punct or token.pos_ in ("VERB", "AUX", "CCONJ", "SCONJ", "PRON") or (token.pos_ == "ADP" and token.lower_ != "of"):
            break
        if token.lower_ == "of" and not skip_of and words:
            break
        if token.lower_ in ("the", "a", "an", "all", "its", "their", "of") and not words:
            continue
        if token.ent_type_ in ("GPE", "NORP", "DATE") or token.like_num:
            break
        words.append(token.text)
    phrase = " ".join(words).strip()
    if unit == "percent":
        return f"share of {phrase}" if phrase else "share"
    if not phrase:
        head = number.root.head
        if head.pos_ in ("NOUN",):
            phrase = head.lemma_
    return phrase or {"USD": "amount in USD", "RMB": "amount in RMB", "times": "ratio"}.get(unit, "count")


def figures_in(sentence: Span, found: list[tuple[Mention, Span]], *, carried_period: str | None) -> Iterator[Figure]:
    """The figures in one sentence (see the module's docstring for how each part is read).

    Example: "In 2024, China accounted for 74.2% of global AI patents, amounting to 97,206."
    """
    subjects = [(m, span) for m, span in found if m.kind in SUBJECT_KINDS]
    if not subjects:
        return
    dates = [ent for ent in sentence.ents if ent.label_ == "DATE" and parse_period(ent.text)]
    for ent in sentence.ents:
        if ent.label_ not in ("PERCENT", "MONEY", "CARDINAL", "QUANTITY"):
            continue
        text = ent.text
        if re.fullmatch(r"(?:19|20)\d\d", text.strip()) or not re.search(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|double|twice)\b", text.lower()):
            continue
        value = parse_number(text)
        if value is None:
            continue
        after_text = sentence.doc[ent.end:min(sentence.end, ent.end + 3)].text
        before_token = sentence.doc[ent.start - 1] if ent.start > sentence.start else None
        if before_token is not None and before_token.lower_ in ("top", "table", "figure", "phase", "no.", "number"):
            continue
        unit = _unit(ent.label_, text, after_text)
        if unit == "count" and ent.label_ == "CARDINAL" and value < 2 and "." not in text:
            continue
        subject, compared = _subject(sentence, ent, subjects, unit)
        if subject is None:
            continue
        period = None
        if dates:
            nearest = min(dates, key=lambda date: abs(date.start - ent.start))
            period = parse_period(nearest.text)
        period = period or carried_period
        yield Figure(subject, _metric(sentence, ent, unit), value, unit, period, compared, text.strip(), f"figure_{unit.replace(' ', '_').lower()}")


def _subject(sentence: Span, number: Span, subjects: list[tuple[Mention, Span]], unit: str):
    doc = sentence.doc
    # "1,810 in the United States", "20.9% from Europe": an entity tied to the figure by a preposition.
    window = doc[number.end:min(sentence.end, number.end + 7)]
    for token in window:
        if token.pos_ in ("VERB", "AUX") or token.text in (",", ";"):
            break
        if token.lower_ in ("in", "from", "for", "by", "at") and token.i + 1 < sentence.end:
            for mention, span in subjects:
                if token.i < span.start <= token.i + 2 and mention.kind == "Country":
                    return mention, None
    compared = None
    if unit == "times":
        for mention, span in subjects:
            if span.start > number.end and "than" in doc[number.end:span.start].text.split() or (
                    span.start > number.end and re.search(r"\b(?:than|the size of|that of)\b", doc[number.end:span.start].text)):
                compared = mention
                break
    # The subject of the clause that holds the figure.
    head = number.root
    while head.head != head and head.pos_ not in ("VERB", "AUX"):
        head = head.head
    for child in head.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            indices = {token.i for token in child.subtree}
            for mention, span in subjects:
                if span.root.i in indices and mention is not compared:
                    return mention, compared
    before = [(m, span) for m, span in subjects if span.end <= number.start and m is not compared]
    if before:
        return before[-1][0], compared
    after = [(m, span) for m, span in subjects if span.start >= number.end and m is not compared]
    return (after[0][0], compared) if after else (None, None)
