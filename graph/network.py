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

import gc
from collections import defaultdict
from contextlib import contextmanager
from typing import Any

import networkx as nx
from rdflib import URIRef

from airace import queries

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
    "collection_paused",
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

# Each document repeats the entities it names (type, label, country), and a query of the union
# of the document graphs sees every copy, so joining two such patterns in one query multiplies
# the rows by the documents on each side: on 10,000 organisations named in 20 documents each,
# the one query of types and labels took 40 s and the co-mention join had not ended after 15
# minutes. So each query (queries/internal/) reads one property, DISTINCT where documents
# repeat it, and Python joins the answers.
_TYPES = queries.internal("entity-types")
_LABELS = queries.internal("entity-labels")
_COUNTRIES = queries.internal("entity-countries")
_RELATION_TRIPLES = queries.internal("relation-triples")
_CLAIMS = queries.internal("relation-claims")
_DERIVED_FROM = queries.internal("claim-documents")
_CLAIM_SENTENCES = queries.internal("claim-sentences")
_MENTIONED = queries.internal("sentence-mentions")
_SENTENCE_TEXTS = queries.internal("sentence-texts")
_SENTENCE_DOCUMENTS = queries.internal("sentence-documents")
_TITLES = queries.internal("document-titles")


def _race(names) -> list[URIRef]:
    """The IRIs of the ontology's terms with these local names, sorted: what a query binds."""
    return [URIRef(RACE + name) for name in sorted(names)]


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
    if len(sources) == 1:
        ((title, iri, text),) = sources
        return [{"document": title, "document_iri": iri, "sentence": text}]
    return [{"document": title, "document_iri": iri, "sentence": text} for title, iri, text in sorted(sources)]


@contextmanager
def collection_paused():
    """Pause Python's cyclic garbage collector for the block, and restore it after.

    Reading a big network makes millions of small containers and no reference cycles;
    each burst of them set the collector walking everything alive again, and that took
    longer than the reading itself (15 s against 6 s for 100,000 ties). What the block
    leaves behind is collected as usual once the collector runs again.

    >>> with collection_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rows(store, query: str, bindings=None) -> list[tuple[str | None, ...]]:
    """The rows of a SELECT query as strings (None when unbound).

    >>> from airace.graph.store import open_store
    >>> store = open_store(None)
    >>> store.load(EXAMPLE.encode(), format="trig")
    >>> sorted(_rows(store, _LABELS))[0]
    ('https://w3id.org/airace/id/country/china', 'China')
    """
    return list(store.strings(query, bindings=bindings))


def _grouped(store, query: str, keys=None, *, bindings=None) -> dict[str, set[str]]:
    """The answer of a query of two always-bound variables as first -> set of seconds,
    keeping only the firsts in ``keys`` when given.

    >>> from airace.graph.store import open_store
    >>> store = open_store(None)
    >>> store.load(EXAMPLE.encode(), format="trig")
    >>> mentioned = _grouped(store, _MENTIONED)
    >>> [(local_name(sentence), sorted(map(local_name, names))) for sentence, names in mentioned.items()]
    [('0-35', ['deepseek', 'high-flyer'])]
    """
    grouped: dict[str, set[str]] = defaultdict(set)
    for first, second in store.strings(query, bindings=bindings):
        if keys is None or first in keys:
            grouped[first].add(second)
    return grouped


def _entities(store) -> dict[str, dict[str, Any]]:
    """Entity IRI -> attributes (label, kind, country, country_iri, sources)."""
    classes = _grouped(store, _TYPES, bindings={"class": _race(ENTITY_CLASSES)})
    labels = _grouped(store, _LABELS, classes)
    rank = {name: index for index, name in enumerate(ENTITY_CLASSES)}
    entities = {}
    for entity in sorted(classes):
        names = sorted(labels.get(entity, ()))
        entities[entity] = {
            "label": names[0] if names else local_name(entity),
            "kind": min((local_name(cls) for cls in classes[entity]), key=rank.__getitem__),
            "country": None,
            "country_iri": None,
            "sources": [],
        }
    return entities


def _options(values, key) -> set | tuple:
    """The values of ``key``, or (None,) when it has none: what an OPTIONAL binds."""
    return values.get(key) or (None,)


def _relations(store, entities, texts, titles, relations=RELATIONS) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(subject, relation, object) -> documents and sources, for triples of ``relations`` between two entities.

    A claim's sources are one for each (document, title) and text it has, as nested
    OPTIONALs would give them; ``texts`` and ``titles`` are those of :func:`_texts_and_titles`.
    """
    found: dict[tuple[str, str, str], dict[str, set]] = defaultdict(lambda: {"documents": set(), "sources": set()})
    for s, p, o, graph in _rows(store, _RELATION_TRIPLES, {"p": _race(relations)}):
        if s in entities and o in entities:
            found[(s, local_name(p), o)]["documents"].add(graph)
    claims: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for claim, s, p, o in _rows(store, _CLAIMS, {"p": _race(relations)}):
        key = (s, local_name(p), o)
        if key in found:
            claims[claim].append(key)
    derived = _grouped(store, _DERIVED_FROM, claims)
    sentences = _grouped(store, _CLAIM_SENTENCES, claims)
    for claim, keys in claims.items():
        claim_texts = {text for sentence in sentences.get(claim, ()) for text in _options(texts, sentence)} or {None}
        sources = {_source(doc, title, text)
                   for doc in _options(derived, claim) for title in _options(titles, doc) for text in claim_texts}
        documents = derived.get(claim, ())
        for key in set(keys):
            found[key]["sources"].update(sources)
            found[key]["documents"].update(documents)
    return found


def _assign_countries(entities: dict[str, dict], pairs) -> None:
    """Give each entity the first country (in IRI order) of its ``(entity, country)`` pairs."""
    for subject, country in sorted(pairs):
        if entities[subject]["country_iri"] is None:
            entities[subject]["country_iri"] = country
            entities[subject]["country"] = entities[country]["label"]


def _texts_and_titles(store) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Sentence -> its texts, and document -> its titles."""
    return _grouped(store, _SENTENCE_TEXTS), _grouped(store, _TITLES)


def _sentences(store, texts, titles) -> tuple[dict[str, set[str]], dict[str, tuple[frozenset[str], frozenset]]]:
    """Who each sentence mentions, and its evidence: the documents it is part of, and its
    sources, one for each text, document and document title it has (the rows that a query
    with an OPTIONAL for each would give)."""
    mentioned = _grouped(store, _MENTIONED)
    documents = _grouped(store, _SENTENCE_DOCUMENTS, mentioned)
    nothing: frozenset[str] = frozenset()
    evidence = {}
    for sentence in mentioned:
        parts = documents.get(sentence, nothing)
        sentence_texts = texts.get(sentence, ())
        if len(parts) == 1 and len(sentence_texts) == 1:
            # The usual sentence, one text in one titled document: no products to take.
            (doc,), (text,) = parts, sentence_texts
            doc_titles = titles.get(doc, ())
            if len(doc_titles) == 1:
                (title,) = doc_titles
                evidence[sentence] = (parts, frozenset(((title, doc, text),)))
                continue
        sources = frozenset(
            _source(doc, title, text)
            for text in sentence_texts or (None,)
            for doc in parts or (None,)
            for title in _options(titles, doc)
        )
        evidence[sentence] = (parts, sources)
    return mentioned, evidence


def _attach_sources(entities: dict[str, dict], mentioned, evidence) -> None:
    """Set ``sources`` of each of ``entities`` to the evidence of the sentences that mention it."""
    sources: dict[str, set] = defaultdict(set)
    for sentence, names in mentioned.items():
        for entity in names:
            if entity in entities:
                sources[entity].update(evidence[sentence][1])
    for entity, found in sources.items():
        entities[entity]["sources"] = _as_dicts(found)


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
    with collection_paused():
        return _knowledge_graph(store)


def _knowledge_graph(store) -> nx.MultiDiGraph:
    entities = _entities(store)
    texts, titles = _texts_and_titles(store)
    relations = _relations(store, entities, texts, titles)

    _assign_countries(entities, ((subject, obj) for subject, relation, obj in relations if relation == "country"))
    _inherit_countries(entities, relations)
    _attach_sources(entities, *_sentences(store, texts, titles))

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


def organisation_network(store, *, knowledge: nx.MultiDiGraph | None = None, mentions: bool = True) -> nx.Graph:
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
    mentions
        False leaves each organisation's ``sources`` (the sentences that mention it)
        empty, unless ``knowledge`` gives them: the analysis never reads them, and on
        10,000 organisations gathering them takes a tenth of its time.

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
    >>> [len(sources) for _, sources in network.nodes(data="sources")]
    [1, 1]
    >>> [len(sources) for _, sources in organisation_network(store, mentions=False).nodes(data="sources")]
    [0, 0]
    """
    with collection_paused():
        return _organisation_network(store, knowledge, mentions)


def _organisation_network(store, knowledge: nx.MultiDiGraph | None, mentions: bool) -> nx.Graph:
    if knowledge is None:
        # The organisations' attributes as knowledge_graph gives them, without reading the
        # relations and mentions of every other entity.
        entities = _entities(store)
        texts, titles = _texts_and_titles(store)
        relations = _relations(store, entities, texts, titles, ORGANISATION_RELATIONS)
        countries = _grouped(store, _COUNTRIES, entities)
        _assign_countries(entities, ((s, o) for s, found in countries.items() for o in found if o in entities))
        _inherit_countries(entities, relations)
        mentioned, evidence = _sentences(store, texts, titles)
        organisations = sorted(node for node, data in entities.items() if data["kind"] in ORGANISATION_CLASSES)
        attributes = {node: entities[node] for node in organisations}
        if mentions:
            _attach_sources(attributes, mentioned, evidence)
        statements = [(subject, obj, relation, found["documents"], found["sources"])
                      for (subject, relation, obj), found in relations.items()]
    else:
        mentioned, evidence = _sentences(store, *_texts_and_titles(store))
        organisations = sorted(node for node, kind in knowledge.nodes(data="kind") if kind in ORGANISATION_CLASSES)
        attributes = {node: knowledge.nodes[node] for node in organisations}
        statements = [(subject, obj, data["relation"], data["documents"],
                       [(s["document"], s["document_iri"], s["sentence"]) for s in data["sources"]])
                      for subject, obj, data in knowledge.edges(data=True)]

    stated: dict[tuple[str, str], tuple[set, set, set]] = {}
    for subject, obj, relation, documents, sources in statements:
        if relation not in ORGANISATION_RELATIONS or subject == obj:
            continue
        if subject not in attributes or obj not in attributes:
            continue
        pair = (subject, obj) if subject < obj else (obj, subject)
        if pair not in stated:
            stated[pair] = (set(), set(), set())
        relations, tie_documents, tie_sources = stated[pair]
        relations.add(relation)
        tie_documents.update(documents)
        tie_sources.update(sources)

    co_mentioned: dict[tuple[str, str], list[str]] = defaultdict(list)
    for sentence, names in mentioned.items():
        if len(names) == 2:  # the usual co-mention, taken without sorting a list
            a, b = names
            if a in attributes and b in attributes:
                co_mentioned[(a, b) if a < b else (b, a)].append(sentence)
            continue
        named = sorted(name for name in names if name in attributes)
        for first, a in enumerate(named):
            for b in named[first + 1:]:
                co_mentioned[(a, b)].append(sentence)

    nothing = (frozenset(), frozenset(), frozenset())
    edges = []
    for pair in sorted(stated.keys() | co_mentioned.keys()):
        relations, documents, sources = stated.get(pair, nothing)
        sentences = co_mentioned.get(pair, ())
        if len(sentences) == 1:
            co_documents, co_sources = evidence[sentences[0]]
        else:
            co_documents = set().union(*(evidence[sentence][0] for sentence in sentences))
            co_sources = set().union(*(evidence[sentence][1] for sentence in sentences))
        relation_weight = max(1, len(documents)) if relations else 0
        co_mention_weight = max(1, len(co_documents)) if co_sources else 0
        is_relation = relation_weight > 0
        edges.append((*pair, {
            "kind": "relation" if is_relation else "co-mention",
            "weight": relation_weight if is_relation else CO_MENTION_WEIGHT * co_mention_weight,
            "relation_weight": relation_weight,
            "co_mention_weight": co_mention_weight,
            "relations": sorted(relations) if relations else [],
            "documents": sorted(documents | co_documents) if documents else sorted(co_documents),
            "sources": _as_dicts(sources) if sources else [],
            "co_mention_sources": _as_dicts(co_sources),
        }))

    network = nx.Graph()
    network.add_nodes_from((node, attributes[node]) for node in organisations)
    network.add_edges_from(edges)
    return network
