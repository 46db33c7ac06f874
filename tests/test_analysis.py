"""The organisation network and its analysis, on the hand-written tiny_network fixture."""

from __future__ import annotations

import json

import pytest
from rdflib import Literal, Namespace, RDF, RDFS, URIRef

from airace.graph.analysis import analyze, statistics
from airace.graph.network import knowledge_graph, organisation_network
from airace.graph.store import open_store

ORG = "https://w3id.org/airace/id/org/"
DOC = "https://w3id.org/airace/id/doc/"
RACE = Namespace("https://w3id.org/airace/ontology#")
MS_THU_SENTENCE = "Microsoft Research Asia has co-authored hundreds of papers with Tsinghua University since 1998."
MS_THU_TITLE = "Microsoft and Tsinghua deepen research ties"


@pytest.fixture
def report(tiny_network, tmp_path):
    return analyze(tiny_network, out_dir=tmp_path / "report")


def ranking(report) -> list[str]:
    return [row["label"] for row in report["organisations"]]


# --- the graphs ------------------------------------------------------------------------------


def test_knowledge_graph_holds_every_entity_with_its_class(tiny_network):
    graph = knowledge_graph(tiny_network)
    kinds = {attrs["label"]: attrs["kind"] for _, attrs in graph.nodes(data=True)}
    assert kinds["Tsinghua University"] == "University"
    assert kinds["DeepSeek-R1"] == "AIModel" and kinds["Ascend 910B"] == "Chip" and kinds["China"] == "Country"
    assert graph.number_of_nodes() == 20
    assert graph.nodes[ORG + "huawei"]["country"] == "China"


def test_knowledge_graph_edges_carry_their_sources(tiny_network):
    graph = knowledge_graph(tiny_network)
    edge = graph.edges[ORG + "openai", ORG + "microsoft", "collaboratesWith"]
    assert edge["relation"] == "collaboratesWith"
    assert edge["documents"] == [DOC + "1111111111111111", DOC + "2222222222222222"]
    assert [source["sentence"] for source in edge["sources"]] == [
        "Microsoft hosts OpenAI's models and funds Stanford University labs.",
        "OpenAI works closely with Microsoft, its largest investor.",
    ]  # sorted by document title, then sentence
    assert "openWeights" not in {relation for *_, relation in graph.edges(keys=True)}  # attributes are not edges


def test_organisation_network_keeps_organisations_only(tiny_network):
    network = organisation_network(tiny_network)
    assert {attrs["kind"] for _, attrs in network.nodes(data=True)} == {"Company", "University", "ResearchInstitute"}
    assert network.number_of_nodes() == 13
    assert ORG + "baidu" in network and network.degree(ORG + "baidu") == 0


def test_a_relation_weighs_its_documents(tiny_network):
    tie = organisation_network(tiny_network).edges[ORG + "openai", ORG + "microsoft"]
    assert (tie["kind"], tie["weight"], tie["relations"]) == ("relation", 2, ["collaboratesWith"])


def test_a_co_mention_is_a_weaker_tie_of_its_own_kind(tiny_network):
    tie = organisation_network(tiny_network).edges[ORG + "huawei", ORG + "nvidia"]
    assert (tie["kind"], tie["relation_weight"], tie["co_mention_weight"]) == ("co-mention", 0, 1)
    assert tie["weight"] == 0.5 and tie["relations"] == []
    assert tie["co_mention_sources"][0]["sentence"] == "Huawei's Ascend 910B is pitched against Nvidia's H100."


def test_a_relation_and_a_co_mention_keep_both_weights(tiny_network):
    tie = organisation_network(tiny_network).edges[ORG + "microsoft", ORG + "tsinghua-university"]
    assert (tie["kind"], tie["relation_weight"], tie["co_mention_weight"], tie["weight"]) == ("relation", 1, 1, 1)


# --- the analysis ----------------------------------------------------------------------------


def test_pagerank_puts_the_best_tied_organisation_first(report):
    assert ranking(report)[:2] == ["Microsoft", "OpenAI"]
    assert report["organisations"][0]["country"] == "United States"


def test_pagerank_orders_hubs_before_their_leaves(report):
    order = ranking(report)
    assert order.index("Tsinghua University") < order.index("Zhipu AI")
    assert order.index("DeepSeek") < order.index("High-Flyer")
    assert order.index("Microsoft") < order.index("Stanford University")


def test_an_organisation_without_ties_ranks_last(report):
    last = report["organisations"][-1]
    assert (last["label"], last["degree"], last["betweenness"]) == ("Baidu", 0, 0.0)
    assert last["pagerank"] < min(row["pagerank"] for row in report["organisations"][:-1])


def test_communities_and_components(report):
    components = [row["members"] for row in report["components"]]
    assert components[0] == [
        "DeepSeek", "High-Flyer", "Microsoft", "OpenAI", "Stanford University", "Tsinghua University", "Zhipu AI"
    ]
    assert ["Baidu"] in components and len(components) == 4
    communities = [row["members"] for row in report["communities"]]
    assert ["Alan Turing Institute", "Google", "Google DeepMind"] in communities
    assert sorted(label for members in communities for label in members) == sorted(ranking(report))


def test_country_projection(report):
    categories = report["countries"]["categories"]
    assert categories["within_us"] == {"all": 3, "relation": 2, "co-mention": 1}
    assert categories["within_china"] == {"all": 2, "relation": 2, "co-mention": 0}
    assert categories["us_china"] == {"all": 4, "relation": 1, "co-mention": 3}
    assert categories["other"] == {"all": 3, "relation": 2, "co-mention": 1}
    assert categories["unknown_country"]["all"] == 0
    china = next(row for row in report["countries"]["per_country"] if row["country"] == "China")
    assert (china["organisations"], china["ties"], china["cross_border"]) == (6, 6, 4)
    assert china["cross_border_share"] == pytest.approx(4 / 6, abs=1e-4)


def test_the_us_china_tie_is_reported_with_its_source(report, tmp_path):
    stated = [tie for tie in report["us_china_ties"] if tie["kind"] == "relation"]
    assert [(tie["us"], tie["china"], tie["relations"]) for tie in stated] == [
        ("Microsoft", "Tsinghua University", ["collaboratesWith"])
    ]
    assert stated[0]["sources"] == [
        {"document": MS_THU_TITLE, "document_iri": DOC + "1111111111111111", "sentence": MS_THU_SENTENCE}
    ]
    markdown = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    section = markdown.split("## US–China cross-border ties")[1].split("## ")[0]
    assert "**Microsoft** — **Tsinghua University**: collaboratesWith (1 document)" in section
    assert f"“{MS_THU_SENTENCE}” — *{MS_THU_TITLE}*" in section
    assert "**Nvidia** — **Huawei**: co-mention" in section


def test_reports_are_written_and_agree(report, tmp_path):
    markdown = (tmp_path / "report" / "report.md").read_text(encoding="utf-8")
    assert "| 1 | Microsoft | United States | Company |" in markdown
    assert json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8")) == report
    assert report["summary"] == {
        "organisations": 13,
        "ties": 12,
        "relation_ties": 7,
        "co_mention_ties": 5,
        "documents": 3,
        "isolated": 1,
        "co_mention_weight": 0.5,
        "louvain_seed": 42,
    }


def test_reports_are_the_same_every_time(tiny_network, tmp_path):
    for name in ("a", "b"):
        analyze(tiny_network, out_dir=tmp_path / name)
    for file in ("report.md", "report.json", "pagerank.png", "country-matrix.png"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_the_plots_show_the_report(report, tmp_path):
    from matplotlib.image import imread

    for name in ("pagerank.png", "country-matrix.png"):
        pixels = imread(tmp_path / "report" / name)
        assert pixels.shape[0] > 200 and pixels.shape[1] > 200 and pixels.std() > 0.05  # drawn, not blank
    assert report["organisations"][0]["label"] == "Microsoft"  # the longest bar of pagerank.png
    matrix = {(pair["a"], pair["b"]): pair["ties"] for pair in report["countries"]["matrix"]}
    assert matrix[("China", "United States")] >= 1  # the cross-border cell of country-matrix.png


def test_the_elo_race_is_drawn_from_the_months(tmp_path):
    from matplotlib.image import imread

    from airace.graph.plots import elo_race

    rows = [("2024-01", 1195.0, "GPT-4 Turbo", 1070.0, "yi-34b-chat", 125.0),
            ("2024-02", 1187.0, "gpt-4-1106-preview", 1093.0, "qwen1.5-72b-chat", 94.0)]
    path = elo_race(rows, tmp_path / "elo.png")
    assert imread(path).std() > 0.05
    assert elo_race([("2024-01", None, None, None, None, None)], tmp_path / "none.png") is None
    assert not (tmp_path / "none.png").exists()


def test_an_empty_store_reports_nothing_yet(tmp_path):
    report = analyze(open_store(None), out_dir=tmp_path)
    assert report["organisations"] == [] and report["us_china_ties"] == []
    assert report["summary"]["organisations"] == 0
    assert "nothing to analyse yet" in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*.png"))  # nothing to draw
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8")) == report


def test_names_cannot_break_the_markdown(tmp_path):
    store = open_store(None)
    doc = URIRef(DOC + "eeeeeeeeeeeeeeee")
    org = URIRef(ORG + "pipe")
    store.replace_graph(doc, [(org, RDF.type, RACE.Company), (org, RDFS.label, Literal("A | B <script>x</script>\n# C"))])
    analyze(store, out_dir=tmp_path)
    markdown = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| 1 | A \\| B &lt;script&gt;x&lt;/script&gt; \\# C | – | Company |" in markdown
    assert "<script>" not in markdown


def test_statistics_takes_any_organisation_network(tiny_network):
    assert statistics(organisation_network(tiny_network)) == statistics(organisation_network(tiny_network))


UNIT_WITHOUT_COUNTRY = """\
@prefix race: <https://w3id.org/airace/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix doc: <https://w3id.org/airace/id/doc/> .
@prefix org: <https://w3id.org/airace/id/org/> .
@prefix country: <https://w3id.org/airace/id/country/> .
doc:0000000000000002 {
  doc:0000000000000002 a race:Document ; dcterms:title "A lab abroad" .
  country:united-states a race:Country ; rdfs:label "United States" .
  country:china a race:Country ; rdfs:label "China" .
  org:microsoft a race:Company ; rdfs:label "Microsoft" ; race:country country:united-states .
  org:microsoft-research-asia a race:ResearchInstitute ; rdfs:label "Microsoft Research Asia" ;
    race:parentOrganisation org:microsoft ; race:collaboratesWith org:tsinghua-university .
  org:tsinghua-university a race:University ; rdfs:label "Tsinghua University" ; race:country country:china .
}
"""


def test_a_unit_without_a_country_takes_its_parents(tmp_path):
    store = open_store(None)
    store.load(UNIT_WITHOUT_COUNTRY.encode(), format="trig")
    graph = knowledge_graph(store)
    assert graph.nodes[ORG + "microsoft-research-asia"]["country"] == "United States"
    report = analyze(store, out_dir=tmp_path)
    assert [(tie["us"], tie["china"]) for tie in report["us_china_ties"]] == [
        ("Microsoft Research Asia", "Tsinghua University")]
