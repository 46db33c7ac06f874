"""From an :class:`~airace.extract.document.Extraction` to RDF triples for the document's graph.

Every IRI is derived from content (names, document hash, offsets), never from a
counter, so building the same article twice gives the same triples.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from airace.ontology import ID, RACE

from .document import Extraction, Fact, Sentence
from .entities import Mention
from .figure_metrics import metric_concept
from .figures import Figure
from .reference import slug

__all__ = ["document_iri", "triples", "period_literal", "decimal"]

Triple = tuple[URIRef, URIRef, object]


def document_iri(sha256: str) -> URIRef:
    """The IRI of a document: its content hash, so the same text is always the same document."""
    return ID[f"doc/{sha256[:16]}"]


def _hash(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).hexdigest()[:16]


def decimal(value: float) -> Literal:
    """An xsd:decimal in canonical form, with no binary noise.

    >>> str(decimal(8199999999.999999)), str(decimal(74.2))
    ('8200000000.0', '74.2')
    """
    number = Decimal(repr(value)).quantize(Decimal("0.0001")).normalize()
    text = format(number, "f")
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def period_literal(period: str) -> Literal:
    """'2024' → xsd:gYear, '2024-03' → xsd:gYearMonth, '2024-03-05' → xsd:date."""
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(period), XSD.date)
    return Literal(period, datatype=datatype)


def _sentence_iri(document: URIRef, sentence: Sentence) -> URIRef:
    return URIRef(f"{document}/sentence/{sentence.start}-{sentence.end}")


def _sentence(document: URIRef, sentence: Sentence) -> Iterator[Triple]:
    node = _sentence_iri(document, sentence)
    yield node, RDF.type, RACE.Sentence
    yield node, RACE.text, Literal(sentence.text)
    yield node, RACE.startChar, Literal(sentence.start, datatype=XSD.integer)
    yield node, RACE.endChar, Literal(sentence.end, datatype=XSD.integer)
    yield node, DCTERMS.isPartOf, document


def _entity(mention: Mention) -> Iterator[Triple]:
    node = URIRef(mention.iri)
    yield node, RDF.type, RACE[mention.kind]
    if mention.label:
        yield node, RDFS.label, Literal(mention.label)
        if mention.surface != mention.label:
            yield node, SKOS.altLabel, Literal(mention.surface)
    else:
        yield node, SKOS.altLabel, Literal(mention.surface)


def _object(fact: Fact):
    if isinstance(fact.object, Mention):
        return URIRef(fact.object.iri)
    if isinstance(fact.object, bool):
        return Literal(fact.object)
    if isinstance(fact.object, (int, float)):
        return decimal(fact.object)
    return period_literal(str(fact.object))


def _fact(document: URIRef, fact: Fact) -> Iterator[Triple]:
    subject, predicate, obj = URIRef(fact.subject.iri), RACE[fact.predicate], _object(fact)
    if subject == obj:
        return
    yield subject, predicate, obj
    claim = ID[f"claim/{_hash(document, subject, predicate, obj, fact.sentence.start, fact.rule)}"]
    yield claim, RDF.type, RACE.Claim
    yield claim, RDF.subject, subject
    yield claim, RDF.predicate, predicate
    yield claim, RDF.object, obj
    yield claim, RACE.sentence, _sentence_iri(document, fact.sentence)
    yield claim, RACE.rule, Literal(fact.rule)
    yield claim, PROV.wasDerivedFrom, document
    yield from _sentence(document, fact.sentence)
    for mention in (fact.subject, fact.object):
        if isinstance(mention, Mention):
            yield from _entity(mention)


def _figure(document: URIRef, figure: Figure, sentence: Sentence) -> Iterator[Triple]:
    subject = URIRef(figure.subject.iri)
    metric = ID[f"metric/{slug(figure.metric)}"]
    node = ID[f"measurement/{_hash(document, sentence.start, subject, figure.metric, figure.value, figure.unit, figure.period)}"]
    yield node, RDF.type, RACE.Measurement
    yield node, RACE.subject, subject
    yield node, RACE.metric, metric
    yield node, RACE.value, decimal(figure.value)
    yield node, RACE.unit, Literal(figure.unit)
    if figure.period:
        yield node, RACE.period, period_literal(figure.period)
    if figure.compared_with is not None:
        yield node, RACE.comparedWith, URIRef(figure.compared_with.iri)
        yield from _entity(figure.compared_with)
    if figure.model is not None:
        yield node, RACE.model, URIRef(figure.model.iri)
        yield from _entity(figure.model)
    yield node, RACE.quote, Literal(figure.quote)
    yield node, RACE.sentence, _sentence_iri(document, sentence)
    yield node, RACE.rule, Literal(figure.rule)
    yield node, PROV.wasDerivedFrom, document
    yield metric, RDF.type, RACE.Metric
    yield metric, RDF.type, SKOS.Concept
    yield metric, RDFS.label, Literal(figure.metric)
    # "share of global AI patents" is narrower than the concept another source words as "share of AI patents"
    concept = metric_concept(figure.metric, figure.unit)
    if slug(concept) != slug(figure.metric):
        broader = ID[f"metric/{slug(concept)}"]
        yield metric, SKOS.broader, broader
        yield broader, RDF.type, RACE.Metric
        yield broader, RDF.type, SKOS.Concept
        yield broader, RDFS.label, Literal(concept)
    yield from _entity(figure.subject)
    yield from _sentence(document, sentence)


def triples(extraction: Extraction) -> Iterator[Triple]:
    """Every triple of the document's named graph (duplicates possible; a set removes them)."""
    article = extraction.article
    document = document_iri(article.sha256)
    yield document, RDF.type, RACE.Document
    yield document, DCTERMS.title, Literal(article.title)
    yield document, DCTERMS.source, Literal(article.name)
    yield document, RACE.contentHash, Literal(article.sha256)
    yield document, DCTERMS.identifier, Literal(article.sha256[:16])
    for field in ("publisher", "date", "language"):
        value = article.metadata.get(field)
        if value:
            yield document, DCTERMS[field], Literal(value)
    for mention, sentence in extraction.mentions:
        yield from _entity(mention)
        yield from _sentence(document, sentence)
        yield _sentence_iri(document, sentence), RACE.mentions, URIRef(mention.iri)
    for fact in extraction.facts:
        yield from _fact(document, fact)
    for figure, sentence in extraction.figures:
        yield from _figure(document, figure, sentence)
