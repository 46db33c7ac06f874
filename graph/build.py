"""Building the graph: files in, one named graph per document out, labels resolved.

>>> from airace.graph.store import open_store
>>> files = discover([Path("no-such-folder")])
Traceback (most recent call last):
...
airace.graph.build.BuildError: no-such-folder: no such file or folder
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from rdflib import Literal, URIRef

from airace.extract.document import extract
from airace.extract.pipeline import load_pipeline
from airace.extract.reader import SUFFIXES, ReadError, read_article
from airace.extract.statements import document_iri, triples
from airace.ontology import RESOLUTION_GRAPH

from .store import LocalStore, RemoteStore

__all__ = ["BuildError", "Summary", "discover", "build", "resolve_labels", "counts"]


class BuildError(Exception):
    """Nothing could be built; the message says why."""


@dataclass
class Summary:
    documents: int = 0
    entities: int = 0
    statements: int = 0
    measurements: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.documents} documents, {self.entities} entities, {self.statements} statements, "
                f"{self.measurements} measurements in {self.seconds:.1f} s")


def discover(paths: Iterable[Path]) -> list[Path]:
    """The article files named by ``paths`` (folders are walked), sorted, each once.

    Raises
    ------
    BuildError
        When a path does not exist.
    """
    found: set[Path] = set()
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith("."))
        elif path.is_file():
            found.add(path)
        else:
            raise BuildError(f"{path}: no such file or folder")
    return sorted(found)


_UNLABELLED = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?entity ?name (COUNT(DISTINCT ?graph) AS ?documents) WHERE {
  GRAPH ?graph { ?entity skos:altLabel ?name }
  FILTER NOT EXISTS { GRAPH ?any { ?entity rdfs:label ?label } }
}
GROUP BY ?entity ?name
"""


def resolve_labels(store: LocalStore | RemoteStore) -> int:
    """Give each entity the reference list did not name one canonical label.

    A name no other entity goes by comes first (three data centres in Ulanqab are
    "Alibaba Cloud Ulanqab", "Huawei Cloud Ulanqab"... not three "Ulanqab"s); then
    the fullest name, one that holds the entity's other names ("Tencent Cloud
    Chongqing" over "Chongqing", "Jeffrey Ding" over "Ding"); then the name most
    documents use; ties go to the shorter, then the first in alphabetical order,
    so the choice never depends on the order of building.
    The labels live in their own graph, rewritten on every build.
    """
    store.replace_graph(RESOLUTION_GRAPH, [])
    rows = store.select(_UNLABELLED).rows
    bearers: dict[str, set] = {}
    for entity, name, _ in rows:
        bearers.setdefault(str(name).lower(), set()).add(entity)
    names: dict[URIRef, set[str]] = {}
    for entity, name, _ in rows:
        names.setdefault(entity, set()).add(str(name))
    best: dict[URIRef, tuple] = {}
    for entity, name, documents in rows:
        held = sum(1 for other in names[entity] if other != str(name) and other.lower() in str(name).lower())
        rank = (len(bearers[str(name).lower()]) > 1, -held, -int(documents), len(str(name)), str(name))
        if entity not in best or rank < best[entity]:
            best[entity] = rank
    labels = [(entity, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal(rank[-1])) for entity, rank in best.items()]
    store.replace_graph(RESOLUTION_GRAPH, labels)
    return len(labels)


def counts(store: LocalStore | RemoteStore) -> dict[str, int]:
    """How many documents, entities, statements (triples) and measurements the store holds."""
    query = """
    PREFIX race: <https://w3id.org/airace/ontology#>
    SELECT
      (COUNT(DISTINCT ?document) AS ?documents)
      (COUNT(DISTINCT ?entity) AS ?entities)
      (COUNT(DISTINCT ?measurement) AS ?measurements)
    WHERE {
      { ?document a race:Document }
      UNION { ?entity a ?class . FILTER(?class IN (race:Organisation, race:Company, race:University,
              race:ResearchInstitute, race:GovernmentBody, race:Country, race:AIModel, race:Chip,
              race:Person, race:DataCentre)) }
      UNION { ?measurement a race:Measurement }
    }"""
    row = store.select(query).rows[0]
    return {"documents": int(row[0]), "entities": int(row[1]), "measurements": int(row[2]), "statements": len(store)}


def build(
    paths: Iterable[Path],
    store: LocalStore | RemoteStore,
    *,
    model: str | None = None,
    on_document: Callable[[Path, str | None], None] | None = None,
) -> Summary:
    """Extract every article under ``paths`` into ``store``, one named graph per document.

    A file that cannot be read is reported in ``Summary.problems`` and skipped;
    the others are built. ``on_document(path, problem)`` is called after each file.

    Raises
    ------
    BuildError
        When no file could be built at all.
    """
    started = time.perf_counter()
    files = discover(paths)
    if not files:
        raise BuildError("no articles found (looked for " + ", ".join(SUFFIXES) + " files)")
    nlp = load_pipeline(model)
    summary = Summary()
    for path in files:
        problem = None
        try:
            article = read_article(path)
        except ReadError as error:
            problem = str(error)
            summary.problems.append(problem)
        else:
            store.replace_graph(document_iri(article.sha256), triples(extract(article, nlp)))
        if on_document:
            on_document(path, problem)
    if len(summary.problems) == len(files):
        raise BuildError("nothing could be built: " + "; ".join(summary.problems))
    resolve_labels(store)
    store.flush()
    totals = counts(store)
    summary.documents, summary.entities = totals["documents"], totals["entities"]
    summary.statements, summary.measurements = totals["statements"], totals["measurements"]
    summary.seconds = time.perf_counter() - started
    return summary
