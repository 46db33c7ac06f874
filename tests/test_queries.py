"""Golden tests of the shipped queries, and tests of running them (graph/querying.py).

Every ``queries/*.rq`` has a golden expectation in ``GOLDEN``: the tiny graph in
(tests/fixtures/tiny_graph.trig), the exact rows out. A query without one fails
``test_every_query_has_a_golden_test``. Rows are written as tuples of lexical
forms, IRIs shortened with the ``race:`` and ``id:`` prefixes, None for unbound.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from airace import queries
from airace.graph.querying import FORMATS, format_table, parse_bindings, resolve
from airace.graph.store import Table, open_store
from rdflib import BNode, Literal, URIRef

FIXTURES = Path(__file__).parent / "fixtures"
RACE = "https://w3id.org/airace/ontology#"
ID = "https://w3id.org/airace/id/"
DOC_A = "id:doc/3f6c0a9e81d2b475"
DOC_B = "id:doc/c2d94e17a0b85f36"
TITLE_A = "Open models narrow the Chatbot Arena gap"
TITLE_B = "Patents, prices and the chip squeeze"


@pytest.fixture(scope="module")
def tiny_graph():
    """An in-memory store holding the two hand-written documents of tiny_graph.trig."""
    store = open_store(None)
    store.load((FIXTURES / "tiny_graph.trig").read_bytes(), format="trig")
    return store


XSD_DECIMAL = URIRef("http://www.w3.org/2001/XMLSchema#decimal")


def lexical(term) -> str | None:
    """A term as the golden rows write it: IRIs shortened, literals by lexical form.

    Decimals are written as numbers ("7", "74.2"): whether a store keeps "7" or "7.0"
    is its own business, and the golden rows are about values.
    """
    if term is None:
        return None
    text = str(term)
    if isinstance(term, Literal) and term.datatype == XSD_DECIMAL and text.endswith(".0"):
        return text[:-2]
    for prefix, namespace in (("race", RACE), ("id", ID)):
        if isinstance(term, URIRef) and text.startswith(namespace):
            return f"{prefix}:{text[len(namespace):]}"
    return text


def rows_of(table: Table) -> list[tuple]:
    return [tuple(lexical(term) for term in row) for row in table.rows]


# --- the golden expectations: (bindings, variables, rows) per case, per query ------------

DEEPSEEK_1 = "DeepSeek, a Hangzhou start-up, released DeepSeek-R1 in January 2025 and published its weights openly."
DEEPSEEK_2 = "DeepSeek had shipped the open-weights DeepSeek-V3 a month earlier, training it on Nvidia H800 chips."
PRICES = (
    "DeepSeek-R1 costs $0.55 per million input tokens and $2.19 per million output tokens; "
    "o1 charges $15 and $60."
)
EXPLAIN_VARIABLES = [
    "entity", "title", "document", "source", "start", "end", "kind", "statement",
    "subject", "subjectName", "predicate", "object", "objectName",
    "metricName", "value", "unit", "period", "modelName", "quote", "rule", "text",
]
SOURCE_A = "tiny-open-models.md"
SOURCE_B = "tiny-chip-squeeze.md"
EXPORT_BAN = "Nvidia's H800 can no longer be exported to the PRC under US rules."
ELO_DECEMBER = "December 2024: top US model o1 at 1372, top Chinese model DeepSeek-V3 at 1350, a gap of 22."
ELO_JANUARY = "January 2025: top US model Gemini 2.0 Pro at 1380, top Chinese model DeepSeek-R1 at 1374, a gap of 6."
NAMES_VARIABLES = ["entity", "label", "class", "altLabel"]
SKOS_CONCEPT = "http://www.w3.org/2004/02/skos/core#Concept"

DOC_C = "id:doc/9a4e5c7b3d1f2e60"
TITLE_C = "Who files the world's AI patents"
DISAGREEMENT_VARIABLES = [
    "subject", "subjectName", "comparedWithName", "concept", "conceptName",
    "measurement1", "metricName1", "value1", "unit1", "period1", "quote1",
    "document1", "title1", "source1", "start1", "end1", "text1",
    "measurement2", "metricName2", "value2", "unit2", "period2", "quote2",
    "document2", "title2", "source2", "start2", "end2", "text2",
]
PATENTS_A = "China held 74.2% of AI patent filings in 2024, against 8.2% for the U.S."
PATENTS_B = ("By one count, China accounted for about 70% of AI patents in 2024 and 68% in 2023, "
             "while the United States held 8.2%.")
PATENTS_C = "In 2023, China filed 61% of the world's AI patents, the U.S. about 8%."
CHINA_PATENT_SHARE = ("id:country/china", "China", None, "id:metric/ai-patent-share", "AI patent share")
FIGURE_A_2024 = ("id:measurement/a-patents-cn-2024", "AI patent share", "74.2", "percent", "2024",
                 "74.2% of AI patent filings in 2024", DOC_A, TITLE_A, SOURCE_A, "641", "713", PATENTS_A)
FIGURE_B_2024 = ("id:measurement/b-patents-cn-2024", "AI patent share", "70", "percent", "2024",
                 "about 70% of AI patents in 2024", DOC_B, TITLE_B, SOURCE_B, "0", "117", PATENTS_B)
FIGURE_B_2023 = ("id:measurement/b-patents-cn-2023", "AI patent share", "68", "percent", "2023",
                 "68% in 2023", DOC_B, TITLE_B, SOURCE_B, "0", "117", PATENTS_B)
FIGURE_C_2023 = ("id:measurement/c-patents-cn-2023", "share of world's AI patents", "61", "percent", "2023",
                 "61% of the world's AI patents", DOC_C, TITLE_C, "tiny-patent-count.md", "0", "70", PATENTS_C)
PATENTS_A_B = CHINA_PATENT_SHARE + FIGURE_A_2024 + FIGURE_B_2024
PATENTS_A_C = CHINA_PATENT_SHARE + FIGURE_A_2024 + FIGURE_C_2023
PATENTS_B_C = CHINA_PATENT_SHARE + FIGURE_B_2023 + FIGURE_C_2023

FIGURE_VARIABLES = ["measurement", "subject", "subjectName", "metric", "metricName", "value", "unit", "period",
                    "bound", "comparedWith", "comparedWithName", "quote", "document", "title", "source"]
DOCUMENTS = {"A": (DOC_A, TITLE_A, SOURCE_A), "B": (DOC_B, TITLE_B, SOURCE_B),
             "C": (DOC_C, TITLE_C, "tiny-patent-count.md")}
CHINA, US = ("id:country/china", "China"), ("id:country/united-states", "United States")
R1, O1 = ("id:model/deepseek-r1", "DeepSeek-R1"), ("id:model/o1", "o1")
PATENT_SHARE = ("id:metric/ai-patent-share", "AI patent share")
WORLD_SHARE = ("id:metric/share-of-world-s-ai-patents", "share of world's AI patents")
ELO_CN = ("id:metric/top-chatbot-arena-elo-chinese-model", "top Chatbot Arena Elo (Chinese model)")
ELO_US = ("id:metric/top-chatbot-arena-elo-us-model", "top Chatbot Arena Elo (US model)")
ELO_GAP = ("id:metric/chatbot-arena-elo-gap", "Chatbot Arena Elo gap")
PRICE_IN = ("id:metric/input-token-price", "input token price")
PRICE_OUT = ("id:metric/output-token-price", "output token price")
PER_MILLION = "USD per million tokens"


def figure(name, subject, metric, value, unit, period, quote, document, *, bound=None, compared=(None, None)):
    """One golden row of figures.rq, read off tiny_graph.trig."""
    return (f"id:measurement/{name}", *subject, *metric, value, unit, period, bound, *compared, quote,
            *DOCUMENTS[document])


GOLDEN: dict[str, list[tuple[dict[str, str], list[str], list[tuple]]]] = {
    "figures": [(
        {},
        FIGURE_VARIABLES,
        [
            figure("b-patents-cn-2023", CHINA, PATENT_SHARE, "68", "percent", "2023", "68% in 2023", "B"),
            figure("b-patents-cn-2024", CHINA, PATENT_SHARE, "70", "percent", "2024",
                   "about 70% of AI patents in 2024", "B"),
            figure("a-patents-cn-2024", CHINA, PATENT_SHARE, "74.2", "percent", "2024",
                   "74.2% of AI patent filings in 2024", "A"),
            figure("c-grants-cn", CHINA, ("id:metric/share-of-ai-patent-grants", "share of AI patent grants"),
                   "52", "percent", None, "52% of AI patent grants", "C"),
            figure("c-patents-cn-floor", CHINA, WORLD_SHARE, "60", "percent", None,
                   "over 60% of the world's AI patents", "C", bound="lower"),
            figure("c-patents-cn-2023", CHINA, WORLD_SHARE, "61", "percent", "2023",
                   "61% of the world's AI patents", "C"),
            figure("a-elo-cn-2024-11", CHINA, ELO_CN, "1320", "Elo", "2024-11", "top Chinese model 1320", "A"),
            figure("a-elo-cn-2024-12", CHINA, ELO_CN, "1350", "Elo", "2024-12",
                   "top Chinese model DeepSeek-V3 at 1350", "A"),
            figure("a-elo-cn-2025-01", CHINA, ELO_CN, "1374", "Elo", "2025-01",
                   "top Chinese model DeepSeek-R1 at 1374", "A"),
            figure("b-price-in-deepseek-r1", R1, PRICE_IN, "0.55", PER_MILLION, None,
                   "$0.55 per million input tokens", "B"),
            figure("b-price-out-deepseek-r1", R1, PRICE_OUT, "2.19", PER_MILLION, None,
                   "$2.19 per million output tokens", "B"),
            figure("a-patents-us-2024", US, PATENT_SHARE, "8.2", "percent", "2024", "8.2% for the U.S.", "A"),
            figure("b-patents-us-2024", US, PATENT_SHARE, "8.2", "percent", "2024", "the United States held 8.2%", "B"),
            figure("a-elo-gap-2024-12", US, ELO_GAP, "22", "Elo", "2024-12", "a gap of 22", "A", compared=CHINA),
            figure("a-elo-gap-2025-01", US, ELO_GAP, "6", "Elo", "2025-01", "a gap of 6", "A", compared=CHINA),
            figure("c-patents-us-2023", US, WORLD_SHARE, "8", "percent", "2023", "about 8%", "C"),
            figure("a-elo-us-2024-11", US, ELO_US, "1365", "Elo", "2024-11", "top US model 1365", "A"),
            figure("a-elo-us-2024-12", US, ELO_US, "1372", "Elo", "2024-12", "top US model o1 at 1372", "A"),
            figure("a-elo-us-2025-01", US, ELO_US, "1380", "Elo", "2025-01", "top US model Gemini 2.0 Pro at 1380", "A"),
            figure("b-price-in-o1", O1, PRICE_IN, "15", PER_MILLION, None, "o1 charges $15", "B"),
            figure("b-price-out-o1", O1, PRICE_OUT, "60", PER_MILLION, None, "$60", "B"),
        ],
    )],
    "models-by-organisation": [(
        {},
        ["organisation", "organisationName", "countryName", "model", "modelName", "releaseDate", "openWeights"],
        [
            ("id:org/bytedance", "ByteDance", "China", "id:model/doubao-1-5-pro", "Doubao-1.5-pro", None, "false"),
            ("id:org/deepseek", "DeepSeek", "China", "id:model/deepseek-r1", "DeepSeek-R1", "2025-01", "true"),
            ("id:org/deepseek", "DeepSeek", "China", "id:model/deepseek-v3", "DeepSeek-V3", None, "true"),
            ("id:org/google", "Google", "United States", "id:model/gemini-2-0-pro", "Gemini 2.0 Pro", None, None),
            ("id:org/openai", "OpenAI", "United States", "id:model/o1", "o1", None, None),
        ],
    )],
    "chips-design-fabrication": [(
        {},
        ["designerName", "chip", "chipName", "fabricatorName", "processNodeNm"],
        [
            ("Huawei", "id:chip/ascend-910b", "Ascend 910B", "SMIC", "7"),
            ("Nvidia", "id:chip/h800", "H800", None, None),
        ],
    )],
    "elo-race-by-month": [(
        {},
        ["month", "topUsElo", "usModels", "topChineseElo", "chineseModels", "gap", "gapSource"],
        [
            # no gap stored for November: computed as 1365 - 1320
            ("2024-11", "1365", None, "1320", None, "45", "computed"),
            ("2024-12", "1372", "o1", "1350", "DeepSeek-V3", "22", "stored"),
            ("2025-01", "1380", "Gemini 2.0 Pro", "1374", "DeepSeek-R1", "6", "stored"),
        ],
    )],
    "figure-disagreements": [
        # China's AI patent share: A against B for 2024, A's 2024 against C's 2023 (adjacent years,
        # neither source dates the other year), B against C for 2023; C's "share of world's AI
        # patents" meets the others through skos:broader. Not shown: B's own 2024 against C's 2023
        # (B dates 2023 too), C's "over 60%" (a bound all meet), the US shares (8.2, 8.2 and "about
        # 8%": rounding), C's patent grants (another metric) and the Elo figures (one document).
        ({}, DISAGREEMENT_VARIABLES, [PATENTS_A_B, PATENTS_A_C, PATENTS_B_C]),
        # the same year only
        ({"yearsApart": "0"}, DISAGREEMENT_VARIABLES, [PATENTS_A_B, PATENTS_B_C]),
        # one subject, by another name in another case
        ({"name": "prc"}, DISAGREEMENT_VARIABLES, [PATENTS_A_B, PATENTS_A_C, PATENTS_B_C]),
        ({"name": "United States"}, DISAGREEMENT_VARIABLES, []),
    ],
    "collaborations": [(
        {},
        ["organisation1Name", "country1Name", "organisation2Name", "country2Name", "crossesUsChina"],
        [
            # ByteDance <-> Peking University is stated both ways, in two documents: one row.
            ("ByteDance", "China", "Peking University", "China", "false"),
            ("Google", "United States", "Stanford University", "United States", "false"),
            # iFlytek has no country: no name is made up for it (an unbound variable matches nothing)
            ("Huawei", "China", "iFlytek", None, "false"),
            # Microsoft Research Asia has no country of its own: its parent Microsoft's counts
            ("Microsoft Research Asia", "United States", "Peking University", "China", "true"),
            ("Peking University", "China", "Stanford University", "United States", "true"),
        ],
    )],
    "chips-in-use": [(
        {},
        ["userName", "userKind", "chipName", "exportRestricted"],
        [
            ("DeepSeek", "Company", "H800", "true"),
            ("DeepSeek-V3", "AIModel", "H800", "true"),
            ("Wuhu Cluster", "DataCentre", "Ascend 910B", "false"),
        ],
    )],
    "explain": [
        # Each row: which entity, where (document, sentence offsets), what (kind, statement node,
        # subject predicate object; or the measurement's figure), how (rule), and the sentence.
        (
            # an altLabel, in another case; the last sentence of A only mentions DeepSeek
            {"name": "deep seek"},
            EXPLAIN_VARIABLES,
            [
                ("id:org/deepseek", TITLE_A, DOC_A, SOURCE_A, "0", "101", "relation", "id:claim/a04",
                 "id:org/deepseek", "DeepSeek", "race:country", "id:country/china", "China",
                 None, None, None, None, None, None, "org_city_country",
                 DEEPSEEK_1),
                ("id:org/deepseek", TITLE_A, DOC_A, SOURCE_A, "0", "101", "relation", "id:claim/a01",
                 "id:model/deepseek-r1", "DeepSeek-R1", "race:developedBy", "id:org/deepseek", "DeepSeek",
                 None, None, None, None, None, None, "model_released_by_org",
                 DEEPSEEK_1),
                ("id:org/deepseek", TITLE_A, DOC_A, SOURCE_A, "102", "202", "relation", "id:claim/a05",
                 "id:model/deepseek-v3", "DeepSeek-V3", "race:developedBy", "id:org/deepseek", "DeepSeek",
                 None, None, None, None, None, None, "model_shipped_by_org",
                 DEEPSEEK_2),
                ("id:org/deepseek", TITLE_A, DOC_A, SOURCE_A, "714", "772", "mention", None,
                 None, None, None, None, None,
                 None, None, None, None, None, None, None,
                 "Deep Seek's founders say they value research over revenue."),
                ("id:org/deepseek", TITLE_B, DOC_B, SOURCE_B, "263", "313", "relation", "id:claim/b06",
                 "id:org/deepseek", "DeepSeek", "race:usesChip", "id:chip/h800", "H800",
                 None, None, None, None, None, None, "trained_on_chip",
                 "DeepSeek trained its models on a cluster of H800s."),
            ],
        ),
        (
            # measurements: the model behind a score (race:model) and the model priced
            {"name": "O1"},
            EXPLAIN_VARIABLES,
            [
                ("id:model/o1", TITLE_A, DOC_A, SOURCE_A, "203", "263", "relation", "id:claim/a08",
                 "id:model/o1", "o1", "race:developedBy", "id:org/openai", "OpenAI",
                 None, None, None, None, None, None, "org_answered_with_model",
                 "OpenAI answered with o1, while Google pushed Gemini 2.0 Pro."),
                ("id:model/o1", TITLE_A, DOC_A, SOURCE_A, "447", "538", "measurement",
                 "id:measurement/a-elo-us-2024-12",
                 "id:country/united-states", "United States", None, None, None,
                 "top Chatbot Arena Elo (US model)", "1372", "Elo", "2024-12", "o1", "top US model o1 at 1372",
                 "elo_table_row",
                 ELO_DECEMBER),
                ("id:model/o1", TITLE_B, DOC_B, SOURCE_B, "314", "423", "measurement", "id:measurement/b-price-in-o1",
                 "id:model/o1", "o1", None, None, None,
                 "input token price", "15", "USD per million tokens", None, None, "o1 charges $15",
                 "price_per_million_tokens",
                 PRICES),
                ("id:model/o1", TITLE_B, DOC_B, SOURCE_B, "314", "423", "measurement", "id:measurement/b-price-out-o1",
                 "id:model/o1", "o1", None, None, None,
                 "output token price", "60", "USD per million tokens", None, None, "$60",
                 "price_per_million_tokens",
                 PRICES),
            ],
        ),
        (
            # an attribute (a literal object) beside relations with the chip at either end
            {"name": "h800"},
            EXPLAIN_VARIABLES,
            [
                ("id:chip/h800", TITLE_A, DOC_A, SOURCE_A, "102", "202", "relation", "id:claim/a07",
                 "id:model/deepseek-v3", "DeepSeek-V3", "race:usesChip", "id:chip/h800", "H800",
                 None, None, None, None, None, None, "trained_on_chip",
                 DEEPSEEK_2),
                ("id:chip/h800", TITLE_B, DOC_B, SOURCE_B, "196", "262", "attribute", "id:claim/b05",
                 "id:chip/h800", "H800", "race:exportRestricted", "true", "true",
                 None, None, None, None, None, None, "export_restriction",
                 EXPORT_BAN),
                ("id:chip/h800", TITLE_B, DOC_B, SOURCE_B, "196", "262", "relation", "id:claim/b04",
                 "id:chip/h800", "H800", "race:designedBy", "id:org/nvidia", "Nvidia",
                 None, None, None, None, None, None, "possessive_chip",
                 EXPORT_BAN),
                ("id:chip/h800", TITLE_B, DOC_B, SOURCE_B, "263", "313", "relation", "id:claim/b06",
                 "id:org/deepseek", "DeepSeek", "race:usesChip", "id:chip/h800", "H800",
                 None, None, None, None, None, None, "trained_on_chip",
                 "DeepSeek trained its models on a cluster of H800s."),
            ],
        ),
        (
            # a metric's name: its measurements, with the subject each gap is compared with
            {"name": "Chatbot Arena Elo gap"},
            EXPLAIN_VARIABLES,
            [
                ("id:metric/chatbot-arena-elo-gap", TITLE_A, DOC_A, SOURCE_A, "447", "538", "measurement",
                 "id:measurement/a-elo-gap-2024-12",
                 "id:country/united-states", "United States", None, "id:country/china", "China",
                 "Chatbot Arena Elo gap", "22", "Elo", "2024-12", None, "a gap of 22", "elo_table_row",
                 ELO_DECEMBER),
                ("id:metric/chatbot-arena-elo-gap", TITLE_A, DOC_A, SOURCE_A, "539", "640", "measurement",
                 "id:measurement/a-elo-gap-2025-01",
                 "id:country/united-states", "United States", None, "id:country/china", "China",
                 "Chatbot Arena Elo gap", "6", "Elo", "2025-01", None, "a gap of 6", "elo_table_row",
                 ELO_JANUARY),
            ],
        ),
        ({"name": "Nobody Inc."}, EXPLAIN_VARIABLES, []),
    ],
    "entity-names": [
        (
            # "us" is an altLabel of the United States (doc B), found in another case
            {"name": "us"},
            NAMES_VARIABLES,
            [
                ("id:country/united-states", "United States", None, "U.S."),
                ("id:country/united-states", "United States", None, "US"),
                ("id:country/united-states", "United States", "race:Country", None),
            ],
        ),
        ({"name": "Nobody Inc."}, NAMES_VARIABLES, []),
        (
            # no name: every named entity, metrics included (the names to suggest)
            {},
            NAMES_VARIABLES,
            [
                ("id:metric/ai-patent-share", "AI patent share", SKOS_CONCEPT, None),
                ("id:metric/ai-patent-share", "AI patent share", "race:Metric", None),
                ("id:chip/ascend-910b", "Ascend 910B", "race:Chip", None),
                ("id:org/bytedance", "ByteDance", "race:Company", None),
                ("id:metric/chatbot-arena-elo-gap", "Chatbot Arena Elo gap", SKOS_CONCEPT, None),
                ("id:metric/chatbot-arena-elo-gap", "Chatbot Arena Elo gap", "race:Metric", None),
                ("id:country/china", "China", None, "PRC"),
                ("id:country/china", "China", "race:Country", None),
                ("id:org/deepseek", "DeepSeek", None, "Deep Seek"),
                ("id:org/deepseek", "DeepSeek", "race:Company", None),
                ("id:model/deepseek-r1", "DeepSeek-R1", "race:AIModel", None),
                ("id:model/deepseek-v3", "DeepSeek-V3", "race:AIModel", None),
                ("id:model/doubao-1-5-pro", "Doubao-1.5-pro", "race:AIModel", None),
                ("id:model/gemini-2-0-pro", "Gemini 2.0 Pro", "race:AIModel", None),
                ("id:org/google", "Google", "race:Company", None),
                ("id:chip/h800", "H800", "race:Chip", None),
                ("id:org/huawei", "Huawei", "race:Company", None),
                ("id:org/microsoft", "Microsoft", "race:Company", None),
                ("id:org/microsoft-research-asia", "Microsoft Research Asia", "race:ResearchInstitute", None),
                ("id:org/nvidia", "Nvidia", "race:Company", None),
                ("id:org/openai", "OpenAI", "race:Company", None),
                ("id:org/peking-university", "Peking University", "race:University", None),
                ("id:org/smic", "SMIC", "race:Company", None),
                ("id:org/stanford-university", "Stanford University", "race:University", None),
                ("id:country/united-states", "United States", None, "U.S."),
                ("id:country/united-states", "United States", None, "US"),
                ("id:country/united-states", "United States", "race:Country", None),
                ("id:datacentre/wuhu-cluster", "Wuhu Cluster", "race:DataCentre", None),
                ("id:org/iflytek", "iFlytek", "race:Company", None),  # lower case sorts after capitals
                ("id:metric/input-token-price", "input token price", SKOS_CONCEPT, None),
                ("id:metric/input-token-price", "input token price", "race:Metric", None),
                ("id:model/o1", "o1", "race:AIModel", None),
                ("id:metric/output-token-price", "output token price", SKOS_CONCEPT, None),
                ("id:metric/output-token-price", "output token price", "race:Metric", None),
                ("id:metric/share-of-ai-patent-grants", "share of AI patent grants", SKOS_CONCEPT, None),
                ("id:metric/share-of-ai-patent-grants", "share of AI patent grants", "race:Metric", None),
                ("id:metric/share-of-world-s-ai-patents", "share of world's AI patents", SKOS_CONCEPT, None),
                ("id:metric/share-of-world-s-ai-patents", "share of world's AI patents", "race:Metric", None),
                ("id:metric/top-chatbot-arena-elo-chinese-model", "top Chatbot Arena Elo (Chinese model)", SKOS_CONCEPT, None),
                ("id:metric/top-chatbot-arena-elo-chinese-model", "top Chatbot Arena Elo (Chinese model)", "race:Metric", None),
                ("id:metric/top-chatbot-arena-elo-us-model", "top Chatbot Arena Elo (US model)", SKOS_CONCEPT, None),
                ("id:metric/top-chatbot-arena-elo-us-model", "top Chatbot Arena Elo (US model)", "race:Metric", None),
            ],
        ),
    ],
    "open-weights-models-cost": [(
        {},
        ["modelName", "developerName", "metricName", "price", "unit", "usModelName", "usDeveloperName", "usPrice", "usUnit"],
        [
            ("DeepSeek-R1", "DeepSeek", "input token price", "0.55", "USD per million tokens",
             "o1", "OpenAI", "15", "USD per million tokens"),
            ("DeepSeek-R1", "DeepSeek", "output token price", "2.19", "USD per million tokens",
             "o1", "OpenAI", "60", "USD per million tokens"),
            # open weights, no known price; Doubao-1.5-pro (closed) is not listed
            ("DeepSeek-V3", "DeepSeek", None, None, None, None, None, None, None),
        ],
    )],
    "suspicious-label-violation": [({}, ["entity", "property", "label", "problem"], [])],
}

CASES = [
    pytest.param(name, bindings, variables, rows, id=f"{name}-{index}")
    for name, cases in GOLDEN.items()
    for index, (bindings, variables, rows) in enumerate(cases)
]


@pytest.mark.parametrize("name", queries.names())
def test_every_query_has_a_golden_test(name):
    assert name in GOLDEN, f"queries/{name}.rq has no golden test: add its expected rows to GOLDEN"


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_every_golden_test_has_a_query(name):
    assert name in queries.names()


@pytest.mark.parametrize("name, bindings, variables, rows", CASES)
def test_query_returns_the_golden_rows(tiny_graph, name, bindings, variables, rows):
    bound = {variable: Literal(value) for variable, value in bindings.items()}
    table = tiny_graph.select(queries.read(name), bindings=bound or None)
    assert table.variables == variables
    assert rows_of(table) == rows


# --- the shape of every query file ---------------------------------------------------------


def body_of(text: str) -> str:
    """The query without its comments, strings and IRIs, where prefixed names are easy to find."""
    text = re.sub(r"(?m)#.*$", "", text)
    text = re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', text)
    return re.sub(r"<[^<>\s]*>", "<>", text)


@pytest.mark.parametrize("name", queries.names())
def test_query_opens_with_its_question(name):
    text = queries.read(name)
    assert text.startswith("#"), f"{name}.rq must open with a comment stating its question"
    assert len(queries.question_of(text)) > 20


@pytest.mark.parametrize("name", queries.names())
def test_query_declares_every_prefix_it_uses(name):
    body = body_of(queries.read(name))
    declared = set(re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", body))
    without_declarations = re.sub(r"(?im)^\s*PREFIX\s.*$", "", body)
    used = set(re.findall(r"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:", without_declarations)) - {""}
    assert used <= declared, f"{name}.rq uses undeclared prefixes {sorted(used - declared)}"


@pytest.mark.parametrize("name", queries.names())
def test_query_orders_its_rows(name):
    body = body_of(queries.read(name))
    assert re.search(r"\bASK\b", body, re.I) or re.search(r"\bORDER\s+BY\b", body, re.I), (
        f"{name}.rq must ORDER BY so that its rows are deterministic"
    )


@pytest.mark.parametrize("name", queries.names())
def test_query_states_the_bindings_it_takes(name):
    text = queries.read(name)
    stated = set(re.findall(r"(?m)^#\s*Binding:\s*\?(\w+)", text))
    given = {variable for bindings, _, _ in GOLDEN.get(name, []) for variable in bindings}
    assert stated == given
    for variable in stated:
        assert f"?{variable}" in body_of(text), f"{name}.rq takes ?{variable} but never uses it"


def test_checks_are_named_violation_and_come_with_a_fix():
    checks = [name for name in queries.names() if name.endswith("-violation")]
    assert checks
    for name in checks:
        question = queries.question_of(queries.read(name))
        assert "Problem:" in question and "Fix:" in question


# --- the suspicious-label check on a graph that has the problems ------------------------------

BAD_LABELS = """
@prefix race: <https://w3id.org/airace/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix org: <https://w3id.org/airace/id/org/> .
@prefix country: <https://w3id.org/airace/id/country/> .

<https://w3id.org/airace/id/doc/0000000000000001> {
    org:ai a race:Company ; rdfs:label "AI" .
    org:deepseek a race:Company ; rdfs:label "DeepSeek" ; skos:altLabel "Deep\\nSeek" .
    org:fragment a race:Organisation ;
        rdfs:label "the lab that said it would release a model next year" .
    org:link a race:Company ; rdfs:label "https://x[.]com" .
    org:comma a race:Company ; rdfs:label "Zhipu," .
    org:the-west a race:GovernmentBody ; rdfs:label "the West" .
    # healthy names: abbreviations, a closing parenthesis, a digit first, "US"
    country:united-states a race:Country ; rdfs:label "United States" ; skos:altLabel "US", "U.S." .
    org:samsung a race:Company ; rdfs:label "Samsung Electronics Co., Ltd." .
    org:qwen-team a race:ResearchInstitute ; rdfs:label "Qwen Team (Alibaba)" .
    org:01-ai a race:Company ; rdfs:label "01.AI" ; skos:altLabel "Example Holdings Inc." .
}
"""


def test_suspicious_label_check_finds_the_bad_names():
    store = open_store(None)
    store.load(BAD_LABELS.encode("utf-8"), format="trig")
    rows = rows_of(store.select(queries.read("suspicious-label-violation")))
    assert rows == [
        ("id:org/ai", "http://www.w3.org/2000/01/rdf-schema#label", "AI", "is a common word or generic term"),
        ("id:org/comma", "http://www.w3.org/2000/01/rdf-schema#label", "Zhipu,", "ends with punctuation or whitespace"),
        ("id:org/deepseek", "http://www.w3.org/2004/02/skos/core#altLabel", "Deep\nSeek", "contains a line break or tab"),
        ("id:org/fragment", "http://www.w3.org/2000/01/rdf-schema#label",
         "the lab that said it would release a model next year", "has three or more lower-case words (a sentence fragment)"),
        ("id:org/link", "http://www.w3.org/2000/01/rdf-schema#label", "https://x[.]com", "contains a web address"),
        ("id:org/the-west", "http://www.w3.org/2000/01/rdf-schema#label", "the West", "is a common word or generic term"),
    ]


# --- graph/querying.py: finding queries, bindings, formats ---------------------------------


def test_resolve_reads_a_shipped_query_by_name():
    assert resolve("explain") == queries.read("explain")


def test_resolve_reads_a_query_file(tmp_path):
    path = tmp_path / "mine.rq"
    path.write_text("# Everything?\nSELECT * WHERE { ?s ?p ?o } ORDER BY ?s", encoding="utf-8")
    assert resolve(str(path)).startswith("# Everything?")


def test_resolve_says_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such query file"):
        resolve(str(tmp_path / "absent.rq"))
    with pytest.raises(KeyError, match="known queries: .*explain"):
        resolve("absent")


def test_parse_bindings_makes_literals_and_iris():
    bindings = parse_bindings(["name=DeepSeek", "year=2024", "$model=<https://w3id.org/airace/id/model/o1>", "empty="])
    assert bindings == {
        "name": Literal("DeepSeek"),
        "year": Literal("2024"),  # a string: numbers are not guessed
        "model": URIRef("https://w3id.org/airace/id/model/o1"),
        "empty": Literal(""),
    }
    assert bindings["year"].datatype is None


@pytest.mark.parametrize(
    "pair", ["DeepSeek", "=DeepSeek", "1name=x", "na me=x", "name-x=1", "model=<not an iri>", "model=<>"]
)
def test_parse_bindings_rejects_bad_pairs(pair):
    with pytest.raises(ValueError, match=re.escape(repr(pair))):
        parse_bindings([pair])


def test_parse_bindings_rejects_a_name_given_twice():
    with pytest.raises(ValueError, match="bound twice"):
        parse_bindings(["name=a", "name=b"])


def test_a_hostile_binding_is_only_a_string(tiny_graph):
    size = len(tiny_graph)
    bindings = parse_bindings(['name=x" } ; DROP ALL ; #'])
    assert bindings == {"name": Literal('x" } ; DROP ALL ; #')}
    table = tiny_graph.select(resolve("explain"), bindings=bindings)
    assert table.rows == []
    assert len(tiny_graph) == size


SAMPLE = Table(
    ["entity", "label", "count", "note"],
    [
        (URIRef(ID + "org/deepseek"), Literal("DeepSeek"), Literal(3), None),
        (BNode("b0"), Literal("Deep\tSeek\n2", lang="en"), None, Literal('say "hi"')),
    ],
)


def test_table_format_aligns_the_columns():
    lines = format_table(SAMPLE, "table").splitlines()
    assert lines[0].split() == ["entity", "label", "count", "note"]
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert lines[2].split() == ["id:org/deepseek", "DeepSeek", "3"]
    assert "_:b0" in lines[3] and "Deep\\tSeek\\n2" in lines[3] and 'say "hi"' in lines[3]
    assert len(lines) == 4
    for column in ("label", "count", "note"):  # every cell of a column starts where its header does
        start = lines[0].index(column)
        assert lines[1][start - 2 : start] == "  " and lines[1][start] == "-"
    assert lines[2].index("DeepSeek") == lines[0].index("label") == lines[3].index("Deep\\t")


def test_csv_format():
    rows = list(csv.reader(io.StringIO(format_table(SAMPLE, "csv"), newline="")))
    assert rows == [
        ["entity", "label", "count", "note"],
        [ID + "org/deepseek", "DeepSeek", "3", ""],
        ["_:b0", "Deep\tSeek\n2", "", 'say "hi"'],
    ]


def test_tsv_format():
    lines = format_table(SAMPLE, "tsv").split("\n")
    assert lines == [
        "?entity\t?label\t?count\t?note",
        f"<{ID}org/deepseek>\t\"DeepSeek\"\t\"3\"^^<http://www.w3.org/2001/XMLSchema#integer>\t",
        '_:b0\t"Deep\\tSeek\\n2"@en\t\t"say \\"hi\\""',
    ]


def test_json_format_is_sparql_results_json():
    results = json.loads(format_table(SAMPLE, "json"))
    assert results == {
        "head": {"vars": ["entity", "label", "count", "note"]},
        "results": {
            "bindings": [
                {
                    "entity": {"type": "uri", "value": ID + "org/deepseek"},
                    "label": {"type": "literal", "value": "DeepSeek"},
                    "count": {
                        "type": "literal",
                        "value": "3",
                        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
                    },
                },
                {
                    "entity": {"type": "bnode", "value": "b0"},
                    "label": {"type": "literal", "value": "Deep\tSeek\n2", "xml:lang": "en"},
                    "note": {"type": "literal", "value": 'say "hi"'},
                },
            ]
        },
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_takes_an_empty_table(fmt):
    assert "label" in format_table(Table(["label"], []), fmt)


def test_an_unknown_format_is_refused_with_the_valid_ones():
    with pytest.raises(ValueError, match="table, csv, tsv, json"):
        format_table(SAMPLE, "xml")


def test_golden_rows_survive_every_format(tiny_graph):
    table = tiny_graph.select(resolve("chips-in-use"))
    assert "Wuhu Cluster" in format_table(table, "table")
    parsed = json.loads(format_table(table, "json"))
    assert [row["userName"]["value"] for row in parsed["results"]["bindings"]] == [
        "DeepSeek", "DeepSeek-V3", "Wuhu Cluster"
    ]
    assert parsed["results"]["bindings"][0]["exportRestricted"] == {
        "type": "literal", "value": "true", "datatype": "http://www.w3.org/2001/XMLSchema#boolean"
    }


def test_formal_long_names_are_not_fragments():
    from rdflib import Literal
    from rdflib.namespace import RDF, RDFS

    store = open_store(None)
    names = ["Institute of Automation of the Chinese Academy of Sciences",
             "Intelligent Science and Technology Academy of China Aerospace Science and Industry Corporation"]
    triples = []
    for index, name in enumerate(names):
        node = URIRef(f"https://w3id.org/airace/id/org/formal-{index}")
        triples += [(node, RDF.type, URIRef(RACE + "ResearchInstitute")), (node, RDFS.label, Literal(name))]
    store.replace_graph(URIRef("https://w3id.org/airace/id/doc/formal"), triples)
    assert store.select(queries.read("suspicious-label-violation")).rows == []
