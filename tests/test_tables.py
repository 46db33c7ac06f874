"""Tables read by their headers, through the real pipeline: categories, countries, ranks and noted comparisons."""

from __future__ import annotations

from airace.extract.document import extract
from airace.extract.reader import parse_article


def figures_of(nlp, text):
    extraction = extract(parse_article(text, name="table.txt"), nlp)
    return {(figure.subject.label or figure.subject.surface, figure.metric, figure.value, figure.unit, figure.period,
             figure.compared_with.label if figure.compared_with else None)
            for figure, _ in extraction.figures}, extraction


STEM = """STEM degrees by level.

STEM Degree Level (2019)\tUS\tChina
Bachelor's\t>400,000\t>1.5 million
Master's\t~150,000\t>200,000
"""

RANKED = """The top Chinese entities at NeurIPS.

Sector\tEntity\tNo. of Papers (Rank)
Academia\tTsinghua University\t643 (1st)
Industry\tHuawei Technologies\t228 (6th)
"""

COSTS = """Prices of leading models.

Model\tRelease Date\tUSD / Million Output Tokens
o1\tDecember 17, 2024\t60
deepseek-r1\tJanuary 20, 2025 (34 days)\t2.19 (27.3x cheaper)
"""


def test_country_columns_count_what_the_row_category_names(nlp):
    """Example: "STEM Degree Level (2019) | US | China" with a row "Bachelor's | >400,000 | >1.5 million"."""
    found, _ = figures_of(nlp, STEM)
    assert ("United States", "STEM Degree Level: Bachelor's", 400000.0, "count", "2019", None) in found
    assert ("China", "STEM Degree Level: Bachelor's", 1500000.0, "count", "2019", None) in found
    assert ("China", "STEM Degree Level: Master's", 200000.0, "count", "2019", None) in found


def test_a_category_column_is_neither_subject_nor_entity(nlp):
    """Example: "Academia | Tsinghua University | 643 (1st)" ranks Tsinghua, not "Academia"."""
    found, extraction = figures_of(nlp, RANKED)
    assert ("Tsinghua University", "rank by No. of Papers", 1.0, "rank", None, None) in found
    assert ("Tsinghua University", "No. of Papers (Rank)", 643.0, "count", None, None) in found
    assert not any(mention.surface in ("Academia", "Industry") for mention, _ in extraction.mentions)


def test_a_noted_comparison_is_against_the_row_above(nlp):
    """Example: "deepseek-r1 | January 20, 2025 (34 days) | 2.19 (27.3x cheaper)" below an o1 row."""
    found, _ = figures_of(nlp, COSTS)
    assert ("DeepSeek-R1", "release lag", 34.0, "days", None, "o1") in found
    assert ("DeepSeek-R1", "USD / Million Output Tokens (times cheaper)", 27.3, "times", None, "o1") in found
    assert ("DeepSeek-R1", "USD / Million Output Tokens", 2.19, "USD per million tokens", None, None) in found
