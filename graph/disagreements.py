"""Where sources disagree about the same figure (competency question 4), quantity by quantity.

``airace disagreements`` is three steps, each a function a Python user can call:

1. fetch: :func:`fetch_pairs` runs ``queries/figure-disagreements.rq``: one row per pair
   of measurements from two documents that give different values for one quantity. The
   query's header says when two figures measure the same quantity (same subject, same
   metric or broader concept, same kind of unit, same period) and when they differ
   (beyond rounding, and not merely a bound the other meets).
2. group: :func:`group` joins the pairs that share a measurement into one
   :class:`Cluster` per quantity, so that three sources giving three values are one
   cluster of three figures rather than three pairs; clusters are sorted by spread
   (largest value over smallest), widest first.
3. render: :func:`render_text` for an analyst at a terminal, :func:`to_json` and
   :func:`render_json` for tools.

:func:`disagreements` does the first two; a subject's name reaches SPARQL only as a
binding, never inside the query text.

>>> from airace.graph.store import open_store
>>> store = open_store(None)
>>> store.load(EXAMPLE.encode(), format="trig")
>>> print(render_text(disagreements(store)))
1 quantity on which sources disagree (widest spread first)
<BLANKLINE>
China · share of AI patents · 2024
  2 sources: 70% to 74.2% (×1.06)
<BLANKLINE>
    74.2%  2024  “74.2%”  as “share of global AI patents”
           One article  (one.md)
           [0-55] In 2024, China accounted for 74.2% of global AI patents.
<BLANKLINE>
      70%  —     “about 70%”
           Another article  (another.md)
           [10-60] China accounted for about 70% of AI patents filed last year.
>>> disagreements(store, subject="Chna")
Traceback (most recent call last):
...
airace.graph.explain.EntityNotFound: no entity is named 'Chna'; did you mean China?
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import Literal
from rdflib.term import Identifier

from airace import queries
from airace.graph.explain import EntityNotFound, close_names, find_entities, known_entities
from airace.graph.store import Table

__all__ = [
    "EXAMPLE",
    "Source",
    "Figure",
    "Cluster",
    "fetch_pairs",
    "group",
    "disagreements",
    "format_value",
    "render_text",
    "to_json",
    "render_json",
]

#: How wide :func:`render_text` wraps sentences.
WIDTH = 100

#: Two documents in the shape ``airace build`` writes, giving China's share of AI patents
#: in two wordings: 74.2% for 2024, and "about 70%" with no year.
EXAMPLE = """\
@prefix race: <https://w3id.org/airace/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix doc: <https://w3id.org/airace/id/doc/> .
@prefix country: <https://w3id.org/airace/id/country/> .
@prefix metric: <https://w3id.org/airace/id/metric/> .
@prefix m: <https://w3id.org/airace/id/measurement/> .
doc:0000000000000001 {
  doc:0000000000000001 a race:Document ; dcterms:title "One article" ; dcterms:source "one.md" .
  country:china a race:Country ; rdfs:label "China" .
  metric:share-of-global-ai-patents a race:Metric ; rdfs:label "share of global AI patents" ;
    skos:broader metric:share-of-ai-patents .
  metric:share-of-ai-patents a race:Metric ; rdfs:label "share of AI patents" .
  <https://w3id.org/airace/id/doc/0000000000000001/sentence/0-55> race:startChar 0 ; race:endChar 55 ;
    race:text "In 2024, China accounted for 74.2% of global AI patents." .
  m:1 a race:Measurement ; race:subject country:china ; race:metric metric:share-of-global-ai-patents ;
    race:value 74.2 ; race:unit "percent" ; race:period "2024"^^xsd:gYear ; race:quote "74.2%" ;
    race:sentence <https://w3id.org/airace/id/doc/0000000000000001/sentence/0-55> ;
    prov:wasDerivedFrom doc:0000000000000001 .
}
doc:0000000000000002 {
  doc:0000000000000002 a race:Document ; dcterms:title "Another article" ; dcterms:source "another.md" .
  country:china a race:Country ; rdfs:label "China" .
  metric:share-of-ai-patents a race:Metric ; rdfs:label "share of AI patents" .
  <https://w3id.org/airace/id/doc/0000000000000002/sentence/10-60> race:startChar 10 ; race:endChar 60 ;
    race:text "China accounted for about 70% of AI patents filed last year." .
  m:2 a race:Measurement ; race:subject country:china ; race:metric metric:share-of-ai-patents ;
    race:value 70.0 ; race:unit "percent" ; race:quote "about 70%" ;
    race:sentence <https://w3id.org/airace/id/doc/0000000000000002/sentence/10-60> ;
    prov:wasDerivedFrom doc:0000000000000002 .
}
"""


# --- the plain data a disagreement is made of -------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A document a figure was read from: its IRI, title and source file."""

    iri: str
    title: str | None = None
    file: str | None = None


@dataclass(frozen=True)
class Figure:
    """One measurement in a disagreement: what one source says, and where it says it.

    ``value`` is exact (a :class:`~decimal.Decimal`); ``metric`` is the metric as that
    source worded it; ``start``/``end`` are the sentence's character offsets into the
    document's text.
    """

    measurement: str
    value: Decimal
    unit: str
    period: str | None
    metric: str | None
    quote: str | None
    source: Source
    start: int | None = None
    end: int | None = None
    sentence: str | None = None


@dataclass
class Cluster:
    """The figures that sources give for one quantity and that do not all agree.

    ``metric`` is the concept they measure (the broader one when sources word it
    differently); ``pairs`` are the pairs of measurement IRIs that disagree (two
    figures of one cluster may agree: "70%" and "69.7%" are both set against "74.2%").
    """

    subject: str
    subject_name: str
    compared_with: str | None
    concept: str
    metric: str
    figures: list[Figure] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)

    @property
    def low(self) -> Decimal:
        """The smallest value."""
        return min(figure.value for figure in self.figures)

    @property
    def high(self) -> Decimal:
        """The largest value."""
        return max(figure.value for figure in self.figures)

    @property
    def spread(self) -> float | None:
        """The largest value over the smallest; None when the smallest is not above zero."""
        return float(self.high / self.low) if self.low > 0 else None

    @property
    def periods(self) -> list[str]:
        """The periods the figures give, sorted; figures without one add nothing."""
        return sorted({figure.period for figure in self.figures if figure.period})

    @property
    def sources(self) -> list[Source]:
        """The documents the figures come from, in the order of the figures."""
        return list(dict.fromkeys(figure.source for figure in self.figures))


# --- 1. fetch ---------------------------------------------------------------------------------


def fetch_pairs(store, *, subject: str | None = None, years_apart: int | None = None) -> Table:
    """The rows of ``queries/figure-disagreements.rq``: one per pair of disagreeing measurements.

    ``subject`` (any name of the subject, any case) and ``years_apart`` (how many years
    apart two sources' years may be; the query's default is 1) become bindings.

    Raises
    ------
    StoreError
        When the store cannot be read.
    """
    bindings: dict[str, Identifier] = {}
    if subject is not None:
        bindings["name"] = Literal(subject)
    if years_apart is not None:
        bindings["yearsApart"] = Literal(str(years_apart))
    return store.select(queries.read("figure-disagreements"), bindings=bindings or None)


# --- 2. group ---------------------------------------------------------------------------------


def group(table: Table) -> list[Cluster]:
    """Join the pairs of ``table`` that share a measurement into clusters, widest spread first.

    Within a cluster the figures are sorted by value, largest first, then by period and
    title. Clusters of equal spread are sorted by subject and metric.
    """
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    figures: dict[str, Figure] = {}
    about: dict[str, dict[str, Any]] = {}
    pairs: list[tuple[str, str]] = []
    for row in table.dicts():
        one, other = (_figure(row, side) for side in ("1", "2"))
        for figure in (one, other):
            figures.setdefault(figure.measurement, figure)
            about.setdefault(figure.measurement, row)
        pairs.append((one.measurement, other.measurement))
        parent[root(one.measurement)] = root(other.measurement)
    clusters: dict[str, Cluster] = {}
    for iri, figure in figures.items():
        key = root(iri)
        if key not in clusters:
            row = about[iri]
            clusters[key] = Cluster(
                subject=str(row["subject"]),
                subject_name=_text(row["subjectName"]) or str(row["subject"]),
                compared_with=_text(row["comparedWithName"]),
                concept=str(row["concept"]),
                metric=_text(row["conceptName"]) or str(row["concept"]),
            )
        clusters[key].figures.append(figure)
    for one, other in pairs:
        clusters[root(one)].pairs.append((one, other))
    for cluster in clusters.values():
        cluster.figures.sort(key=lambda figure: (-figure.value, figure.period or "", figure.source.title or ""))
    return sorted(clusters.values(), key=lambda cluster: (
        -(cluster.spread or 0.0), cluster.subject_name, cluster.compared_with or "", cluster.metric))


def _text(term: Identifier | None) -> str | None:
    return None if term is None else str(term)


def _figure(row: dict[str, Identifier | None], side: str) -> Figure:
    start, end = row[f"start{side}"], row[f"end{side}"]
    return Figure(
        measurement=str(row[f"measurement{side}"]),
        value=Decimal(str(row[f"value{side}"])),
        unit=str(row[f"unit{side}"]),
        period=_text(row[f"period{side}"]),
        metric=_text(row[f"metricName{side}"]),
        quote=_text(row[f"quote{side}"]),
        source=Source(str(row[f"document{side}"]), _text(row[f"title{side}"]), _text(row[f"source{side}"])),
        start=None if start is None else int(start),
        end=None if end is None else int(end),
        sentence=_text(row[f"text{side}"]),
    )


def disagreements(store, *, subject: str | None = None, years_apart: int | None = None) -> list[Cluster]:
    """The quantities on which the documents in ``store`` give figures that disagree.

    Parameters
    ----------
    store : LocalStore or RemoteStore
        The graph to read.
    subject : str, optional
        Only figures about the entity that goes by this name (canonical or other, any case).
    years_apart : int, optional
        How many years apart two sources' years may be and still be compared (default 1:
        see ``queries/figure-disagreements.rq``); 0 compares the same year only.

    Returns
    -------
    list of Cluster
        Widest spread first; empty when no two sources disagree.

    Raises
    ------
    EntityNotFound
        When ``subject`` is given and no entity goes by it; the message suggests close names.
    ValueError
        When ``years_apart`` is negative.
    StoreError
        When the store cannot be read.
    """
    if years_apart is not None and years_apart < 0:
        raise ValueError(f"years apart must be 0 or more, not {years_apart}")
    if subject is not None:
        subject = subject.strip()
        if not find_entities(store, subject):
            suggestions = close_names(subject, known_entities(store))
            hint = f"did you mean {_or(suggestions)}?" if suggestions else "`airace query entity-names` lists every name"
            raise EntityNotFound(f"no entity is named {subject!r}; {hint}", name=subject, suggestions=suggestions)
    return group(fetch_pairs(store, subject=subject, years_apart=years_apart))


def _or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


# --- 3. render --------------------------------------------------------------------------------

_SCALES = ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


def format_value(value: Decimal, unit: str) -> str:
    """A value as an article would write it: '74.2%', '78,000', '$8.2 billion', '1,372 Elo'.

    Large amounts are written in millions, billions or trillions when that is exact;
    a count needs no unit (the metric says what is counted).

    >>> format_value(Decimal("74.20"), "percent"), format_value(Decimal("78000.0"), "count")
    ('74.2%', '78,000')
    >>> format_value(Decimal("8200000000"), "USD"), format_value(Decimal("0.55"), "USD per million tokens")
    ('$8.2 billion', '$0.55 per million tokens')
    >>> format_value(Decimal("60000000000"), "RMB"), format_value(Decimal("10000"), "chips")
    ('60 billion RMB', '10,000 chips')
    """
    number = _number(value)
    if unit == "percent":
        return f"{number}%"
    if unit == "count":
        return number
    if unit.startswith("USD"):
        return f"${number}{unit[3:]}"
    return f"{number} {unit}"


def _number(value: Decimal) -> str:
    for scale, word in _SCALES:
        if abs(value) >= scale:
            scaled = value / scale
            if scaled == scaled.quantize(Decimal("0.001")):
                return f"{_plain(scaled)} {word}"
    return _plain(value, grouped=True)


def _plain(value: Decimal, *, grouped: bool = False) -> str:
    """A decimal without trailing zeros: '74.2', '70'; with thousands separators if asked."""
    value = value.normalize()
    return f"{value:,f}" if grouped else f"{value:f}"


def render_text(clusters: list[Cluster], *, subject: str | None = None, width: int = WIDTH) -> str:
    """The clusters as text for reading, without a final newline.

    Each cluster opens with its subject (and the subject it is compared with), the
    metric, the periods, how many sources and the range of values with its spread. Then
    each figure: the value, its period (— when the source gives none), the quote as the
    source wrote it and the metric as it worded it (when that differs), the document's
    title and source file, and the sentence with its character offsets. ``subject`` (the
    name the clusters were asked for) only words the answer when there are none.
    """
    if not clusters:
        about = f" about {subject}" if subject else ""
        return f"No disagreements{about}: no two sources give different figures for the same quantity."
    count = len(clusters)
    lines = [f"{count} {'quantity' if count == 1 else 'quantities'} on which sources disagree (widest spread first)"]
    for cluster in clusters:
        lines += ["", *_render_cluster(cluster, width)]
    return "\n".join(lines)


def _render_cluster(cluster: Cluster, width: int) -> list[str]:
    who = cluster.subject_name + (f" vs {cluster.compared_with}" if cluster.compared_with else "")
    periods = ", ".join(cluster.periods) or "no year given"
    low, high = (format_value(value, cluster.figures[0].unit) for value in (cluster.low, cluster.high))
    spread = f" (×{cluster.spread:.2f})" if cluster.spread else ""
    sources = len(cluster.sources)
    lines = [f"{who} · {cluster.metric} · {periods}",
             f"  {sources} source{'' if sources == 1 else 's'}: {low} to {high}{spread}"]
    values = [format_value(figure.value, figure.unit) for figure in cluster.figures]
    column = max(len(value) for value in values)
    years = max(len(figure.period or "—") for figure in cluster.figures)
    indent = " " * (4 + column + 2)
    for figure, value in zip(cluster.figures, values):
        head = f"    {value:>{column}}  {figure.period or '—':<{years}}"
        if figure.quote:
            head += f"  “{' '.join(figure.quote.split())}”"
        if figure.metric and figure.metric != cluster.metric:
            head += f"  as “{figure.metric}”"
        lines += ["", head]
        title = f"{figure.source.title or '(untitled)'}  ({figure.source.file or figure.source.iri})"
        lines.append(textwrap.fill(title, width, initial_indent=indent, subsequent_indent=indent + "  ",
                                   break_long_words=False, break_on_hyphens=False))
        if figure.sentence is not None:
            where = f"[{figure.start}-{figure.end}] "
            lines.append(textwrap.fill(where + " ".join(figure.sentence.split()), width,
                                       initial_indent=indent, subsequent_indent=indent + " " * len(where),
                                       break_long_words=False, break_on_hyphens=False))
    return lines


def to_json(clusters: list[Cluster]) -> dict[str, Any]:
    """The clusters as plain JSON data: ``{"clusters": [...]}``.

    Each cluster gives its subject, the subject it is compared with, the metric (concept
    IRI and label), periods, low, high and spread, its figures (each with value, unit,
    period, metric as worded, quote, document and sentence) and the pairs of measurement
    IRIs that disagree. Values are JSON numbers.
    """
    return {"clusters": [_cluster_json(cluster) for cluster in clusters]}


def render_json(clusters: list[Cluster]) -> str:
    """:func:`to_json` as one JSON document, keys sorted so the output is stable."""
    return json.dumps(to_json(clusters), ensure_ascii=False, indent=2, sort_keys=True)


def _cluster_json(cluster: Cluster) -> dict[str, Any]:
    return {
        "subject": {"iri": cluster.subject, "label": cluster.subject_name},
        "compared_with": cluster.compared_with,
        "metric": {"iri": cluster.concept, "label": cluster.metric},
        "periods": cluster.periods,
        "low": _number_json(cluster.low),
        "high": _number_json(cluster.high),
        "spread": None if cluster.spread is None else round(cluster.spread, 4),
        "figures": [
            {
                "measurement": figure.measurement,
                "value": _number_json(figure.value),
                "unit": figure.unit,
                "period": figure.period,
                "metric": figure.metric,
                "quote": figure.quote,
                "document": {"iri": figure.source.iri, "title": figure.source.title, "source": figure.source.file},
                "sentence": {"start": figure.start, "end": figure.end, "text": figure.sentence},
            }
            for figure in cluster.figures
        ],
        "disagreeing_pairs": [list(pair) for pair in cluster.pairs],
    }


def _number_json(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)
