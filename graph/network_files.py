"""The organisation network that ``airace analyze`` measures, as GraphML or GEXF for Gephi and Cytoscape.

The file holds the same organisations and ties as the report (``organisation_network`` without
mentions), each organisation with its class, country and the report's PageRank, betweenness,
degree, community and component, each tie with its weight and kind. NetworkX writes both
formats; values are plain (strings and numbers: GraphML and GEXF have no lists or nulls, so
an unknown country is the empty string and lists are joined with "; "). Nodes and edges are
written in IRI order, so the same store gives the same file.

>>> from airace.graph.network import EXAMPLE
>>> from airace.graph.store import open_store
>>> store = open_store(None)
>>> store.load(EXAMPLE.encode(), format="trig")
>>> graph = network_for_export(store)
>>> sorted(graph.nodes(data="country"))
[('https://w3id.org/airace/id/org/deepseek', 'China'), ('https://w3id.org/airace/id/org/high-flyer', 'China')]
>>> graph.edges["https://w3id.org/airace/id/org/deepseek", "https://w3id.org/airace/id/org/high-flyer"]["weight"]
1.0
"""

from __future__ import annotations

import io
from typing import Any

import networkx as nx

from .analysis import statistics
from .network import organisation_network

__all__ = ["NETWORK_FORMATS", "COUNTRY_COLOURS", "network_for_export", "network_bytes"]

#: The network formats, by the name ``airace export --format`` takes.
NETWORK_FORMATS = ("graphml", "gexf")

#: The colour of a node in GEXF (Gephi shows it): the United States and China as in the plots.
COUNTRY_COLOURS = {"United States": (59, 111, 182), "China": (200, 16, 46), "other": (140, 140, 140),
                   "unknown": (208, 208, 208)}


def network_for_export(store) -> nx.Graph:
    """The organisation network with the report's measures on its nodes, in plain values.

    Returns
    -------
    networkx.Graph
        Nodes keyed by IRI with ``label``, ``kind``, ``country``, ``country_iri``, ``pagerank``,
        ``betweenness``, ``degree``, ``weighted_degree``, ``community`` and ``component`` (as in
        ``report.json``); edges with ``weight`` (the one PageRank used), ``kind`` ("relation" or
        "co-mention"), ``relation_weight``, ``co_mention_weight``, ``relations`` and ``documents``
        (the number of documents behind the tie).
    """
    network = organisation_network(store, mentions=False)
    report = statistics(network)
    measured = {row["iri"]: row for row in report["organisations"]}
    graph = nx.Graph()
    for node in sorted(network):
        attributes = network.nodes[node]
        row = measured[node]
        graph.add_node(node, label=attributes["label"], kind=attributes["kind"],
                       country=attributes.get("country") or "", country_iri=attributes.get("country_iri") or "",
                       pagerank=float(row["pagerank"]), betweenness=float(row["betweenness"]),
                       degree=int(row["degree"]), weighted_degree=float(row["weighted_degree"]),
                       community=int(row["community"]), component=int(row["component"]))
    for a, b in sorted((min(a, b), max(a, b)) for a, b in network.edges()):
        tie = network.edges[a, b]
        graph.add_edge(a, b, weight=float(tie["weight"]), kind=tie["kind"],
                       relation_weight=float(tie["relation_weight"]), co_mention_weight=float(tie["co_mention_weight"]),
                       relations="; ".join(sorted(tie.get("relations", []))),
                       documents=len(set(tie.get("documents", []))))
    return graph


def _side(country: str) -> str:
    return country if country in ("United States", "China") else "other" if country else "unknown"


def _with_looks(graph: nx.Graph) -> nx.Graph:
    """A copy with GEXF's ``viz`` colour (by country) and size (by PageRank) on each node."""
    drawn = graph.copy()
    top = max((pagerank for _, pagerank in graph.nodes(data="pagerank")), default=1.0) or 1.0
    for node, attributes in drawn.nodes(data=True):
        red, green, blue = COUNTRY_COLOURS[_side(attributes["country"])]
        attributes["viz"] = {"color": {"r": red, "g": green, "b": blue, "a": 1.0},
                             "size": round(5 + 25 * (attributes["pagerank"] / top) ** 0.5, 3)}
    return drawn


def network_bytes(graph: nx.Graph, format: str) -> bytes:
    """``graph`` (from :func:`network_for_export`) written as GraphML or GEXF.

    Raises
    ------
    ValueError
        For a format other than those of :data:`NETWORK_FORMATS`.

    Examples
    --------
    >>> graph = nx.Graph()
    >>> graph.add_node("a", label="A", country="China", pagerank=1.0)
    >>> b"<graphml" in network_bytes(graph, "graphml"), b"<gexf" in network_bytes(graph, "gexf")
    (True, True)
    """
    stream = io.BytesIO()
    if format == "graphml":
        nx.write_graphml(graph, stream, encoding="utf-8", prettyprint=True)
    elif format == "gexf":
        nx.write_gexf(_with_looks(graph), stream, encoding="utf-8", prettyprint=True)
    else:
        raise ValueError(f"unknown network format {format!r}; choose one of {', '.join(NETWORK_FORMATS)}")
    return stream.getvalue()

