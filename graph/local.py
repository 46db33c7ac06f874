"""The embedded store: an Oxigraph database in a folder on disk, or in memory.

Each document's statements live in a named graph of their own; the default graph
holds their RDF merge, every triple once, kept by every write, and queries read it
(see :meth:`LocalStore._replace` for why the union Oxigraph offers is not used).

>>> from rdflib import Literal, URIRef
>>> store = LocalStore(None)  # in memory
>>> g = URIRef("https://example.org/g")
>>> store.replace_graph(g, [(URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x"))])
1
>>> store.select("SELECT ?s WHERE { ?s ?p ?o }", bindings={"o": Literal("x")}).rows
[(rdflib.term.URIRef('https://example.org/a'),)]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import Graph, URIRef

from . import generations
from .terms import Binding, Quad, StoreError, Table, Triple, bind, converter, from_oxigraph, to_oxigraph

__all__ = ["LocalStore", "UNNAMED_GRAPH", "query_dataset", "merge_named_graphs"]

_LOCATIONS = "locations.json"
# from this many quads in one write, Oxigraph's bulk writer beats a transaction
_BULK_QUADS = 10_000
#: Where triples loaded without a graph of their own go.
UNNAMED_GRAPH = URIRef("https://w3id.org/airace/id/graph/unnamed")


class LocalStore:
    """An Oxigraph store in a folder on disk (or in memory when ``path`` is None).

    Raises
    ------
    StoreError
        When the folder cannot be opened (locked by another process, not a store, no permission).
    """

    def __init__(self, path: Path | str | None, *, read_only: bool = False, database: Path | None = None):
        self.path = Path(path) if path is not None else None
        self._locations: dict[str, str] = {}
        try:
            if self.path is None:
                self._store = ox.Store()
                self.database = None
                return
            self.database = database or generations.database(self.path)
            if read_only:
                if self.database is None:
                    raise StoreError(f"{self.path}: no store here; run `airace build` first")
                self._store = ox.Store.read_only(str(self.database))
            else:
                if self.database is None:
                    # A new store: its first, empty generation has nothing to lose.
                    with generations.new_generation(self.path) as first:
                        ox.Store(str(first)).flush()
                    self.database = generations.database(self.path)
                self._store = ox.Store(str(self.database))
                if not _holds_merge(self._store) and next(iter(self._store.named_graphs()), None):
                    # Written before the store kept the merge: make it once, or the documents
                    # this write leaves alone would drop out of every query.
                    merge_named_graphs(self._store)
        except OSError as error:
            raise StoreError(f"{self.path}: cannot open the store ({error})") from error

    def __repr__(self) -> str:
        return f"LocalStore({str(self.path) if self.path else 'memory'!r})"

    def _query(self, query: str, bindings: Mapping[str, Binding] | None):
        query = bind(query, bindings)
        try:
            return self._store.query(query, **query_dataset(self._store))
        except SyntaxError as error:
            raise StoreError(f"the query is not valid SPARQL: {error}") from error
        except OSError as error:
            raise StoreError(f"{self.path}: the store could not be read ({error})") from error

    def select(self, query: str, *, bindings: Mapping[str, Binding] | None = None) -> Table:
        """Run a SELECT query and return its rows."""
        solutions = self._query(query, bindings)
        if not isinstance(solutions, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        variables = [variable.value for variable in solutions.variables]
        convert = converter()
        rows = [tuple(convert(solution[variable]) for variable in variables) for solution in solutions]
        return Table(variables, rows)

    def strings(self, query: str, *, bindings: Mapping[str, Binding] | None = None) -> Iterator[tuple]:
        """Run a SELECT query and yield its rows as the terms' lexical forms (None when unbound).

        What the network reads: on a big store, making rdflib terms of the rows took four
        times as long as the query itself."""
        solutions = self._query(query, bindings)
        if not isinstance(solutions, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        return (tuple(None if term is None else term.value for term in solution) for solution in solutions)

    def ask(self, query: str, *, bindings: Mapping[str, Binding] | None = None) -> bool:
        """Run an ASK query."""
        return bool(self._query(query, bindings))

    def construct(self, query: str, *, bindings: Mapping[str, Binding] | None = None) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query and return an rdflib graph."""
        graph = Graph()
        for triple in self._query(query, bindings):
            graph.add(tuple(from_oxigraph(term) for term in triple))
        return graph

    def raw_query(self, query: str, *, bindings: Mapping[str, Binding] | None = None):
        """Run any query and return Oxigraph's own result object (for serialising results)."""
        return self._query(query, bindings)

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Replace the named graph ``graph`` with ``triples``; return how many.

        Not one transaction: a build or load is made whole by :func:`airace.graph.store.writing`,
        which swaps in the new generation only when everything is written."""
        name = ox.NamedNode(str(graph))
        quads = [ox.Quad(*(to_oxigraph(term) for term in triple), name) for triple in set(triples)]
        self._replace([name], quads)
        return len(quads)

    def _replace(self, graphs: Iterable[ox.NamedNode], quads: list[ox.Quad], *, drop: bool = True) -> None:
        """Drop ``graphs``, write ``quads`` (in those graphs), and keep the default graph their merge.

        Oxigraph's union of named graphs repeats a triple once per graph that holds it
        (oxigraph#1919, fixed after 0.5.13), so a query joining three facts about DeepSeek,
        stated in a thousand documents each, would meet a billion rows. The store therefore
        keeps the RDF merge of its named graphs, every triple once, as its default graph, and
        queries read that.
        """
        graphs = list(graphs)
        # A transaction costs per quad; Oxigraph's bulk writer sorts a large batch into files at
        # once (a million quads: 12 s against about 50). It is not atomic, and need not be: a
        # build or load is made whole by writing(), which swaps in the new generation at the end.
        add = self._store.bulk_extend if len(quads) >= _BULK_QUADS else self._store.extend
        try:
            for graph in graphs if drop else ():
                if self._store.contains_named_graph(graph):
                    # What only this graph said leaves the merge with it.
                    self._store.update(f"DELETE {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} "
                                       f"FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p ?o }} FILTER (?other != {graph}) }} }}")
                    self._store.remove_graph(graph)
            add(quads)
            # The graphs hold just ``quads`` now (or, without ``drop``, held the rest already
            # merged), so their triples are what the merge lacks.
            add(_in_default_graph(quads))
        except OSError as error:
            raise StoreError(f"{self.path}: the store could not be written ({error})") from error

    def replace_quads(self, graphs: Iterable[ox.NamedNode], quads: list[ox.Quad]) -> int:
        """Replace the named ``graphs`` by ``quads`` (Oxigraph's own, in those graphs); return how many."""
        self._replace(graphs, quads)
        return len(set(quads))

    def graphs(self) -> list[URIRef]:
        """The named graphs in the store, sorted."""
        return sorted(URIRef(graph.value) for graph in self._store.named_graphs() if isinstance(graph, ox.NamedNode))

    def quads(self) -> Iterator[Quad]:
        """Every quad in the store, as rdflib terms (the graph is None for the default graph)."""
        for quad in self._store:
            if isinstance(quad.graph_name, ox.DefaultGraph):
                continue  # the merge of the named graphs, derived from them
            yield (
                from_oxigraph(quad.subject),
                from_oxigraph(quad.predicate),
                from_oxigraph(quad.object),
                from_oxigraph(quad.graph_name),
            )

    def __len__(self) -> int:
        merge = next(iter(self._store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0]
        return len(self._store) - int(merge.value)

    def load(self, data: bytes, *, format: str, graph: URIRef | None = None) -> None:
        """Add serialised RDF (``format`` is a media type or an extension such as ``nq``).

        Triples outside any named graph go to ``graph``, by default :data:`UNNAMED_GRAPH`:
        the default graph is the merge of the named ones, kept by the store itself.
        """
        rdf_format = ox.RdfFormat.from_extension(format) or ox.RdfFormat.from_media_type(format)
        if rdf_format is None:
            raise StoreError(f"unknown RDF format {format!r}")
        target = ox.NamedNode(str(graph or UNNAMED_GRAPH))
        try:
            quads = [quad if isinstance(quad.graph_name, ox.NamedNode)
                     else ox.Quad(quad.subject, quad.predicate, quad.object, target)
                     for quad in ox.parse(data, rdf_format)]
        except SyntaxError as error:
            raise StoreError(f"the data is not valid {format}: {error}") from error
        self._replace({quad.graph_name for quad in quads}, quads, drop=False)

    def flush(self) -> None:
        """Make every write durable on disk."""
        if self.database is not None:
            self._store.flush()
            if self._locations:
                _write_json(self.database / _LOCATIONS, self._locations)

    def close(self) -> None:
        """Close the database: readers that open it next see every write, compacted and at rest."""
        # Oxigraph closes a database when its last handle goes; this is the only handle.
        self._store = None

    def has_graph(self, graph: URIRef) -> bool:
        """Whether the named graph ``graph`` holds anything."""
        return self._store.contains_named_graph(ox.NamedNode(str(graph)))

    def load_graphs(self, data: bytes, graphs: Iterable[URIRef]) -> None:
        """Replace ``graphs`` by the N-Quads ``data`` (which holds their quads)."""
        self._replace([ox.NamedNode(str(graph)) for graph in graphs], list(ox.parse(data, ox.RdfFormat.N_QUADS)))

    def locations(self) -> dict[str, str]:
        """Where each built file was (its absolute path) and the content hash it had then."""
        if not self._locations and self.database is not None and (self.database / _LOCATIONS).is_file():
            self._locations = json.loads((self.database / _LOCATIONS).read_text(encoding="utf-8"))
        return dict(self._locations)

    def set_locations(self, locations: Mapping[str, str]) -> None:
        """Record where built files were; written beside the database on :meth:`flush`."""
        self._locations = dict(sorted(locations.items()))


def query_dataset(store: ox.Store) -> dict:
    """The dataset arguments of a query: the default graph when it holds the merge of the named
    graphs (every store airace writes), else the union of the named graphs (a store written
    before, or by another tool)."""
    return {} if _holds_merge(store) else {"use_default_graph_as_union": True}


def _holds_merge(store: ox.Store) -> bool:
    # airace never writes to the default graph but the merge, so anything there is the merge.
    return next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None


def _in_default_graph(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    return (ox.Quad(quad.subject, quad.predicate, quad.object) for quad in quads)


def merge_named_graphs(store: ox.Store) -> None:
    """Make the default graph of ``store`` the merge of its named graphs anew (after a SPARQL
    update, which may have changed any graph)."""
    store.clear_graph(ox.DefaultGraph())
    store.extend(_in_default_graph(quad for quad in store if not isinstance(quad.graph_name, ox.DefaultGraph)))


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
