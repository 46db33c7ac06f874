"""Who is central in the organisation network, which groups form, and how ties cross the US–China line.

:func:`statistics` takes the network of :func:`airace.graph.network.organisation_network`
and returns plain data; :func:`render_markdown` turns that data into a short
report; :func:`analyze` does both for a store and writes ``report.md`` and
``report.json``. Everything is sorted, and the community detection has a fixed
seed, so the same store gives the same report byte for byte.

Networks of up to :data:`IGRAPH_ABOVE` organisations are measured by NetworkX.
Larger ones go to igraph, which does the same in C, and their betweenness is
estimated from the shortest paths out of :data:`BETWEENNESS_SOURCES`
organisations drawn with seed :data:`SEED` (the choice NetworkX's own ``k``
would make); the report says so.

>>> from airace.graph.network import EXAMPLE
>>> from airace.graph.store import open_store
>>> store = open_store(None)
>>> store.load(EXAMPLE.encode(), format="trig")
>>> import tempfile, pathlib
>>> report = analyze(store, out_dir=pathlib.Path(tempfile.mkdtemp()))
>>> [row["label"] for row in report["organisations"]]
['DeepSeek', 'High-Flyer']
>>> report["countries"]["categories"]["within_china"]
{'all': 1, 'relation': 1, 'co-mention': 0}
"""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import networkx as nx

from airace import queries
from airace.graph.network import CO_MENTION_WEIGHT, collection_paused, organisation_network

__all__ = [
    "SEED",
    "TOP",
    "IGRAPH_ABOVE",
    "BETWEENNESS_SOURCES",
    "UNITED_STATES",
    "CHINA",
    "CATEGORIES",
    "SKIPPED_BECAUSE",
    "statistics",
    "render_markdown",
    "analyze",
]

#: The seed of the Louvain community detection (and of the betweenness sample of a large network).
SEED = 42

#: Networks with more organisations than this are measured by igraph. NetworkX's exact
#: betweenness alone, in pure Python, takes minutes on 10,000 organisations; igraph does each
#: measure 16 to 63 times faster. Smaller networks keep NetworkX, and their reports stay as they were.
IGRAPH_ABOVE = 1_000

#: How many source organisations the betweenness of an igraph-measured network is estimated from
#: (all of them when the network has no more).
BETWEENNESS_SOURCES = 500

#: How many organisations the report's PageRank table lists.
TOP = 10

UNITED_STATES = "https://w3id.org/airace/id/country/united-states"
CHINA = "https://w3id.org/airace/id/country/china"

#: The kinds of tie of the country projection, in the report's order.
CATEGORIES = ("within_us", "within_china", "us_china", "other", "unknown_country")

_CATEGORY_NAMES = {
    "within_us": "within the United States",
    "within_china": "within China",
    "us_china": "US–China (cross-border)",
    "other": "with or between other countries",
    "unknown_country": "an end of unknown country",
}

_DIGITS = 6


def _category(a: str | None, b: str | None) -> str:
    """The country-projection category of a tie between organisations of countries ``a`` and ``b``.

    >>> _category(CHINA, UNITED_STATES), _category(CHINA, CHINA), _category(CHINA, None)
    ('us_china', 'within_china', 'unknown_country')
    """
    if a is None or b is None:
        return "unknown_country"
    pair = {a, b}
    if pair == {UNITED_STATES}:
        return "within_us"
    if pair == {CHINA}:
        return "within_china"
    if pair == {UNITED_STATES, CHINA}:
        return "us_china"
    return "other"


def _groups(sets, labels: dict[str, str]) -> list[dict[str, Any]]:
    """Node sets as rows sorted by size (largest first), then by their members' labels."""
    rows = []
    for members in sets:
        names = sorted(labels[node] for node in members)
        rows.append({"size": len(members), "members": names, "iris": sorted(members)})
    rows.sort(key=lambda row: (-row["size"], row["members"], row["iris"]))
    for index, row in enumerate(rows):
        row["id"] = index
    return rows


def _country_projection(network: nx.Graph, edges: list[tuple[str, str, dict]]) -> dict[str, Any]:
    categories = {name: Counter({"all": 0, "relation": 0, "co-mention": 0}) for name in CATEGORIES}
    per_country: dict[str, Counter] = {}
    labels: dict[str, str] = {}
    for node, data in network.nodes(data=True):
        if data.get("country_iri"):
            labels[data["country_iri"]] = data["country"]
            per_country.setdefault(data["country_iri"], Counter())["organisations"] += 1
    country_of = dict(network.nodes(data="country_iri"))
    # Ties counted by (country, country, kind) first: a few dozen keys to classify, not every tie.
    ends = Counter((country_of[a], country_of[b], data["kind"]) for a, b, data in edges)
    for (country_a, country_b, kind), count in ends.items():
        category = _category(country_a, country_b)
        categories[category]["all"] += count
        categories[category][kind] += count
        if category == "unknown_country":
            continue
        for country in {country_a, country_b}:
            per_country[country]["ties"] += count
            if country_a != country_b:
                per_country[country]["cross_border"] += count
    countries = []
    for iri, counts in per_country.items():
        ties = counts["ties"]
        countries.append(
            {
                "country": labels[iri],
                "iri": iri,
                "organisations": counts["organisations"],
                "ties": ties,
                "cross_border": counts["cross_border"],
                "cross_border_share": round(counts["cross_border"] / ties, 4) if ties else None,
            }
        )
    countries.sort(key=lambda row: (-row["organisations"], row["country"], row["iri"]))
    return {"categories": {name: dict(categories[name]) for name in CATEGORIES}, "per_country": countries,
            "matrix": _country_pairs(network, edges)}


def _country_pairs(network: nx.Graph, edges: list[tuple[str, str, dict]]) -> list[dict[str, Any]]:
    """Ties counted by the pair of countries at their ends (each pair once, names in order)."""
    pairs: dict[tuple[str, str], Counter] = {}
    country_of = dict(network.nodes(data="country"))
    ends = Counter((country_of[a], country_of[b], data["kind"]) for a, b, data in edges)
    for (first, second, kind), count in ends.items():
        if not first or not second:
            continue
        key = (first, second) if first <= second else (second, first)
        if key not in pairs:
            pairs[key] = Counter()
        pairs[key]["ties"] += count
        pairs[key][kind] += count
    return [{"a": a, "b": b, "ties": counts["ties"], "stated": counts["relation"], "co_mention": counts["co-mention"]}
            for (a, b), counts in sorted(pairs.items())]


def _us_china_ties(network: nx.Graph, edges: list[tuple[str, str, dict]]) -> list[dict[str, Any]]:
    rows = []
    country_of = dict(network.nodes(data="country_iri"))
    label_of = dict(network.nodes(data="label"))
    sides = {UNITED_STATES, CHINA}
    for a, b, data in edges:
        if country_of[a] not in sides or country_of[b] not in sides or country_of[a] == country_of[b]:
            continue  # not a US–China tie (what _category calls "us_china")
        us, china = (a, b) if country_of[a] == UNITED_STATES else (b, a)
        rows.append(
            {
                "us": label_of[us],
                "us_iri": us,
                "china": label_of[china],
                "china_iri": china,
                "kind": data["kind"],
                "relations": data["relations"],
                "relation_weight": data["relation_weight"],
                "co_mention_weight": data["co_mention_weight"],
                "documents": data["documents"],
                "sources": data["sources"],
                "co_mention_sources": data["co_mention_sources"],
            }
        )
    rows.sort(key=lambda tie: (tie["kind"] != "relation", -tie["relation_weight"], -tie["co_mention_weight"],
                               tie["us"], tie["china"], tie["us_iri"], tie["china_iri"]))
    return rows


def _igraph_measures(network: nx.Graph, betweenness_sources: int):
    """PageRank, betweenness, communities and components of ``network``, computed by igraph.

    The same measures as the NetworkX path: PageRank weighted and damped by 0.85 (igraph
    solves it to machine precision where NetworkX iterates to a tolerance); betweenness
    unweighted and normalised as NetworkX does it, from the ``betweenness_sources``
    sources ``random.Random(SEED).sample`` draws from the organisations in IRI order (the
    ones ``nx.betweenness_centrality(k=..., seed=SEED)`` would take), or exact when that
    covers them all; Louvain (igraph's multilevel) on a generator seeded with :data:`SEED`.

    Returns
    -------
    tuple
        ``(pagerank, betweenness, communities, components, sources)``: two dictionaries by
        IRI, two lists of IRI sets, and how many sources the betweenness was estimated
        from (None when exact).

    Examples
    --------
    >>> network = nx.path_graph(["a", "b", "c", "d"])
    >>> nx.set_edge_attributes(network, 1, "weight")
    >>> pagerank, betweenness, communities, components, sources = _igraph_measures(network, 2)
    >>> betweenness == nx.betweenness_centrality(network, k=2, seed=SEED), sources
    (True, 2)
    >>> [sorted(component) for component in components]
    [['a', 'b', 'c', 'd']]
    """
    import igraph

    nodes = sorted(network)
    index = {node: position for position, node in enumerate(nodes)}
    ends = sorted((min(index[a], index[b]), max(index[a], index[b]), weight)
                  for a, b, weight in network.edges(data="weight", default=1))
    graph = igraph.Graph(n=len(nodes), edges=[(a, b) for a, b, _ in ends])
    weights = [float(weight) for _, _, weight in ends]
    size = len(nodes)

    sampled = betweenness_sources < size
    if sampled:
        if betweenness_sources < 2:
            raise ValueError("betweenness needs at least 2 sources to be estimated")
        chosen = random.Random(SEED).sample(nodes, betweenness_sources)
        raw = graph.betweenness(directed=False, sources=[index[node] for node in chosen])
    else:
        chosen = []
        raw = graph.betweenness(directed=False)
    # igraph counts each unordered pair once, NetworkX both ways. Normalised, the sum is divided
    # by the (s, t) pairs that could pass through the node: (n-1)(n-2) when every node is a source;
    # from k sources, k(n-2), or (k-1)(n-2) for a source, which cannot be its own (NetworkX 3.6).
    if size < 3:
        scale = source_scale = 1.0  # no pair can pass through a third node: all zero
    elif sampled:
        scale = 2.0 / (betweenness_sources * (size - 2))
        source_scale = 2.0 / ((betweenness_sources - 1) * (size - 2))
    else:
        scale = source_scale = 2.0 / ((size - 1) * (size - 2))
    chosen = set(chosen)
    betweenness = {node: value * (source_scale if node in chosen else scale) for node, value in zip(nodes, raw)}

    # igraph draws from one process-wide generator: a seeded one of our own for the run,
    # then Python's random module again, igraph's default.
    igraph.set_random_number_generator(random.Random(SEED))
    try:
        # ARPACK gives the ranks of igraph's default PRPACK (to 1e-15) 15 times faster on the
        # 10,000-organisation benchmark network.
        ranks = (graph.pagerank(weights=weights, directed=False, damping=0.85, implementation="arpack")
                 if size else [])
        membership = graph.community_multilevel(weights=weights if weights else None).membership
    finally:
        igraph.set_random_number_generator(random)
    pagerank = dict(zip(nodes, ranks))
    components = graph.connected_components().membership
    return (pagerank, betweenness, _sets(nodes, membership), _sets(nodes, components),
            betweenness_sources if sampled else None)


def _sets(nodes: list[str], membership: list[int]) -> list[set[str]]:
    """The groups of a membership vector, as sets of nodes.

    >>> [sorted(group) for group in _sets(["a", "b", "c"], [1, 0, 1])]
    [['a', 'c'], ['b']]
    """
    groups: dict[int, set[str]] = {}
    for node, group in zip(nodes, membership):
        groups.setdefault(group, set()).add(node)
    return list(groups.values())


def statistics(network: nx.Graph, *, igraph_above: int | None = None,
               betweenness_sources: int | None = None) -> dict[str, Any]:
    """Centralities, communities, components and the country projection of an organisation network.

    PageRank is weighted by the ties' ``weight``; betweenness is unweighted and
    normalised; communities come from Louvain with seed :data:`SEED`. The
    cross-border share of a country is the part of its ties to an organisation
    of known country whose other end is of another country.

    A network of more than ``igraph_above`` organisations is measured by igraph
    (:func:`_igraph_measures`), its betweenness estimated from
    ``betweenness_sources`` sampled sources when it has more organisations than
    that; ``summary`` then says how many (``betweenness_sources``) and with which
    seed (``betweenness_seed``).

    Parameters
    ----------
    network
        An organisation network as :func:`airace.graph.network.organisation_network` returns it.
    igraph_above
        The size above which igraph measures the network (default :data:`IGRAPH_ABOVE`).
    betweenness_sources
        How many sources the igraph path estimates betweenness from (default
        :data:`BETWEENNESS_SOURCES`).

    Returns
    -------
    dict
        JSON-ready: ``summary``, ``organisations`` (one row each, by PageRank
        descending), ``communities``, ``components``, ``countries`` and
        ``us_china_ties``.

    Examples
    --------
    >>> network = nx.Graph()
    >>> for node, country in [("a", UNITED_STATES), ("b", CHINA), ("c", CHINA)]:
    ...     network.add_node(node, label=node.upper(), kind="Company", country=country[-5:], country_iri=country)
    >>> for a, b in [("a", "b"), ("b", "c")]:
    ...     network.add_edge(a, b, kind="relation", weight=1, relation_weight=1, co_mention_weight=0,
    ...                      relations=["collaboratesWith"], documents=["d"], sources=[], co_mention_sources=[])
    >>> data = statistics(network)
    >>> [row["label"] for row in data["organisations"]]
    ['B', 'A', 'C']
    >>> [(tie["us"], tie["china"]) for tie in data["us_china_ties"]]
    [('A', 'B')]

    The same network measured by igraph, its betweenness estimated from 2 of the 3:

    >>> sampled = statistics(network, igraph_above=0, betweenness_sources=2)
    >>> [row["label"] for row in sampled["organisations"]], sampled["summary"]["betweenness_sources"]
    (['B', 'A', 'C'], 2)
    """
    with collection_paused():
        return _statistics(network, igraph_above, betweenness_sources)


def _statistics(network: nx.Graph, igraph_above: int | None, betweenness_sources: int | None) -> dict[str, Any]:
    igraph_above = IGRAPH_ABOVE if igraph_above is None else igraph_above
    betweenness_sources = BETWEENNESS_SOURCES if betweenness_sources is None else betweenness_sources
    sampled_sources = None
    if len(network) > igraph_above:
        pagerank, betweenness, community_sets, component_sets, sampled_sources = _igraph_measures(
            network, betweenness_sources)
    else:
        ordered = nx.Graph()
        ordered.add_nodes_from(sorted(network.nodes(data=True)))
        ordered.add_edges_from(sorted((min(a, b), max(a, b), data) for a, b, data in network.edges(data=True)))
        network = ordered
        pagerank = nx.pagerank(network, weight="weight") if len(network) else {}
        betweenness = nx.betweenness_centrality(network, normalized=True)
        community_sets = nx.community.louvain_communities(network, weight="weight", seed=SEED)
        component_sets = nx.connected_components(network)
    labels = dict(network.nodes(data="label"))
    communities = _groups(community_sets, labels)
    components = _groups(component_sets, labels)
    community_of = {iri: row["id"] for row in communities for iri in row["iris"]}
    component_of = {iri: row["id"] for row in components for iri in row["iris"]}

    degree = dict(network.degree())
    weighted_degree = dict(network.degree(weight="weight"))
    organisations = []
    for node, data in network.nodes(data=True):
        organisations.append(
            {
                "iri": node,
                "label": data["label"],
                "kind": data["kind"],
                "country": data.get("country"),
                "pagerank": round(pagerank.get(node, 0.0), _DIGITS),
                "degree": degree[node],
                "weighted_degree": round(float(weighted_degree[node]), _DIGITS),
                "betweenness": round(betweenness.get(node, 0.0), _DIGITS),
                "community": community_of[node],
                "component": component_of[node],
            }
        )
    organisations.sort(key=lambda row: (-row["pagerank"], row["label"], row["iri"]))

    edges = list(network.edges(data=True))
    kinds = Counter(data["kind"] for _, _, data in edges)
    documents = {document for _, _, data in edges for document in data["documents"]}
    summary = {
        "organisations": network.number_of_nodes(),
        "ties": network.number_of_edges(),
        "relation_ties": kinds["relation"],
        "co_mention_ties": kinds["co-mention"],
        "documents": len(documents),
        "isolated": sum(1 for row in components if row["size"] == 1),
        "co_mention_weight": CO_MENTION_WEIGHT,
        "louvain_seed": SEED,
    }
    if sampled_sources is not None:
        summary["betweenness_sources"] = sampled_sources
        summary["betweenness_seed"] = SEED
    return {
        "summary": summary,
        "organisations": organisations,
        "communities": communities,
        "components": components,
        "countries": _country_projection(network, edges),
        "us_china_ties": _us_china_ties(network, edges),
    }


# --- the Markdown report ------------------------------------------------------------------


def _md(text: Any) -> str:
    """Untrusted text made safe for one Markdown table cell or line: no HTML, no markup, one line.

    >>> _md("a|b <script>*x*</script>")
    'a\\\\|b &lt;script&gt;\\\\*x\\\\*&lt;/script&gt;'
    """
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in "\\`*_[]|#":
        text = text.replace(char, "\\" + char)
    return text


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _evidence_lines(tie: dict[str, Any]) -> list[str]:
    lines = []
    stated = {(source["document_iri"], source["sentence"]) for source in tie["sources"]}
    co_mentioned = [s for s in tie["co_mention_sources"] if (s["document_iri"], s["sentence"]) not in stated]
    for label, sources in (("stated", tie["sources"]), ("co-mentioned", co_mentioned)):
        for source in sources:
            lines.append(
                f"  - {label}: “{_md(source['sentence'])}” — *{_md(source['document'])}* (`{_md(source['document_iri'])}`)"
            )
    return lines


def render_markdown(data: dict[str, Any]) -> str:
    """The report as Markdown: a few findings, then the tables they come from.

    Parameters
    ----------
    data
        What :func:`statistics` returns.

    Examples
    --------
    >>> print(render_markdown(statistics(nx.Graph())))
    # The organisation network
    <BLANKLINE>
    There is nothing to analyse yet: the graph holds no organisations. Build it first (`airace build`).
    <BLANKLINE>
    """
    summary = data["summary"]
    lines = ["# The organisation network", ""]
    if summary["organisations"] == 0:
        lines += ["There is nothing to analyse yet: the graph holds no organisations. Build it first (`airace build`).", ""]
        return "\n".join(lines)

    organisations = data["organisations"]
    categories = data["countries"]["categories"]
    per_country = {row["iri"]: row for row in data["countries"]["per_country"]}
    top = organisations[:TOP]

    def named(row):
        return f"{_md(row['label'])} ({_md(row['country'] or 'country unknown')})"

    cross = categories["us_china"]
    shares = [
        f"{_md(per_country[iri]['country'])} {_share(per_country[iri]['cross_border_share'])}"
        for iri in (UNITED_STATES, CHINA)
        if iri in per_country
    ]
    largest = data["components"][0]
    lines += [
        "## Findings",
        "",
        f"- {summary['organisations']} organisations and {summary['ties']} ties "
        f"({summary['relation_ties']} stated relations, {summary['co_mention_ties']} co-mentions only) "
        f"from {summary['documents']} documents.",
        "- Most central by weighted PageRank: " + ", then ".join(named(row) for row in top[:3]) + ".",
        f"- {len(data['communities'])} communities (Louvain, seed {summary['louvain_seed']}); "
        f"the largest has {data['communities'][0]['size']} organisations.",
        f"- {len(data['components'])} connected components; the largest holds {largest['size']} of "
        f"{summary['organisations']} organisations; {summary['isolated']} without any tie.",
        f"- {cross['all']} US–China cross-border ties ({cross['relation']} stated, {cross['co-mention']} co-mentions only)"
        + (f"; share of each side's ties that cross a border: {', '.join(shares)}." if shares else "."),
        "",
        f"Ties weigh the number of documents behind them; a co-mention weighs {summary['co_mention_weight']} "
        "of a stated relation (collaboratesWith, foundedBy, parentOrganisation).",
        "",
    ]
    if "betweenness_sources" in summary:
        lines += [
            f"Betweenness is estimated, not exact: it counts the shortest paths from "
            f"{summary['betweenness_sources']} of the {summary['organisations']} organisations, "
            f"drawn at random with seed {summary['betweenness_seed']}.",
            "",
        ]
    lines += [
        f"## Top {len(top)} organisations by PageRank",
        "",
        "| rank | organisation | country | kind | PageRank | ties | betweenness |",
        "| ---: | --- | --- | --- | ---: | ---: | ---: |",
    ]
    for rank, row in enumerate(top, 1):
        lines.append(
            f"| {rank} | {_md(row['label'])} | {_md(row['country'] or '–')} | {row['kind']} | "
            f"{row['pagerank']:.4f} | {row['degree']} | {row['betweenness']:.4f} |"
        )
    lines += [
        "",
        "## Ties by country",
        "",
        "| ties | all | stated | co-mention only |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name in CATEGORIES:
        counts = categories[name]
        lines.append(f"| {_CATEGORY_NAMES[name]} | {counts['all']} | {counts['relation']} | {counts['co-mention']} |")
    lines += [
        "",
        "| country | organisations | ties | cross-border | cross-border share |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in data["countries"]["per_country"]:
        lines.append(
            f"| {_md(row['country'])} | {row['organisations']} | {row['ties']} | {row['cross_border']} | "
            f"{_share(row['cross_border_share'])} |"
        )
    lines += ["", "## US–China cross-border ties", ""]
    if not data["us_china_ties"]:
        lines.append("None found.")
    for tie in data["us_china_ties"]:
        what = ", ".join(tie["relations"]) if tie["relations"] else "co-mention"
        lines.append(
            f"- **{_md(tie['us'])}** — **{_md(tie['china'])}**: {what} "
            f"({len(tie['documents'])} document{'s' if len(tie['documents']) != 1 else ''})"
        )
        lines += _evidence_lines(tie)
    lines += ["", "## Communities", ""]
    for row in data["communities"]:
        lines.append(f"{row['id'] + 1}. {', '.join(_md(label) for label in row['members'])}")
    lines.append("")
    return "\n".join(lines)


#: Why each plot is left out when it has nothing to draw.
SKIPPED_BECAUSE = {
    "elo-race.png": "no Chatbot Arena Elo figures by month for the United States or China in the graph",
    "pagerank.png": "no organisations in the graph",
    "country-matrix.png": "no ties between organisations of known country",
}


def analyze(store, *, out_dir: Path, on_skipped: Callable[[str, str], None] | None = None) -> dict[str, Any]:
    """Analyse the organisation network of ``store``; write ``report.md``, ``report.json`` and the PNG
    plots (``elo-race.png``, ``pagerank.png``, ``country-matrix.png``, each when it has data) in ``out_dir``.

    Parameters
    ----------
    store
        A store from :func:`airace.graph.store.open_store`.
    out_dir
        The folder to write to (made if missing).
    on_skipped
        Called with a plot's file name and the reason (:data:`SKIPPED_BECAUSE`) for each plot
        left out because it has nothing to draw.

    Returns
    -------
    dict
        What :func:`statistics` returns, as written to ``report.json``.

    Raises
    ------
    airace.graph.store.StoreError
        When the store cannot be read.
    OSError
        When the reports cannot be written.

    Examples
    --------
    >>> from airace.graph.store import open_store
    >>> import tempfile
    >>> out_dir = Path(tempfile.mkdtemp())
    >>> analyze(open_store(None), out_dir=out_dir)["summary"]["organisations"]
    0
    >>> sorted(path.name for path in out_dir.iterdir())
    ['report.json', 'report.md']
    """
    from . import plots

    with collection_paused():
        data = statistics(organisation_network(store, mentions=False))
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "report.json").write_text(
            json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        (out_dir / "report.md").write_text(render_markdown(data), encoding="utf-8")
        elo = [tuple(None if term is None else (term.toPython() if hasattr(term, "toPython") else term) for term in row)
               for row in store.select(queries.read("elo-race-by-month")).rows]
        drawn = {
            "elo-race.png": plots.elo_race([(str(row[0]), row[1], row[2], row[3], row[4], row[5]) for row in elo],
                                           out_dir / "elo-race.png"),
            "pagerank.png": plots.pagerank_ranking(data, out_dir / "pagerank.png"),
            "country-matrix.png": plots.country_matrix(data, out_dir / "country-matrix.png"),
        }
        for name, path in drawn.items():
            if path is None and on_skipped:
                on_skipped(name, SKIPPED_BECAUSE[name])
        return data
