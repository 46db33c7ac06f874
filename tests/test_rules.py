"""Every relation rule's example sentence, run through the real pipeline, yields what it promises."""

from __future__ import annotations

import re

import pytest

from airace.extract.document import extract
from airace.extract.entities import resolve
from airace.extract.reader import read_article
from airace.extract.relations import ROW_RULES, RULES, active_agent, co_authored, nationality_modifier, passive_agent, possessive_product, researchers_from, uses_chip

# rule name -> facts its example sentence must yield, as (subject, predicate, object) surface names
EXPECTED = {
    "possessive_product": {("Ascend 910B", "designedBy", "Huawei"), ("910C", "designedBy", "Huawei"), ("A100", "designedBy", "Nvidia"),
                           ("Center for Human-Centered Artificial Intelligence", "parentOrganisation", "Stanford University")},
    "passive_agent": {("Ascend 910B", "designedBy", "Huawei"), ("Ascend 910B", "fabricatedBy", "Semiconductor Manufacturing International Corporation"),
                      ("Baichuan AI", "foundedBy", "Tsinghua University"), ("Zhipu AI", "foundedBy", "Tsinghua University"),
                      ("Colossus", "operatedBy", "xAI")},
    "active_agent": {("R1", "developedBy", "DeepSeek"), ("Ascend 910B", "fabricatedBy", "Semiconductor Manufacturing International Corporation"), ("Llama 3", "developedBy", "Meta")},
    "researchers_from": {("RHO-1", "developedBy", "Xiamen University"), ("RHO-1", "developedBy", "Microsoft Research Asia")},
    "maker_before_product": {("Yi", "developedBy", "01.AI"), ("H100", "designedBy", "Nvidia")},
    "nationality_modifier": {("DeepSeek", "country", "China"), ("Moonshot AI", "country", "China"),
                             ("Microsoft", "country", "United States"), ("Nvidia", "country", "United States")},
    "nationality_apposition": {("Manycore Tech", "country", "China")},
    "country_in_name": {("Shanghai Jiao Tong University", "country", "China"), ("Bank of China", "country", "China")},
    "parent_by_name": {("Tencent Cloud", "parentOrganisation", "Tencent"), ("Google Research", "parentOrganisation", "Google"),
                       ("Institute of Automation of the Chinese Academy of Sciences", "parentOrganisation", "Chinese Academy of Sciences")},

    "owned_by": {("Volcano Engine", "parentOrganisation", "ByteDance"),
                 ("Tencent Cloud", "parentOrganisation", "Tencent")},
    "co_authored": {("ByteDance", "collaboratesWith", "Peking University")},
    "group_led_by": {("SHLAB", "collaboratesWith", "Baidu"), ("SHLAB", "collaboratesWith", "Alibaba"),
                     ("Baidu", "collaboratesWith", "Huawei")},
    "title_affiliation": {("Andy Konwinski", "affiliatedWith", "Databricks"), ("Sam Altman", "affiliatedWith", "OpenAI"),
                          ("Maria L. Chen", "affiliatedWith", "Soka University of America")},
    "uses_chip": {("DeepSeek", "usesChip", "H800"), ("SiliconFlow", "usesChip", "Ascend 910B")},
    "competing_models": {("Qwen 2.5", "competesWith", "Claude 3.5 Sonnet"), ("Qwen 2.5", "competesWith", "GPT-4o")},
    "open_weights": {("DeepSeek R1", "openWeights", True), ("Llama 3", "openWeights", True), ("DeepSeek-V3", "openWeights", True)},
    "release_date": {("o1", "releaseDate", "2024-09"), ("ChatGPT", "releaseDate", "2022-11")},
    "serves_models_of": {("Amazon Web Services", "collaboratesWith", "Anthropic")},
    "export_restricted": {("H100", "exportRestricted", True)},
    "process_node": {("Ascend 910B", "processNodeNm", 7.0), ("910C", "processNodeNm", 7.0)},
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
            other = (obj.label or obj.surface) if hasattr(obj, "surface") else obj
            facts.add((subject.surface, predicate, other))
    return facts


def test_every_rule_has_an_expectation():
    assert {rule.__name__ for rule in RULES} == set(EXPECTED)


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.__name__)
def test_rule_example_yields_its_facts(rule, nlp):
    facts = facts_of(rule, nlp, example_of(rule))
    assert EXPECTED[rule.__name__] <= facts, facts


def test_nationality_does_not_leak_past_a_verb(nlp):
    facts = facts_of(nationality_modifier, nlp, "Chinese regulators said that OpenAI had released a model.")
    assert not facts


def test_the_owner_of_a_technology_is_not_its_user(nlp):
    facts = facts_of(uses_chip, nlp, "Alibaba Cloud keeps using Nvidia's NVLink interconnect and may also use Nvidia's H100 chips.")
    assert ("Nvidia", "usesChip", "H100") not in facts
    assert ("Alibaba Cloud", "usesChip", "H100") in facts


def test_an_edition_of_a_work_is_no_unit_of_its_owner(nlp):
    facts = facts_of(possessive_product, nlp, "Stanford University's Emerging Technology Review 2025 notes a shift.")
    assert not any(predicate == "parentOrganisation" for _, predicate, _ in facts)


def test_researchers_are_not_credited_with_what_others_did(nlp):
    assert not facts_of(researchers_from, nlp, "Researchers from Google said OpenAI released GPT-5.")


def test_the_maker_is_the_head_of_the_subject(nlp):
    facts = facts_of(active_agent, nlp, "TikTok owner ByteDance has released a few video models, such as OmniHuman-1 and CyberHost.")
    assert ("CyberHost", "developedBy", "ByteDance") in facts and ("CyberHost", "developedBy", "TikTok") not in facts


def test_a_named_team_leaves_out_the_venue(nlp):
    facts = facts_of(co_authored, nlp, example_of(co_authored))
    assert not any("NeurIPS" in (subject, other) for subject, _, other in facts), facts


def test_a_rival_named_in_the_object_is_not_the_makers(nlp):
    facts = facts_of(active_agent, nlp, "Early in 2025 the Chinese start-up DeepSeek released R1, a reasoning model "
                                        "anyone may download, competing with OpenAI’s then state-of-the-art o1 model.")
    assert ("R1", "developedBy", "DeepSeek") in facts and ("o1", "developedBy", "DeepSeek") not in facts


def test_a_technique_developed_by_others_is_no_model_of_theirs(nlp):
    facts = facts_of(passive_agent, nlp, "Alibaba Cloud's newest Qwen 2.5 models adopted methods like grouped-query attention, first developed by Google Research in 2023.")
    assert not any(predicate == "developedBy" for _, predicate, _ in facts), facts


# table-row rule name -> (the header its example row sits under, facts the row must yield)
ROW_EXPECTED = {
    "row_place": ("Company\tLocation\tHub\tServers", {("Tencent Cloud Qingpu", "country", "China")}),
    "row_parent": ("Sector\tEntity\tNo. of Papers", {
        ("Intelligent Science and Technology Academy of China Aerospace Science and Industry Corporation",
         "parentOrganisation", "China Aerospace Science and Industry Corporation")}),
}


def test_every_row_rule_has_an_expectation():
    assert {rule.__name__ for rule in ROW_RULES} == set(ROW_EXPECTED)


@pytest.mark.parametrize("rule", ROW_RULES, ids=lambda rule: rule.__name__)
def test_row_rule_example_yields_its_facts(rule, nlp, tmp_path):
    header, expected = ROW_EXPECTED[rule.__name__]
    row = example_of(rule).replace("\\t", "\t")
    path = tmp_path / "table.md"
    path.write_text(f"---\ntitle: A table\n---\nA table of Chinese organisations.\n\n{header}\n{row}\n", encoding="utf-8")
    facts = {(fact.subject.label or fact.subject.surface, fact.predicate,
              (fact.object.label or fact.object.surface) if hasattr(fact.object, "surface") else fact.object)
             for fact in extract(read_article(path), nlp).facts if fact.rule == rule.__name__}
    assert expected <= facts, facts


def test_names_that_no_list_joins_do_not_collaborate(nlp):
    facts = facts_of(co_authored, nlp, "Li Wei, who chairs the Chinese Communist Party committee at Tongji University — "
                                       "whose researchers have co-authored NeurIPS papers — wrote an essay.")
    assert not facts, facts


def test_organisations_listed_together_collaborate(nlp):
    facts = facts_of(co_authored, nlp, "Baidu, Huawei and iFlytek collaborate on a national standard.")
    assert ("Baidu", "collaboratesWith", "Huawei") in facts and ("Huawei", "collaboratesWith", "iFlytek") in facts
