"""From an :class:`~airace.extract.document.Extraction` to RDF triples for the document's graph.

Every IRI is derived from content (names, document hash, offsets), never from a
counter, so building the same article twice gives the same triples.
"""

from __future__ import annotations

import hashlib
import math
from decimal import Decimal
from functools import lru_cache
from typing import Iterator

from airace.ontology import ID, RACE
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .document import Extraction, Fact, Sentence
from .figure_metrics import metric_concept
from .figures import Figure
from .mentions import Mention
from .reference import slug

__all__ = ["document_iri", "triples", "period_literal", "decimal"]

Triple = tuple[URIRef, URIRef, object]

# rdflib checks and builds a defined namespace's term anew on each access; each term is looked up once here.
_TYPE, _SUBJECT, _PREDICATE, _OBJECT = RDF.type, RDF.subject, RDF.predicate, RDF.object
_LABEL, _ALT_LABEL, _CONCEPT, _BROADER = RDFS.label, SKOS.altLabel, SKOS.Concept, SKOS.broader
_DERIVED_FROM, _PART_OF = PROV.wasDerivedFrom, DCTERMS.isPartOf
_INTEGER, _DECIMAL, _YEAR, _YEAR_MONTH, _DATE = XSD.integer, XSD.decimal, XSD.gYear, XSD.gYearMonth, XSD.date


@lru_cache(maxsize=None)
def _race(name: str) -> URIRef:
    """A term of the ontology (its classes and properties are few)."""
    return RACE[name]


def document_iri(sha256: str) -> URIRef:
    """The IRI of a document: its content hash, so the same text is always the same document."""
    return ID[f"doc/{sha256[:16]}"]


def _hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).hexdigest()[:16]


def decimal(value: float) -> Literal:
    """An xsd:decimal in canonical form, with no binary noise.

    >>> str(decimal(8199999999.999999)), str(decimal(74.2)), str(decimal(1e30))
    ('8200000000.0', '74.2', '1000000000000000000000000000000.0')
    """
    number = Decimal(repr(value))
    # Quantizing a number of 24 digits or more before the point would need more digits than the
    # context's 28 (and raise); a float that large has no binary noise at the fourth decimal anyway.
    if number.adjusted() < 24:
        number = number.quantize(Decimal("0.0001"))
    text = format(number.normalize(), "f")
    return Literal(text if "." in text else text + ".0", datatype=_DECIMAL)


def period_literal(period: str) -> Literal:
    """'2024' → xsd:gYear, '2024-03' → xsd:gYearMonth, '2024-03-05' → xsd:date."""
    datatype = {4: _YEAR, 7: _YEAR_MONTH}.get(len(period), _DATE)
    return Literal(period, datatype=datatype)


def _sentence_iri(document: URIRef, sentence: Sentence) -> URIRef:
    return URIRef(f"{document}/sentence/{sentence.start}-{sentence.end}")


def _sentence(document: URIRef, sentence: Sentence) -> Iterator[Triple]:
    node = _sentence_iri(document, sentence)
    yield node, _TYPE, _race("Sentence")
    yield node, _race("text"), Literal(sentence.text)
    yield node, _race("startChar"), Literal(sentence.start, datatype=_INTEGER)
    yield node, _race("endChar"), Literal(sentence.end, datatype=_INTEGER)
    yield node, _PART_OF, document


def _entity(mention: Mention) -> Iterator[Triple]:
    node = URIRef(mention.iri)
    yield node, _TYPE, _race(mention.kind)
    if mention.label:
        yield node, _LABEL, Literal(mention.label)
        if mention.surface != mention.label:
            yield node, _ALT_LABEL, Literal(mention.surface)
    else:
        yield node, _ALT_LABEL, Literal(mention.surface)


def _metric(label: str, unit: str) -> tuple[URIRef, tuple[Triple, ...]]:
    """A figure's metric and what is said of it: its label, and the broader concept it measures."""
    metric = ID[f"metric/{slug(label)}"]
    said = [(metric, _TYPE, _race("Metric")), (metric, _TYPE, _CONCEPT), (metric, _LABEL, Literal(label))]
    # "share of global AI patents" is narrower than the concept another source words as "share of AI patents"
    concept = metric_concept(label, unit)
    if slug(concept) != slug(label):
        broader = ID[f"metric/{slug(concept)}"]
        said += [(metric, _BROADER, broader), (broader, _TYPE, _race("Metric")), (broader, _TYPE, _CONCEPT),
                 (broader, _LABEL, Literal(concept))]
    return metric, tuple(said)


class _Said:
    """What one document's graph says of its sentences, entities and metrics, each worked out once:
    every mention, fact and figure states again the sentence and the entities it cites."""

    def __init__(self, document: URIRef):
        self.document = document
        self._sentences: dict[Sentence, tuple[Triple, ...]] = {}
        self._entities: dict[tuple, tuple[Triple, ...]] = {}
        self._metrics: dict[tuple[str, str], tuple[URIRef, tuple[Triple, ...]]] = {}
        self._nodes: dict[str, URIRef] = {}

    def node(self, iri: str) -> URIRef:
        if iri not in self._nodes:
            self._nodes[iri] = URIRef(iri)
        return self._nodes[iri]

    def sentence(self, sentence: Sentence) -> tuple[Triple, ...]:
        if sentence not in self._sentences:
            self._sentences[sentence] = tuple(_sentence(self.document, sentence))
        return self._sentences[sentence]

    def sentence_iri(self, sentence: Sentence) -> URIRef:
        return self.sentence(sentence)[0][0]  # the subject of what is said of it

    def entity(self, mention: Mention) -> tuple[Triple, ...]:
        named = (mention.iri, mention.kind, mention.label, mention.surface)  # what is said of it; not where
        if named not in self._entities:
            self._entities[named] = tuple(_entity(mention))
        return self._entities[named]

    def metric(self, label: str, unit: str) -> tuple[URIRef, tuple[Triple, ...]]:
        if (label, unit) not in self._metrics:
            self._metrics[label, unit] = _metric(label, unit)
        return self._metrics[label, unit]


def _object(said: _Said, fact: Fact):
    if isinstance(fact.object, Mention):
        return said.node(fact.object.iri)
    if isinstance(fact.object, bool):
        return Literal(fact.object)
    if isinstance(fact.object, (int, float)):
        return decimal(fact.object)
    return period_literal(str(fact.object))


def _fact(said: _Said, fact: Fact) -> Iterator[Triple]:
    document = said.document
    subject, predicate, obj = said.node(fact.subject.iri), _race(fact.predicate), _object(said, fact)
    if subject == obj:
        return
    yield subject, predicate, obj
    claim = ID[f"claim/{_hash(document, subject, predicate, obj, fact.sentence.start, fact.rule)}"]
    yield claim, _TYPE, _race("Claim")
    yield claim, _SUBJECT, subject
    yield claim, _PREDICATE, predicate
    yield claim, _OBJECT, obj
    yield claim, _race("sentence"), said.sentence_iri(fact.sentence)
    yield claim, _race("rule"), Literal(fact.rule)
    yield claim, _DERIVED_FROM, document
    yield from said.sentence(fact.sentence)
    for mention in (fact.subject, fact.object):
        if isinstance(mention, Mention):
            yield from said.entity(mention)


def _figure(said: _Said, figure: Figure, sentence: Sentence) -> Iterator[Triple]:
    if not math.isfinite(figure.value):
        return  # a run of digits past a float's range read as infinity: no measurement
    document = said.document
    subject = said.node(figure.subject.iri)
    metric, metric_said = said.metric(figure.metric, figure.unit)
    node = ID[f"measurement/{_hash(document, sentence.start, subject, figure.metric, figure.value, figure.unit, figure.period)}"]
    yield node, _TYPE, _race("Measurement")
    yield node, _race("subject"), subject
    yield node, _race("metric"), metric
    yield node, _race("value"), decimal(figure.value)
    yield node, _race("unit"), Literal(figure.unit)
    if figure.period:
        yield node, _race("period"), period_literal(figure.period)
    if figure.compared_with is not None:
        yield node, _race("comparedWith"), said.node(figure.compared_with.iri)
        yield from said.entity(figure.compared_with)
    if figure.model is not None:
        yield node, _race("model"), said.node(figure.model.iri)
        yield from said.entity(figure.model)
    yield node, _race("quote"), Literal(figure.quote)
    yield node, _race("sentence"), said.sentence_iri(sentence)
    yield node, _race("rule"), Literal(figure.rule)
    yield node, _DERIVED_FROM, document
    yield from metric_said
    yield from said.entity(figure.subject)
    yield from said.sentence(sentence)


def triples(extraction: Extraction) -> Iterator[Triple]:
    """Every triple of the document's named graph (duplicates possible; a set removes them)."""
    article = extraction.article
    document = document_iri(article.sha256)
    yield document, _TYPE, _race("Document")
    yield document, DCTERMS.title, Literal(article.title)
    yield document, DCTERMS.source, Literal(article.name)
    yield document, _race("contentHash"), Literal(article.sha256)
    yield document, DCTERMS.identifier, Literal(article.sha256[:16])
    for field in ("publisher", "date", "language"):
        value = article.metadata.get(field)
        if value:
            yield document, DCTERMS[field], Literal(value)
    said = _Said(document)
    for mention, sentence in extraction.mentions:
        yield from said.entity(mention)
        yield from said.sentence(sentence)
        yield said.sentence_iri(sentence), _race("mentions"), said.node(mention.iri)
    for fact in extraction.facts:
        yield from _fact(said, fact)
    for figure, sentence in extraction.figures:
        yield from _figure(said, figure, sentence)
