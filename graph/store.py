"""The RDF store behind one interface: an embedded Oxigraph database, or a remote SPARQL endpoint.

:class:`Store` is what the rest of the product may ask of a store, and both kinds
answer it, so no caller knows which one it talks to:

- ``select(query, bindings=...)`` returns a :class:`Table` of rdflib terms, ``strings``
  the same rows as plain strings; ``ask``/``construct`` for the other query forms;
- ``replace_graph(iri, triples)`` swaps one named graph (one document);
- ``quads()`` streams everything, for export and analysis.

Queries see the union of all named graphs as their default graph, so a query
file never has to know that each document lives in a graph of its own.

The parts live in their own modules: terms and binding in :mod:`airace.graph.terms`,
the two stores in :mod:`airace.graph.local` and :mod:`airace.graph.remote`, the
generations of a store folder in :mod:`airace.graph.generations`; this module
opens a store and writes one whole (:func:`writing`).

>>> from rdflib import Literal, URIRef
>>> store = open_store(None)  # in memory
>>> isinstance(store, Store)
True
>>> g = URIRef("https://example.org/g")
>>> store.replace_graph(g, [(URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x"))])
1
>>> store.select("SELECT ?s WHERE { ?s ?p ?o }", bindings={"o": Literal("x")}).rows
[(rdflib.term.URIRef('https://example.org/a'),)]
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Protocol, runtime_checkable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from . import generations
from .local import UNNAMED_GRAPH, LocalStore, merge_named_graphs, query_dataset
from .remote import RemoteStore
from .terms import Binding, Quad, StoreError, Table, Triple, bind, from_oxigraph, to_oxigraph

__all__ = [
    "Store",
    "Table",
    "StoreError",
    "LocalStore",
    "RemoteStore",
    "DEFAULT_STORE",
    "open_store",
    "writing",
    "is_endpoint",
    "query_dataset",
    "merge_named_graphs",
    "UNNAMED_GRAPH",
    "to_oxigraph",
    "from_oxigraph",
    "bind",
    "union_graph",
]

DEFAULT_STORE = Path("airace-store")


@runtime_checkable
class Store(Protocol):
    """What every store answers: queries in, rdflib terms out; whole named graphs written."""

    path: Path | None

    def select(self, query: str, *, bindings: Mapping[str, Binding] | None = None) -> Table:
        """Run a SELECT query and return its rows."""

    def strings(self, query: str, *, bindings: Mapping[str, Binding] | None = None) -> Iterator[tuple]:
        """Run a SELECT query and yield its rows as the terms' lexical forms (None when unbound)."""

    def ask(self, query: str, *, bindings: Mapping[str, Binding] | None = None) -> bool:
        """Run an ASK query."""

    def construct(self, query: str, *, bindings: Mapping[str, Binding] | None = None) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query and return an rdflib graph."""

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Replace the named graph ``graph`` with ``triples``; return how many."""

    def replace_quads(self, graphs: Iterable[ox.NamedNode], quads: list[ox.Quad]) -> int:
        """Replace the named ``graphs`` by ``quads`` (in those graphs); return how many."""

    def load_graphs(self, data: bytes, graphs: Iterable[URIRef]) -> None:
        """Replace ``graphs`` by the N-Quads ``data`` (which holds their quads)."""

    def graphs(self) -> list[URIRef]:
        """The named graphs, sorted."""

    def has_graph(self, graph: URIRef) -> bool:
        """Whether the named graph ``graph`` holds anything."""

    def quads(self) -> Iterator[Quad]:
        """Every quad of the named graphs, as rdflib terms."""

    def __len__(self) -> int:
        """How many quads the named graphs hold."""

    def flush(self) -> None:
        """Make every write durable."""

    def locations(self) -> dict[str, str]:
        """Where each built file was and the content hash it had then."""

    def set_locations(self, locations: Mapping[str, str]) -> None:
        """Record where built files were."""


def is_endpoint(location: Path | str | None) -> bool:
    """Whether ``location`` names a SPARQL endpoint rather than a folder.

    >>> is_endpoint("http://127.0.0.1:7878/query"), is_endpoint("airace-store")
    (True, False)
    """
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def open_store(location: Path | str | None, *, read_only: bool = False) -> LocalStore | RemoteStore:
    """Open the store at ``location``: a folder, an ``http(s)://`` SPARQL endpoint, or None for memory.

    Raises
    ------
    StoreError
        When the store cannot be opened.
    """
    if is_endpoint(location):
        return RemoteStore(location)
    return LocalStore(location, read_only=read_only)


@contextmanager
def writing(location: Path | str | None) -> Iterator[LocalStore | RemoteStore]:
    """The store at ``location``, for a build or load that lands whole or not at all.

    On disk, the writes go to a new generation of the store folder, which becomes the
    active one only when the body has finished (see :mod:`airace.graph.generations`);
    if the body raises, or the process is killed, the store stays as it was.
    An endpoint or a store in memory is written in place.

    Raises
    ------
    StoreError
        When another process is writing to the folder, or it cannot be written.
    """
    if location is None or is_endpoint(location):
        store = open_store(location)
        yield store
        store.flush()
        return
    folder = Path(location)
    try:
        with generations.new_generation(folder) as target:
            store = LocalStore(folder, database=target)
            try:
                yield store
                store.flush()
            finally:
                # Also when the body fails: a traceback keeps the store object alive, and an open
                # database would hold its lock on a folder the next write in this process reuses.
                store.close()
    except generations.GenerationError as error:
        raise StoreError(str(error)) from error
    except OSError as error:
        raise StoreError(f"{folder}: cannot write the store ({error})") from error


def union_graph(quads: Iterable[Quad]) -> Graph:
    """The triples of quads, every graph's together, as one rdflib Graph: the asserted graph
    that Turtle and N-Triples carry (and what a test compares an export with).

    >>> from rdflib import URIRef
    >>> term = URIRef("https://example.org/a")
    >>> len(union_graph([(term, term, term, URIRef("https://example.org/g1")), (term, term, term, None)]))
    1
    """
    graph = Graph()
    for subject, predicate, obj, _ in quads:
        graph.add((subject, predicate, obj))
    return graph
