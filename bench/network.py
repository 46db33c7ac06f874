"""A synthetic organisation network in the build's data model, for benchmarks and scale tests.

:func:`synthetic_network` writes N-Quads that :func:`airace.graph.network.organisation_network`
reads back as exactly ``organisations`` nodes and ``ties`` edges: one named graph per
document, each organisation typed, labelled and given a country in every document
that names it, a ``race:Sentence`` naming the two ends of every tie, and for a stated
relation the triple itself with its ``race:Claim``. Degrees are heavy-tailed (a
Chung–Lu draw with power-law weights), most ties stay within a cluster or a country,
and the same seed always gives the same bytes.

Import it by path or, from a script in ``bench/``, as the sibling module ``network``.

>>> from airace.graph.network import organisation_network
>>> from airace.graph.store import open_store
>>> store = open_store(None)
>>> store.load(synthetic_network(organisations=60, ties=150, seed=1), format="nq")
>>> network = organisation_network(store)
>>> network.number_of_nodes(), network.number_of_edges()
(60, 150)
>>> synthetic_network(organisations=60, ties=150, seed=1) == synthetic_network(organisations=60, ties=150, seed=1)
True
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_right
from itertools import accumulate

__all__ = ["COUNTRIES", "KINDS", "RELATIONS", "synthetic_network"]

_RACE = "https://w3id.org/airace/ontology#"
_ID = "https://w3id.org/airace/id/"
_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_TITLE = "http://purl.org/dc/terms/title"
_PART_OF = "http://purl.org/dc/terms/isPartOf"
_DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"
_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"

#: (IRI slug, label, share of the organisations): mostly the two sides of the race.
COUNTRIES = (
    ("united-states", "United States", 0.42),
    ("china", "China", 0.38),
    ("united-kingdom", "United Kingdom", 0.04),
    ("france", "France", 0.03),
    ("germany", "Germany", 0.03),
    ("japan", "Japan", 0.03),
    ("south-korea", "South Korea", 0.02),
    ("canada", "Canada", 0.02),
    ("israel", "Israel", 0.01),
    ("india", "India", 0.01),
    ("singapore", "Singapore", 0.01),
)

#: (class, share of the organisations).
KINDS = (
    ("Company", 0.6),
    ("University", 0.2),
    ("ResearchInstitute", 0.12),
    ("GovernmentBody", 0.05),
    ("Organisation", 0.03),
)

#: (relation, share of the stated ties, the sentence that states it).
RELATIONS = (
    ("collaboratesWith", 0.7, "{a} and {b} announced a joint research programme."),
    ("parentOrganisation", 0.2, "{a} is a unit of {b}."),
    ("foundedBy", 0.1, "{a} was founded by {b}."),
)

_CO_MENTION_SENTENCE = "{a} and {b} were both named in the same report."


def _literal(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def synthetic_network(
    organisations: int = 10_000,
    ties: int = 100_000,
    *,
    seed: int = 0,
    relation_share: float = 0.15,
    repeat_share: float = 0.1,
    ties_per_document: int = 50,
    cluster_size: int = 100,
    exponent: float = 2.5,
) -> bytes:
    """N-Quads (UTF-8) of ``organisations`` organisations tied by exactly ``ties`` distinct pairs.

    Parameters
    ----------
    organisations
        How many organisations (nodes of the organisation network).
    ties
        How many distinct pairs of organisations are tied (edges of the network);
        at most ``organisations * (organisations - 1) / 2``.
    seed
        The seed of every random choice: the same arguments give the same bytes.
    relation_share
        The share of ties a document states as a relation (with a claim); the rest
        are co-mentions only. A stated tie's sentence names both ends, as the build's
        are, so it is a co-mention too.
    repeat_share
        The share of ties that a second document repeats (weight 2).
    ties_per_document
        How many ties each document holds, on average: sets the number of documents.
    cluster_size
        The mean size of the clusters (within a country) that half of the ties stay in.
    exponent
        The power-law exponent of the expected degrees (smaller: heavier tail).

    Returns
    -------
    bytes
        N-Quads, for ``store.load(data, format="nq")``.

    Examples
    --------
    >>> data = synthetic_network(organisations=5, ties=4, seed=3)
    >>> b"<https://w3id.org/airace/ontology#Sentence>" in data and data.endswith(b" .\\n")
    True
    """
    if organisations < 0 or ties < 0:
        raise ValueError("organisations and ties cannot be negative")
    if ties > organisations * (organisations - 1) // 2:
        raise ValueError(f"{organisations} organisations cannot have {ties} distinct ties")
    rng = random.Random(seed)

    # Who each organisation is: a country by the shares, a kind, a label, a cluster.
    country_cut = list(accumulate(share for _, _, share in COUNTRIES))
    kind_cut = list(accumulate(share for _, share in KINDS))
    country_of = [min(bisect_right(country_cut, rng.random() * country_cut[-1]), len(COUNTRIES) - 1)
                  for _ in range(organisations)]
    kind_of = [KINDS[min(bisect_right(kind_cut, rng.random() * kind_cut[-1]), len(KINDS) - 1)][0]
               for _ in range(organisations)]
    # Chung–Lu weights: rank r gets r^(-1/(exponent-1)), so expected degrees follow the power law;
    # ranks are shuffled so that the hubs are spread over countries and clusters.
    ranks = list(range(1, organisations + 1))
    rng.shuffle(ranks)
    weight = [rank ** (-1.0 / (exponent - 1.0)) for rank in ranks]
    members: dict[int, list[int]] = {}
    for node in range(organisations):
        members.setdefault(country_of[node], []).append(node)
    cluster_of = [0] * organisations
    clusters: dict[tuple[int, int], list[int]] = {}
    for country, nodes in members.items():
        count = max(1, round(len(nodes) / cluster_size))
        for node in nodes:
            cluster_of[node] = rng.randrange(count)
            clusters.setdefault((country, cluster_of[node]), []).append(node)

    def sampler(nodes: list[int]):
        cut = list(accumulate(weight[node] for node in nodes))
        return nodes, cut

    everyone = sampler(list(range(organisations)))
    by_country = {country: sampler(nodes) for country, nodes in members.items()}
    by_cluster = {key: sampler(nodes) for key, nodes in clusters.items()}

    def draw(pool) -> int:
        nodes, cut = pool
        return nodes[min(bisect_right(cut, rng.random() * cut[-1]), len(nodes) - 1)]

    # Distinct unordered pairs; a draw that repeats a pair or ties a node to itself is redrawn.
    pairs: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    while len(pairs) < ties:
        a = draw(everyone)
        where = rng.random()
        if where < 0.5:
            b = draw(by_cluster[(country_of[a], cluster_of[a])])
        elif where < 0.75:
            b = draw(by_country[country_of[a]])
        else:
            b = draw(everyone)
        if a == b:
            # A draw inside a one-member cluster would never end; fall back to anyone.
            b = draw(everyone)
            if a == b:
                continue
        pair = (min(a, b), max(a, b))
        if pair in seen:
            continue
        seen.add(pair)
        pairs.append(pair)

    documents = max(1, -(-ties // max(1, ties_per_document)))
    relation_cut = list(accumulate(share for _, share, _ in RELATIONS))
    # Per document: (a, b, relation or None) in the order written.
    contents: list[list[tuple[int, int, int | None]]] = [[] for _ in range(documents)]
    for a, b in pairs:
        relation = None
        if rng.random() < relation_share:
            relation = min(bisect_right(relation_cut, rng.random() * relation_cut[-1]), len(RELATIONS) - 1)
            if rng.random() < 0.5:  # the stated direction: either end may be the subject
                a, b = b, a
        first = rng.randrange(documents)
        contents[first].append((a, b, relation))
        if documents > 1 and rng.random() < repeat_share:
            second = (first + 1 + rng.randrange(documents - 1)) % documents
            contents[second].append((a, b, relation))
    named = {node for a, b in pairs for node in (a, b)}
    for node in range(organisations):  # an organisation without ties is still named somewhere
        if node not in named:
            contents[node % documents].append((node, node, None))

    labels = [f"{kind_of[node]} {node:05d}" for node in range(organisations)]
    org_iris = [f"<{_ID}org/synthetic-{node:05d}>" for node in range(organisations)]
    country_iris = [f"<{_ID}country/{slug}>" for slug, _, _ in COUNTRIES]
    type_, label_, part_of = f"<{_TYPE}>", f"<{_LABEL}>", f"<{_PART_OF}>"
    country_, mentions = f"<{_RACE}country>", f"<{_RACE}mentions>"
    text_, start_, end_ = f"<{_RACE}text>", f"<{_RACE}startChar>", f"<{_RACE}endChar>"

    lines: list[str] = []
    for index, held in enumerate(contents):
        digest = hashlib.sha256(f"{seed}/{index}".encode()).hexdigest()[:16]
        document = f"{_ID}doc/{digest}"
        graph = f"<{document}>"
        lines.append(f"{graph} {type_} <{_RACE}Document> {graph} .")
        lines.append(f"{graph} <{_TITLE}> {_literal(f'Synthetic report {index:05d}')} {graph} .")
        countries_here: set[int] = set()
        nodes_here: list[int] = []
        named_here: set[int] = set()
        offset = 0
        for position, (a, b, relation) in enumerate(held):
            for node in (a, b):
                if node not in named_here:
                    named_here.add(node)
                    nodes_here.append(node)
            if a == b:
                continue
            template = RELATIONS[relation][2] if relation is not None else _CO_MENTION_SENTENCE
            text = template.format(a=labels[a], b=labels[b])
            sentence = f"<{document}/sentence/{offset}-{offset + len(text)}>"
            lines.append(f"{sentence} {type_} <{_RACE}Sentence> {graph} .")
            lines.append(f"{sentence} {text_} {_literal(text)} {graph} .")
            lines.append(f'{sentence} {start_} "{offset}"^^<{_INTEGER}> {graph} .')
            lines.append(f'{sentence} {end_} "{offset + len(text)}"^^<{_INTEGER}> {graph} .')
            lines.append(f"{sentence} {part_of} {graph} {graph} .")
            lines.append(f"{sentence} {mentions} {org_iris[a]} {graph} .")
            lines.append(f"{sentence} {mentions} {org_iris[b]} {graph} .")
            offset += len(text) + 1
            if relation is not None:
                predicate = f"<{_RACE}{RELATIONS[relation][0]}>"
                claim = f"<{_ID}claim/synthetic-{digest}-{position}>"
                lines.append(f"{org_iris[a]} {predicate} {org_iris[b]} {graph} .")
                lines.append(f"{claim} {type_} <{_RACE}Claim> {graph} .")
                lines.append(f"{claim} <{_RDF}subject> {org_iris[a]} {graph} .")
                lines.append(f"{claim} <{_RDF}predicate> {predicate} {graph} .")
                lines.append(f"{claim} <{_RDF}object> {org_iris[b]} {graph} .")
                lines.append(f"{claim} <{_RACE}sentence> {sentence} {graph} .")
                lines.append(f"{claim} <{_RACE}rule> {_literal('synthetic')} {graph} .")
                lines.append(f"{claim} <{_DERIVED_FROM}> {graph} {graph} .")
        for node in nodes_here:
            lines.append(f"{org_iris[node]} {type_} <{_RACE}{kind_of[node]}> {graph} .")
            lines.append(f"{org_iris[node]} {label_} {_literal(labels[node])} {graph} .")
            lines.append(f"{org_iris[node]} {country_} {country_iris[country_of[node]]} {graph} .")
            countries_here.add(country_of[node])
        for country in sorted(countries_here):
            lines.append(f"{country_iris[country]} {type_} <{_RACE}Country> {graph} .")
            lines.append(f"{country_iris[country]} {label_} {_literal(COUNTRIES[country][1])} {graph} .")
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
