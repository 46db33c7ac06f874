"""Figures in prose: each percentage, count, amount of money, ratio, rank or lag becomes a Measurement.

:func:`figures_in` reads one sentence; the parts of a figure are read by small modules:

- :mod:`.figure_numbers` finds the numbers that measure something and parses them;
- :mod:`.figure_subjects` says what each is about (its subject rules, looking at the
  sentence's :class:`~.context.Context`) and what it is compared with;
- :mod:`.figure_metrics` reads its metric label and its period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from .context import Context
from .figure_metrics import metric_of, period_of
from .figure_numbers import Quantity, parse_number, parse_period, quantities
from .figure_subjects import Previous, compared_with, subject_of
from .mentions import Mention

__all__ = ["Figure", "figures_in", "parse_number", "parse_period"]


@dataclass(frozen=True)
class Figure:
    subject: Mention
    metric: str
    value: float
    unit: str
    period: str | None
    compared_with: Mention | None
    quote: str
    rule: str  # the id of the rule that chose its subject, or of the table rule that read it
    model: Mention | None = None  # the model behind a country's score ("1289 (gpt-4o, OpenAI)")
    metric_rule: str = ""  # the id of the rule that read its metric from prose


def figures_in(context: Context, *, carried_period: str | None) -> Iterator[Figure]:
    """The figures in one sentence (see the module's docstring for how each part is read).

    Example: "In 2022, China was responsible for 68.5% of all AI patents worldwide, and so held 88,412 out of 129,070 patents overall."
    """
    sentence = context.sentence
    measured = quantities(sentence)
    if not measured:
        return
    previous: Previous | None = None
    stated: dict[str, tuple[str, str]] = {}  # per kind of unit, the last metric and unit the sentence's words stated
    for quantity in measured:
        following = sentence.doc[quantity.span.end:min(sentence.end, quantity.span.end + 6)].text
        if quantity.unit == "USD" and re.match(r"\s*per million (?:\w+ )*tokens", following):
            quantity = Quantity(quantity.span, quantity.value, "USD per million tokens", quantity.kind)
        subject, rule_id = subject_of(quantity, context, previous)
        if subject is None:
            continue
        (metric, metric_rule), unit = metric_of(quantity, sentence), quantity.unit
        if metric is None:
            # "compared to 30 from China", "the UK had 19": the words of an earlier figure say what it counts
            if _kind_of(unit) not in stated:
                continue
            metric, unit, metric_rule = stated[_kind_of(unit)]
        else:
            stated[_kind_of(unit)] = (metric, unit, metric_rule)
        previous = (quantity, subject, rule_id)
        yield Figure(subject, metric, quantity.value, unit,
                     period_of(quantity, sentence, carried_period), compared_with(quantity, subject, context),
                     quantity.span.text.strip(), rule_id, metric_rule=metric_rule)


def _kind_of(unit: str) -> str:
    """Counts of things share a kind whatever they count ("200,000 chips ... 300,000"); other units are their own."""
    return "count" if unit in ("count", "chips", "servers", "racks", "GPUs") else unit
