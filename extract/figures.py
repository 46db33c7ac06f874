"""Figures in prose: each percentage, count, amount of money, ratio, rank or lag becomes a Measurement.

:func:`figures_in` reads one sentence; the parts of a figure are read by small modules:

- :mod:`.figure_numbers` finds the numbers that measure something and parses them;
- :mod:`.figure_subjects` says what each is about (the rules of ``SUBJECT_RULES``,
  looking at what :mod:`.figure_context` gathers) and what it is compared with;
- :mod:`.figure_metrics` reads its metric label and its period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from spacy.tokens import Span

from .figure_context import read_context
from .figure_metrics import metric_of, period_of
from .figure_numbers import Quantity, parse_number, parse_period, quantities
from .figure_subjects import SUBJECT_RULES, compared_with, other_side, subject_of
from .mentions import Mention

__all__ = ["Figure", "figures_in", "parse_number", "parse_period", "SUBJECT_RULES"]


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
    model: Mention | None = None  # the model behind a country's score ("1289 (gpt-4o, OpenAI)")


def figures_in(sentence: Span, found: list[tuple[Mention, Span]], *, carried_period: str | None) -> Iterator[Figure]:
    """The figures in one sentence (see the module's docstring for how each part is read).

    Example: "In 2022, China was responsible for 68.5% of all AI patents worldwide, and so held 88,412 out of 129,070 patents overall."
    """
    measured = quantities(sentence)
    if not measured:
        return  # a sentence without figures needs no context read
    context = read_context(sentence, found)
    previous: tuple[Quantity, Mention, str] | None = None
    stated: dict[str, tuple[str, str]] = {}  # per kind of unit, the last metric and unit the sentence's words stated
    for quantity in measured:
        following = sentence.doc[quantity.span.end:min(sentence.end, quantity.span.end + 6)].text
        if quantity.unit == "USD" and re.match(r"\s*per million (?:\w+ )*tokens", following):
            quantity = Quantity(quantity.span, quantity.value, "USD per million tokens", quantity.kind)
        if previous is not None and _restates(quantity, previous[0]):
            subject, rule_name = previous[1], previous[2]
        elif previous is not None and _after_versus(quantity):
            subject, rule_name = other_side(previous[1], context), "_other_side_of_versus"
        else:
            subject, rule_name = subject_of(quantity, context)
        if subject is None:
            continue
        metric, unit = metric_of(quantity, sentence), quantity.unit
        if metric is None:
            # "compared to 30 from China", "the UK had 19": the words of an earlier figure say what it counts
            if _kind_of(unit) not in stated:
                continue
            metric, unit = stated[_kind_of(unit)]
        else:
            stated[_kind_of(unit)] = (metric, unit)
        previous = (quantity, subject, rule_name)
        yield Figure(subject, metric, quantity.value, unit,
                     period_of(quantity, sentence, carried_period), compared_with(quantity, subject, context),
                     quantity.span.text.strip(), f"figure_{unit.replace(' ', '_').lower()}{rule_name}")


def _kind_of(unit: str) -> str:
    """Counts of things share a kind whatever they count ("200,000 chips ... 300,000"); other units are their own."""
    return "count" if unit in ("count", "chips", "servers", "racks", "GPUs") else unit


def _after_versus(quantity: Quantity) -> bool:
    """A figure after "versus" belongs to the other side of the comparison ("2.4 million versus 1.7 million")."""
    doc = quantity.span.doc
    start = quantity.span.start
    return start > 0 and doc[start - 1].lower_ in ("versus", "vs", "vs.")


def _restates(quantity: Quantity, previous: Quantity) -> bool:
    """A figure restated in parentheses has the subject of the figure it restates.

    Example: "Chinese entities received 26.3% (approximately $12.8 billion) of the Big Fund, with SMIC among them."
    """
    doc = quantity.span.doc
    between = [token for token in doc[previous.span.end:quantity.span.start]]
    return bool(between) and between[0].text == "(" and all(
        token.text == "(" or token.lower_ in ("approximately", "about", "around", "roughly", "~", "or", "nearly") for token in between)
