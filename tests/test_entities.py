"""Names found by the name rules, run through the real pipeline; and junk that must stay out (each rule's own
examples are run by tests/test_rules.py)."""

from __future__ import annotations

import pytest
from airace.extract.clean import segment
from airace.extract.entities import resolve


def mentions(nlp, text: str) -> set[tuple[str, str, str | None]]:
    """(surface, class, canonical name) of every mention the pipeline finds in ``text``."""
    doc = nlp(text)
    found = set()
    for sentence in doc.sents:
        for ent in sentence.ents:
            mention = resolve(ent)
            if mention is not None:
                found.add((mention.surface, mention.kind, mention.label))
    return found


def surfaces(nlp, text: str) -> dict[str, str]:
    return {surface: kind for surface, kind, _ in mentions(nlp, text)}


# --- names glossed in Chinese ------------------------------------------------------------------

def test_a_glossed_fund_is_a_government_body_without_its_article(nlp):
    found = surfaces(nlp, "Late in 2024 the finance ministry said it would seed "
                          "a National Artificial Intelligence Industry Investment Fund (国家人工智能产业投资基金).")
    assert found["National Artificial Intelligence Industry Investment Fund"] == "GovernmentBody"
    assert found["国家人工智能产业投资基金"] == "GovernmentBody"


def test_a_glossed_name_after_a_title_is_a_person(nlp):
    found = surfaces(nlp, "Zhipu CEO Zhang Peng (张鹏) said the model would be released in March.")
    assert found.get("Zhang Peng") == "Person"
    assert "CEO Zhang Peng" not in found


def test_a_glossed_chinese_personal_name_is_a_person_and_a_place_name_company_is_not(nlp):
    found = surfaces(nlp, "The company was founded by Liu Qingfeng (刘庆峰), and supplies Ningbo Jiangfeng (宁波江丰).")
    assert found.get("Liu Qingfeng") == "Person"
    assert found.get("Ningbo Jiangfeng") == "Company"


@pytest.mark.parametrize("text, not_a_name", [
    ("Planned server farms in the Yangtze River Delta Hub (长三角枢纽) are said to be vast.", "Yangtze River Delta Hub"),
    ("Part of the grant came via China's \"New Generation Artificial Intelligence\" Megaproject (科技创新 2030) in 2023.", "Megaproject"),
    ("The institutes form a \"large-scale comprehensive research base\" (大型综合性研究基地) in Beijing.", "large-scale comprehensive research base"),
    ("Beijing (北京) and Shanghai (上海) lead the country in data centres.", "Beijing"),
    ("The Large Language Model (大语言模型) boom continued.", "Large Language Model"),
])
def test_glossed_plans_hubs_and_terms_are_no_organisations(nlp, text, not_a_name):
    found = surfaces(nlp, text)
    assert not any(not_a_name in surface for surface, kind in found.items() if kind != "Country"), found


# --- names built on known ones --------------------------------------------------------------------

def test_a_company_name_may_start_with_a_country(nlp):
    found = surfaces(nlp, "Runpeng Semiconductor (润鹏半导体, owned by China Resources Microelectronics) began volume production in Shenzhen.")
    assert found.get("China Resources Microelectronics") == "Company"
    assert found.get("Runpeng Semiconductor") == "Company"


def test_a_university_press_is_a_company(nlp):
    found = surfaces(nlp, "The handbook was reissued by Shanghai Jiao Tong University Press in 2019.")
    assert found.get("Shanghai Jiao Tong University Press") == "Company"


def test_a_known_company_before_a_possessive_country_stays_itself(nlp):
    found = surfaces(nlp, "Analysts said Nvidia China's share of sales fell.")
    assert "Nvidia China" not in found


# --- names in context ---------------------------------------------------------------------------

def test_a_model_named_after_model_is_a_model(nlp):
    found = surfaces(nlp, "A Tsinghua team described a compact language model, RHO-1.")
    assert found.get("RHO-1") == "AIModel"


def test_a_lower_case_model_name_with_a_version_is_kept(nlp):
    found = surfaces(nlp, "On one public leaderboard the yi-large-preview model briefly ranked among the top ten in mid-2024.")
    assert found.get("yi-large-preview") == "AIModel"


def test_what_a_dataset_trains_is_a_model(nlp):
    found = surfaces(nlp, "Its authors relied on the new corpus to train Chinese-Tiny-LLM from scratch.")
    assert found.get("Chinese-Tiny-LLM") == "AIModel"


def test_hyphenated_names_without_talk_of_models_are_no_models(nlp):
    found = surfaces(nlp, "Chinese fighters such as J-20 and Su-35 flew near the island.")
    assert "AIModel" not in found.values(), found


def test_a_statistical_label_yields_to_an_organisation_word(nlp):
    found = surfaces(nlp, "The new campus will also house groups such as  Keen Security Lab     plus a robotics team.")
    assert found.get("Keen Security Lab") == "ResearchInstitute"


def test_a_name_running_into_a_parenthesis_is_cut_there(nlp):
    found = surfaces(nlp, "Min-jun Park, working paper prepared for Korean Development Institute "
                          "(School of International Policy Studies, 2021).")
    assert found.get("Korean Development Institute") == "ResearchInstitute"


def test_no_sentence_starts_inside_a_name(nlp):
    text = ("A 2023 count of filings puts Chinese firms ahead in fields such as payments ( Baidu    ,  Ping An    ,  "
            "Tencent    ,  Alibaba    ,  ByteDance    ) and networking ( Huawei    ).")
    doc = nlp(text)
    assert all(ent.sent == doc[ent.start].sent and ent.end <= ent.sent.end for ent in doc.ents)
    assert surfaces(nlp, text).get("Ping An") == "Company"


# --- junk that must not become an entity ------------------------------------------------------------

@pytest.mark.parametrize("text, junk", [
    ("AI is changing how companies work.", "AI"),
    ("Token counts cover both the prompt and the reply sent to each provider.", "Token"),
    ('The search used terms such as "Deep Learning" (DL), "Neural Networks," and "Computer Vision."', "Neural Networks"),
    ("NSRIs (also known as NRDI) vary widely in size and funding.", "NSRIs"),
    ("Schooling in Asia and the World: Progress and Open Questions is a book.", "World: Progress and"),
    ("Data Acquisition and Model Training\nFirms buy data from many sources.", "Data Acquisition"),
    ("AI Race Intensifies\nThe race goes on.", "AI Race Intensifies"),
    ("Data Acquisition and Model Training\nFirms buy data from many sources.", "Model Training Firms"),
    ("Firms must meet the Image Security rules set by regulators.", "Image Security"),
    ("Dr Hook argues that AI will reshape trade talks within a decade.", "Hook"),
    ("Alibaba Cloud's Model Studio also provides similar services.", "Model Studio"),
])
def test_junk_is_no_entity(nlp, text, junk):
    found = surfaces(nlp, text)
    assert not any(junk in surface for surface in found), found


def test_a_sentence_fragment_ending_in_of_is_no_name(nlp):
    found = surfaces(nlp, "A 2023 paper from Soka University of")
    assert "Soka University of" not in found


# --- footnotes ----------------------------------------------------------------------------------

def test_a_footnote_that_names_authors_is_read_with_its_title_blanked(nlp):
    text = "Body text.\n²³ Xiaomei Yan, Tianzuo Yu, and Yizhe Chen (editors), *Schooling in China and the World* (Springer, 2021).\n"
    blocks = segment(text)
    assert len(blocks) == 2 and "Schooling" not in blocks[1].text and "World" not in blocks[1].text
    assert text[blocks[1].start:blocks[1].end].startswith("Xiaomei Yan")
    found = surfaces(nlp, blocks[1].text)
    assert {"Xiaomei Yan", "Tianzuo Yu", "Yizhe Chen"} <= {surface for surface, kind in found.items() if kind == "Person"}


def test_a_linked_title_in_a_footnote_is_no_organisation(nlp):
    text = ("Body text.\n¹³ A longer version of this note sits in the Recorded Future Intelligence Cloud: "
            "[China's Provincial Governments Likely Spend Billions on AI Subsidies](#).\n")
    found = surfaces(nlp, segment(text)[1].text)
    assert not any("Likely" in surface for surface in found), found


@pytest.mark.parametrize("line", ["²⁵ Ibid., 401 (Figure 9).", "⁶ [https://www.jiemian\\[.\\]com/article/1.html](https://www.jiemian[.]com/article/1.html)",
                                  "³⁰ <https://archive.is/3HVOS>"])
def test_a_footnote_that_only_points_elsewhere_is_dropped(line):
    assert segment(f"Body text.\n{line}\n") == segment("Body text.\n")
