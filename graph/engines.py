"""Mapping extraction over documents: in this process, in worker processes, or on a Ray cluster.

Extraction is a pure function from a batch of articles to the N-Quads of their named
graphs (:func:`extract_batch`), so any engine that maps a function over items can run
it. Articles travel in batches; each batch comes back as one N-Quads *shard*,
which the store bulk-loads and ``--shards`` keeps on disk (any SPARQL store can
load those files). However many batches the engine could take, only a few are in
flight at a time, so memory does not grow with the corpus.

>>> from airace.extract.reader import parse_article
>>> article = parse_article("DeepSeek released DeepSeek-R1 in January 2025.", name="a.txt")
>>> shards = list(extract_shards([article], engine="local"))
>>> len(shards), shards[0].articles[0].name
(1, 'a.txt')
>>> b"<https://w3id.org/airace/id/org/deepseek>" in shards[0].data
True
"""

from __future__ import annotations

import itertools
import os
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

from airace.extract.document import Extraction, extract_many
from airace.extract.pipeline import load_pipeline
from airace.extract.reader import Article
from airace.extract.statements import document_iri, triples

from .store import to_oxigraph

__all__ = ["ENGINES", "EngineError", "Shard", "pipeline", "document_quads", "extract_batch", "extract_shards"]

ENGINES = ("local", "ray")

#: Articles per batch: large enough that shipping them costs little next to parsing.
BATCH = 8


class EngineError(Exception):
    """An engine cannot run (not installed, no cluster); the message says what to do."""


@dataclass(frozen=True)
class Shard:
    """The N-Quads of a batch of articles, one named graph per article."""

    articles: tuple[Article, ...]
    data: bytes


def document_quads(extraction: Extraction) -> bytes:
    """The N-Quads of one article's named graph, from its extraction, one quad per line, sorted
    (so shards are stable)."""
    graph = ox.NamedNode(str(document_iri(extraction.article.sha256)))
    quads = [ox.Quad(*(to_oxigraph(term) for term in triple), graph) for triple in set(triples(extraction))]
    lines = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
    return b"".join(sorted(lines))


@lru_cache(maxsize=2)
def pipeline(model: str | None = None):
    """The extraction pipeline, loaded once per process."""
    return load_pipeline(model)


def extract_batch(articles: tuple[Article, ...], model: str | None = None) -> Shard:
    """Extract a batch of articles into one shard (the unit of work every engine maps)."""
    nlp = pipeline(model)
    return Shard(articles, b"".join(document_quads(extraction) for extraction in extract_many(articles, nlp)))


def _batches(articles: Iterable[Article], size: int) -> Iterator[tuple[Article, ...]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) == size:
            yield tuple(batch)
            batch = []
    if batch:
        yield tuple(batch)


def _windowed(submit: Callable, wait: Callable, batches: Iterator, window: int) -> Iterator[Shard]:
    """Keep at most ``window`` batches in flight; yield shards in the order of their batches."""
    pending: deque = deque()
    for batch in batches:
        pending.append(submit(batch))
        if len(pending) >= window:
            yield wait(pending.popleft())
    while pending:
        yield wait(pending.popleft())


def _local(batches, model, workers) -> Iterator[Shard]:
    if workers <= 1:
        yield from (extract_batch(batch, model) for batch in batches)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # spawn, not fork: the parent holds the store's database threads, which a fork would copy mid-flight.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=pipeline, initargs=(model,)) as pool:
        try:
            yield from _windowed(lambda batch: pool.submit(extract_batch, batch, model),
                                 lambda future: future.result(), batches, 2 * workers)
        except BrokenProcessPool as error:
            raise EngineError(f"a worker process died ({error}); run with --workers 1 to see why") from None


def _ray(batches, model, workers) -> Iterator[Shard]:
    try:
        import ray
    except ImportError:
        raise EngineError("the ray engine needs Ray: pip install 'airace[ray]'") from None
    started_here = not ray.is_initialized()
    if started_here:
        # RAY_ADDRESS names a running cluster; without it Ray starts one on this machine.
        address = os.environ.get("RAY_ADDRESS")
        ray.init(address=address, num_cpus=None if address else workers, include_dashboard=False,
                 log_to_driver=False, configure_logging=False)
    try:
        # One actor per worker keeps its pipeline loaded across batches.
        extractor = ray.remote(_Extractor)
        actors = [extractor.remote(model) for _ in range(max(workers, 1))]
        turn = itertools.count()

        def submit(batch):
            return actors[next(turn) % len(actors)].extract.remote(batch)

        try:
            yield from _windowed(submit, ray.get, batches, 2 * len(actors))
        except ray.exceptions.RayError as error:
            first = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
            raise EngineError(f"a Ray worker failed: {first}") from None
    finally:
        if started_here:
            ray.shutdown()


class _Extractor:
    """A Ray actor: a worker that loads the pipeline once and extracts batch after batch."""

    def __init__(self, model: str | None):
        self.model = model
        pipeline(model)

    def extract(self, batch: tuple[Article, ...]) -> Shard:
        return extract_batch(batch, self.model)


def extract_shards(articles: Iterable[Article], *, engine: str = "local", workers: int = 1,
                   model: str | None = None, batch: int = BATCH) -> Iterator[Shard]:
    """Extract ``articles`` on ``engine`` with ``workers`` workers, yielding one shard per batch.

    Raises
    ------
    EngineError
        When the engine is unknown or cannot start.
    """
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    batches = _batches(articles, batch)
    run = _local if engine == "local" else _ray
    return run(batches, model, workers)
