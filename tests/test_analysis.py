"""The organisation network and its analysis: on the hand-written tiny_network fixture, and on
larger seeded networks, where the igraph path must agree with NetworkX."""

from __future__ import annotations

import importlib.util
import json
import random
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest
from airace.graph import analysis
from airace.graph.analysis import (
    CHINA,
    SEED,
    UNITED_STATES,
    _igraph_measures,
    analyze,
    render_markdown,
    statistics,
)
from airace.graph.network import knowledge_graph, organisation_network
from airace.graph.store import open_store
from rdflib import RDF, RDFS, Literal, Namespace, URIRef

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
    from airace.graph.plots import elo_race
    from matplotlib.image import imread

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


# --- the igraph path of large networks, against NetworkX ---------------------------------------

BENCH = Path(__file__).resolve().parents[1] / "bench" / "network.py"


def bench_network():
    """bench/network.py, imported by path as the benchmark scripts beside it import it."""
    spec = importlib.util.spec_from_file_location("bench_network", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def random_network(seed: int = 7) -> nx.Graph:
    """A seeded network of 320 organisations shaped like organisation_network's: heavy-tailed
    degrees, ties weighing 0.5 (co-mention) to 3, a second small component and isolated ones."""
    rng = random.Random(seed)
    shape = nx.barabasi_albert_graph(300, 3, seed=seed)
    shape.add_edges_from((300 + index, 300 + (index + 1) % 12) for index in range(12))
    shape.add_nodes_from(range(312, 320))
    countries = [(UNITED_STATES, "United States")] * 5 + [(CHINA, "China")] * 4 + [(None, None)]
    network = nx.Graph()
    for node in rng.sample(sorted(shape), len(shape)):  # insertion order must not matter
        iri, name = rng.choice(countries)
        network.add_node(f"{ORG}n{node:03d}", label=f"Organisation {node:03d}", kind="Company",
                         country=name, country_iri=iri)
    for a, b in shape.edges:
        stated = rng.random() < 0.2
        weight = rng.choice([1, 2, 3]) if stated else rng.choice([0.5, 1.0])
        network.add_edge(f"{ORG}n{a:03d}", f"{ORG}n{b:03d}", kind="relation" if stated else "co-mention",
                         weight=weight, relation_weight=weight if stated else 0,
                         co_mention_weight=0 if stated else int(weight * 2),
                         relations=["collaboratesWith"] if stated else [],
                         documents=[f"{DOC}{rng.randrange(40):016x}"], sources=[], co_mention_sources=[])
    return network


@pytest.fixture(scope="module")
def network():
    return random_network()


def test_igraph_pagerank_is_networkx_pagerank(network):
    pagerank = _igraph_measures(network, len(network))[0]
    # NetworkX iterates to a tolerance; driven to convergence it meets igraph's exact solution.
    converged = nx.pagerank(network, weight="weight", tol=1e-13, max_iter=10_000)
    assert pagerank == pytest.approx(converged, abs=1e-10)
    # At its default tolerance NetworkX stops once the ranks move by less than n * 1e-6 in all
    # (3.2e-4 here), which leaves the ranks of the slow-mixing 12-cycle some 1e-5 off.
    assert pagerank == pytest.approx(nx.pagerank(network, weight="weight"), abs=5e-5)


def test_igraph_betweenness_is_exact_when_every_organisation_is_a_source(network):
    _, betweenness, _, _, sources = _igraph_measures(network, len(network))
    assert sources is None
    assert betweenness == pytest.approx(nx.betweenness_centrality(network, normalized=True), abs=1e-12)


@pytest.mark.skipif(tuple(int(part) for part in nx.__version__.split(".")[:2]) < (3, 6),
                    reason="NetworkX before 3.6 scaled a sampled betweenness by n/k alone")
def test_igraph_betweenness_from_a_sample_is_networkx_with_the_same_sample(network):
    ordered = nx.Graph()  # NetworkX samples from its node order; the igraph path from sorted IRIs
    ordered.add_nodes_from(sorted(network.nodes(data=True)))
    ordered.add_edges_from(network.edges(data=True))
    _, betweenness, _, _, sources = _igraph_measures(network, 40)
    assert sources == 40
    assert betweenness == pytest.approx(nx.betweenness_centrality(ordered, k=40, seed=SEED), abs=1e-12)


def test_igraph_communities_are_as_good_as_networkx_louvain(network):
    communities = _igraph_measures(network, len(network))[2]
    assert sorted(node for members in communities for node in members) == sorted(network)  # a partition
    ours = nx.community.modularity(network, communities, weight="weight")
    louvain = nx.community.modularity(
        network, nx.community.louvain_communities(network, weight="weight", seed=SEED), weight="weight")
    assert ours == pytest.approx(louvain, abs=0.02)


def test_igraph_components_are_networkx_components(network):
    components = _igraph_measures(network, len(network))[3]
    assert sorted(map(sorted, components)) == sorted(map(sorted, nx.connected_components(network)))


def test_statistics_of_a_large_network_agree_on_both_paths(network):
    by_networkx = statistics(network)
    by_igraph = statistics(network, igraph_above=100, betweenness_sources=len(network))
    assert "betweenness_sources" not in by_igraph["summary"]  # the sample covered every organisation
    assert by_igraph["summary"] == by_networkx["summary"]
    for key in ("components", "countries", "us_china_ties"):
        assert by_igraph[key] == by_networkx[key]
    rows = {row["iri"]: row for row in by_networkx["organisations"]}
    for row in by_igraph["organisations"]:
        expected = rows[row["iri"]]
        assert row["pagerank"] == pytest.approx(expected["pagerank"], abs=5e-5)  # NetworkX's tolerance, above
        assert row["betweenness"] == pytest.approx(expected["betweenness"], abs=1e-6)
        assert {key: row[key] for key in ("degree", "weighted_degree", "component")} == {
            key: expected[key] for key in ("degree", "weighted_degree", "component")}


def test_a_sampled_betweenness_is_said_in_the_report(network):
    data = statistics(network, igraph_above=100, betweenness_sources=50)
    assert (data["summary"]["betweenness_sources"], data["summary"]["betweenness_seed"]) == (50, SEED)
    assert ("Betweenness is estimated, not exact: it counts the shortest paths from 50 of the 320 organisations, "
            f"drawn at random with seed {SEED}.") in render_markdown(data)
    assert "estimated" not in render_markdown(statistics(network))


def test_the_igraph_path_gives_the_same_report_whatever_the_order(network):
    shuffled = nx.Graph()
    rng = random.Random(3)
    shuffled.add_nodes_from(rng.sample(list(network.nodes(data=True)), len(network)))
    shuffled.add_edges_from(rng.sample(list(network.edges(data=True)), network.number_of_edges()))
    first = statistics(network, igraph_above=100, betweenness_sources=50)
    assert json.dumps(first) == json.dumps(statistics(shuffled, igraph_above=100, betweenness_sources=50))
    assert json.dumps(first) == json.dumps(statistics(network, igraph_above=100, betweenness_sources=50))


# --- the synthetic network of the benchmarks ---------------------------------------------------


def test_the_synthetic_network_has_the_asked_organisations_and_ties():
    generator = bench_network()
    data = generator.synthetic_network(organisations=400, ties=2_000, seed=11)
    store = open_store(None)
    store.load(data, format="nq")
    network = organisation_network(store)
    assert (network.number_of_nodes(), network.number_of_edges()) == (400, 2_000)
    countries = Counter(country for _, country in network.nodes(data="country"))
    assert countries["United States"] + countries["China"] > 0.7 * 400 and None not in countries
    kinds = Counter(kind for _, _, kind in network.edges(data="kind"))
    assert 0 < kinds["relation"] < kinds["co-mention"]
    degrees = sorted((degree for _, degree in network.degree()), reverse=True)
    assert degrees[0] > 5 * (2 * 2_000 / 400)  # a heavy tail: hubs far above the mean degree
    assert generator.synthetic_network(organisations=400, ties=2_000, seed=11) == data
    assert generator.synthetic_network(organisations=400, ties=2_000, seed=12) != data


def test_a_synthetic_store_is_analysed_on_the_igraph_path(tmp_path, monkeypatch):
    store = open_store(None)
    store.load(bench_network().synthetic_network(organisations=300, ties=1_200, seed=5), format="nq")
    monkeypatch.setattr(analysis, "IGRAPH_ABOVE", 200)
    monkeypatch.setattr(analysis, "BETWEENNESS_SOURCES", 100)
    report = analyze(store, out_dir=tmp_path / "a")
    analyze(store, out_dir=tmp_path / "b")
    assert report["summary"]["organisations"] == 300 and report["summary"]["ties"] == 1_200
    assert report["summary"]["betweenness_sources"] == 100
    for name in ("report.md", "report.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert "from 100 of the 300 organisations" in (tmp_path / "a" / "report.md").read_text(encoding="utf-8")
