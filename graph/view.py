"""What the interactive graph page shows: the entities laid out, styled by country and class, with their evidence.

:func:`view_data` turns a knowledge graph (and, from :func:`view_details`, what ``airace
explain`` tells of each entity) into plain JSON-ready data; :mod:`airace.graph.view_page`
writes it as one offline HTML page; :func:`write_html` and :func:`page` do both for a store.

What a reader sees first: the most central entities (PageRank over the drawn relations)
labelled; each node coloured by its country (the United States and China as in the plots,
another country, unknown) and shaped by its class; ``country`` edges folded into that colour
instead of drawn; entities tied to nothing set aside (hidden until asked for).

>>> from airace.graph.network import EXAMPLE
>>> from airace.graph.store import open_store
>>> store = open_store(None)
>>> store.load(EXAMPLE.encode(), format="trig")
>>> data = view_data(knowledge_graph(store), details=view_details(store))
>>> [(node["label"], node["kind"], node["side"], node["isolated"]) for node in data["nodes"]]
[('China', 'Country', 'china', True), ('DeepSeek', 'Company', 'china', False), ('High-Flyer', 'Company', 'china', False)]
>>> [(edge["label"], edge["from"][-8:], edge["to"][-10:]) for edge in data["edges"]]
[('foundedBy', 'deepseek', 'high-flyer')]
"""

from __future__ import annotations

import math
import random
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx

from airace import queries
from airace.graph.network import ENTITY_CLASSES, knowledge_graph, local_name

__all__ = ["SEED", "TITLE", "LABELLED", "SIDES", "SHAPES", "IGRAPH_ABOVE", "layout", "view_details", "view_data",
           "page", "write_html"]

#: The seed of the layouts.
SEED = 42

TITLE = "The US–China AI race: knowledge graph"

#: How many of the most central entities carry their name on the canvas.
LABELLED = 30

#: The colour of each side of the race: the United States and China as in the plots.
SIDES = {"us": ("United States", "#3b6fb6"), "china": ("China", "#c8102e"),
         "other": ("another country", "#e39b2d"), "unknown": ("country unknown", "#bdbdbd")}

#: The shape of each class (vis-network's shapes that keep the label below the node); a dashed
#: border tells apart two classes that share a shape.
SHAPES = dict(zip(ENTITY_CLASSES, (
    ("dot", False), ("square", False), ("triangle", False), ("diamond", False), ("dot", True),
    ("star", False), ("triangleDown", False), ("hexagon", False), ("square", True), ("hexagon", True))))

#: Above this many nodes the layout is igraph's (C) rather than NetworkX's (Python): measured
#: here, NetworkX's spring layout takes 17-26 s for 2,000 nodes, igraph's 0.2 s (1.1 s for 10,000).
IGRAPH_ABOVE = 300

#: The relation whose edges become colour.
_FOLDED = "country"
_SPACES = re.compile(r"\s+")


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


def _aside(nodes: list[str], *, left: float, top: float, step: float) -> dict[str, tuple[float, float]]:
    """Positions on a grid right of the drawing, for the entities tied to nothing."""
    columns = max(1, math.ceil(math.sqrt(len(nodes))))
    return {node: (left + step * (index % columns), top + step * (index // columns)) for index, node in enumerate(nodes)}


def view_details(store) -> dict[str, Any]:
    """What the side panel tells of each entity, read from ``store`` in a few bulk queries.

    Returns
    -------
    dict
        ``documents`` (IRI -> title and source), ``sentences`` (IRI -> document, start, end, text),
        ``statements`` (rows of ``queries/internal/view-statements.rq`` as dicts of strings),
        ``mentions`` (entity -> sentence IRIs), ``names`` (entity -> other names) and
        ``figures`` (rows of ``queries/figures.rq`` as dicts of strings).
    """
    documents = {document: {"title": title, "source": source}
                 for document, title, source in store.strings(queries.internal("view-documents"))}
    sentences = {sentence: {"document": document, "start": int(start) if start else None,
                            "end": int(end) if end else None, "text": text}
                 for sentence, document, start, end, text in store.strings(queries.internal("view-sentences"))}
    variables = ["statement", "kind", "subject", "predicate", "object", "metric", "metricName", "value", "unit",
                 "period", "comparedWith", "quote", "sentence", "rule"]
    statements = [dict(zip(variables, row)) for row in store.strings(queries.internal("view-statements"))]
    mentions: dict[str, set[str]] = defaultdict(set)
    for sentence, entity in store.strings(queries.internal("sentence-mentions")):
        mentions[entity].add(sentence)
    names: dict[str, set[str]] = defaultdict(set)
    for entity, label, _, other in store.strings(queries.read("entity-names")):
        if other is not None and other != label:
            names[entity].add(other)
    figure_variables = ["measurement", "subject", "subjectName", "metric", "metricName", "value", "unit", "period",
                        "bound", "comparedWith", "comparedWithName", "quote", "document", "title", "source"]
    figures = [dict(zip(figure_variables, row)) for row in store.strings(queries.read("figures"))]
    return {"documents": documents, "sentences": sentences, "statements": statements, "mentions": mentions,
            "names": names, "figures": figures}


def _side(country: str | None) -> str:
    return {"United States": "us", "China": "china"}.get(country or "", "other" if country else "unknown")


def _number(text: str | None) -> str | None:
    """A decimal as the article wrote it: the store gives "68.0" for 68.

    >>> _number("68.0"), _number("0.55"), _number(None)
    ('68', '0.55', None)
    """
    if text is None:
        return None
    return text[:-2] if text.endswith(".0") and text[:-2].lstrip("-").isdigit() else text


def _panel(kept: set[str], graph: nx.MultiDiGraph, details: dict[str, Any]) -> dict[str, Any]:
    """The evidence of the kept entities, each sentence and document once, referred to by index."""
    documents: dict[str, int] = {}
    sentences: dict[str, int] = {}
    document_rows: list[dict] = []
    sentence_rows: list[list] = []

    def document_index(iri: str | None) -> int | None:
        if iri is None:
            return None
        if iri not in documents:
            about = details["documents"].get(iri, {})
            source = about.get("source")
            documents[iri] = len(document_rows)
            document_rows.append({"iri": iri, "title": about.get("title") or iri, "source": source,
                                  "url": source if source and re.match(r"https?://", source) else None})
        return documents[iri]

    def sentence_index(iri: str) -> int | None:
        found = details["sentences"].get(iri)
        if found is None:
            return None
        if iri not in sentences:
            sentences[iri] = len(sentence_rows)
            # shown as it reads: the runs of spaces that masked link syntax become one (offsets stay the graph's)
            sentence_rows.append([document_index(found["document"]), found["start"], found["end"],
                                  _SPACES.sub(" ", found["text"]).strip()])
        return sentences[iri]

    def name(iri: str | None) -> str | None:
        if iri is None:
            return None
        return graph.nodes[iri]["label"] if iri in graph else local_name(iri)

    statements: list[dict] = []
    about: dict[str, list[int]] = defaultdict(list)
    for row in sorted(details["statements"], key=lambda row: tuple(value or "" for value in row.values())):
        ends = [row["subject"], row["object"], row["comparedWith"]]
        if not any(end in kept for end in ends):
            continue
        where = sentence_index(row["sentence"])
        if where is None:
            continue
        statement = {"kind": row["kind"], "subject": name(row["subject"]), "rule": row["rule"], "sentence": where}
        if row["kind"] == "measurement":
            statement.update(metric=row["metricName"] or name(row["metric"]), value=_number(row["value"]),
                             unit=row["unit"], period=row["period"], quote=row["quote"],
                             comparedWith=name(row["comparedWith"]))
        else:
            statement.update(predicate=local_name(row["predicate"]),
                             object=name(row["object"]) if row["kind"] == "relation" else row["object"])
        for end in dict.fromkeys(ends):
            if end in kept:
                about[end].append(len(statements))
        statements.append(statement)
    mentions = {entity: sorted(index for index in (sentence_index(iri) for iri in sorted(details["mentions"][entity]))
                               if index is not None)
                for entity in sorted(kept) if entity in details["mentions"]}
    figures = [{"subject": row["subject"], "subjectName": row["subjectName"] or name(row["subject"]),
                "metric": row["metricName"] or name(row["metric"]), "value": _number(row["value"]),
                "unit": row["unit"], "period": row["period"], "bound": row["bound"], "quote": row["quote"],
                "comparedWith": row["comparedWithName"], "document": document_index(row["document"])}
               for row in details["figures"]]
    return {"documents": document_rows, "sentences": sentence_rows, "statements": statements, "about": about,
            "mentions": mentions, "figures": figures}


def view_data(graph: nx.MultiDiGraph, *, details: dict[str, Any] | None = None, max_nodes: int = 500,
              show_all: bool = False, labelled: int = LABELLED) -> dict[str, Any]:
    """The nodes, edges, evidence and figures the page draws, laid out and styled.

    Parameters
    ----------
    graph
        A graph as :func:`airace.graph.network.knowledge_graph` returns it.
    details
        What :func:`view_details` read from the same store: the side panel's statements,
        sentences and documents, every entity's other names, the figures. None: none of these.
    max_nodes
        When the graph has more nodes, keep this many, the highest by PageRank.
    show_all
        Keep every node whatever ``max_nodes`` says.
    labelled
        How many of the most central kept nodes show their name on the canvas.

    Returns
    -------
    dict
        ``nodes`` (each with ``x``/``y``, ``size`` from PageRank, ``side`` and ``color`` from
        its country, ``shape`` and ``dashed`` from its class, ``names`` to search, whether it is
        ``labelled`` and ``isolated``, and indices into ``statements`` and ``sentences``),
        ``edges`` (every relation but ``country``), ``documents``, ``sentences``,
        ``statements``, ``figures``, ``kinds``, ``countries``, ``sides``, ``total`` and ``shown``.

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
    drawn = nx.MultiDiGraph()
    drawn.add_nodes_from(graph.nodes)
    drawn.add_edges_from((a, b, key, data) for a, b, key, data in graph.edges(keys=True, data=True)
                         if data.get("relation", key) != _FOLDED)
    pagerank = nx.pagerank(drawn, weight="weight") if len(drawn) else {}
    ranked = sorted(drawn.nodes, key=lambda node: (-pagerank[node], node))
    kept = set(ranked if show_all else ranked[:max_nodes])
    named = set(ranked[:labelled]) & kept

    layout_graph = nx.Graph()
    layout_graph.add_edges_from(sorted((a, b) for a, b in drawn.edges() if a in kept and b in kept and a != b))
    tied = sorted(layout_graph)
    alone = sorted(kept - set(tied))
    scale = 200 + 120 * math.sqrt(max(1, len(tied)))  # in pixels at zoom 1: room for the largest nodes
    positions = layout(layout_graph, scale=scale)
    positions.update(_aside(alone, left=scale + 150, top=-scale, step=60))

    panel = _panel(kept, graph, details or {"documents": {}, "sentences": {}, "statements": [],
                                            "mentions": {}, "names": {}, "figures": []})
    names = (details or {}).get("names", {})
    top = max((pagerank[node] for node in kept), default=1.0) or 1.0
    nodes = []
    for node in sorted(kept):
        attributes = graph.nodes[node]
        kind = attributes["kind"]
        # a country is on its own side of the race
        side = _side(attributes["label"] if kind == "Country" else attributes.get("country"))
        shape, dashed = SHAPES.get(kind, ("dot", False))
        x, y = positions.get(node, (0.0, 0.0))
        nodes.append({
            "id": node,
            "label": attributes["label"],
            "names": sorted(names.get(node, ())),
            "kind": kind,
            "country": attributes.get("country"),
            "side": side,
            "color": SIDES[side][1],
            "shape": shape,
            "dashed": dashed,
            "pagerank": round(pagerank[node], 6),
            "x": round(float(x), 1),
            "y": round(float(y), 1),
            "size": round(8 + 32 * math.sqrt(pagerank[node] / top), 2),
            "labelled": node in named,
            "isolated": node in alone,
            "statements": panel["about"].get(node, []),
            "mentions": panel["mentions"].get(node, []),
        })

    edges = []
    for a, b, relation, attributes in sorted(drawn.edges(keys=True, data=True)):
        if a in kept and b in kept:
            title = [f"{graph.nodes[a]['label']} —{relation}→ {graph.nodes[b]['label']}"]
            title += [f"“{_SPACES.sub(' ', source['sentence']).strip()}” — {source['document']}"
                      for source in attributes.get("sources", [])[:3]]
            edges.append({"id": len(edges), "from": a, "to": b, "label": relation, "title": "\n".join(title)})

    kinds: dict[str, int] = defaultdict(int)
    countries: dict[str, int] = defaultdict(int)
    for node in nodes:
        kinds[node["kind"]] += 1
        if node["country"]:
            countries[node["country"]] += 1
    return {
        "nodes": nodes,
        "edges": edges,
        "documents": panel["documents"],
        "sentences": panel["sentences"],
        "statements": panel["statements"],
        "figures": panel["figures"],
        "kinds": [{"kind": kind, "count": count, "shape": SHAPES.get(kind, ("dot", False))[0],
                   "dashed": SHAPES.get(kind, ("dot", False))[1]} for kind, count in sorted(kinds.items())],
        "countries": [{"country": country, "count": count} for country, count in sorted(countries.items())],
        "sides": [{"side": side, "name": name, "color": color} for side, (name, color) in SIDES.items()],
        "total": graph.number_of_nodes(),
        "shown": len(nodes),
        "isolated": len(alone),
    }


def page(store, *, max_nodes: int = 500, show_all: bool = False, title: str = TITLE,
         query_page: str | None = None) -> str:
    """The page of ``store``'s graph, one HTML document; ``query_page`` links the SPARQL query page."""
    from .view_page import render_html

    data = view_data(knowledge_graph(store), details=view_details(store), max_nodes=max_nodes, show_all=show_all)
    return render_html(data, title=title, query_page=query_page)


def write_html(store, path: Path, *, max_nodes: int = 500, show_all: bool = False, title: str = TITLE) -> Path:
    """Write the store's graph as one HTML file; only that file is written.

    Raises
    ------
    ValueError
        When ``max_nodes`` is less than 1.
    OSError
        When the file cannot be written.
    """
    text = page(store, max_nodes=max_nodes, show_all=show_all, title=title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
