"""Every figure heuristic's example sentence, run through the real pipeline, yields the figures it promises."""

from __future__ import annotations

import inspect
import re

import pytest
from airace.extract import (
    context,
    figure_metrics,
    figure_numbers,
    figure_subjects,
    figures,
)
from airace.extract.document import extract
from airace.extract.reader import parse_article

# heuristic -> figures its example must yield, as (subject label, value, unit, period)
EXPECTED = {
    "figures_in": {("China", 68.5, "percent", "2022"), ("China", 88412.0, "count", "2022")},
    "_unlabelled_amounts": {("China Integrated Circuit Industry Investment Fund", 187e9, "RMB", "2020"),
                            ("China Integrated Circuit Industry Investment Fund", 26e9, "USD", "2020")},
    "_ratios": {("DeepSeek-R1", 19.0, "times", None)},
    "_ranks": {("China", 3.0, "rank", "2018")},
    "_lags": {("China", 4.0, "years", None)},
    "_duration_after": {("Semiconductor Manufacturing International Corporation", 5.5, "years", "2024")},
    "_named_in_phrase": {("Andreessen Horowitz", 80.0, "percent", None)},
    "_predicate_country": {("China", 11.0, "count", None), ("United States", 3.0, "count", None)},
    "reporters": {("Meta", 60e9, "USD", "2025-01"), ("China", 16.7e9, "USD", None)},
    "_referent": {("xAI", 1e6, "GPUs", None)},
    "period_of": {("United States", 7.6e9, "USD", "2020"), ("United States", 11.1e9, "USD", "2023")},
    "compared_with": {("China", 8.0, "times", None)},
    "_measures": set(),
    "other_side": {("China", 2.6e6, "count", "2022"), ("United States", 1.9e6, "count", "2022")},
    "_by_change": {("Alibaba", 72.0, "percent", "2024-11")},
    "_comparative": {("ByteDance", 97.5, "percent", "2024-05")},
    "_noun_holding": {("China", 55.0, "percent", "2023"), ("China", 40.0, "percent", "2023"), ("China", 60.0, "percent", "2023")},
    "_part_of": {("China", 38.0, "count", "2023")},
    "_restated_object": {("China", 2.6e6, "count", "2022"), ("United States", 1.9e6, "count", "2022")},
}

# heuristic -> (subject, metric, value) its example must yield: the label a reader sees
METRICS = {
    "reporters": {("DeepSeek", "core contributors", 27.0)},
    "other_side": {("United States", "full-time researchers", 1.9e6)},
    "_by_change": {("Alibaba", "lower rates", 72.0)},
    "_comparative": {("ByteDance", "prices lower", 97.5)},
    "_noun_holding": {("China", "patent grant ratio", 55.0), ("China", "yield rates", 40.0), ("China", "share in engineering", 60.0)},
    "_part_of": {("China", "top 100 most-cited AI publications", 38.0)},
    "_restated_object": {("China", "full-time research staff", 2.6e6)},
}

# heuristic -> (subject, comparedWith) pairs its example must yield
COMPARED = {
    "_ratios": {("DeepSeek-R1", "o1")},
    "_lags": {("China", "United States")},
    "_duration_after": {("Semiconductor Manufacturing International Corporation", "TSMC")},
    "compared_with": {("China", "United States")},
}

MODULES = [figures, figure_numbers, context, figure_subjects, figure_metrics]
HEURISTICS = [function for module in MODULES for _, function in inspect.getmembers(module, inspect.isfunction)
              if function.__module__ == module.__name__ and re.search(r'Example: "', function.__doc__ or "")]


def example_of(function) -> str:
    match = re.search(r'Example: "(.+?)"\n', function.__doc__, re.DOTALL)
    return re.sub(r"\s+", " ", match.group(1))


def figures_of(nlp, text):
    """Every figure of a paragraph, read as the build reads it."""
    return [figure for figure, _ in extract(parse_article(text, name="figures.txt"), nlp).figures]


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
    labels = {(figure.subject.label, figure.metric, round(figure.value, 4)) for figure in found}
    assert METRICS.get(function.__name__, set()) <= labels, labels


def test_years_names_modifiers_and_anaphors_are_not_figures(nlp):
    assert figures_of(nlp, example_of(figure_numbers._measures)) == []


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
    text = "In 2018, 61% of elite AI researchers were based in the US, against 9% in China. By 2023, though, those shares stood at 45% and 26%."
    assert {row[1] for row in as_rows(figures_of(nlp, text))} == {61.0, 9.0}


def test_ordinal_that_orders_events_is_no_rank(nlp):
    found = figures_of(nlp, "The project was first announced by China in 2021, and Huawei built the second phase.")
    assert [figure for figure in found if figure.unit == "rank"] == []


def test_rank_metric_names_the_superlative(nlp):
    found = figures_of(nlp, "Outlays hit $6.8 billion in 2023, which made Huawei the third-largest buyer of equipment.")
    ranks = [(figure.subject.label, figure.value, figure.metric) for figure in found if figure.unit == "rank"]
    assert ranks == [("Huawei", 3.0, "rank as largest buyer")]


def test_a_range_gives_no_value(nlp):
    found = figures_of(nlp, "DeepSeek-V3 relies on multi-head latent attention, cutting memory needs by 6% to 15% in large models.")
    assert found == []


def test_page_and_figure_numbers_of_a_citation_are_not_figures(nlp):
    text = "Li Na, Computing in China (Peking University Press, 2023), 212, 219, 230 (Figures 3, 9, 12)."
    assert figures_of(nlp, text) == []


def test_the_figure_after_versus_with_no_named_other_side_is_dropped(nlp):
    text = "The US still holds 48 of the top 100 most cited papers, versus 36 in 2022."
    found = {(figure.subject.label, figure.value) for figure in figures_of(nlp, text)}
    assert ("United States", 48.0) in found  # the sentence is read ...
    assert 36.0 not in {value for _, value in found}  # ... but the unnamed other side's figure is not


def test_a_bare_count_takes_the_metric_of_the_figure_it_parallels(nlp):
    found = figures_of(nlp, "In 2024, the United States released 44 notable AI models, compared to 27 from China.")
    labels = {(figure.subject.label, figure.metric, figure.value) for figure in found}
    assert labels == {("United States", "notable AI models", 44.0), ("China", "notable AI models", 27.0)}


def test_a_count_with_no_metric_anywhere_is_dropped(nlp):
    found = figures_of(nlp, "Moreover, Allen found that, among advisors to the DeepSeek team, only four had studied in the US.")
    assert [figure for figure in found if figure.value == 4.0] == []


def test_a_bar_each_member_clears_is_no_total(nlp):
    assert figures_of(nlp, "In 2023, 142 universities in China released over 60 AI papers each.") == [
        figure for figure in figures_of(nlp, "In 2023, 142 universities in China released over 60 AI papers each.")
        if figure.value == 142.0]


def test_an_example_named_after_the_figure_does_not_own_it(nlp):
    assert figures_of(nlp, "More than forty firms have joined the initiative, including China Mobile, China Telecom and Huawei.") == []


def test_a_chip_counted_by_name_is_labelled_as_chips(nlp):
    found = figures_of(nlp, "According to SemiAnalysis, DeepSeek reportedly operates some 12,000 H800s.")
    assert {(figure.subject.label, figure.metric, figure.value) for figure in found} == {("DeepSeek", "H800 chips", 12000.0)}


def test_a_scale_letter_and_a_fold_are_read(nlp):
    found = figures_of(nlp, "Alibaba Cloud built a network interconnecting 15K GPUs. SiliconFlow saw a thirty-fold increase in traffic.")
    rows = {(figure.metric, figure.value, figure.unit) for figure in found}
    assert rows == {("GPUs", 15000.0, "GPUs"), ("increase in traffic", 30.0, "times")}


def test_a_ratio_is_compared_with_its_own_kind(nlp):
    figures = figures_of(nlp, "Steadily rising (3.6x) cross-sector teamwork among Chinese organisations attending NeurIPS since 2020 looks set to continue.")
    assert all(figure.compared_with is None or figure.compared_with.kind == "Country" for figure in figures)
