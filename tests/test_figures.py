"""Every figure heuristic's example sentence, run through the real pipeline, yields the figures it promises."""

from __future__ import annotations

import inspect
import re

import pytest

from airace.extract import figure_context, figure_metrics, figure_numbers, figure_subjects, figures
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
    "reporters": {("Meta", 65e9, "USD", "2025-01"), ("China", 16.7e9, "USD", None)},
    "_referent": {("xAI", 1e6, "GPUs", None)},
    "_nearest": {("Tencent", 3000.0, "count", None)},
    "_paragraph": {("China", 184e9, "USD", None)},
    "_restates": {("China", 26.3, "percent", None), ("China", 12.8e9, "USD", None)},
    "period_of": {("United States", 8.2e9, "USD", "2021"), ("United States", 10.4e9, "USD", "2024")},
    "compared_with": {("China", 10.0, "times", None)},
    "_measures": set(),
    "_entity_of_gapped_clause": {("United States", 10000.0, "count", None), ("United Kingdom", 3000.0, "count", None)},
    "other_side": {("China", 2.4e6, "count", "2023"), ("United States", 1.7e6, "count", "2023")},
    "_by_change": {("Alibaba", 85.0, "percent", "2024-12")},
    "_comparative": {("ByteDance", 99.8, "percent", "2024-12")},
    "_noun_holding": {("China", 55.0, "percent", "2023"), ("China", 40.0, "percent", "2023"), ("China", 60.0, "percent", "2023")},
    "_part_of": {("China", 41.0, "count", "2024")},
    "_restated_object": {("China", 2.4e6, "count", "2023"), ("United States", 1.7e6, "count", "2023")},
}

# heuristic -> (subject, metric, value) its example must yield: the label a reader sees
METRICS = {
    "_possessor": {("TSMC", "process node", 7.0), ("Intel", "process node", 10.0)},
    "reporters": {("DeepSeek", "core contributors", 31.0)},
    "_nearest": {("Tencent", "engineers", 3000.0)},
    "_entity_of_gapped_clause": {("United Kingdom", "researchers", 3000.0)},
    "other_side": {("United States", "full-time researchers", 1.7e6)},
    "_by_change": {("Alibaba", "cut prices", 85.0)},
    "_comparative": {("ByteDance", "prices lower", 99.8)},
    "_noun_holding": {("China", "patent grant ratio", 55.0), ("China", "yield rates", 40.0), ("China", "share in engineering", 60.0)},
    "_part_of": {("China", "top 100 most-cited AI papers", 41.0)},
    "_restated_object": {("China", "full-time employee researchers", 2.4e6)},
}

# heuristic -> (subject, comparedWith) pairs its example must yield
COMPARED = {
    "_ratios": {("DeepSeek-R1", "o1")},
    "_lags": {("China", "United States")},
    "_duration_after": {("Semiconductor Manufacturing International Corporation", "TSMC")},
    "compared_with": {("China", "United States")},
}

MODULES = [figures, figure_numbers, figure_context, figure_subjects, figure_metrics]
HEURISTICS = [function for module in MODULES for _, function in inspect.getmembers(module, inspect.isfunction)
              if function.__module__ == module.__name__ and re.search(r'Example: "', function.__doc__ or "")]


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
    text = "In 2019, 59% of top AI researchers worked in the US, compared with 11% in China. But by 2022 those figures were 42% and 28%."
    assert {row[1] for row in as_rows(figures_of(nlp, text))} == {59.0, 11.0}


def test_ordinal_that_orders_events_is_no_rank(nlp):
    found = figures_of(nlp, "The project was first announced by China in 2021, and Huawei built the second phase.")
    assert [figure for figure in found if figure.unit == "rank"] == []


def test_rank_metric_names_the_superlative(nlp):
    found = figures_of(nlp, "Spending reached $7.3 billion in 2024, making Huawei the fourth-largest spender on equipment.")
    ranks = [(figure.subject.label, figure.value, figure.metric) for figure in found if figure.unit == "rank"]
    assert ranks == [("Huawei", 4.0, "rank as largest spender")]


def test_a_range_gives_no_value(nlp):
    found = figures_of(nlp, "DeepSeek-V3 uses multi-head latent attention, which reduces memory usage by 5% to 13% for LLMs.")
    assert found == []


def test_page_and_figure_numbers_of_a_citation_are_not_figures(nlp):
    text = "Wang Wei, AI in China (Shanghai Jiao Tong University Press and Springer, 2024), 397, 405, 407 (Figures 7, 14, 17)."
    assert figures_of(nlp, text) == []


def test_the_figure_after_versus_with_no_named_other_side_is_dropped(nlp):
    text = "True, the US maintains a strong lead in the top 100 most cited publications (50 versus 34 in 2023)."
    assert 34.0 not in {figure.value for figure in figures_of(nlp, text)}


def test_a_bare_count_takes_the_metric_of_the_figure_it_parallels(nlp):
    found = figures_of(nlp, "In 2025, the United States produced 50 major AI models, compared to 30 from China.")
    labels = {(figure.subject.label, figure.metric, figure.value) for figure in found}
    assert labels == {("United States", "major AI models", 50.0), ("China", "major AI models", 30.0)}


def test_a_count_with_no_metric_anywhere_is_dropped(nlp):
    found = figures_of(nlp, "Moreover, Allen found that, among advisors to the DeepSeek team, only four had studied in the US.")
    assert [figure for figure in found if figure.value == 4.0] == []


def test_a_bar_each_member_clears_is_no_total(nlp):
    assert figures_of(nlp, "In 2024, 156 institutions in China published more than 50 AI papers each.") == [
        figure for figure in figures_of(nlp, "In 2024, 156 institutions in China published more than 50 AI papers each.")
        if figure.value == 156.0]


def test_an_example_named_after_the_figure_does_not_own_it(nlp):
    assert figures_of(nlp, "Over thirty companies have signed on to the project, including China Mobile, China Telecom and Huawei.") == []


def test_a_chip_counted_by_name_is_labelled_as_chips(nlp):
    found = figures_of(nlp, "According to SemiAnalysis, DeepSeek has access to an estimated 10,000 H800s.")
    assert {(figure.subject.label, figure.metric, figure.value) for figure in found} == {("DeepSeek", "H800 chips", 10000.0)}


def test_a_scale_letter_and_a_fold_are_read(nlp):
    found = figures_of(nlp, "Alibaba Cloud built a network interconnecting 15K GPUs. SiliconFlow saw a thirty-fold increase in traffic.")
    rows = {(figure.metric, figure.value, figure.unit) for figure in found}
    assert rows == {("GPUs", 15000.0, "GPUs"), ("increase in traffic", 30.0, "times")}


def test_a_ratio_is_compared_with_its_own_kind(nlp):
    figures = figures_of(nlp, "Increasingly frequent (4.03x) cross-sector collaboration among Chinese institutions participating in NeurIPS since 2021 is likely.")
    assert all(figure.compared_with is None or figure.compared_with.kind == "Country" for figure in figures)
