"""Every relation rule's example sentence, run through the real pipeline, yields what it promises."""

from __future__ import annotations

import re

import pytest

from airace.extract.entities import resolve
from airace.extract.relations import RULES

# rule name -> facts its example sentence must yield, as (subject, predicate, object) surface names
EXPECTED = {
    "possessive_product": {("Ascend 910B", "designedBy", "Huawei"), ("A100", "designedBy", "Nvidia")},
    "passive_agent": {("Ascend 910B", "designedBy", "Huawei"), ("Ascend 910B", "fabricatedBy", "SMIC")},
    "subject_released_model": {("R1", "developedBy", "DeepSeek")},
    "nationality_modifier": {("DeepSeek", "country", "Chinese"), ("Moonshot AI", "country", "Chinese")},
    "parent_by_name": {("Tencent Cloud", "parentOrganisation", "Tencent")},
    "owned_by": {("Volcano Engine", "parentOrganisation", "ByteDance")},
    "co_authored": {("ByteDance", "collaboratesWith", "Peking University")},
    "title_affiliation": {("Andy Konwinski", "affiliatedWith", "Databricks"), ("Sam Altman", "affiliatedWith", "OpenAI")},
    "uses_chip": {("DeepSeek", "usesChip", "H800s")},
    "competing_models": {("R1", "competesWith", "o1")},
    "open_weights": {("DeepSeek-V3", "openWeights", True)},
    "export_restricted": {("H100", "exportRestricted", True)},
    "process_node": {("Ascend 910B", "processNodeNm", 7.0)},
}


def example_of(rule) -> str:
    match = re.search(r'Example: "(.+?)"', rule.__doc__ or "", re.DOTALL)
    assert match, f"{rule.__name__} has no 'Example: \"…\"' sentence in its docstring"
    return match.group(1)


def facts_of(rule, nlp, text):
    doc = nlp(text)
    facts = set()
    for sentence in doc.sents:
        found = [(m, ent) for ent in sentence.ents if (m := resolve(ent)) is not None]
        for subject, predicate, obj in rule(sentence, found):
            other = obj.surface if hasattr(obj, "surface") else obj
            facts.add((subject.surface, predicate, other))
    return facts


def test_every_rule_has_an_expectation():
    assert {rule.__name__ for rule in RULES} == set(EXPECTED)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_rule_example_yields_its_facts(rule, nlp):
    facts = facts_of(rule, nlp, example_of(rule))
    assert EXPECTED[rule.__name__] <= facts, facts


def test_nationality_does_not_leak_past_a_verb(nlp):
    facts = facts_of(RULES[3], nlp, "Chinese regulators said that OpenAI had released a model.")
    assert not facts
