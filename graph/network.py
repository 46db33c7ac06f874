"""The graph as NetworkX graphs: the whole knowledge graph, and the network of organisations.

Both functions read the store with SPARQL (the default graph is the union of the
documents' named graphs) and return NetworkX graphs whose nodes are entity IRIs
(strings) and whose attributes are plain Python data, so the analysis and the
view never touch RDF.

Every edge keeps its evidence: ``sources``, a sorted list of
``{"document": title, "document_iri": iri, "sentence": text}`` taken from the
claim nodes (``race:Claim``) of the triple, and ``documents``, the sorted IRIs
of the documents that state it.

>>> from airace.graph.store import open_store
>>> store = open_store(None)
>>> store.load(EXAMPLE.encode(), format="trig")
>>> graph = knowledge_graph(store)
>>> sorted(graph.nodes(data="label"))
[('https://w3id.org/airace/id/country/china', 'China'), ('https://w3id.org/airace/id/org/deepseek', 'DeepSeek'), ('https://w3id.org/airace/id/org/high-flyer', 'High-Flyer')]
>>> organisation_network(store).edges["https://w3id.org/airace/id/org/deepseek", "https://w3id.org/airace/id/org/high-flyer"]["relations"]
['foundedBy']
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx

__all__ = [
    "RACE",
    "ENTITY_CLASSES",
    "ORGANISATION_CLASSES",
    "RELATIONS",
    "ORGANISATION_RELATIONS",
    "CO_MENTION_WEIGHT",
    "local_name",
    "knowledge_graph",
    "organisation_network",
]

RACE = "https://w3id.org/airace/ontology#"

#: The entity classes, most specific first: an entity typed with several keeps the first.
ENTITY_CLASSES = (
    "Company",
    "University",
    "ResearchInstitute",
    "GovernmentBody",
    "Organisation",
    "Country",
    "AIModel",
    "Chip",
    "Person",
    "DataCentre",
)

#: The classes whose instances are organisations.
ORGANISATION_CLASSES = frozenset({"Company", "University", "ResearchInstitute", "GovernmentBody", "Organisation"})

#: The relations between entities (the core vocabulary's object properties).
RELATIONS = (
    "developedBy",
    "designedBy",
    "fabricatedBy",
    "country",
    "parentOrganisation",
    "collaboratesWith",
    "foundedBy",
    "usesChip",
    "operatedBy",
    "affiliatedWith",
    "competesWith",
)

#: The relations that tie two organisations in :func:`organisation_network`.
ORGANISATION_RELATIONS = frozenset({"collaboratesWith", "foundedBy", "parentOrganisation"})

#: The weight of one document's co-mention, against 1 for one document's stated relation.
CO_MENTION_WEIGHT = 0.5

_PREFIXES = """\
PREFIX race: <https://w3id.org/airace/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

_CLASS_VALUES = " ".join(f"race:{name}" for name in ENTITY_CLASSES)
_ORGANISATION_VALUES = " ".join(f"race:{name}" for name in sorted(ORGANISATION_CLASSES))
_RELATION_VALUES = " ".join(f"race:{name}" for name in RELATIONS)

_ENTITIES = _PREFIXES + f"""\
SELECT DISTINCT ?entity ?class ?label WHERE {{
  VALUES ?class {{ {_CLASS_VALUES} }}
  ?entity a ?class .
  OPTIONAL {{ ?entity rdfs:label ?label }}
}}
"""

_RELATION_TRIPLES = _PREFIXES + f"""\
SELECT DISTINCT ?s ?p ?o ?graph WHERE {{
  VALUES ?p {{ {_RELATION_VALUES} }}
  GRAPH ?graph {{ ?s ?p ?o }}
}}
"""

_CLAIMS = _PREFIXES + f"""\
SELECT DISTINCT ?s ?p ?o ?doc ?title ?text WHERE {{
  VALUES ?p {{ {_RELATION_VALUES} }}
  ?claim a race:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL {{ ?claim prov:wasDerivedFrom ?doc . OPTIONAL {{ ?doc dcterms:title ?title }} }}
  OPTIONAL {{ ?claim race:sentence ?sentence . OPTIONAL {{ ?sentence race:text ?text }} }}
}}
"""

_MENTIONS = _PREFIXES + """\
SELECT DISTINCT ?entity ?doc ?title ?text WHERE {
  ?sentence race:mentions ?entity .
  OPTIONAL { ?sentence race:text ?text }
  OPTIONAL { ?sentence dcterms:isPartOf ?doc . OPTIONAL { ?doc dcterms:title ?title } }
}
"""

_CO_MENTIONS = _PREFIXES + f"""\
SELECT DISTINCT ?a ?b ?doc ?title ?text WHERE {{
  VALUES ?classA {{ {_ORGANISATION_VALUES} }}
  VALUES ?classB {{ {_ORGANISATION_VALUES} }}
  ?sentence race:mentions ?a, ?b .
  FILTER(STR(?a) < STR(?b))
  ?a a ?classA .
  ?b a ?classB .
  OPTIONAL {{ ?sentence race:text ?text }}
  OPTIONAL {{ ?sentence dcterms:isPartOf ?doc . OPTIONAL {{ ?doc dcterms:title ?title }} }}
}}
"""

#: A one-document graph in the build's data model, for the examples in docstrings.
EXAMPLE = """\
@prefix race: <https://w3id.org/airace/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix doc: <https://w3id.org/airace/id/doc/> .
@prefix org: <https://w3id.org/airace/id/org/> .
@prefix country: <https://w3id.org/airace/id/country/> .
@prefix claim: <https://w3id.org/airace/id/claim/> .
@prefix sentence: <https://w3id.org/airace/id/doc/0000000000000001/sentence/> .
doc:0000000000000001 {
  doc:0000000000000001 a race:Document ; dcterms:title "DeepSeek's origins" .
  org:deepseek a race:Company ; rdfs:label "DeepSeek" ; race:country country:china .
  org:high-flyer a race:Company ; rdfs:label "High-Flyer" ; race:country country:china .
  country:china a race:Country ; rdfs:label "China" .
  org:deepseek race:foundedBy org:high-flyer .
  claim:1 a race:Claim ; rdf:subject org:deepseek ; rdf:predicate race:foundedBy ;
    rdf:object org:high-flyer ; race:sentence sentence:0-35 ; prov:wasDerivedFrom doc:0000000000000001 .
  sentence:0-35 a race:Sentence ; race:text "DeepSeek was founded by High-Flyer." ;
    dcterms:isPartOf doc:0000000000000001 ; race:mentions org:deepseek, org:high-flyer .
}
"""


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> local_name("https://w3id.org/airace/ontology#collaboratesWith")
    'collaboratesWith'
    """
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _source(doc, title, text) -> tuple[str, str, str]:
    """One piece of evidence as a sortable tuple (document title, document IRI, sentence)."""
    document_iri = str(doc) if doc is not None else ""
    return (str(title) if title is not None else document_iri, document_iri, str(text) if text is not None else "")


def _as_dicts(sources) -> list[dict[str, str]]:
    return [{"document": title, "document_iri": iri, "sentence": text} for title, iri, text in sorted(sources)]


def _entities(store) -> dict[str, dict[str, Any]]:
    """Entity IRI -> attributes (label, kind, country, country_iri, sources)."""
    classes: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, set[str]] = defaultdict(set)
    for entity, cls, label in store.select(_ENTITIES).rows:
        classes[str(entity)].add(local_name(str(cls)))
        if label is not None:
            labels[str(entity)].add(str(label))
    rank = {name: index for index, name in enumerate(ENTITY_CLASSES)}
    entities = {}
    for entity in sorted(classes):
        names = sorted(labels[entity])
        entities[entity] = {
            "label": names[0] if names else local_name(entity),
            "kind": min(classes[entity], key=rank.__getitem__),
            "country": None,
            "country_iri": None,
            "sources": [],
        }
    return entities


def _relations(store, entities) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(subject, relation, object) -> documents and sources, for triples between two entities."""
    relations: dict[tuple[str, str, str], dict[str, set]] = defaultdict(lambda: {"documents": set(), "sources": set()})
    for s, p, o, graph in store.select(_RELATION_TRIPLES).rows:
        key = (str(s), local_name(str(p)), str(o))
        if key[0] in entities and key[2] in entities:
            relations[key]["documents"].add(str(graph))
    for s, p, o, doc, title, text in store.select(_CLAIMS).rows:
        key = (str(s), local_name(str(p)), str(o))
        if key in relations:
            relations[key]["sources"].add(_source(doc, title, text))
            if doc is not None:
                relations[key]["documents"].add(str(doc))
    return relations


def knowledge_graph(store) -> nx.MultiDiGraph:
    """The entities and the relations between them, as a directed multigraph.

    Parameters
    ----------
    store
        A store from :func:`airace.graph.store.open_store`.

    Returns
    -------
    networkx.MultiDiGraph
        One node per entity, keyed by its IRI, with ``label`` (canonical name),
        ``kind`` (local name of its most specific class), ``country`` and
        ``country_iri`` (None when unknown) and ``sources`` (the sentences that
        mention it). One edge per relation triple between two entities, keyed by
        the relation's local name, with ``relation``, ``documents``, ``weight``
        (the number of documents, at least 1) and ``sources``.

    Raises
    ------
    airace.graph.store.StoreError
        When the store cannot be read.

    Examples
    --------
    >>> from airace.graph.store import open_store
    >>> store = open_store(None)
    >>> store.load(EXAMPLE.encode(), format="trig")
    >>> graph = knowledge_graph(store)
    >>> deepseek = "https://w3id.org/airace/id/org/deepseek"
    >>> graph.nodes[deepseek]["kind"], graph.nodes[deepseek]["country"]
    ('Company', 'China')
    >>> sorted(relation for _, _, relation in graph.out_edges(deepseek, data="relation"))
    ['country', 'foundedBy']
    >>> graph.edges[deepseek, "https://w3id.org/airace/id/org/high-flyer", "foundedBy"]["sources"]
    [{'document': "DeepSeek's origins", 'document_iri': 'https://w3id.org/airace/id/doc/0000000000000001', 'sentence': 'DeepSeek was founded by High-Flyer.'}]
    """
    entities = _entities(store)
    relations = _relations(store, entities)

    for (subject, relation, obj) in sorted(relations):
        if relation == "country" and entities[subject]["country_iri"] is None:
            entities[subject]["country_iri"] = obj
            entities[subject]["country"] = entities[obj]["label"]
    _inherit_countries(entities, relations)

    mentions: dict[str, set] = defaultdict(set)
    for entity, doc, title, text in store.select(_MENTIONS).rows:
        if str(entity) in entities:
            mentions[str(entity)].add(_source(doc, title, text))
    for entity, sources in mentions.items():
        entities[entity]["sources"] = _as_dicts(sources)

    graph = nx.MultiDiGraph()
    graph.add_nodes_from(entities.items())
    graph.add_edges_from(
        (
            subject,
            obj,
            relation,
            {
                "relation": relation,
                "documents": sorted(evidence["documents"]),
                "weight": max(1, len(evidence["documents"])),
                "sources": _as_dicts(evidence["sources"]),
            },
        )
        for (subject, relation, obj), evidence in sorted(relations.items())
    )
    return graph


def _inherit_countries(entities: dict[str, dict], relations) -> None:
    """An organisation the graph gives no country of its own takes the country of the one it
    belongs to (parentOrganisation, at any depth), as question 5 does: Microsoft Research Asia
    is Microsoft's, so its tie with Tsinghua University crosses the US-China line."""
    parents: dict[str, list[str]] = defaultdict(list)
    for subject, relation, obj in sorted(relations):
        if relation == "parentOrganisation":
            parents[subject].append(obj)
    for entity in sorted(entities):
        seen, todo = {entity}, list(parents.get(entity, []))
        while entities[entity]["country_iri"] is None and todo:
            parent = todo.pop(0)
            if parent in seen or parent not in entities:
                continue
            seen.add(parent)
            if entities[parent]["country_iri"] is not None:
                entities[entity]["country_iri"] = entities[parent]["country_iri"]
                entities[entity]["country"] = entities[parent]["country"]
            todo.extend(parents.get(parent, []))


def organisation_network(store, *, knowledge: nx.MultiDiGraph | None = None) -> nx.Graph:
    """The organisations, tied by stated relations and, more weakly, by co-mention.

    Two organisations are tied with ``kind="relation"`` when a document states
    ``collaboratesWith``, ``foundedBy`` or ``parentOrganisation`` between them,
    and with ``kind="co-mention"`` when only a sentence names both. Each edge
    records both counts of distinct documents, ``relation_weight`` and
    ``co_mention_weight`` (0 when absent); ``weight``, the one the analysis
    uses, is ``relation_weight`` for a relation tie and
    ``CO_MENTION_WEIGHT * co_mention_weight`` for a co-mention tie.
    ``relations`` lists the relations' local names, ``sources`` their evidence
    and ``co_mention_sources`` the sentences that name both.

    Parameters
    ----------
    store
        A store from :func:`airace.graph.store.open_store`.
    knowledge
        The store's :func:`knowledge_graph`, when the caller has it already.

    Returns
    -------
    networkx.Graph
        Undirected; nodes keyed by IRI with the attributes of :func:`knowledge_graph`.

    Raises
    ------
    airace.graph.store.StoreError
        When the store cannot be read.

    Examples
    --------
    >>> from airace.graph.store import open_store
    >>> store = open_store(None)
    >>> store.load(EXAMPLE.encode(), format="trig")
    >>> network = organisation_network(store)
    >>> sorted(network.nodes(data="label"))
    [('https://w3id.org/airace/id/org/deepseek', 'DeepSeek'), ('https://w3id.org/airace/id/org/high-flyer', 'High-Flyer')]
    >>> tie = network.edges["https://w3id.org/airace/id/org/deepseek", "https://w3id.org/airace/id/org/high-flyer"]
    >>> tie["kind"], tie["weight"], tie["relation_weight"], tie["co_mention_weight"]
    ('relation', 1, 1, 1)
    """
    knowledge = knowledge_graph(store) if knowledge is None else knowledge
    organisations = sorted(node for node, kind in knowledge.nodes(data="kind") if kind in ORGANISATION_CLASSES)

    ties: dict[tuple[str, str], dict[str, set]] = defaultdict(
        lambda: {"relations": set(), "documents": set(), "sources": set(), "co_documents": set(), "co_sources": set()}
    )
    for subject, obj, data in knowledge.edges(data=True):
        if data["relation"] not in ORGANISATION_RELATIONS or subject == obj:
            continue
        if knowledge.nodes[subject]["kind"] not in ORGANISATION_CLASSES:
            continue
        if knowledge.nodes[obj]["kind"] not in ORGANISATION_CLASSES:
            continue
        tie = ties[tuple(sorted((subject, obj)))]
        tie["relations"].add(data["relation"])
        tie["documents"].update(data["documents"])
        tie["sources"].update((s["document"], s["document_iri"], s["sentence"]) for s in data["sources"])

    for a, b, doc, title, text in store.select(_CO_MENTIONS).rows:
        tie = ties[(str(a), str(b))]
        if doc is not None:
            tie["co_documents"].add(str(doc))
        tie["co_sources"].add(_source(doc, title, text))

    network = nx.Graph()
    network.add_nodes_from((node, knowledge.nodes[node]) for node in organisations)
    for (a, b), tie in sorted(ties.items()):
        if a not in network or b not in network:
            continue
        relation_weight = max(1, len(tie["documents"])) if tie["relations"] else 0
        co_mention_weight = max(1, len(tie["co_documents"])) if tie["co_sources"] else 0
        is_relation = relation_weight > 0
        network.add_edge(
            a,
            b,
            kind="relation" if is_relation else "co-mention",
            weight=relation_weight if is_relation else CO_MENTION_WEIGHT * co_mention_weight,
            relation_weight=relation_weight,
            co_mention_weight=co_mention_weight,
            relations=sorted(tie["relations"]),
            documents=sorted(tie["documents"] | tie["co_documents"]),
            sources=_as_dicts(tie["sources"]),
            co_mention_sources=_as_dicts(tie["co_sources"]),
        )
    return network
