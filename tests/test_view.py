"""The HTML view: self-contained, safe with hostile names, drawn by a real browser without a request.

The browser tests drive Debian's headless Chromium through the DevTools
protocol over a pipe (``--remote-debugging-pipe``: JSON messages ended by NUL
on file descriptors 3 and 4), so they need nothing beyond the standard library.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import subprocess
import time
from pathlib import Path

import networkx as nx
import pytest
from airace.graph.network import knowledge_graph
from airace.graph.store import open_store
from airace.graph.view import view_data, write_html
from rdflib import RDF, RDFS, Literal, Namespace, URIRef

CHROMIUM = Path(os.environ.get("AIRACE_CHROMIUM", "/usr/bin/chromium"))
RACE = Namespace("https://w3id.org/airace/ontology#")
ID = "https://w3id.org/airace/id/"
HOSTILE = "</script><img src=x onerror=alert(1)>"
HOSTILE_FLAG = '<img src=x onerror="window.__pwned = 1"><script>window.__pwned = 2</script>'

browser = pytest.mark.browser
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"headless Chromium not found at {CHROMIUM}")


@pytest.fixture
def hostile_store():
    """Three organisations, two of them named by an attacker, one relation between them."""
    store = open_store(None)
    doc = URIRef(ID + "doc/ffffffffffffffff")
    evil, flag, victim = (URIRef(ID + f"org/{name}") for name in ("evil", "flag", "victim"))
    triples = [
        (doc, RDF.type, RACE.Document),
        (evil, RDF.type, RACE.Company),
        (evil, RDFS.label, Literal(HOSTILE)),
        (flag, RDF.type, RACE.Company),
        (flag, RDFS.label, Literal(HOSTILE_FLAG)),
        (victim, RDF.type, RACE.University),
        (victim, RDFS.label, Literal("Victim University")),
        (evil, RACE.collaboratesWith, victim),
        (flag, RACE.foundedBy, victim),
    ]
    store.replace_graph(doc, triples)
    return store


def page_data(path: Path) -> dict:
    """The JSON the page draws, read back from its ``graph-data`` element."""
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', path.read_text(), re.DOTALL)
    return json.loads(match.group(1))


# --- the page as a file ----------------------------------------------------------------------


def test_page_loads_nothing_from_elsewhere(tiny_network, tmp_path):
    page = write_html(tiny_network, tmp_path / "graph.html").read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(https?:|//)|@import", page, re.IGNORECASE)
    assert "default-src 'none'" in page
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


def test_every_node_and_edge_has_its_sources(tiny_network, tmp_path):
    data = page_data(write_html(tiny_network, tmp_path / "graph.html"))
    assert all(node["title"] for node in data["nodes"]) and all(edge["title"] for edge in data["edges"])
    (edge,) = [e for e in data["edges"] if e["from"].endswith("org/microsoft") and e["to"].endswith("org/tsinghua-university")]
    assert edge["label"] == "collaboratesWith"
    assert "“Microsoft Research Asia has co-authored hundreds of papers with Tsinghua University since 1998.”" in edge["title"]
    assert "Microsoft and Tsinghua deepen research ties" in edge["title"]
    (node,) = [n for n in data["nodes"] if n["label"] == "Baidu"]
    assert "“Baidu declined to comment.” — How China's AI labs grew out of its universities" in node["title"]


def test_layout_is_fixed_and_physics_off(tiny_network, tmp_path):
    first = page_data(write_html(tiny_network, tmp_path / "a.html"))
    second = page_data(write_html(tiny_network, tmp_path / "b.html"))
    assert first == second
    assert first["options"]["physics"] == {"enabled": False}
    assert len({(node["x"], node["y"]) for node in first["nodes"]}) == len(first["nodes"])


def test_colour_by_class_and_size_by_pagerank(tiny_network):
    data = view_data(knowledge_graph(tiny_network))
    colours = {}
    for node in data["nodes"]:
        colours.setdefault(node["kind"], set()).add(node["color"])
    assert all(len(c) == 1 for c in colours.values()) and len(set.union(*colours.values())) == len(colours)
    by_rank = sorted(data["nodes"], key=lambda node: node["pagerank"])
    assert [node["size"] for node in by_rank] == sorted(node["size"] for node in data["nodes"])


def test_max_nodes_keeps_the_most_central(tiny_network):
    graph = knowledge_graph(tiny_network)
    pagerank = nx.pagerank(graph, weight="weight")
    top = sorted(graph, key=lambda node: (-pagerank[node], node))[:5]
    data = view_data(graph, max_nodes=5)
    assert sorted(node["id"] for node in data["nodes"]) == sorted(top)
    assert (data["shown"], data["total"]) == (5, graph.number_of_nodes())
    assert all(edge["from"] in top and edge["to"] in top for edge in data["edges"])
    assert "country/china" in " ".join(top) and "country/united-states" in " ".join(top)
    everything = view_data(graph, max_nodes=5, show_all=True)
    assert everything["shown"] == graph.number_of_nodes()


def test_max_nodes_must_be_positive(tiny_network, tmp_path):
    with pytest.raises(ValueError, match="at least 1"):
        write_html(tiny_network, tmp_path / "graph.html", max_nodes=0)


def test_empty_store_gives_an_empty_page(tmp_path):
    data = page_data(write_html(open_store(None), tmp_path / "graph.html"))
    assert (data["nodes"], data["edges"], data["total"]) == ([], [], 0)


# --- the page in a browser -------------------------------------------------------------------


class DevTools:
    """A headless Chromium driven over ``--remote-debugging-pipe`` (stdlib only)."""

    FLAGS = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--mute-audio",
        "--window-size=1200,800",
        "--remote-debugging-pipe",
    ]

    def __init__(self, profile: Path, log: Path):
        to_browser_read, self._write = os.pipe()
        self._read, from_browser_write = os.pipe()

        def child_pipes():  # the browser reads fd 3, writes fd 4
            inbound = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
            outbound = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
            os.dup2(inbound, 3)
            os.dup2(outbound, 4)

        with log.open("wb") as stderr:
            self.process = subprocess.Popen(
                [str(CHROMIUM), *self.FLAGS, f"--user-data-dir={profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                preexec_fn=child_pipes,
                pass_fds=(3, 4),
            )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._read], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("the browser did not answer in time")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise ConnectionError("the browser closed its pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _post(self, method: str, params: dict | None, session: str | None) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        return self._next_id

    def send(self, method: str, params: dict | None = None, *, session: str | None = None, timeout: float = 20) -> dict:
        """Send one command and return its result; events that arrive meanwhile are kept."""
        wanted = self._post(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            if "method" in message:
                self._event(message)

    def _event(self, message: dict) -> None:
        self.events.append(message)
        if message["method"] == "Page.javascriptDialogOpening":  # never let a dialog block the page
            self._post("Page.handleJavaScriptDialog", {"accept": False}, message.get("sessionId"))

    def wait_for(self, method: str, session: str, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["method"] == method and event.get("sessionId") == session:
                    return event
            message = self._receive(deadline)
            if "method" in message:
                self._event(message)

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (OSError, RuntimeError, TimeoutError, ConnectionError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._read)
        os.close(self._write)


class Page:
    """One tab: loads a file and records what it asked the network for, its errors and dialogs."""

    WATCH = """
        window.__violations = [];
        document.addEventListener("securitypolicyviolation", e => window.__violations.push(e.blockedURI));
    """

    def __init__(self, tools: DevTools, path: Path):
        self.tools = tools
        self.url = path.resolve().as_uri()
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.target = target
        for domain in ("Network", "Page", "Runtime", "Log"):
            tools.send(f"{domain}.enable", session=self.session)
        tools.send("Page.addScriptToEvaluateOnNewDocument", {"source": self.WATCH}, session=self.session)
        self.start = len(tools.events)
        tools.send("Page.navigate", {"url": self.url}, session=self.session)
        tools.wait_for("Page.loadEventFired", self.session)

    def evaluate(self, expression: str, timeout: float = 20):
        answer = self.tools.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
            timeout=timeout,
        )
        if "exceptionDetails" in answer:
            raise RuntimeError(answer["exceptionDetails"])
        return answer["result"].get("value")

    def events(self, method: str) -> list[dict]:
        return [e for e in self.tools.events[self.start:] if e["method"] == method and e.get("sessionId") == self.session]

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events("Network.requestWillBeSent")]

    def errors(self) -> list:
        exceptions = [e["params"]["exceptionDetails"] for e in self.events("Runtime.exceptionThrown")]
        console = [e["params"]["args"] for e in self.events("Runtime.consoleAPICalled") if e["params"]["type"] == "error"]
        logged = [e["params"]["entry"] for e in self.events("Log.entryAdded") if e["params"]["entry"]["level"] == "error"]
        return exceptions + console + logged

    def close(self) -> None:
        self.tools.send("Target.closeTarget", {"targetId": self.target})


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"headless Chromium not found at {CHROMIUM}")
    folder = tmp_path_factory.mktemp("chromium")
    tools = DevTools(folder / "profile", folder / "chromium.log")
    tools.send("Browser.getVersion")
    yield tools
    tools.close()


@pytest.fixture
def open_page(chromium):
    pages = []

    def open_(path: Path) -> Page:
        pages.append(Page(chromium, path))
        return pages[-1]

    yield open_
    for page in pages:
        page.close()


COUNT_INK = """
new Promise(resolve => {
  const started = performance.now();
  const look = () => {
    const canvas = document.querySelector("#network canvas");
    if (canvas === null) { resolve(-1); return; }
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) ink += 1; }
    if (ink > 0 || performance.now() - started > 5000) resolve(ink); else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})
"""


@browser
@needs_chromium
def test_browser_draws_every_node(tiny_network, tmp_path, open_page):
    page = open_page(write_html(tiny_network, tmp_path / "graph.html"))
    assert page.evaluate(COUNT_INK) > 1000
    expected = knowledge_graph(tiny_network)
    assert page.evaluate("airaceView.nodes.length") == expected.number_of_nodes()
    assert page.evaluate("Object.keys(airaceView.network.body.nodes).length") >= expected.number_of_nodes()
    assert page.evaluate("airaceView.edges.length") == expected.number_of_edges()
    assert page.errors() == []


@browser
@needs_chromium
def test_browser_runs_no_script_from_a_label(hostile_store, tmp_path, open_page):
    page = open_page(write_html(hostile_store, tmp_path / "graph.html"))
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
    page.tools.send(
        "Input.dispatchMouseEvent", {"type": "mouseMoved", "x": position[0], "y": position[1]}, session=page.session
    )
    tooltip = page.evaluate(
        """new Promise(resolve => {
          const started = performance.now();
          const look = () => {
            const t = document.querySelector("div.vis-tooltip");
            if (t && t.style.visibility === "visible") {
              resolve([t.textContent, [...t.querySelectorAll("*")].map(e => e.tagName)]);
            } else if (performance.now() - started > 5000) { resolve(null); } else { setTimeout(look, 50); }
          };
          look();
        })"""
    )
    assert tooltip is not None and tooltip[0].startswith(HOSTILE)
    assert set(tooltip[1]) <= {"BR"}  # line breaks only: the text was not parsed as HTML
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.events("Page.javascriptDialogOpening") == []
    assert page.requests() == [page.url]
    assert page.evaluate("window.__violations") == []


@browser
@needs_chromium
def test_browser_makes_no_request(tiny_network, tmp_path, open_page):
    page = open_page(write_html(tiny_network, tmp_path / "graph.html"))
    page.evaluate(COUNT_INK)
    page.evaluate("new Promise(resolve => setTimeout(resolve, 300))")
    assert page.requests() == [page.url]
    assert page.evaluate("window.__violations") == []


@browser
@needs_chromium
def test_browser_filters_and_search(tiny_network, tmp_path, open_page):
    page = open_page(write_html(tiny_network, tmp_path / "graph.html"))
    visible = "airaceView.nodes.get({filter: node => !node.hidden}).map(node => node.label).sort()"

    def choose(select_id: str, value: str) -> None:
        page.evaluate(
            f"(() => {{ const s = document.getElementById({json.dumps(select_id)}); s.value = {json.dumps(value)};"
            " s.dispatchEvent(new Event('change')); })()"
        )

    choose("kind-filter", "Chip")
    assert page.evaluate(visible) == ["Ascend 910B", "H100"]
    choose("kind-filter", "")
    choose("country-filter", "United Kingdom")
    assert page.evaluate(visible) == ["Alan Turing Institute", "Google DeepMind"]
    choose("country-filter", "")
    page.evaluate(
        "(() => { const s = document.getElementById('search'); s.value = 'deepseek';"
        " s.dispatchEvent(new Event('input')); })()"
    )
    selected = page.evaluate("airaceView.network.getSelectedNodes().map(id => airaceView.nodes.get(id).label).sort()")
    assert selected == ["DeepSeek", "DeepSeek-R1"]
    assert page.errors() == []


def test_a_big_graph_is_laid_out_the_same_every_time():
    from airace.graph.view import IGRAPH_ABOVE, layout

    graph = nx.gnm_random_graph(IGRAPH_ABOVE + 200, 900, seed=1)
    first, second = layout(graph, scale=500), layout(graph, scale=500)
    assert first == second and set(first) == set(graph)
    assert len(set(first.values())) == len(graph)  # no two nodes on one spot
    assert max(abs(value) for point in first.values() for value in point) <= 500.0 + 1e-6
