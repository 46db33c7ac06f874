"""Who is central in the organisation network, which groups form, and how ties cross the US–China line.

:func:`statistics` takes the network of :func:`airace.graph.network.organisation_network`
and returns plain data; :func:`render_markdown` turns that data into a short
report; :func:`analyze` does both for a store and writes ``report.md`` and
``report.json``. Everything is sorted, and the community detection has a fixed
seed, so the same store gives the same report byte for byte.

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
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx

from airace import queries
from airace.graph.network import CO_MENTION_WEIGHT, organisation_network

__all__ = [
    "SEED",
    "TOP",
    "UNITED_STATES",
    "CHINA",
    "CATEGORIES",
    "statistics",
    "render_markdown",
    "analyze",
]

#: The seed of the Louvain community detection.
SEED = 42

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


def _groups(sets, network: nx.Graph) -> list[dict[str, Any]]:
    """Node sets as rows sorted by size (largest first), then by their members' labels."""
    rows = []
    for members in sets:
        labels = sorted(network.nodes[node]["label"] for node in members)
        rows.append({"size": len(members), "members": labels, "iris": sorted(members)})
    rows.sort(key=lambda row: (-row["size"], row["members"], row["iris"]))
    for index, row in enumerate(rows):
        row["id"] = index
    return rows


def _country_projection(network: nx.Graph) -> dict[str, Any]:
    categories = {name: Counter({"all": 0, "relation": 0, "co-mention": 0}) for name in CATEGORIES}
    per_country: dict[str, Counter] = {}
    labels: dict[str, str] = {}
    for node, data in network.nodes(data=True):
        if data.get("country_iri"):
            labels[data["country_iri"]] = data["country"]
            per_country.setdefault(data["country_iri"], Counter())["organisations"] += 1
    for a, b, data in network.edges(data=True):
        country_a, country_b = network.nodes[a].get("country_iri"), network.nodes[b].get("country_iri")
        category = _category(country_a, country_b)
        categories[category]["all"] += 1
        categories[category][data["kind"]] += 1
        if category == "unknown_country":
            continue
        for country in {country_a, country_b}:
            per_country[country]["ties"] += 1
            if country_a != country_b:
                per_country[country]["cross_border"] += 1
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
            "matrix": _country_pairs(network)}


def _country_pairs(network: nx.Graph) -> list[dict[str, Any]]:
    """Ties counted by the pair of countries at their ends (each pair once, names in order)."""
    pairs: dict[tuple[str, str], Counter] = {}
    for a, b, data in network.edges(data=True):
        first, second = network.nodes[a].get("country"), network.nodes[b].get("country")
        if not first or not second:
            continue
        key = tuple(sorted((first, second)))
        pairs.setdefault(key, Counter())["ties"] += 1
        pairs[key][data["kind"]] += 1
    return [{"a": a, "b": b, "ties": counts["ties"], "stated": counts["relation"], "co_mention": counts["co-mention"]}
            for (a, b), counts in sorted(pairs.items())]


def _us_china_ties(network: nx.Graph) -> list[dict[str, Any]]:
    ties = []
    for a, b, data in network.edges(data=True):
        if _category(network.nodes[a].get("country_iri"), network.nodes[b].get("country_iri")) != "us_china":
            continue
        us, china = (a, b) if network.nodes[a]["country_iri"] == UNITED_STATES else (b, a)
        ties.append(
            {
                "us": network.nodes[us]["label"],
                "us_iri": us,
                "china": network.nodes[china]["label"],
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
    ties.sort(key=lambda tie: (tie["kind"] != "relation", -tie["relation_weight"], -tie["co_mention_weight"],
                               tie["us"], tie["china"], tie["us_iri"], tie["china_iri"]))
    return ties


def statistics(network: nx.Graph) -> dict[str, Any]:
    """Centralities, communities, components and the country projection of an organisation network.

    PageRank is weighted by the ties' ``weight``; betweenness is unweighted and
    normalised; communities come from Louvain with seed :data:`SEED`. The
    cross-border share of a country is the part of its ties to an organisation
    of known country whose other end is of another country.

    Parameters
    ----------
    network
        An organisation network as :func:`airace.graph.network.organisation_network` returns it.

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
    """
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(network.nodes(data=True)))
    ordered.add_edges_from(sorted((min(a, b), max(a, b), data) for a, b, data in network.edges(data=True)))
    network = ordered

    pagerank = nx.pagerank(network, weight="weight") if len(network) else {}
    betweenness = nx.betweenness_centrality(network, normalized=True)
    communities = _groups(nx.community.louvain_communities(network, weight="weight", seed=SEED), network)
    components = _groups(nx.connected_components(network), network)
    community_of = {iri: row["id"] for row in communities for iri in row["iris"]}
    component_of = {iri: row["id"] for row in components for iri in row["iris"]}

    organisations = []
    for node, data in network.nodes(data=True):
        organisations.append(
            {
                "iri": node,
                "label": data["label"],
                "kind": data["kind"],
                "country": data.get("country"),
                "pagerank": round(pagerank.get(node, 0.0), _DIGITS),
                "degree": network.degree(node),
                "weighted_degree": round(float(network.degree(node, weight="weight")), _DIGITS),
                "betweenness": round(betweenness.get(node, 0.0), _DIGITS),
                "community": community_of[node],
                "component": component_of[node],
            }
        )
    organisations.sort(key=lambda row: (-row["pagerank"], row["label"], row["iri"]))

    kinds = Counter(kind for _, _, kind in network.edges(data="kind"))
    documents = {document for _, _, docs in network.edges(data="documents") for document in docs}
    return {
        "summary": {
            "organisations": network.number_of_nodes(),
            "ties": network.number_of_edges(),
            "relation_ties": kinds["relation"],
            "co_mention_ties": kinds["co-mention"],
            "documents": len(documents),
            "isolated": sum(1 for row in components if row["size"] == 1),
            "co_mention_weight": CO_MENTION_WEIGHT,
            "louvain_seed": SEED,
        },
        "organisations": organisations,
        "communities": communities,
        "components": components,
        "countries": _country_projection(network),
        "us_china_ties": _us_china_ties(network),
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


def analyze(store, *, out_dir: Path) -> dict[str, Any]:
    """Analyse the organisation network of ``store``; write ``report.md``, ``report.json`` and the PNG
    plots (``elo-race.png``, ``pagerank.png``, ``country-matrix.png``, each when it has data) in ``out_dir``.

    Parameters
    ----------
    store
        A store from :func:`airace.graph.store.open_store`.
    out_dir
        The folder to write to (made if missing).

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

    data = statistics(organisation_network(store))
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(
        json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out_dir / "report.md").write_text(render_markdown(data), encoding="utf-8")
    elo = [tuple(None if term is None else (term.toPython() if hasattr(term, "toPython") else term) for term in row)
           for row in store.select(queries.read("elo-race-by-month")).rows]
    plots.elo_race([(str(row[0]), row[1], row[2], row[3], row[4], row[5]) for row in elo], out_dir / "elo-race.png")
    plots.pagerank_ranking(data, out_dir / "pagerank.png")
    plots.country_matrix(data, out_dir / "country-matrix.png")
    return data
