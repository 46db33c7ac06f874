"""The HTML view: one offline file, safe with hostile names, and a reader's tool when driven in a real browser.

The browser tests drive Debian's headless Chromium through the DevTools protocol
(tests/browser.py): they type, press keys and click where things are drawn, and read the
text on screen.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import networkx as nx
import pytest
from airace.graph.network import knowledge_graph
from airace.graph.store import open_store
from airace.graph.view import LABELLED, SHAPES, SIDES, view_data, view_details, write_html
from browser import COUNT_INK, browser, chromium, needs_chromium, open_page  # noqa: F401 (fixtures)
from rdflib import RDF, RDFS, Literal, Namespace, URIRef

RACE = Namespace("https://w3id.org/airace/ontology#")
ID = "https://w3id.org/airace/id/"
HOSTILE = "</script><img src=x onerror=alert(1)>"
HOSTILE_FLAG = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>'


@pytest.fixture
def hostile_store():
    """Three organisations, two of them named by an attacker, one relation between them."""
    store = open_store(None)
    doc = URIRef(ID + "doc/ffffffffffffffff")
    evil, flag, victim = (URIRef(ID + f"org/{name}") for name in ("evil", "flag", "victim"))
    sentence = URIRef(ID + "doc/ffffffffffffffff/sentence/0-40")
    triples = [
        (doc, RDF.type, RACE.Document),
        (doc, URIRef("http://purl.org/dc/terms/title"), Literal(HOSTILE)),
        (evil, RDF.type, RACE.Company),
        (evil, RDFS.label, Literal(HOSTILE)),
        (flag, RDF.type, RACE.Company),
        (flag, RDFS.label, Literal(HOSTILE_FLAG)),
        (victim, RDF.type, RACE.University),
        (victim, RDFS.label, Literal("Victim University")),
        (evil, RACE.collaboratesWith, victim),
        (flag, RACE.foundedBy, victim),
        (sentence, RACE.text, Literal(HOSTILE_FLAG + " met Victim University.")),
        (sentence, URIRef("http://purl.org/dc/terms/isPartOf"), doc),
        (sentence, RACE.mentions, flag),
    ]
    store.replace_graph(doc, triples)
    return store


def page_data(path: Path) -> dict:
    """The JSON the page draws, read back from its ``graph-data`` element."""
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', path.read_text(), re.DOTALL)
    return json.loads(match.group(1))


def full_view(store) -> dict:
    return view_data(knowledge_graph(store), details=view_details(store))


# --- the page as a file ----------------------------------------------------------------------


def test_page_loads_nothing_from_elsewhere_and_runs_only_its_own_scripts(tiny_network, tmp_path):
    page = write_html(tiny_network, tmp_path / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(https?:|//)|@import", page, re.IGNORECASE)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert policy.startswith("default-src 'none'; script-src 'sha256-")
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "connect-src 'none'" in policy
    assert "new vis.Network" in page and "vis-network" in page  # the library is inline


def test_nothing_is_written_but_the_page(tiny_network, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    path = write_html(tiny_network, tmp_path / "out" / "graph.html")
    assert path == tmp_path / "out" / "graph.html"
    assert list(work.iterdir()) == []
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["graph.html"]


def test_hostile_name_cannot_close_the_script(hostile_store, tmp_path):
    path = write_html(hostile_store, tmp_path / "graph.html")
    text = path.read_text(encoding="utf-8")
    assert HOSTILE not in text and "<img src=x" not in text
    assert text.count("</script>") == 3  # vis-network, the data, the page's own script
    assert {node["label"] for node in page_data(path)["nodes"]} == {HOSTILE, HOSTILE_FLAG, "Victim University"}


def test_colour_by_country_shape_by_class_size_by_pagerank(tiny_network):
    data = full_view(tiny_network)
    sides = {"United States": "us", "China": "china"}
    for node in data["nodes"]:
        country = node["label"] if node["kind"] == "Country" else node["country"]
        side = sides.get(country, "other" if country else "unknown")
        assert (node["side"], node["color"]) == (side, SIDES[side][1]), node["label"]
        assert (node["shape"], node["dashed"]) == SHAPES[node["kind"]]
    assert {node["side"] for node in data["nodes"]} == {"us", "china", "other", "unknown"}
    by_rank = sorted(data["nodes"], key=lambda node: node["pagerank"])
    assert [node["size"] for node in by_rank] == sorted(node["size"] for node in data["nodes"])


def test_country_edges_become_colour_and_the_unconnected_are_set_aside(tiny_network):
    graph = knowledge_graph(tiny_network)
    data = full_view(tiny_network)
    drawn = [(a, b, key) for a, b, key in graph.edges(keys=True) if key != "country"]
    assert sorted((edge["from"], edge["to"], edge["label"]) for edge in data["edges"]) == sorted(drawn)
    assert "country" not in {edge["label"] for edge in data["edges"]}
    tied = {end for a, b, _ in drawn for end in (a, b)}
    assert {node["id"] for node in data["nodes"] if node["isolated"]} == set(graph) - tied
    assert data["isolated"] == len(set(graph) - tied) > 0
    aside = [node for node in data["nodes"] if node["isolated"]]
    drawing = [node for node in data["nodes"] if not node["isolated"]]
    assert min(node["x"] for node in aside) > max(node["x"] for node in drawing)  # beside the drawing, not in a ring


def test_the_most_central_carry_their_names(tiny_network):
    graph = knowledge_graph(tiny_network)
    data = view_data(graph, labelled=3)
    drawn = nx.MultiDiGraph()
    drawn.add_nodes_from(graph)
    drawn.add_edges_from((a, b, key, d) for a, b, key, d in graph.edges(keys=True, data=True) if key != "country")
    pagerank = nx.pagerank(drawn, weight="weight")
    top = sorted(drawn, key=lambda node: (-pagerank[node], node))[:3]
    assert sorted(node["id"] for node in data["nodes"] if node["labelled"]) == sorted(top)
    assert LABELLED == 30 and sum(node["labelled"] for node in full_view(tiny_network)["nodes"]) == len(graph)


def test_every_name_is_searchable_and_evidence_is_in_the_page(tiny_network):
    data = full_view(tiny_network)
    names = {node["label"]: node["names"] for node in data["nodes"]}
    assert names["DeepSeek"] == ["Deep Seek"] and names["Tsinghua University"] == ["Tsinghua"]
    assert names["United States"] == ["U.S."]
    (baidu,) = [node for node in data["nodes"] if node["label"] == "Baidu"]
    quoted = [data["sentences"][index] for index in baidu["mentions"]]
    assert [text for _, _, _, text in quoted] == ["Baidu declined to comment."]
    assert data["documents"][quoted[0][0]]["title"] == "How China's AI labs grew out of its universities"
    (microsoft,) = [node for node in data["nodes"] if node["label"] == "Microsoft"]
    stated = [data["statements"][index] for index in microsoft["statements"]]
    tsinghua = [s for s in stated if s.get("object") == "Tsinghua University"]
    assert [(s["kind"], s["subject"], s["predicate"]) for s in tsinghua] == [
        ("relation", "Microsoft", "collaboratesWith")]
    assert data["sentences"][tsinghua[0]["sentence"]][3] == (
        "Microsoft Research Asia has co-authored hundreds of papers with Tsinghua University since 1998.")
    (edge,) = [e for e in data["edges"] if e["from"].endswith("org/microsoft") and e["to"].endswith("org/tsinghua-university")]
    assert "“Microsoft Research Asia has co-authored hundreds of papers with Tsinghua University since 1998.”" in edge["title"]


def test_masked_runs_of_spaces_read_as_one_space(tmp_path):
    from airace.graph.build import build

    article = tmp_path / "linked.md"
    article.write_text("# Links\n\nDeepSeek released [the R1 model](https://example.org/r1) in January 2025.\n",
                       encoding="utf-8")
    store = open_store(tmp_path / "store")
    build([article], store)
    stored = [text for (text,) in store.strings(
        "PREFIX race: <https://w3id.org/airace/ontology#> SELECT ?t { ?s race:text ?t }") if "DeepSeek" in text]
    assert len(stored) == 1 and "  " in stored[0]  # the graph keeps the masked text and its offsets
    shown = [text for _, _, _, text in full_view(store)["sentences"] if "DeepSeek" in text]
    assert shown == [" ".join(stored[0].split())]


def test_figures_are_in_the_page(tmp_path):
    store = open_store(None)
    store.load((Path(__file__).parent / "fixtures" / "tiny_graph.trig").read_bytes(), format="trig")
    data = full_view(store)
    assert len(data["figures"]) == 21
    floor = [figure for figure in data["figures"] if figure["bound"] == "lower"]
    assert [(f["subjectName"], f["metric"], f["value"], f["quote"]) for f in floor] == [
        ("China", "share of world's AI patents", "60", "over 60% of the world's AI patents")]
    assert data["documents"][floor[0]["document"]]["title"] == "Who files the world's AI patents"


def test_layout_is_fixed(tiny_network, tmp_path):
    first = page_data(write_html(tiny_network, tmp_path / "a.html"))
    second = page_data(write_html(tiny_network, tmp_path / "b.html"))
    assert first == second
    assert len({(node["x"], node["y"]) for node in first["nodes"]}) == len(first["nodes"])


def test_max_nodes_keeps_the_most_central(tiny_network):
    graph = knowledge_graph(tiny_network)
    drawn = nx.MultiDiGraph()
    drawn.add_nodes_from(graph)
    drawn.add_edges_from((a, b, key, d) for a, b, key, d in graph.edges(keys=True, data=True) if key != "country")
    pagerank = nx.pagerank(drawn, weight="weight")
    top = sorted(drawn, key=lambda node: (-pagerank[node], node))[:5]
    data = view_data(graph, max_nodes=5)
    assert sorted(node["id"] for node in data["nodes"]) == sorted(top)
    assert (data["shown"], data["total"]) == (5, graph.number_of_nodes())
    assert all(edge["from"] in top and edge["to"] in top for edge in data["edges"])
    everything = view_data(graph, max_nodes=5, show_all=True)
    assert everything["shown"] == graph.number_of_nodes()


def test_max_nodes_must_be_positive(tiny_network, tmp_path):
    with pytest.raises(ValueError, match="at least 1"):
        write_html(tiny_network, tmp_path / "graph.html", max_nodes=0)


def test_empty_store_gives_an_empty_page(tmp_path):
    data = page_data(write_html(open_store(None), tmp_path / "graph.html"))
    assert (data["nodes"], data["edges"], data["total"], data["figures"]) == ([], [], 0, [])


def test_a_big_graph_is_laid_out_the_same_every_time():
    from airace.graph.view import IGRAPH_ABOVE, layout

    graph = nx.gnm_random_graph(IGRAPH_ABOVE + 200, 900, seed=1)
    first, second = layout(graph, scale=500), layout(graph, scale=500)
    assert first == second and set(first) == set(graph)
    assert len(set(first.values())) == len(graph)  # no two nodes on one spot
    assert max(abs(value) for point in first.values() for value in point) <= 500.0 + 1e-6


# --- the page in a browser -------------------------------------------------------------------

IN_VIEW = """(() => {
  const view = airaceView, box = document.querySelector("#network canvas").getBoundingClientRect();
  const shown = view.nodes.get({filter: node => !node.hidden});
  return shown.map(node => {
    const at = view.network.canvasToDOM(view.network.getPosition(node.id));
    return [node.id, at.x >= 0 && at.y >= 0 && at.x <= box.width && at.y <= box.height];
  });
})()"""


def shown_in_view(page) -> dict[str, bool]:
    return dict(page.evaluate(IN_VIEW))


def choose(page, selector: str, option: str) -> None:
    """Pick the option whose text starts with ``option`` as a reader does with the keyboard: focus the
    list and step to it with the arrow keys (each step is a change, as in any browser)."""
    page.click(selector)
    page.press("Escape", 27)  # close the list the click opened; the select keeps the focus
    texts = page.evaluate(f"[...document.querySelector({json.dumps(selector)}).options].map(o => o.text)")
    wanted = next(index for index, text in enumerate(texts) if text.startswith(option))
    current = page.evaluate(f"document.querySelector({json.dumps(selector)}).selectedIndex")
    for _ in range(abs(wanted - current)):
        page.press(*(("ArrowDown", 40) if wanted > current else ("ArrowUp", 38)))
    assert page.evaluate(f"document.querySelector({json.dumps(selector)}).selectedIndex") == wanted


@browser
@needs_chromium
def test_browser_draws_every_node(tiny_network, tmp_path, open_page):
    page = open_page(write_html(tiny_network, tmp_path / "graph.html"))
    page.wait("airaceView.ready")
    assert page.evaluate(COUNT_INK) > 1000
    data = full_view(tiny_network)
    assert page.evaluate("airaceView.nodes.length") == len(data["nodes"])
    assert page.evaluate("airaceView.edges.length") == len(data["edges"])
    hidden = page.evaluate("airaceView.nodes.get({filter: node => node.hidden}).map(node => node.id).sort()")
    assert hidden == sorted(node["id"] for node in data["nodes"] if node["isolated"])
    assert all(shown_in_view(page).values())
    assert page.errors() == []


@browser
@needs_chromium
def test_browser_runs_no_script_from_a_label(hostile_store, tmp_path, open_page):
    page = open_page(write_html(hostile_store, tmp_path / "graph.html"))
    page.wait("airaceView.ready")
    assert page.events("Page.javascriptDialogOpening") == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.errors() == []
    assert page.evaluate(COUNT_INK) > 0
    labels = page.evaluate("airaceView.nodes.get().map(node => node.label).sort()")
    assert labels == sorted([HOSTILE, HOSTILE_FLAG, "Victim University"])
    # a tooltip is text: hovering shows the label, never parses it
    evil = page.evaluate(f"airaceView.nodes.get().find(node => node.label === {json.dumps(HOSTILE)}).id")
    position = page.evaluate(
        f"(() => {{ const p = airaceView.network.canvasToDOM(airaceView.network.getPosition({json.dumps(evil)}));"
        " const r = document.querySelector('#network canvas').getBoundingClientRect();"
        " return [p.x + r.left, p.y + r.top]; })()"
    )
    page.tools.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": position[0], "y": position[1]},
                    session=page.session)
    tooltip = page.wait("""(() => { const t = document.querySelector("div.vis-tooltip");
        return t && t.style.visibility === "visible" ? [t.textContent, [...t.querySelectorAll("*")].map(e => e.tagName)]
        : null; })()""")
    assert tooltip[0].startswith(HOSTILE)
    assert set(tooltip[1]) <= {"BR"}  # line breaks only: the text was not parsed as HTML
    # the side panel and the search results show the names as text too
    page.click("#search")
    page.type("img src")
    page.wait("document.querySelectorAll('#results li[data-id]').length === 2")
    page.click('#results li[data-id$="org/flag"]')
    page.wait("!document.getElementById('panel').hidden")
    assert HOSTILE_FLAG + " met Victim University." in page.text("#panel-body")
    assert page.evaluate("document.querySelectorAll('#panel img, #panel script, #results img').length") == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.events("Page.javascriptDialogOpening") == []
    assert page.requests() == [page.url]
    assert page.evaluate("window.__violations") == []


@browser
@needs_chromium
def test_browser_makes_no_request(tiny_network, tmp_path, open_page):
    page = open_page(write_html(tiny_network, tmp_path / "graph.html"))
    page.wait("airaceView.ready")
    page.evaluate("new Promise(resolve => setTimeout(resolve, 300))")
    assert page.requests() == [page.url]
    assert page.evaluate("window.__violations") == []


@browser
@needs_chromium
def test_browser_filters_refit_and_the_toggle_shows_the_unconnected(tiny_network, tmp_path, open_page):
    page = open_page(write_html(tiny_network, tmp_path / "graph.html"))
    page.wait("airaceView.ready")
    visible = "airaceView.nodes.get({filter: node => !node.hidden}).map(node => node.label).sort()"
    choose(page, "#kind-filter", "Chip")
    assert page.evaluate(visible) == ["Ascend 910B", "H100"]
    assert page.text("#status").startswith("2 of ")
    assert all(shown_in_view(page).values())
    choose(page, "#kind-filter", "All")
    choose(page, "#country-filter", "United K")
    assert page.evaluate(visible) == ["Alan Turing Institute", "Google DeepMind"]
    assert all(shown_in_view(page).values())
    choose(page, "#country-filter", "All")
    before = len(page.evaluate(visible))
    page.click("#show-isolated")
    after = page.evaluate(visible)
    isolated = full_view(tiny_network)["isolated"]
    assert len(after) == before + isolated and "Baidu" in after
    in_view = shown_in_view(page)
    assert len(in_view) == len(after) and all(in_view.values())
    assert page.errors() == []


@browser
@needs_chromium
def test_browser_fit_and_reset_bring_everything_back(tiny_network, tmp_path, open_page):
    page = open_page(write_html(tiny_network, tmp_path / "graph.html"))
    page.wait("airaceView.ready")
    page.evaluate("airaceView.network.moveTo({position: {x: 5000, y: 5000}, scale: 4, animation: false})")
    assert not any(shown_in_view(page).values())
    page.click("#fit")
    assert all(shown_in_view(page).values())
    choose(page, "#kind-filter", "Chip")
    page.click("#search")
    page.type("deep")
    page.click("#reset")
    assert page.evaluate("[document.getElementById('kind-filter').value, document.getElementById('search').value]") \
        == ["", ""]
    in_view = shown_in_view(page)
    assert len(in_view) == page.evaluate("airaceView.data.nodes.filter(node => !node.isolated).length")
    assert all(in_view.values())


@browser
@needs_chromium
def test_browser_search_finds_aliases_and_opens_the_panel(tiny_network, tmp_path, open_page):
    page = open_page(write_html(tiny_network, tmp_path / "graph.html"))
    page.wait("airaceView.ready")
    page.click("#search")
    page.type("Deep Seek")  # an alias: the canonical name is "DeepSeek"
    results = page.text("#results")
    assert results.splitlines()[0] == "DeepSeek — also “Deep Seek”"
    selected = page.evaluate("airaceView.network.getSelectedNodes().map(id => airaceView.nodes.get(id).label)")
    assert selected == ["DeepSeek"]
    page.press("Enter", 13)
    panel = page.wait("!document.getElementById('panel').hidden && document.getElementById('panel-body').innerText")
    assert panel.startswith("DeepSeek\nCompany · China\n" + ID + "org/deepseek\nalso called: Deep Seek\n")
    assert "DeepSeek —foundedBy→ High-Flyer" in panel and "[rule: " in panel
    assert page.evaluate("getComputedStyle(document.getElementById('panel-body')).userSelect") != "none"
    page.tools.send("Browser.grantPermissions", {"permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    page.click("#copy")
    copied = page.wait("navigator.clipboard.readText().catch(() => '')")
    assert copied == page.text("#panel-body")
    assert page.errors() == []


@browser
@needs_chromium
def test_browser_figures_table_filters_by_subject_and_metric(tmp_path, open_page):
    store = open_store(None)
    store.load((Path(__file__).parent / "fixtures" / "tiny_graph.trig").read_bytes(), format="trig")
    page = open_page(write_html(store, tmp_path / "graph.html"))
    page.wait("airaceView.ready")
    page.click("#figures-summary")
    assert page.text("#figure-count") == "21 of 21"
    choose(page, "#figure-subject", "China")
    choose(page, "#figure-metric", "AI patent share")
    rows = [line.split("\t") for line in page.text("#figure-table tbody").splitlines()]
    assert [row[:6] for row in rows] == [
        ["China", "AI patent share", "68", "percent", "2023", "68% in 2023"],
        ["China", "AI patent share", "70", "percent", "2024", "about 70% of AI patents in 2024"],
        ["China", "AI patent share", "74.2", "percent", "2024", "74.2% of AI patent filings in 2024"],
    ]
    assert page.text("#figure-count") == "3 of 21"
    assert page.errors() == []


@pytest.fixture(scope="module")
def shared_view(shared, tmp_path_factory):
    from airace.graph.build import build

    folder = tmp_path_factory.mktemp("shared")
    store = open_store(folder / "store")
    build([shared / "corpus"], store)
    return write_html(store, folder / "graph.html")


@browser
@needs_chromium
@pytest.mark.shared
def test_the_shared_corpus_view_finds_smic_and_fits_a_filter(shared_view, open_page):
    page = open_page(shared_view)
    page.wait("airaceView.ready")
    page.click("#search")
    page.type("SMIC")
    page.wait("!!document.querySelector('#results li[data-id]')")
    page.click("#results li[data-id]")
    panel = page.wait("!document.getElementById('panel').hidden && document.getElementById('panel-body').innerText")
    sentences = [line for line in panel.splitlines() if re.match(r"\[\d+-\d+\] ", line)]
    assert any("SMIC" in line for line in sentences), panel[:2000]
    choose(page, "#kind-filter", "Company")
    choose(page, "#country-filter", "United States")
    in_view = shown_in_view(page)
    assert len(in_view) >= 3 and all(in_view.values()), in_view
    labels = page.evaluate("airaceView.nodes.get({filter: node => !node.hidden}).map(node => node.id)")
    countries = page.evaluate(f"airaceView.data.nodes.filter(n => {json.dumps(labels)}.includes(n.id))"
                              ".map(n => [n.kind, n.country])")
    # the one that search pinned stays, whatever the filters
    assert [pair for pair in countries if pair != ["Company", "United States"]] in ([], [["Company", None]])
    assert page.errors() == []
