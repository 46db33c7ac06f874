"""The graph as three CSV tables for spreadsheets and pandas: entities, relations and figures.

Values are plain, as a spreadsheet reads them: IRIs in full, numbers as numbers (``74.2``,
not ``"74.2"^^xsd:decimal``), periods as the source gave them (``2024``, ``2024-11``) with
the first day of each in ``period_start`` (``2024-01-01``) so that every row parses as a
date, an unknown value as an empty cell, lists joined with "; ". Rows come in a fixed
order, so the same store gives the same bytes.

>>> from airace.graph.explain import EXAMPLE
>>> from airace.graph.store import open_store
>>> store = open_store(None)
>>> store.load(EXAMPLE.encode(), format="trig")
>>> print(tables(store)["figures.csv"].splitlines()[1])
https://w3id.org/airace/id/measurement/1,https://w3id.org/airace/id/model/deepseek-r1,DeepSeek-R1,...,0.55,USD per million tokens,,,,,,$0.55 per million input tokens,...
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Iterable

from airace import queries

from .network import knowledge_graph

__all__ = ["TABLES", "tables", "write_tables", "number", "period_start"]

#: The files written, in order.
TABLES = ("entities.csv", "relations.csv", "figures.csv")

_ENTITY_COLUMNS = ["iri", "label", "class", "country", "country_iri", "other_names", "documents", "sentences"]
_RELATION_COLUMNS = ["subject", "subject_label", "relation", "object", "object_label", "documents", "weight",
                     "document", "sentence"]
_FIGURE_COLUMNS = ["measurement", "subject", "subject_label", "metric", "metric_label", "value", "unit", "period",
                   "period_start", "bound", "compared_with", "compared_with_label", "quote", "document", "title",
                   "source"]
_FIGURE_VARIABLES = ["measurement", "subject", "subjectName", "metric", "metricName", "value", "unit", "period",
                     None, "bound", "comparedWith", "comparedWithName", "quote", "document", "title", "source"]
_PERIOD = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_SPACES = re.compile(r"\s+")


def number(text: str | None) -> str:
    """A number's lexical form as a spreadsheet writes it: no trailing ``.0``, no exponent for a plain one.

    >>> number("68.0"), number("74.20"), number("1.5E3"), number(None)
    ('68', '74.2', '1500', '')
    """
    if text is None:
        return ""
    try:
        value = float(text)
    except ValueError:
        return text
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value) if "e" not in repr(value) else f"{value:f}".rstrip("0")


def period_start(period: str | None) -> str:
    """The first day of a period given as a year, a month or a day (``YYYY-MM-DD``), else "".

    >>> period_start("2024"), period_start("2024-11"), period_start("2025-01-15"), period_start("Q3")
    ('2024-01-01', '2024-11-01', '2025-01-15', '')
    """
    match = _PERIOD.match(period or "")
    if not match:
        return ""
    return f"{match.group(1)}-{match.group(2) or '01'}-{match.group(3) or '01'}"


def _csv(columns: list[str], rows: Iterable[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def _shown(text: str) -> str:
    """A sentence as it reads: the runs of spaces that masked link syntax shown as one."""
    return _SPACES.sub(" ", text).strip()


def _other_names(store) -> dict[str, list[str]]:
    names: dict[str, set[str]] = {}
    for row in store.select(queries.read("entity-names")).dicts():
        if row["altLabel"] is not None and str(row["altLabel"]) != str(row["label"]):
            names.setdefault(str(row["entity"]), set()).add(str(row["altLabel"]))
    return {entity: sorted(found) for entity, found in names.items()}


def _entities(graph, other_names) -> list[list]:
    rows = []
    for node in sorted(graph):
        attributes = graph.nodes[node]
        sources = attributes.get("sources", [])
        rows.append([node, attributes["label"], attributes["kind"], attributes.get("country") or "",
                     attributes.get("country_iri") or "", "; ".join(other_names.get(node, [])),
                     len({source["document_iri"] for source in sources}), len(sources)])
    return rows


def _relations(graph) -> list[list]:
    rows = []
    for subject, obj, relation, attributes in sorted(graph.edges(keys=True, data=True)):
        first = attributes["sources"][0] if attributes.get("sources") else {}
        rows.append([subject, graph.nodes[subject]["label"], relation, obj, graph.nodes[obj]["label"],
                     len(attributes.get("documents", [])), attributes.get("weight", 1),
                     first.get("document", ""), _shown(first.get("sentence", ""))])
    return rows


def _figures(store) -> list[list]:
    rows = []
    for row in store.select(queries.read("figures")).dicts():
        values = []
        for variable in _FIGURE_VARIABLES:
            if variable is None:  # period_start
                values.append(period_start(None if row["period"] is None else str(row["period"])))
            elif variable == "value":
                values.append(number(None if row["value"] is None else str(row["value"])))
            else:
                values.append("" if row[variable] is None else str(row[variable]))
        rows.append(values)
    return rows


def tables(store) -> dict[str, str]:
    """The three tables of ``store`` as CSV text, by file name (:data:`TABLES`).

    ``entities.csv``: one row per entity (IRI, canonical label, class, country, other names,
    how many documents and sentences mention it). ``relations.csv``: one row per relation
    between two entities, with how many documents state it and the first of its sources.
    ``figures.csv``: the rows of ``queries/figures.rq``, one per measurement.

    Raises
    ------
    airace.graph.store.StoreError
        When the store cannot be read.
    """
    graph = knowledge_graph(store)
    return {
        "entities.csv": _csv(_ENTITY_COLUMNS, _entities(graph, _other_names(store))),
        "relations.csv": _csv(_RELATION_COLUMNS, _relations(graph)),
        "figures.csv": _csv(_FIGURE_COLUMNS, _figures(store)),
    }


def write_tables(store, folder: Path) -> list[Path]:
    """Write :func:`tables` into ``folder`` (made if missing); return the paths written.

    Raises
    ------
    OSError
        When the folder or a file cannot be written.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in tables(store).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
