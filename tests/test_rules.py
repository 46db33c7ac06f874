"""The registry of rules: every example of every rule, run through the real pipeline, yields exactly its facts."""

from __future__ import annotations

import pytest
from airace.extract.examples import read_example
from airace.extract.rules import KINDS, Rule, RuleError, registry, rule

# Every registered rule by id: a rule dropped from the registry (or renamed, or given a new version
# without this list saying so) fails here.
REGISTERED = {
    "name": {"glossed_names@1", "names_holding_a_place@1", "units_of_known_organisations@1", "models_named_in_context@1"},
    "junk": {"is_quoted_term@1", "is_plural_acronym@1", "is_capitalised_word_at_sentence_start@1", "is_in_a_heading@1",
             "is_abstract_phrase@1", "crosses_a_line_break@1", "is_a_titled_surname@1", "is_a_product_taken_for_a_person@1"},
    "relation": {"possessive_product@1", "passive_agent@1", "active_agent@1", "researchers_from@1", "maker_before_product@1",
                 "parent_by_name@1", "owned_by@1", "co_authored@1", "group_led_by@1", "title_affiliation@1", "uses_chip@1",
                 "competing_models@1", "open_weights@1", "export_restricted@1", "process_node@1", "release_date@1",
                 "serves_models_of@1", "nationality_modifier@1", "nationality_apposition@1", "country_in_name@1"},
    "row": {"row_place@1", "row_parent@1"},
    "table": {"table_location_of_operator@1", "table_release_date@1", "table_noted_comparison@1", "table_country_column@1",
              "table_model_and_maker@1", "table_gap_column@1", "table_number_column@1", "table_rank_in_cell@1"},
    "figure-subject": {"subject_restated@1", "subject_after_versus@1", "subject_priced_per_token@1", "subject_nationality_of_counted@1",
                       "subject_possessor@1", "subject_after_preposition@1", "subject_before_parenthesis@1", "subject_sized_by_amount@1",
                       "subject_of_gapped_clause@1", "subject_of_clause@1", "subject_nearest@1", "subject_of_paragraph@1"},
    "figure-metric": {"metric_rank@1", "metric_lag@1", "metric_price_per_tokens@1", "metric_change_by@1", "metric_comparative@1",
                      "metric_share_of@1", "metric_value_of@1", "metric_part_of@1", "metric_words_after@1"},
}

EXAMPLES = [(found, index) for found in registry().values() for index in range(len(found.examples))]


def test_the_registry_holds_every_rule_and_no_other():
    by_kind = {kind: {found.id for found in registry().values() if found.kind == kind} for kind in KINDS}
    assert by_kind == REGISTERED


@pytest.mark.parametrize(("found", "index"), EXAMPLES, ids=lambda value: value.id if isinstance(value, Rule) else str(value))
def test_each_example_yields_exactly_its_facts(found, index, nlp):
    example = found.examples[index]
    assert read_example(found, example.text, nlp) == example.facts


def test_a_rule_without_an_example_that_yields_a_fact_is_refused():
    with pytest.raises(RuleError, match="an example that yields a fact"):
        rule("relation", 1, ("Nothing happens here.", set()))


def test_a_rule_of_an_unknown_kind_is_refused():
    with pytest.raises(RuleError, match="unknown kind of rule 'guess'"):
        rule("guess", 1, ("DeepSeek released R1.", {("R1", "developedBy", "DeepSeek")}))


def test_a_name_registered_twice_is_refused():
    with pytest.raises(RuleError, match="registered twice"):
        @rule("relation", 1, ("DeepSeek released R1.", {("R1", "developedBy", "DeepSeek")}))
        def uses_chip(context):  # the name of a registered rule
            return iter(())


def facts_of(found: Rule, nlp, text: str) -> frozenset:
    return read_example(found, text, nlp)


RULES = registry()


def test_nationality_does_not_leak_past_a_verb(nlp):
    facts = facts_of(RULES["nationality_modifier"], nlp, "Chinese regulators said that OpenAI had released a model.")
    assert not facts


def test_the_owner_of_a_technology_is_not_its_user(nlp):
    facts = facts_of(RULES["uses_chip"], nlp, "Alibaba Cloud keeps using Nvidia's NVLink interconnect and may also use Nvidia's H100 chips.")
    assert ("Nvidia", "usesChip", "H100") not in facts
    assert ("Alibaba Cloud", "usesChip", "H100") in facts


def test_an_edition_of_a_work_is_no_unit_of_its_owner(nlp):
    facts = facts_of(RULES["possessive_product"], nlp, "Stanford University's Emerging Technology Review 2025 notes a shift.")
    assert not any(predicate == "parentOrganisation" for _, predicate, _ in facts)


def test_researchers_are_not_credited_with_what_others_did(nlp):
    assert not facts_of(RULES["researchers_from"], nlp, "Researchers from Google said OpenAI released GPT-5.")


def test_the_maker_is_the_head_of_the_subject(nlp):
    facts = facts_of(RULES["active_agent"], nlp, "TikTok owner ByteDance has released a few video models, such as OmniHuman-1 and CyberHost.")
    assert ("CyberHost", "developedBy", "ByteDance") in facts and ("CyberHost", "developedBy", "TikTok") not in facts


def test_a_named_team_leaves_out_the_venue(nlp):
    facts = facts_of(RULES["co_authored"], nlp, RULES["co_authored"].examples[0].text)
    assert not any("NeurIPS" in (subject, other) for subject, _, other in facts), facts


def test_a_rival_named_in_the_object_is_not_the_makers(nlp):
    facts = facts_of(RULES["active_agent"], nlp, "Early in 2025 the Chinese start-up DeepSeek released R1, a reasoning model "
                                        "anyone may download, competing with OpenAI’s then state-of-the-art o1 model.")
    assert ("DeepSeek-R1", "developedBy", "DeepSeek") in facts and ("o1", "developedBy", "DeepSeek") not in facts


def test_a_technique_developed_by_others_is_no_model_of_theirs(nlp):
    facts = facts_of(RULES["passive_agent"], nlp, "Alibaba Cloud's newest Qwen 2.5 models adopted methods like grouped-query attention, first developed by Google Research in 2023.")
    assert not any(predicate == "developedBy" for _, predicate, _ in facts), facts


def test_names_that_no_list_joins_do_not_collaborate(nlp):
    facts = facts_of(RULES["co_authored"], nlp, "Li Wei, who chairs the Chinese Communist Party committee at Tongji University — "
                                       "whose researchers have co-authored NeurIPS papers — wrote an essay.")
    assert not facts, facts


def test_organisations_listed_together_collaborate(nlp):
    facts = facts_of(RULES["co_authored"], nlp, "Baidu, Huawei and iFlytek collaborate on a national standard.")
    assert ("Baidu", "collaboratesWith", "Huawei") in facts and ("Huawei", "collaboratesWith", "iFlytek") in facts
