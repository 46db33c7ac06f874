"""Everything the graph says about one entity, sentence by sentence, with its sources.

``airace explain NAME`` is three steps, each a function a Python user can call:

1. fetch: :func:`find_entities` looks the name up (``queries/entity-names.rq``) and
   :func:`fetch_statements` reads every statement and mention (``queries/explain.rq``).
   The name reaches SPARQL only as a binding, never inside the query text.
2. group: :func:`group` turns those rows into one :class:`Explanation` per entity:
   its documents, their sentences in reading order, and the statements read from each.
3. render: :func:`render_text` for an analyst at a terminal, :func:`to_json` and
   :func:`render_json` for tools.

:func:`explain` does the first two and raises :class:`EntityNotFound`, with close
names, when no entity goes by the name.

>>> from airace.graph.store import open_store
>>> store = open_store(None)
>>> store.load(EXAMPLE.encode(), format="trig")
>>> print(render_text(explain(store, "deep seek")))
DeepSeek  (Company)  https://w3id.org/airace/id/org/deepseek
  also called: Deep Seek
  1 document: 1 statement, 0 measurements, 1 sentence that only mentions it
<BLANKLINE>
== One article
   one.md  https://w3id.org/airace/id/doc/0000000000000001
<BLANKLINE>
  [0-76] DeepSeek released DeepSeek-R1, which costs $0.55 per million input tokens.
    - DeepSeek-R1 —developedBy→ DeepSeek  [rule: model_released_by_org]
<BLANKLINE>
  [77-115] Deep Seek's founders value research.
    - (mention only)
>>> explain(store, "Deepsek")
Traceback (most recent call last):
...
airace.graph.explain.EntityNotFound: no entity is named 'Deepsek'; did you mean DeepSeek or DeepSeek-R1?
"""

from __future__ import annotations

import difflib
import json
import re
import textwrap
from dataclasses import dataclass, field
from typing import Any, Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from airace import queries
from airace.graph.network import RACE, local_name
from airace.graph.querying import shorten
from airace.graph.store import Table

__all__ = [
    "EXAMPLE",
    "KINDS",
    "EntityNotFound",
    "Entity",
    "Statement",
    "Sentence",
    "Document",
    "Explanation",
    "find_entities",
    "entities_of",
    "known_entities",
    "close_names",
    "fetch_statements",
    "group",
    "explain",
    "render_text",
    "to_json",
    "render_json",
]

#: The kinds of statement, in the order they are listed under a sentence.
KINDS = ("relation", "attribute", "measurement")

#: How wide :func:`render_text` wraps sentences and statements.
WIDTH = 100

#: A one-document graph in the shape ``airace build`` writes: a relation with its
#: claim, a measurement with its quote, and a sentence that only mentions DeepSeek.
EXAMPLE = """\
@prefix race: <https://w3id.org/airace/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix doc: <https://w3id.org/airace/id/doc/> .
@prefix org: <https://w3id.org/airace/id/org/> .
@prefix model: <https://w3id.org/airace/id/model/> .
@prefix metric: <https://w3id.org/airace/id/metric/> .
@prefix claim: <https://w3id.org/airace/id/claim/> .
@prefix m: <https://w3id.org/airace/id/measurement/> .
@prefix sentence: <https://w3id.org/airace/id/doc/0000000000000001/sentence/> .
doc:0000000000000001 {
  doc:0000000000000001 a race:Document ; dcterms:title "One article" ; dcterms:source "one.md" .
  org:deepseek a race:Company ; rdfs:label "DeepSeek" ; skos:altLabel "Deep Seek" .
  model:deepseek-r1 a race:AIModel ; rdfs:label "DeepSeek-R1" ; race:developedBy org:deepseek .
  metric:input-token-price a race:Metric ; rdfs:label "input token price" .
  sentence:0-76 a race:Sentence ; race:startChar 0 ; race:endChar 76 ;
    race:text "DeepSeek released DeepSeek-R1, which costs $0.55 per million input tokens." ;
    dcterms:isPartOf doc:0000000000000001 ; race:mentions org:deepseek, model:deepseek-r1 .
  sentence:77-115 a race:Sentence ; race:startChar 77 ; race:endChar 115 ;
    race:text "Deep Seek's founders value research." ;
    dcterms:isPartOf doc:0000000000000001 ; race:mentions org:deepseek .
  claim:1 a race:Claim ; rdf:subject model:deepseek-r1 ; rdf:predicate race:developedBy ;
    rdf:object org:deepseek ; race:sentence sentence:0-76 ; race:rule "model_released_by_org" .
  m:1 a race:Measurement ; race:subject model:deepseek-r1 ; race:metric metric:input-token-price ;
    race:value 0.55 ; race:unit "USD per million tokens" ; race:quote "$0.55 per million input tokens" ;
    race:sentence sentence:0-76 ; race:rule "price_per_million_tokens" .
}
"""


class EntityNotFound(KeyError):
    """No entity goes by the name; the message names it and suggests close names.

    A ``KeyError`` (a failed lookup), so the command line reports it as one line.
    ``name`` is the name looked up, ``suggestions`` the close canonical names.
    """

    def __init__(self, message: str, *, name: str = "", suggestions: Iterable[str] = ()):
        super().__init__(message)
        self.name = name
        self.suggestions = list(suggestions)

    def __str__(self) -> str:
        # KeyError's own str() would quote the message like a dictionary key.
        return str(self.args[0])


# --- the plain data an explanation is made of -----------------------------------------------


@dataclass(frozen=True)
class Entity:
    """An entity that goes by the name: its IRI, canonical label, classes and other names."""

    iri: str
    label: str
    classes: tuple[str, ...] = ()
    other_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Statement:
    """One statement read from a sentence: a relation, an attribute or a measurement.

    Terms are kept as rdflib terms (IRIs and typed literals) so that renderers can
    choose how to show them; names are the canonical labels, or the term when none.
    For a measurement, ``object`` is the subject it is compared with (if any).
    """

    kind: str
    iri: str
    subject: Identifier | None = None
    subject_name: str | None = None
    predicate: Identifier | None = None
    object: Identifier | None = None
    object_name: str | None = None
    metric_name: str | None = None
    value: Identifier | None = None
    unit: str | None = None
    period: Identifier | None = None
    model_name: str | None = None
    quote: str | None = None
    rule: str | None = None


@dataclass
class Sentence:
    """A sentence of a document, located by character offsets, with what was read from it."""

    start: int
    end: int
    text: str
    statements: list[Statement] = field(default_factory=list)

    @property
    def mention_only(self) -> bool:
        """True when the sentence names the entity but no statement about it was read from it."""
        return not self.statements


@dataclass
class Document:
    """A source document and the sentences of it that concern the entity, in reading order."""

    iri: str
    title: str | None
    source: str | None
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Explanation:
    """Everything the graph says about one entity, document by document."""

    entity: Entity
    documents: list[Document] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many documents, sentences, statements (relations and attributes),
        measurements and mention-only sentences the explanation holds."""
        sentences = [sentence for document in self.documents for sentence in document.sentences]
        statements = {s.iri: s.kind for sentence in sentences for s in sentence.statements}
        return {
            "documents": len(self.documents),
            "sentences": len(sentences),
            "statements": sum(kind != "measurement" for kind in statements.values()),
            "measurements": sum(kind == "measurement" for kind in statements.values()),
            "mentions": sum(sentence.mention_only for sentence in sentences),
        }


# --- 1. fetch: the two queries, the name always a binding -------------------------------------


def find_entities(store, name: str) -> list[Entity]:
    """The entities whose canonical name or any other surface form is ``name``, in any case.

    Sorted by label, then IRI. Empty when none goes by the name.
    """
    table = store.select(queries.read("entity-names"), bindings={"name": Literal(name)})
    return entities_of(table)


def entities_of(table: Table) -> list[Entity]:
    """Gather the rows of ``queries/entity-names.rq`` into one :class:`Entity` each, in row order."""
    gathered: dict[str, dict[str, Any]] = {}
    for row in table.dicts():
        entity = gathered.setdefault(
            str(row["entity"]), {"label": str(row["label"]), "classes": [], "other_names": []})
        if row["class"] is not None and str(row["class"]) not in entity["classes"]:
            entity["classes"].append(str(row["class"]))
        if row["altLabel"] is not None and str(row["altLabel"]) not in entity["other_names"]:
            entity["other_names"].append(str(row["altLabel"]))
    return [
        Entity(iri, entity["label"], tuple(entity["classes"]), tuple(entity["other_names"]))
        for iri, entity in gathered.items()
    ]


def known_entities(store) -> list[Entity]:
    """Every named entity in ``store`` (``queries/entity-names.rq`` with no name bound)."""
    return entities_of(store.select(queries.read("entity-names")))


def close_names(name: str, entities: list[Entity], *, limit: int = 5) -> list[str]:
    """Canonical names of the ``entities`` that go by a name close to ``name``: the
    suggestions when nothing goes by ``name`` itself.

    Close means similar by :func:`difflib.get_close_matches` (a typo: "Deepsek"), or
    containing ``name`` as a word ("R1" in "DeepSeek-R1"), which difflib scores too low.
    Both look at every surface form, and answer with the entity's canonical name.

    >>> close_names("r1", [Entity("https://w3id.org/airace/id/model/deepseek-r1", "DeepSeek-R1")])
    ['DeepSeek-R1']
    """
    labels_by_surface: dict[str, list[str]] = {}
    for entity in entities:
        for surface in (entity.label, *entity.other_names):
            labels = labels_by_surface.setdefault(surface.casefold(), [])
            if entity.label not in labels:
                labels.append(entity.label)
    wanted = name.casefold()
    similar = difflib.get_close_matches(wanted, list(labels_by_surface), n=limit, cutoff=0.6)
    as_word = re.compile(rf"(?<!\w){re.escape(wanted)}(?!\w)")
    containing = sorted(surface for surface in labels_by_surface if wanted and as_word.search(surface))
    suggestions: list[str] = []
    for surface in similar + containing:
        for label in labels_by_surface[surface]:
            if label not in suggestions:
                suggestions.append(label)
    return suggestions[:limit]


def fetch_statements(store, name: str) -> Table:
    """The rows of ``queries/explain.rq`` for ``name``: one per statement or mention."""
    return store.select(queries.read("explain"), bindings={"name": Literal(name)})


# --- 2. group: rows into entity -> document -> sentence -> statements ----------------------------


def group(entities: list[Entity], table: Table) -> list[Explanation]:
    """One :class:`Explanation` per entity of ``entities``, from the rows of ``explain.rq``.

    Documents keep the order of the rows (the query sorts them by title); sentences
    are sorted by position; under a sentence, relations come first, then attributes,
    then measurements, each kind in row order. An entity with no rows gets an
    explanation with no documents.
    """
    documents: dict[str, dict[str, Document]] = {entity.iri: {} for entity in entities}
    sentences: dict[tuple[str, str, int, int], Sentence] = {}
    for row in table.dicts():
        by_iri = documents.get(str(row["entity"]))
        if by_iri is None:  # an entity that is not being explained
            continue
        iri = str(row["document"])
        document = by_iri.get(iri)
        if document is None:
            document = by_iri[iri] = Document(iri, _text(row["title"]), _text(row["source"]))
        start, end = int(row["start"]), int(row["end"])
        key = (str(row["entity"]), iri, start, end)
        sentence = sentences.get(key)
        if sentence is None:
            sentence = sentences[key] = Sentence(start, end, str(row["text"]))
            document.sentences.append(sentence)
        if row["kind"] is not None and str(row["kind"]) in KINDS:
            sentence.statements.append(_statement(row))
    for by_iri in documents.values():
        for document in by_iri.values():
            document.sentences.sort(key=lambda sentence: (sentence.start, sentence.end))
            for sentence in document.sentences:
                sentence.statements.sort(key=lambda statement: KINDS.index(statement.kind))
    return [Explanation(entity, list(documents[entity.iri].values())) for entity in entities]


def _text(term: Identifier | None) -> str | None:
    return None if term is None else str(term)


def _statement(row: dict[str, Identifier | None]) -> Statement:
    return Statement(
        kind=str(row["kind"]),
        iri=str(row["statement"]),
        subject=row["subject"],
        subject_name=_text(row["subjectName"]),
        predicate=row["predicate"],
        object=row["object"],
        object_name=_text(row["objectName"]),
        metric_name=_text(row["metricName"]),
        value=row["value"],
        unit=_text(row["unit"]),
        period=row["period"],
        model_name=_text(row["modelName"]),
        quote=_text(row["quote"]),
        rule=_text(row["rule"]),
    )


def explain(store, name: str) -> list[Explanation]:
    """Everything the graph in ``store`` says about the entities that go by ``name``.

    ``name`` is a canonical name or any other surface form, in any case; leading
    and trailing spaces are ignored (they come from shell quoting, never from a name).

    Raises
    ------
    EntityNotFound
        When no entity goes by ``name``; the message suggests close names.
    StoreError
        When the store cannot be read.
    """
    name = name.strip()
    if not name:
        raise EntityNotFound("give the name of an entity, for example DeepSeek")
    entities = find_entities(store, name)
    if not entities:
        known = known_entities(store)
        suggestions = close_names(name, known)
        if suggestions:
            hint = f"did you mean {_or(suggestions)}?"
        elif not known:
            hint = "the store holds no entities yet (run `airace build` first)"
        else:
            hint = "no name is close either (`airace query entity-names` lists them all)"
        raise EntityNotFound(f"no entity is named {name!r}; {hint}", name=name, suggestions=suggestions)
    return group(entities, fetch_statements(store, name))


def _or(names: list[str]) -> str:
    """>>> _or(["a"]), _or(["a", "b", "c"])
    ('a', 'a, b or c')
    """
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


# --- 3. render: text for reading, JSON for tools -----------------------------------------------


def render_text(explanations: list[Explanation], *, width: int = WIDTH) -> str:
    """The explanations as text for reading, without a final newline.

    Each entity opens with its label, classes, IRI, other names and counts; then,
    for each document (title, source file, IRI), each sentence with its character
    offsets, followed by the statements read from it and the rule that read each.
    Runs of spaces in sentences are shown as one (the reader masks link syntax
    with spaces to keep offsets true); :func:`to_json` keeps the exact text.
    """
    blocks = []
    if len(explanations) > 1:
        # labels may coincide ("Ulanqab" for three data centres): the IRIs tell them apart
        blocks.append("\n".join([f"{len(explanations)} entities go by this name:"] + [
            f"  {_heading(explanation.entity)}" for explanation in explanations]))
    blocks += [_render_entity(explanation, width) for explanation in explanations]
    return f"\n\n{'-' * 40}\n\n".join(blocks)


def _render_entity(explanation: Explanation, width: int) -> str:
    entity = explanation.entity
    counts = explanation.counts()
    lines = [_heading(entity)]
    if entity.other_names:
        lines.append(_wrap(f"also called: {', '.join(entity.other_names)}", width, "  ", "    "))
    mentions = counts["mentions"]
    lines.append(
        f"  {_count(counts['documents'], 'document')}: {_count(counts['statements'], 'statement')}, "
        f"{_count(counts['measurements'], 'measurement')}, "
        f"{_count(mentions, 'sentence')} that only {'mentions' if mentions == 1 else 'mention'} it"
    )
    for document in explanation.documents:
        lines += ["", f"== {document.title or '(untitled)'}",
                  f"   {document.source + '  ' if document.source else ''}{document.iri}"]
        for sentence in document.sentences:
            where = f"[{sentence.start}-{sentence.end}] "
            lines += ["", _wrap(where + " ".join(sentence.text.split()), width, "  ", " " * (2 + len(where)))]
            if sentence.mention_only:
                lines.append("    - (mention only)")
            lines += [_wrap("- " + _statement_text(statement), width, "    ", "      ", tail=_rule(statement))
                      for statement in sentence.statements]
    return "\n".join(lines)


def _rule(statement: Statement) -> str:
    return f"[rule: {statement.rule}]" if statement.rule else ""


def _statement_text(statement: Statement) -> str:
    """A statement on one line, without its rule: a relation or attribute as
    ``subject —predicate→ object``, a measurement as ``subject · metric = value unit``
    with its period, comparison, model and quote when it has them."""
    if statement.kind != "measurement":
        predicate = local_name(str(statement.predicate))
        return f"{statement.subject_name} —{predicate}→ {_show(statement.object, statement.object_name)}"
    figure = f"{_show(statement.value)} {statement.unit}" if statement.unit else _show(statement.value)
    parts = [f"measurement: {statement.subject_name} · {statement.metric_name or 'figure'} = {figure}"]
    if statement.period is not None:
        parts.append(f"period {statement.period}")
    if statement.object_name is not None:
        parts.append(f"compared with {statement.object_name}")
    if statement.model_name is not None:
        parts.append(f"model {statement.model_name}")
    quote = f"  “{statement.quote}”" if statement.quote else ""
    return " · ".join(parts) + quote


def _show(term: Identifier | None, name: str | None = None) -> str:
    """A term for reading: its name if it has one, a decimal without a trailing ``.0``."""
    if term is None:
        return "?"
    if isinstance(term, Literal) and term.datatype in (XSD.decimal, XSD.double, XSD.float):
        text = str(term)
        # the store hands integral decimals back as "7.0"; "7" is what the article said
        return text.rstrip("0").rstrip(".") if "." in text and "e" not in text.lower() else text
    return name if name is not None else str(term)


def _heading(entity: Entity) -> str:
    return f"{entity.label}  ({_classes(entity)})  {entity.iri}"


def _classes(entity: Entity) -> str:
    """The classes by name, the project's own first (Metric before skos:Concept)."""
    ours = [local_name(iri) for iri in entity.classes if iri.startswith(RACE)]
    others = [shorten(iri) for iri in entity.classes if not iri.startswith(RACE)]
    return ", ".join(ours + others) or "no class"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _wrap(text: str, width: int, indent: str, hanging: str | None = None, *, tail: str = "") -> str:
    """``text`` filled to ``width``; ``tail`` (a rule tag) is kept whole, after two spaces
    on the last line when it fits there, else on a line of its own, so it stays greppable."""
    lines = textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=hanging or indent,
                          break_long_words=False, break_on_hyphens=False)
    if tail:
        if len(lines[-1]) + 2 + len(tail) <= width:
            lines[-1] += "  " + tail
        else:
            lines.append((hanging or indent) + tail)
    return "\n".join(lines)


def to_json(explanations: list[Explanation]) -> dict[str, Any]:
    """The explanations as plain JSON data: ``{"entities": [...]}``, each entity with its
    counts and documents, each document with its sentences (exact text and offsets),
    each sentence with its statements.

    IRIs are given in full; a value is a JSON number or boolean where its datatype
    says so, a string otherwise. Every statement of a kind has the same keys (null
    when the graph has no value), so tools can rely on them.
    """
    return {"entities": [_entity_json(explanation) for explanation in explanations]}


def render_json(explanations: list[Explanation]) -> str:
    """:func:`to_json` as one JSON document, keys sorted so the output is stable."""
    return json.dumps(to_json(explanations), ensure_ascii=False, indent=2, sort_keys=True)


def _entity_json(explanation: Explanation) -> dict[str, Any]:
    entity = explanation.entity
    return {
        "iri": entity.iri,
        "label": entity.label,
        "classes": list(entity.classes),
        "other_names": list(entity.other_names),
        "counts": explanation.counts(),
        "documents": [
            {
                "iri": document.iri,
                "title": document.title,
                "source": document.source,
                "sentences": [
                    {
                        "start": sentence.start,
                        "end": sentence.end,
                        "text": sentence.text,
                        "mention_only": sentence.mention_only,
                        "statements": [_statement_json(statement) for statement in sentence.statements],
                    }
                    for sentence in document.sentences
                ],
            }
            for document in explanation.documents
        ],
    }


def _statement_json(statement: Statement) -> dict[str, Any]:
    common = {"kind": statement.kind, "iri": statement.iri, "rule": statement.rule,
              "subject": _node_json(statement.subject, statement.subject_name)}
    if statement.kind != "measurement":
        return {**common, "predicate": str(statement.predicate),
                "object": _node_json(statement.object, statement.object_name)}
    return {
        **common,
        "metric": statement.metric_name,
        "value": _value_json(statement.value),
        "unit": statement.unit,
        "period": _text(statement.period),
        "compared_with": _node_json(statement.object, statement.object_name) if statement.object else None,
        "model": statement.model_name,
        "quote": statement.quote,
    }


def _node_json(term: Identifier | None, name: str | None) -> dict[str, Any] | None:
    """An entity as ``{"iri", "label"}``; a literal (an attribute's value) as ``{"value", "datatype"}``."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return {"iri": str(term), "label": name}
    datatype = term.datatype if isinstance(term, Literal) else None
    return {"value": _value_json(term), "datatype": str(datatype or XSD.string)}


def _value_json(term: Identifier | None) -> Any:
    """A literal as the JSON value its datatype calls for.

    >>> _value_json(Literal("true", datatype=XSD.boolean)), _value_json(Literal("74.2", datatype=XSD.decimal))
    (True, 74.2)
    >>> _value_json(Literal("2024", datatype=XSD.gYear))
    '2024'
    """
    if not isinstance(term, Literal):
        return None if term is None else str(term)
    if term.datatype == XSD.boolean:
        return str(term).strip().lower() in ("true", "1")
    if term.datatype in (XSD.integer, XSD.int, XSD.long, XSD.nonNegativeInteger):
        return int(str(term))
    if term.datatype in (XSD.decimal, XSD.double, XSD.float):
        number = float(str(term))
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    return str(term)
