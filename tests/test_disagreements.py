"""``airace disagreements``: the figures sources give differently for one quantity, with their sources.

The metric concept (``metric_concept``) is tested on label pairs that must and must not meet;
the command runs on a real store that ``airace build`` makes from three small articles
written here, which give China's share of AI patents three ways and agree or do not
disagree on everything else.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from airace.extract.figure_metrics import metric_concept
from airace.extract.reader import read_article
from airace.graph.cli import main
from airace.graph.disagreements import disagreements, format_value, render_text
from airace.graph.store import open_store, union_graph
from airace.ontology import RACE, validate
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

ID = "https://w3id.org/airace/id/"

# --- the concept a metric label measures ------------------------------------------------------

SAME_QUANTITY = [
    # (label, label, unit): two wordings of one quantity
    ("share of global AI patents", "share of AI patents filed last year", "percent"),
    ("share of global AI patents", "share of AI patents", "percent"),
    ("share of all citations", "share of global citations", "percent"),
    ("share of world's AI researchers", "share of world’s AI researchers", "percent"),
    ("share of AI patent filings", "share of AI patents", "percent"),
    ("share of total traffic", "share of traffic", "percent"),
    ("total patents", "patents", "count"),
    ("AI research papers", "AI papers published in 2024", "count"),
    ("world's top 50 AI companies", "top 50 AI companies", "count"),
]

DIFFERENT_QUANTITIES = [
    # (label, label, unit): quantities that must stay apart
    ("share of patents", "share of patent grants", "percent"),
    ("share of AI patents", "share of patents", "percent"),  # AI patents are not all patents
    ("share of AI patents", "share of AI patents granted", "percent"),
    ("papers", "top 100 most-cited papers", "count"),
    ("top 100 most-cited AI papers", "AI papers", "count"),
    ("share of world's top AI researchers", "share of world's AI researchers", "percent"),
    ("full-time employee researchers", "researchers", "count"),
    ("share of international students", "share of students", "percent"),
    ("generative AI patents", "AI patents", "count"),
    ("AI papers per capita", "AI papers", "count"),
]

LEFT_ALONE = [
    # (label, unit): labels that are their own concept
    ("share of AI patents", "percent"),
    ("patent grant ratio", "percent"),
    ("average annual growth rate", "percent"),
    ("top Chatbot Arena Elo (China)", "Elo"),
    ("STEM Degree Level: Bachelor's", "count"),
    ("USD / Million Input Tokens", "USD per million tokens"),
    ("members of DeepSeek’s research team (out of 201)", "count"),
    ("amount in USD", "USD"),
    ("share of world's", "percent"),  # nothing would be left
]


@pytest.mark.parametrize("one, other, unit", SAME_QUANTITY)
def test_wordings_of_one_quantity_share_a_concept(one, other, unit):
    assert metric_concept(one, unit) == metric_concept(other, unit)


@pytest.mark.parametrize("one, other, unit", DIFFERENT_QUANTITIES)
def test_different_quantities_keep_different_concepts(one, other, unit):
    assert metric_concept(one, unit) != metric_concept(other, unit)


@pytest.mark.parametrize("label, unit", LEFT_ALONE)
def test_some_labels_are_their_own_concept(label, unit):
    assert metric_concept(label, unit) == label


def test_the_concept_of_a_share_of_global_patents_reads_as_a_share():
    assert metric_concept("share of global AI patents", "percent") == "share of AI patents"
    assert metric_concept("share of the first three rounds of the Big Fund", "percent") == \
        "share of first three rounds of the Big Fund"


@pytest.mark.parametrize("label, unit", [(label, unit) for pair in SAME_QUANTITY + DIFFERENT_QUANTITIES
                                         for label, unit in ((pair[0], pair[2]), (pair[1], pair[2]))])
def test_a_concept_is_its_own_concept(label, unit):
    # so a concept node never gets a broader concept of its own
    concept = metric_concept(label, unit)
    assert metric_concept(concept, unit) == concept


def test_values_read_as_an_article_writes_them():
    assert format_value(Decimal("69.70"), "percent") == "69.7%"
    assert format_value(Decimal("2400000.0"), "count") == "2.4 million"
    assert format_value(Decimal("1372"), "Elo") == "1,372 Elo"


# --- the command, on a store built from three small articles ----------------------------------

ARTICLES = {
    "patent-watch.md": (
        "---\ntitle: Patent watch\n---\n"
        "In 2024, China accounted for 74.2% of global AI patents, while the United States held 8.2%.\n\n"
        "In 2021, the United States was home to 8,000 AI startups.\n\n"
        "China has about 39,000 AI researchers, according to one study.\n"
    ),
    "innovation-brief.md": (
        "---\ntitle: Innovation brief\n---\n"
        "China accounted for 61% of the AI patents filed in 2024. "
        "The United States held 8.2% of the AI patents filed in 2024.\n\n"
        "In 2023, the United States was home to 9,500 AI startups.\n\n"
        "More than 30,000 AI researchers work in China.\n"
    ),
    "patent-tally.md": (
        "---\ntitle: Patent tally\n---\n"
        "By another count, China filed 65.5% of all AI patents in 2024.\n"
    ),
}


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("disagreements") / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(articles) -> str:
    """The folder of a store that ``airace build`` made from the three articles (closed)."""
    store = str(articles.parent / "store")
    assert main(["build", str(articles), "--store", store, "--quiet"]) == 0
    return store


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def clusters_of(capsys, store: str, *argv: str) -> list[dict]:
    status, out, err = run(capsys, "disagreements", "--store", store, "--format", "json", *argv)
    assert (status, err) == (0, "")
    return json.loads(out)["clusters"]


def test_three_sources_on_one_quantity_are_one_cluster(built, capsys):
    clusters = clusters_of(capsys, built)
    assert len(clusters) == 1
    cluster = clusters[0]
    assert cluster["subject"] == {"iri": ID + "country/china", "label": "China"}
    assert cluster["metric"] == {"iri": ID + "metric/share-of-ai-patents", "label": "share of AI patents"}
    assert cluster["periods"] == ["2024"]
    assert (cluster["low"], cluster["high"], cluster["spread"]) == (61, 74.2, round(74.2 / 61, 4))
    # largest first; each figure with its wording, quote, source and sentence
    assert [(f["value"], f["metric"], f["quote"], f["document"]["title"], f["document"]["source"])
            for f in cluster["figures"]] == [
        (74.2, "share of global AI patents", "74.2%", "Patent watch", "patent-watch.md"),
        (65.5, "share of AI patents", "65.5%", "Patent tally", "patent-tally.md"),
        (61, "share of AI patents", "61%", "Innovation brief", "innovation-brief.md"),
    ]
    # every pair of the three disagrees
    assert len(cluster["disagreeing_pairs"]) == 3


def test_offsets_locate_each_sentence_in_its_article(built, articles, capsys):
    for figure in clusters_of(capsys, built)[0]["figures"]:
        text = read_article(articles / figure["document"]["source"]).text
        sentence = figure["sentence"]
        assert text[sentence["start"]:sentence["end"]] == sentence["text"]
        assert figure["quote"] in sentence["text"]


def test_text_names_the_quantity_then_each_source_with_its_quote(built, capsys):
    status, out, err = run(capsys, "disagreements", "--store", built)
    assert (status, err) == (0, "")
    flat = " ".join(out.split())
    assert flat.startswith("1 quantity on which sources disagree (widest spread first) "
                           "China · share of AI patents · 2024 3 sources: 61% to 74.2% (×1.22)")
    assert ("74.2% 2024 “74.2%” as “share of global AI patents” Patent watch (patent-watch.md) "
            "[28-119] In 2024, China accounted for 74.2% of global AI patents, while the United States held 8.2%.") in flat
    assert ("61% 2024 “61%” Innovation brief (innovation-brief.md) "
            "[32-88] China accounted for 61% of the AI patents filed in 2024.") in flat
    assert out.index("74.2%  2024") < out.index("65.5%  2024") < out.index("61%  2024")


def test_sources_that_agree_are_not_reported(built):
    # the United States' 8.2% in two wordings, two sources: the same figure
    clusters = disagreements(open_store(built, read_only=True), subject="United States")
    assert clusters == []


def test_figures_of_other_years_are_a_time_series(built, capsys):
    # 8,000 AI startups in 2021 and 9,500 in 2023: two years apart, a change, not a disagreement
    assert [c["metric"]["label"] for c in clusters_of(capsys, built)] == ["share of AI patents"]
    wider = clusters_of(capsys, built, "--years-apart", "2")
    startups = [c for c in wider if c["metric"]["label"] == "AI startups"]
    assert [(f["value"], f["period"]) for f in startups[0]["figures"]] == [(9500, "2023"), (8000, "2021")]


def test_a_bound_the_other_figure_meets_is_no_disagreement(built, capsys):
    # "More than 30,000 AI researchers" and "about 39,000 AI researchers" can both be true
    assert not [c for c in clusters_of(capsys, built) if c["metric"]["label"] == "AI researchers"]


def test_subject_is_any_of_its_names_in_any_case(built, capsys):
    assert [c["subject"]["label"] for c in clusters_of(capsys, built, "--subject", "china")] == ["China"]
    status, out, _ = run(capsys, "disagreements", "--store", built, "--subject", "united states")
    assert status == 0
    assert out == ("No disagreements about united states: "
                   "no two sources give different figures for the same quantity.\n")


def test_an_unknown_subject_is_one_line_with_close_names(built, capsys):
    status, out, err = run(capsys, "disagreements", "--store", built, "--subject", "Chna")
    assert (status, out) == (1, "")
    assert err == "airace disagreements: no entity is named 'Chna'; did you mean China?\n"


def test_a_negative_year_window_is_refused(built, capsys):
    status, _, err = run(capsys, "disagreements", "--store", built, "--years-apart", "-1")
    assert status == 1 and err == "airace disagreements: years apart must be 0 or more, not -1\n"


def test_the_graph_links_each_wording_to_its_concept(built):
    graph = union_graph(open_store(built, read_only=True).quads())
    worded, concept = URIRef(ID + "metric/share-of-global-ai-patents"), URIRef(ID + "metric/share-of-ai-patents")
    assert set(graph.objects(worded, SKOS.broader)) == {concept}
    assert {RACE.Metric, SKOS.Concept} <= set(graph.objects(concept, RDF.type))
    assert set(graph.objects(concept, RDFS.label)) == {Literal("share of AI patents")}
    # a metric already worded as its concept points nowhere
    assert set(graph.objects(concept, SKOS.broader)) == set()
    conforms, report = validate(graph)
    assert conforms, report


def test_no_store_holds_no_disagreement():
    store = open_store(None)
    assert render_text(disagreements(store)) == \
        "No disagreements: no two sources give different figures for the same quantity."
