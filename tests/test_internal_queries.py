"""Golden tests of the queries the code runs for itself (queries/internal/).

Each internal query has its expected rows on tests/fixtures/two_documents.trig in
``GOLDEN``, written as in tests/test_queries.py (IRIs shortened with ``race:`` and
``id:``). Internal queries leave their rows unordered (the code groups them), so rows
are compared sorted. A query without a golden test, or one no module runs, fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import URIRef

from airace import queries
from airace.graph.network import ENTITY_CLASSES, ORGANISATION_RELATIONS, RACE, RELATIONS
from airace.graph.store import open_store
from test_queries import body_of, lexical

FIXTURES = Path(__file__).parent / "fixtures"
GRAPH_CODE = Path(__file__).parent.parent / "graph"
DOC_1, DOC_2 = "id:doc/0000000000000001", "id:doc/0000000000000002"
SENTENCE_1, SENTENCE_2 = f"{DOC_1}/sentence/0-35", f"{DOC_2}/sentence/0-40"


def race(names) -> list[URIRef]:
    return [URIRef(RACE + name) for name in sorted(names)]


@pytest.fixture(scope="module")
def two_documents():
    store = open_store(None)
    store.load((FIXTURES / "two_documents.trig").read_bytes(), format="trig")
    return store


FOUNDED = ("id:org/deepseek", "race:foundedBy", "id:org/high-flyer")
USES_H800 = ("id:org/deepseek", "race:usesChip", "id:chip/h800")
DEEPSEEK_CHINA = ("id:org/deepseek", "race:country", "id:country/china")
HIGH_FLYER_CHINA = ("id:org/high-flyer", "race:country", "id:country/china")

# name -> [(bindings, variables, rows sorted)]
GOLDEN = {
    "entity-types": [({"class": race(ENTITY_CLASSES)}, ["entity", "class"], [
        ("id:chip/h800", "race:Chip"),
        ("id:country/china", "race:Country"),
        ("id:org/deepseek", "race:Company"),
        ("id:org/high-flyer", "race:Company"),
        ("id:org/zhipu", "race:Company"),
    ])],
    "entity-labels": [({}, ["entity", "label"], [
        ("id:chip/h800", "H800"),
        ("id:country/china", "China"),
        ("id:org/deepseek", "DeepSeek"),
        ("id:org/high-flyer", "High-Flyer"),
    ])],
    "entity-countries": [({}, ["s", "o"], [
        ("id:org/deepseek", "id:country/china"),
        ("id:org/high-flyer", "id:country/china"),
    ])],
    "relation-triples": [
        ({"p": race(RELATIONS)}, ["s", "p", "o", "graph"], [
            (*DEEPSEEK_CHINA, DOC_1), (*DEEPSEEK_CHINA, DOC_2), (*FOUNDED, DOC_1), (*USES_H800, DOC_2),
            (*HIGH_FLYER_CHINA, DOC_1),
        ]),
        ({"p": race(ORGANISATION_RELATIONS)}, ["s", "p", "o", "graph"], [(*FOUNDED, DOC_1)]),
    ],
    "relation-claims": [
        ({"p": race(RELATIONS)}, ["claim", "s", "p", "o"], [("id:claim/1", *FOUNDED), ("id:claim/2", *USES_H800)]),
        ({"p": race(ORGANISATION_RELATIONS)}, ["claim", "s", "p", "o"], [("id:claim/1", *FOUNDED)]),
    ],
    "claim-documents": [({}, ["claim", "doc"], [("id:claim/1", DOC_1), ("id:claim/2", DOC_2)])],
    "claim-sentences": [({}, ["claim", "sentence"], [("id:claim/1", SENTENCE_1), ("id:claim/2", SENTENCE_2)])],
    "sentence-mentions": [({}, ["sentence", "entity"], [
        (SENTENCE_1, "id:org/deepseek"), (SENTENCE_1, "id:org/high-flyer"),
        (SENTENCE_2, "id:chip/h800"), (SENTENCE_2, "id:org/deepseek"), (SENTENCE_2, "id:org/high-flyer"),
    ])],
    "sentence-texts": [({}, ["sentence", "text"], [
        (SENTENCE_1, "DeepSeek was founded by High-Flyer."),
        (SENTENCE_2, "DeepSeek trained on H800s, High-Flyer said."),
    ])],
    "sentence-documents": [({}, ["sentence", "doc"], [(SENTENCE_1, DOC_1), (SENTENCE_2, DOC_2)])],
    "document-titles": [({}, ["doc", "title"], [(DOC_1, "DeepSeek's origins"), (DOC_2, "Chips for DeepSeek")])],
    "unlabelled-names": [({}, ["entity", "name", "documents"], [
        ("id:org/zhipu", "Zhipu", "1"),
        ("id:org/zhipu", "Zhipu AI", "2"),
    ])],
    "counts": [({}, ["documents", "entities", "measurements"], [("2", "5", "1")])],
    # the measurement m:1 has no sentence: the panel has nothing to put it under
    "view-statements": [({}, ["statement", "kind", "subject", "predicate", "object", "metric", "metricName", "value",
                              "unit", "period", "comparedWith", "quote", "sentence", "rule"], [
        ("id:claim/1", "relation", *FOUNDED, None, None, None, None, None, None, None, SENTENCE_1, None),
        ("id:claim/2", "relation", *USES_H800, None, None, None, None, None, None, None, SENTENCE_2, None),
    ])],
    "view-sentences": [({}, ["sentence", "document", "start", "end", "text"], [
        (SENTENCE_1, DOC_1, None, None, "DeepSeek was founded by High-Flyer."),
        (SENTENCE_2, DOC_2, None, None, "DeepSeek trained on H800s, High-Flyer said."),
    ])],
    "view-documents": [({}, ["document", "title", "source"], [
        (DOC_1, "DeepSeek's origins", None), (DOC_2, "Chips for DeepSeek", None),
    ])],
}

CASES = [
    pytest.param(name, bindings, variables, rows, id=f"{name}-{index}")
    for name, cases in GOLDEN.items()
    for index, (bindings, variables, rows) in enumerate(cases)
]


@pytest.mark.parametrize("name", queries.internal_names())
def test_every_internal_query_has_a_golden_test(name):
    assert name in GOLDEN, f"queries/internal/{name}.rq has no golden test: add its rows to GOLDEN"


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_every_golden_test_has_an_internal_query(name):
    assert name in queries.internal_names()


@pytest.mark.parametrize("name, bindings, variables, rows", CASES)
def test_internal_query_returns_the_golden_rows(two_documents, name, bindings, variables, rows):
    table = two_documents.select(queries.internal(name), bindings=bindings or None)
    assert table.variables == variables
    assert sorted(tuple(lexical(term) for term in row) for row in table.rows) == rows


@pytest.mark.parametrize("name, bindings, variables, rows", CASES)
def test_internal_query_gives_the_same_strings(two_documents, name, bindings, variables, rows):
    # What the network reads: the same rows as plain strings.
    found = sorted(tuple(lexical(URIRef(value)) if value and value.startswith("https://") else value for value in row)
                   for row in two_documents.strings(queries.internal(name), bindings=bindings or None))
    assert found == rows


@pytest.mark.parametrize("name", queries.internal_names())
def test_internal_query_opens_with_its_question_and_caller(name):
    text = queries.internal(name)
    assert re.match(r"# Internal \(graph/\w+\.py\): \w", text), f"{name}.rq must say who runs it and what it asks"
    assert len(queries.question_of(text)) > 40


@pytest.mark.parametrize("name", queries.internal_names())
def test_internal_query_declares_every_prefix_it_uses(name):
    body = body_of(queries.internal(name))
    declared = set(re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", body))
    without_declarations = re.sub(r"(?im)^\s*PREFIX\s.*$", "", body)
    used = set(re.findall(r"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:", without_declarations)) - {""}
    assert used <= declared, f"{name}.rq uses undeclared prefixes {sorted(used - declared)}"
    assert declared <= used, f"{name}.rq declares unused prefixes {sorted(declared - used)}"


@pytest.mark.parametrize("name", queries.internal_names())
def test_internal_query_states_the_bindings_it_takes(name):
    text = queries.internal(name)
    stated = set(re.findall(r"(?m)^#\s*Binding:\s*\?(\w+)", text))
    given = {variable for bindings, _, _ in GOLDEN[name] for variable in bindings}
    assert stated == given
    for variable in stated:
        assert f"?{variable}" in body_of(text), f"{name}.rq takes ?{variable} but never uses it"


@pytest.mark.parametrize("name", queries.internal_names())
def test_internal_query_is_run_by_the_module_its_header_names(name):
    caller = re.match(r"# Internal \((graph/\w+\.py)\)", queries.internal(name)).group(1)
    assert f'queries.internal("{name}")' in (GRAPH_CODE.parent / caller).read_text(encoding="utf-8")


def test_internal_queries_are_not_offered_as_questions():
    assert not set(queries.internal_names()) & set(queries.names())
    with pytest.raises(KeyError):
        queries.read("entity-labels")
