"""The knowledge graph as one self-contained HTML page: vis-network inline, no request leaves it.

The page carries everything it needs: vis-network 9.1.2 (script and style, read
from the copy that the pyvis package ships) and the graph as JSON, laid out in
Python (a spring layout with a fixed seed) so the browser only draws it. A
Content-Security-Policy forbids the page any connection. Nothing is written
but the file asked for; pyvis's own ``write_html``, which copies ``lib/`` into
the working directory and links a CDN, is not used.

Names come from articles, so they are untrusted: the data enters the page as
JSON with ``<``, ``>`` and ``&`` escaped (it cannot close its ``<script>``), and
tooltips are plain strings, which vis-network shows as text, never as HTML.

>>> from airace.graph.network import EXAMPLE
>>> from airace.graph.store import open_store
>>> store = open_store(None)
>>> store.load(EXAMPLE.encode(), format="trig")
>>> data = view_data(knowledge_graph(store))
>>> [(node["label"], node["kind"]) for node in data["nodes"]]
[('China', 'Country'), ('DeepSeek', 'Company'), ('High-Flyer', 'Company')]
>>> [(edge["label"], edge["from"][-8:], edge["to"][-10:]) for edge in data["edges"]]
[('country', 'deepseek', 'ntry/china'), ('foundedBy', 'deepseek', 'high-flyer'), ('country', 'gh-flyer', 'ntry/china')]
"""

from __future__ import annotations

import html
import json
import math
import random
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import networkx as nx

from airace.graph.network import ENTITY_CLASSES, knowledge_graph

__all__ = ["PALETTE", "SEED", "TITLE", "view_data", "render_html", "write_html"]

#: The colour of each class (Tableau 10).
PALETTE = dict(
    zip(
        ENTITY_CLASSES,
        ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"),
    )
)

#: The seed of the spring layout.
SEED = 42

TITLE = "The US–China AI race: knowledge graph"

#: How many sentences a tooltip quotes before it says how many more there are.
_QUOTED = 5

_OPTIONS = {
    "autoResize": True,
    "physics": {"enabled": False},
    "layout": {"improvedLayout": False},
    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": True, "navigationButtons": False},
    "nodes": {"shape": "dot", "font": {"size": 14, "face": "sans-serif"}, "borderWidth": 1},
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
        "smooth": False,
        "color": {"color": "#9aa0a6", "highlight": "#333333", "hover": "#333333"},
        "font": {"size": 10, "align": "middle", "face": "sans-serif", "color": "#555555"},
        "width": 1,
    },
}

_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'"
)

_STYLE = """
html, body { margin: 0; height: 100%; font-family: sans-serif; color: #222; }
body { display: flex; flex-direction: column; }
header { padding: 8px 12px; border-bottom: 1px solid #ddd; display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; }
header h1 { font-size: 18px; margin: 0; }
#summary { font-size: 13px; color: #555; }
#controls { display: flex; gap: 8px; align-items: center; }
#legend { display: flex; flex-wrap: wrap; gap: 4px 10px; font-size: 12px; }
#legend span.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; }
#network { flex: 1; min-height: 400px; }
div.vis-tooltip { white-space: pre-wrap; max-width: 480px; font-size: 12px; }
"""

_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("network"), {nodes: nodes, edges: edges}, data.options);
  window.airaceView = {network: network, nodes: nodes, edges: edges, data: data};

  var search = document.getElementById("search");
  var kindFilter = document.getElementById("kind-filter");
  var countryFilter = document.getElementById("country-filter");
  var status = document.getElementById("status");
  var NO_COUNTRY = "\\u0000none";

  data.kinds.forEach(function (kind) {
    kindFilter.appendChild(new Option(kind.kind + " (" + kind.count + ")", kind.kind));
    var item = document.createElement("span");
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.style.background = kind.color;
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(kind.kind));
    document.getElementById("legend").appendChild(item);
  });
  data.countries.forEach(function (country) {
    countryFilter.appendChild(new Option(country.country + " (" + country.count + ")", country.country));
  });
  countryFilter.appendChild(new Option("no country", NO_COUNTRY));

  function apply() {
    var kind = kindFilter.value, country = countryFilter.value, query = search.value.trim().toLowerCase();
    var updates = [], matches = [], shown = 0;
    data.nodes.forEach(function (node) {
      var visible = (!kind || node.kind === kind) &&
        (!country || (country === NO_COUNTRY ? node.country === null : node.country === country));
      updates.push({id: node.id, hidden: !visible});
      if (visible) { shown += 1; }
      if (visible && query && node.label.toLowerCase().indexOf(query) !== -1) { matches.push(node.id); }
    });
    nodes.update(updates);
    network.selectNodes(matches);
    if (matches.length) { network.fit({nodes: matches, animation: false}); }
    status.textContent = shown + " shown" + (query ? ", " + matches.length + " match" : "");
  }
  search.addEventListener("input", apply);
  kindFilter.addEventListener("change", apply);
  countryFilter.addEventListener("change", apply);
  window.airaceView.apply = apply;
})();
"""


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style from the pyvis package, checked safe to inline.

    Raises
    ------
    RuntimeError
        When the files are missing or could end the element they are inlined in.
    """
    import pyvis

    folder = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    try:
        script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        style = (folder / "vis-network.css").read_text(encoding="utf-8")
    except OSError as error:
        raise RuntimeError(f"vis-network is missing from the pyvis package ({error})") from error
    if re.search(r"</script|<!--", script, re.IGNORECASE) or re.search(r"</style", style, re.IGNORECASE):
        raise RuntimeError(f"{folder}: cannot be inlined safely")
    return script, style


def _script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: it cannot end the element or open a comment.

    >>> _script_json({"label": "</script><img src=x>"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _quotes(sources: list[dict[str, str]]) -> list[str]:
    lines = [f"“{source['sentence']}” — {source['document']}" for source in sources[:_QUOTED]]
    if len(sources) > _QUOTED:
        lines.append(f"… and {len(sources) - _QUOTED} more")
    return lines


#: Above this many nodes the layout is igraph's (C) rather than NetworkX's (Python): measured
#: here, NetworkX's spring layout takes 17-26 s for 2,000 nodes, igraph's 0.2 s (1.1 s for 10,000).
IGRAPH_ABOVE = 300


def layout(graph: nx.Graph, *, scale: float = 1.0) -> dict[Any, tuple[float, float]]:
    """Positions for a force-directed drawing, the same every time for the same graph.

    Small graphs use NetworkX's spring layout; large ones igraph's Fruchterman-Reingold,
    started from fixed positions so that it is deterministic too.

    >>> sorted(layout(nx.path_graph(3), scale=10))
    [0, 1, 2]
    """
    if len(graph) == 0:
        return {}
    if len(graph) <= IGRAPH_ABOVE:
        return {node: (float(x), float(y)) for node, (x, y) in
                nx.spring_layout(graph, iterations=100, seed=SEED, scale=scale).items()}
    import igraph
    import numpy

    nodes = list(graph.nodes)
    index = {node: position for position, node in enumerate(nodes)}
    shape = igraph.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in graph.edges()])
    # spread the start over an area that grows with the graph: crowded starts make igraph 20x slower
    spread = math.sqrt(len(nodes))
    start = numpy.random.default_rng(SEED).uniform(-spread, spread, size=(len(nodes), 2)).tolist()
    # igraph draws its random moves from one global generator: give it a seeded one for this call
    igraph.set_random_number_generator(random.Random(SEED))
    try:
        coordinates = numpy.array(shape.layout_fruchterman_reingold(niter=500, seed=start).coords)
    finally:
        igraph.set_random_number_generator(random)
    coordinates -= coordinates.mean(axis=0)
    coordinates *= scale / (numpy.abs(coordinates).max() or 1.0)
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, coordinates)}


def view_data(graph: nx.MultiDiGraph, *, max_nodes: int = 500, show_all: bool = False) -> dict[str, Any]:
    """The nodes, edges and options the page draws, laid out and styled.

    Parameters
    ----------
    graph
        A graph as :func:`airace.graph.network.knowledge_graph` returns it.
    max_nodes
        When the graph has more nodes, keep this many, the highest by PageRank.
    show_all
        Keep every node whatever ``max_nodes`` says.

    Returns
    -------
    dict
        ``nodes`` and ``edges`` (vis-network items: ``x``/``y``, ``color``,
        ``size`` from PageRank, ``title`` as text), ``options``, ``kinds`` and
        ``countries`` (for the filters), ``total`` and ``shown`` (node counts).

    Raises
    ------
    ValueError
        When ``max_nodes`` is less than 1.

    Examples
    --------
    >>> graph = nx.MultiDiGraph()
    >>> graph.add_node("a", label="A", kind="Company", country=None, sources=[])
    >>> graph.add_node("b", label="B", kind="Company", country=None, sources=[])
    >>> graph.add_node("c", label="C", kind="Chip", country=None, sources=[])
    >>> _ = graph.add_edge("a", "b", "foundedBy", relation="foundedBy", weight=1, documents=[], sources=[])
    >>> data = view_data(graph, max_nodes=2)
    >>> [node["id"] for node in data["nodes"]], data["shown"], data["total"]
    (['a', 'b'], 2, 3)
    """
    if max_nodes < 1:
        raise ValueError(f"max_nodes must be at least 1, not {max_nodes}")
    pagerank = nx.pagerank(graph, weight="weight") if len(graph) else {}
    ranked = sorted(graph.nodes, key=lambda node: (-pagerank[node], node))
    kept = set(ranked if show_all else ranked[:max_nodes])

    layout_graph = nx.Graph()
    layout_graph.add_nodes_from(sorted(kept))
    layout_graph.add_edges_from(sorted((a, b) for a, b in graph.edges() if a in kept and b in kept and a != b))
    scale = 200 + 120 * math.sqrt(len(kept))  # in pixels at zoom 1: room for the largest nodes (40 px)
    positions = layout(layout_graph, scale=scale)

    top = max((pagerank[node] for node in kept), default=1.0) or 1.0
    nodes = []
    for node in sorted(kept):
        attrs = graph.nodes[node]
        kind = attrs["kind"]
        about = kind + (f" · {attrs['country']}" if attrs.get("country") else "")
        title = [attrs["label"], about, f"PageRank {pagerank[node]:.4f}", node]
        if attrs.get("sources"):
            title += ["", "Mentioned in:", *_quotes(attrs["sources"])]
        x, y = positions.get(node, (0.0, 0.0))
        nodes.append(
            {
                "id": node,
                "label": attrs["label"],
                "kind": kind,
                "country": attrs.get("country"),
                "pagerank": round(pagerank[node], 6),
                "x": round(float(x), 1),
                "y": round(float(y), 1),
                "size": round(8 + 32 * math.sqrt(pagerank[node] / top), 2),
                "color": PALETTE.get(kind, "#999999"),
                "title": "\n".join(title),
            }
        )

    edges = []
    for a, b, relation, attrs in sorted(graph.edges(keys=True, data=True)):
        if a not in kept or b not in kept:
            continue
        title = [f"{graph.nodes[a]['label']} —{relation}→ {graph.nodes[b]['label']}"]
        if attrs.get("sources"):
            title += _quotes(attrs["sources"])
        else:
            title += [f"stated in {document}" for document in attrs.get("documents", [])]
        edges.append({"id": len(edges), "from": a, "to": b, "label": relation, "title": "\n".join(title)})

    kinds: dict[str, int] = {}
    countries: dict[str, int] = {}
    for node in nodes:
        kinds[node["kind"]] = kinds.get(node["kind"], 0) + 1
        if node["country"]:
            countries[node["country"]] = countries.get(node["country"], 0) + 1
    return {
        "nodes": nodes,
        "edges": edges,
        "options": _OPTIONS,
        "kinds": [{"kind": kind, "count": count, "color": PALETTE.get(kind, "#999999")} for kind, count in sorted(kinds.items())],
        "countries": [{"country": country, "count": count} for country, count in sorted(countries.items())],
        "total": graph.number_of_nodes(),
        "shown": len(nodes),
    }


def render_html(data: dict[str, Any], *, title: str = TITLE) -> str:
    """The page for ``data`` (from :func:`view_data`): one HTML document with everything inline.

    Examples
    --------
    >>> page = render_html(view_data(nx.MultiDiGraph()), title="<empty>")
    >>> "<title>&lt;empty&gt;</title>" in page, re.search(r"<(script|link|img)\\b[^>]*\\b(src|href)=", page)
    (True, None)
    """
    script, style = _vis_assets()
    if data["shown"] < data["total"]:
        summary = f"Showing the {data['shown']:,} most central of {data['total']:,} entities (by PageRank)."
    else:
        summary = f"{data['total']:,} entities, {len(data['edges']):,} relations."
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{html.escape(_CSP, quote=False)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{style}</style>
<style>{_STYLE}</style>
<script>{script}</script>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
<span id="summary">{html.escape(summary)}</span>
<div id="controls">
<input id="search" type="search" placeholder="Search by name" aria-label="Search by name">
<select id="kind-filter" aria-label="Filter by class"><option value="">All classes</option></select>
<select id="country-filter" aria-label="Filter by country"><option value="">All countries</option></select>
<span id="status" aria-live="polite"></span>
</div>
<div id="legend"></div>
</header>
<div id="network"></div>
<script type="application/json" id="graph-data">{_script_json(data)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def write_html(store, path: Path, *, max_nodes: int = 500, show_all: bool = False) -> Path:
    """Write the knowledge graph of ``store`` as one self-contained HTML page at ``path``.

    Parameters
    ----------
    store
        A store from :func:`airace.graph.store.open_store`.
    path
        The file to write (its folder is made if missing); nothing else is written.
    max_nodes
        When the graph has more entities, show this many, the most central by PageRank.
    show_all
        Show every entity whatever ``max_nodes`` says.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    airace.graph.store.StoreError
        When the store cannot be read.
    ValueError
        When ``max_nodes`` is less than 1.
    OSError
        When the file cannot be written.

    Examples
    --------
    >>> from airace.graph.store import open_store
    >>> import tempfile
    >>> page = write_html(open_store(None), Path(tempfile.mkdtemp()) / "graph.html")
    >>> "0 entities, 0 relations." in page.read_text(encoding="utf-8")
    True
    """
    page = render_html(view_data(knowledge_graph(store), max_nodes=max_nodes, show_all=show_all))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path
