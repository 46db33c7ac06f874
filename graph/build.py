"""Building the graph: files in, one named graph per document out, labels resolved.

>>> from airace.graph.store import open_store
>>> files = discover([Path("no-such-folder")])
Traceback (most recent call last):
...
airace.graph.build.BuildError: no-such-folder: no such file or folder
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from rdflib import Literal, URIRef

from airace import queries
from airace.extract.pipeline import check_model
from airace.extract.reader import SUFFIXES, Article, ReadError, read_article
from airace.extract.statements import document_iri
from airace.ontology import RESOLUTION_GRAPH

from .engines import EngineError, extract_shards, pipeline
from .store import LocalStore, RemoteStore

__all__ = ["BuildError", "Summary", "discover", "build", "resolve_labels", "counts"]

# Batches written between two flushes of the store's write buffers to disk (about 1,000 articles):
# without them the buffers grow with the corpus.
FLUSH_EVERY = 128


class BuildError(Exception):
    """Nothing could be built; the message says why."""


@dataclass
class Summary:
    documents: int = 0
    entities: int = 0
    statements: int = 0
    measurements: int = 0
    seconds: float = 0.0
    built: int = 0
    unchanged: int = 0
    replaced: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        done = f"built {self.built}, unchanged {self.unchanged}"
        if self.replaced:
            done += f", replaced {self.replaced} old versions"
        if self.problems:
            done += f", {len(self.problems)} skipped"
        return (f"{self.documents} documents ({done}), {self.entities} entities, {self.statements} statements, "
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
            # Anything named like an article goes to the reader, which says what is wrong with it
            # (a broken link, a pipe, a folder), rather than vanishing here without a word.
            found.update(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
                         and not (p.is_dir() and not p.is_symlink()))
        elif path.exists() or path.is_symlink():
            found.add(path)
        else:
            raise BuildError(f"{path}: no such file or folder")
    return sorted(found)


_UNLABELLED = queries.internal("unlabelled-names")
_COUNTS = queries.internal("counts")


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
    row = store.select(_COUNTS).rows[0]
    return {"documents": int(row[0]), "entities": int(row[1]), "measurements": int(row[2]), "statements": len(store)}


def _articles(files: list[Path], store, summary: Summary, on_document) -> Iterator[Article]:
    """The articles to extract: each file read once; the unreadable, unchanged and duplicate left out.

    A file whose content the store already holds is not extracted again (documents are
    keyed by the hash of their bytes); a file that changed since it was last built from
    the same place has its old document dropped, so its old statements go with it.
    """
    locations = store.locations()
    held_elsewhere = Counter(locations.values())
    seen: set[str] = set()
    for path in files:
        try:
            article = read_article(path)
        except ReadError as error:
            summary.problems.append(str(error))
            if on_document:
                on_document(path, str(error))
            continue
        place = str(path.resolve())
        previous = locations.get(place)
        locations[place] = article.sha256
        held_elsewhere[article.sha256] += 1
        if previous and previous != article.sha256:
            held_elsewhere[previous] -= 1
            if held_elsewhere[previous] == 0:
                store.replace_graph(document_iri(previous), [])
                summary.replaced += 1
        if article.sha256 in seen or store.has_graph(document_iri(article.sha256)):
            summary.unchanged += 1
            if on_document:
                on_document(path, None)
            continue
        seen.add(article.sha256)
        yield article
    store.set_locations(locations)


def build(
    paths: Iterable[Path],
    store: LocalStore | RemoteStore,
    *,
    model: str | None = None,
    engine: str = "local",
    workers: int = 1,
    shards: Path | None = None,
    on_document: Callable[[Path, str | None], None] | None = None,
) -> Summary:
    """Extract every article under ``paths`` into ``store``, one named graph per document.

    A file that cannot be read is reported in ``Summary.problems`` and skipped;
    the others are built. ``on_document(path, problem)`` is called after each file.
    ``engine`` and ``workers`` say where extraction runs (see :mod:`airace.graph.engines`);
    ``shards``, a folder, keeps the N-Quads of each batch there as well.

    Raises
    ------
    BuildError
        When no file could be built at all.
    """
    started = time.perf_counter()
    files = discover(paths)
    if not files:
        raise BuildError("no articles found (looked for " + ", ".join(SUFFIXES) + " files)")
    # A missing model is reported before any file is read or any worker started.
    if engine == "local" and workers <= 1:
        pipeline(model)
    else:
        check_model(model)
    if shards is not None:
        shards = Path(shards)
        shards.mkdir(parents=True, exist_ok=True)
    summary = Summary()
    try:
        produced = extract_shards(_articles(files, store, summary, on_document), engine=engine, workers=workers,
                                  model=model)
        for number, shard in enumerate(produced):
            if shards is not None:
                (shards / f"part-{number:06d}.nq").write_bytes(shard.data)
            store.load_graphs(shard.data, [document_iri(article.sha256) for article in shard.articles])
            summary.built += len(shard.articles)
            if number % FLUSH_EVERY == FLUSH_EVERY - 1:
                store.flush()
            if on_document:
                for article in shard.articles:
                    on_document(Path(article.name), None)
    except EngineError as error:
        raise BuildError(str(error)) from error
    if len(summary.problems) == len(files):
        raise BuildError(f"nothing could be built: all {len(files)} files found were skipped "
                         f"(the first: {summary.problems[0]})")
    resolve_labels(store)
    store.flush()
    totals = counts(store)
    summary.documents, summary.entities = totals["documents"], totals["entities"]
    summary.statements, summary.measurements = totals["statements"], totals["measurements"]
    summary.seconds = time.perf_counter() - started
    return summary
