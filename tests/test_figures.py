"""Every figure heuristic's example sentence, run through the real pipeline, yields the figures it promises."""

from __future__ import annotations

import inspect
import re

import pytest

from airace.extract import figures
from airace.extract.entities import resolve
from airace.extract.figures import figures_in, parse_period

# heuristic -> figures its example must yield, as (subject label, value, unit, period)
EXPECTED = {
    "figures_in": {("China", 74.2, "percent", "2024"), ("China", 97206.0, "count", "2024")},
    "_unlabelled_amounts": {("China Integrated Circuit Industry Investment Fund", 204e9, "RMB", "2019"),
                            ("China Integrated Circuit Industry Investment Fund", 28e9, "USD", "2019")},
    "_ratios": {("DeepSeek-R1", 27.0, "times", None)},
    "_ranks": {("China", 4.0, "rank", "2016")},
    "_lags": {("China", 5.0, "years", None)},
    "_duration_after": {("Semiconductor Manufacturing International Corporation", 5.5, "years", "2024")},
    "_model_priced_per_token": {("Qwen-VL-Max", 0.41, "USD per million tokens", "2024-12")},
    "_nationality_of_counted": {("China", 370000.0, "count", "2019")},
    "_possessor": {("China", 39000.0, "count", None), ("United States", 78000.0, "count", None)},
    "_entity_after_preposition": {("China", 2152.0, "count", None), ("United States", 1810.0, "count", None)},
    "_entity_before_parenthesis": {("South Korea", 244.0, "rank", None), ("Germany", 210.0, "rank", None)},
    "_entity_sized_by_amount": {("China Integrated Circuit Industry Investment Fund", 139e9, "RMB", "2014"),
                                ("China Integrated Circuit Industry Investment Fund", 21e9, "USD", "2014")},
    "_clause_subject": {("China", 17.8, "percent", "2024")},
    "_named_in_phrase": {("Andreessen Horowitz", 80.0, "percent", None)},
    "_predicate_country": {("China", 13.0, "count", None), ("United States", 4.0, "count", None)},
    "_reporters": {("Meta", 65e9, "USD", "2025-01")},
    "_referent": {("xAI", 1e6, "GPUs", None)},
    "_nearest": {("Tencent", 3000.0, "count", None)},
    "_paragraph": {("China", 184e9, "USD", None)},
    "_restates": {("China", 26.3, "percent", None), ("China", 12.8e9, "USD", None)},
    "_period": {("United States", 8.2e9, "USD", "2021"), ("United States", 10.4e9, "USD", "2024")},
    "_compared_with": {("China", 10.0, "times", None)},
    "_measures": set(),
}

# heuristic -> (subject, comparedWith) pairs its example must yield
COMPARED = {
    "_ratios": {("DeepSeek-R1", "o1")},
    "_lags": {("China", "United States")},
    "_duration_after": {("Semiconductor Manufacturing International Corporation", "TSMC")},
    "_compared_with": {("China", "United States")},
}

HEURISTICS = [function for name, function in inspect.getmembers(figures, inspect.isfunction)
              if re.search(r'Example: "', function.__doc__ or "")]


def example_of(function) -> str:
    match = re.search(r'Example: "(.+?)"\n', function.__doc__, re.DOTALL)
    return re.sub(r"\s+", " ", match.group(1))


def figures_of(nlp, text):
    """Every figure of a paragraph, read sentence by sentence as the build reads it."""
    found_figures, carried = [], None
    for sentence in nlp(text).sents:
        found = [(mention, ent) for ent in sentence.ents if (mention := resolve(ent)) is not None]
        found_figures.extend(figures_in(sentence, found, carried_period=carried))
        periods = [parse_period(ent.text) for ent in sentence.ents if ent.label_ == "DATE" and parse_period(ent.text)]
        carried = periods[-1] if periods else carried
    return found_figures


def as_rows(found):
    return {(figure.subject.label or figure.subject.surface, round(figure.value, 4), figure.unit, figure.period)
            for figure in found}


def test_every_heuristic_has_an_expectation():
    assert {function.__name__ for function in HEURISTICS} == set(EXPECTED)


@pytest.mark.parametrize("function", HEURISTICS, ids=lambda function: function.__name__)
def test_heuristic_example_yields_its_figures(function, nlp):
    found = figures_of(nlp, example_of(function))
    expected = {(subject, round(value, 4), unit, period) for subject, value, unit, period in EXPECTED[function.__name__]}
    assert expected <= as_rows(found), as_rows(found)
    pairs = {(figure.subject.label, figure.compared_with.label) for figure in found if figure.compared_with}
    assert COMPARED.get(function.__name__, set()) <= pairs, pairs


def test_years_names_modifiers_and_anaphors_are_not_figures(nlp):
    assert figures_of(nlp, example_of(figures._measures)) == []


def test_a_source_is_never_the_subject(nlp):
    found = figures_of(nlp, "According to WIPO, China filed 38,000 generative AI patents in 2023.")
    assert as_rows(found) == {("China", 38000.0, "count", "2023")}


def test_a_span_of_years_written_after_a_figure_leaves_it_without_period(nlp):
    found = figures_of(nlp, "In 2014, Huawei announced it had spent $4.85 billion between 2014 and 2018.")
    assert as_rows(found) == {("Huawei", 4.85e9, "USD", None)}


def test_the_bound_of_a_span_is_not_the_period(nlp):
    found = figures_of(nlp, "In May 2024, the fund, which will run until May 2039, committed 344 billion RMB to Huawei.")
    assert {figure.period for figure in found} == {"2024-05"}


def test_a_sentence_after_two_names_takes_neither(nlp):
    text = "In 2019, 59% of top AI researchers worked in the US, compared with 11% in China. But by 2022 those figures were 42% and 28%."
    assert {row[1] for row in as_rows(figures_of(nlp, text))} == {59.0, 11.0}


def test_ordinal_that_orders_events_is_no_rank(nlp):
    found = figures_of(nlp, "The project was first announced by China in 2021, and Huawei built the second phase.")
    assert [figure for figure in found if figure.unit == "rank"] == []


def test_rank_metric_names_the_superlative(nlp):
    found = figures_of(nlp, "Spending reached $7.3 billion in 2024, making Huawei the fourth-largest spender on equipment.")
    ranks = [(figure.subject.label, figure.value, figure.metric) for figure in found if figure.unit == "rank"]
    assert ranks == [("Huawei", 4.0, "rank as largest spender")]
