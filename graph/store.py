"""The RDF store: an embedded Oxigraph database on disk, or a remote SPARQL endpoint.

Both kinds answer the same small interface, so the rest of the product never
knows which one it talks to:

- ``select(query, bindings=...)`` returns a :class:`Table` of rdflib terms;
- ``ask``/``construct`` for the other query forms;
- ``replace_graph(iri, triples)`` swaps one named graph (one document);
- ``quads()`` streams everything, for export and analysis.

Queries see the union of all named graphs as their default graph, so a query
file never has to know that each document lives in a graph of its own.

Values enter queries as bindings, never by string formatting: each is written
as an RDF term in N-Triples syntax (escaped by rdflib) into a ``VALUES`` block
at the head of the query's WHERE clause, so it is bound before anything else
is evaluated, as SPARQL's own inline data.

>>> from rdflib import Literal, URIRef
>>> store = open_store(None)  # in memory
>>> g = URIRef("https://example.org/g")
>>> store.replace_graph(g, [(URIRef("https://example.org/a"), URIRef("https://example.org/p"), Literal("x"))])
1
>>> store.select("SELECT ?s WHERE { ?s ?p ?o }", bindings={"o": Literal("x")}).rows
[(rdflib.term.URIRef('https://example.org/a'),)]
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Identifier

from . import generations

__all__ = [
    "Table",
    "StoreError",
    "LocalStore",
    "RemoteStore",
    "open_store",
    "writing",
    "query_dataset",
    "merge_named_graphs",
    "UNNAMED_GRAPH",
    "to_oxigraph",
    "from_oxigraph",
    "bind",
    "union_graph",
]

DEFAULT_STORE = Path("airace-store")
_LOCATIONS = "locations.json"
# from this many quads in one write, Oxigraph's bulk writer beats a transaction
_BULK_QUADS = 10_000
#: Where triples loaded without a graph of their own go.
UNNAMED_GRAPH = URIRef("https://w3id.org/airace/id/graph/unnamed")

Triple = tuple[Identifier, Identifier, Identifier]
Quad = tuple[Identifier, Identifier, Identifier, Identifier | None]


class StoreError(Exception):
    """A store could not be opened, read or written; the message says which and why."""


@dataclass(frozen=True)
class Table:
    """The answer to a SELECT query: variable names and rows of rdflib terms (None when unbound)."""

    variables: list[str]
    rows: list[tuple]

    def dicts(self) -> list[dict[str, Identifier | None]]:
        """Rows as dictionaries keyed by variable name."""
        return [dict(zip(self.variables, row)) for row in self.rows]


_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


# --- term conversion: rdflib at the boundary, Oxigraph inside -------------------------


def to_oxigraph(term: Identifier):
    """Convert an rdflib term to the Oxigraph term with the same meaning."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_oxigraph(term) -> Identifier | None:
    """Convert an Oxigraph term to rdflib (None stays None, the default graph becomes None)."""
    if term is None or isinstance(term, ox.DefaultGraph):
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        if datatype == _DECIMAL and "." not in term.value:
            # Oxigraph writes integral decimals as "7"; Turtle can only write a decimal
            # as "7.0", so that is the form kept, and exports re-parse to the same graph.
            return Literal(term.value + ".0", datatype=URIRef(datatype))
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"not an Oxigraph term: {term!r}")


def _converter() -> Callable[[object], Identifier | None]:
    """:func:`from_oxigraph` that converts each distinct term once: the rows of one answer repeat
    the same names, titles and sentences (the 2,433 pairs of figure-disagreements on 1,000
    articles: 0.25 s converted term by term, 0.02 s this way)."""
    converted: dict = {}

    def convert(term):
        found = converted.get(term)
        if found is None:
            found = converted[term] = from_oxigraph(term)
        return found

    return convert


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind(query: str, bindings: Mapping[str, Identifier] | None) -> str:
    """Bind variables of ``query`` by inline data at the head of its WHERE clause.

    Raises
    ------
    StoreError
        When a value is not an RDF term, or the query has no WHERE clause to bind in.

    >>> print(bind("SELECT ?x WHERE { ?x ?p ?name }", {"name": Literal('Deep"Seek')}))
    SELECT ?x WHERE { VALUES (?name) { ("Deep\\"Seek") } ?x ?p ?name }
    """
    if not bindings:
        return query
    for name, term in bindings.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise StoreError(f"{name!r} is not a SPARQL variable name")
        if not isinstance(term, (URIRef, Literal, BNode)):
            raise StoreError(f"the value bound to ?{name} is not an RDF term: {term!r}")
    # Comment lines may mention WHERE; they are blanked (same length) before the search.
    searchable = re.sub(r"(?m)^\s*#.*$", lambda match: " " * len(match.group()), query)
    match = _WHERE.search(searchable)
    if match is None:
        raise StoreError("a query with bindings needs a WHERE clause to bind them in")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(term.n3() for term in bindings.values())
    return f"{query[:match.end()]} VALUES ({names}) {{ ({values}) }}{query[match.end():]}"


# --- the embedded store ----------------------------------------------------------------


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

    def _query(self, query: str, bindings: Mapping[str, Identifier] | None):
        query = bind(query, bindings)
        try:
            return self._store.query(query, **query_dataset(self._store))
        except SyntaxError as error:
            raise StoreError(f"the query is not valid SPARQL: {error}") from error
        except OSError as error:
            raise StoreError(f"{self.path}: the store could not be read ({error})") from error

    def select(self, query: str, *, bindings: Mapping[str, Identifier] | None = None) -> Table:
        """Run a SELECT query and return its rows."""
        solutions = self._query(query, bindings)
        if not isinstance(solutions, ox.QuerySolutions):
            raise StoreError("expected a SELECT query")
        variables = [variable.value for variable in solutions.variables]
        convert = _converter()
        rows = [tuple(convert(solution[variable]) for variable in variables) for solution in solutions]
        return Table(variables, rows)

    def ask(self, query: str, *, bindings: Mapping[str, Identifier] | None = None) -> bool:
        """Run an ASK query."""
        return bool(self._query(query, bindings))

    def construct(self, query: str, *, bindings: Mapping[str, Identifier] | None = None) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query and return an rdflib graph."""
        graph = Graph()
        for triple in self._query(query, bindings):
            graph.add(tuple(from_oxigraph(term) for term in triple))
        return graph

    def raw_query(self, query: str, *, bindings: Mapping[str, Identifier] | None = None):
        """Run any query and return Oxigraph's own result object (for serialising results)."""
        return self._query(query, bindings)

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Replace the named graph ``graph`` with ``triples``; return how many.

        Not one transaction: a build or load is made whole by :func:`writing`, which swaps
        in the new generation only when everything is written."""
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


# --- a remote SPARQL 1.1 endpoint ---------------------------------------------------------


class RemoteStore:
    """A SPARQL 1.1 endpoint (Fuseki, QLever, GraphDB, or ``airace serve``) used as the store.

    ``query_url`` answers the SPARQL 1.1 Protocol; ``update_url`` (default: the same URL)
    takes SPARQL 1.1 Update. The endpoint must treat its default graph as the union of
    the named graphs (Fuseki: ``tdb2:unionDefaultGraph true``) for the queries to see
    every document.
    """

    def __init__(self, query_url: str, *, update_url: str | None = None, timeout: float = 60.0):
        self.path = None
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    def _post(self, url: str, body: dict[str, str], accept: str) -> bytes:
        request = urllib.request.Request(
            url,
            data=urllib.parse.urlencode(body).encode("utf-8"),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")[:300]
            raise StoreError(f"{url}: the endpoint answered {error.code}: {detail}") from error
        except (urllib.error.URLError, OSError) as error:
            raise StoreError(f"{url}: the endpoint cannot be reached ({error})") from error

    def _results(self, query: str, bindings) -> dict:
        body = self._post(self.query_url, {"query": bind(query, bindings)}, "application/sparql-results+json")
        return json.loads(body)

    def select(self, query: str, *, bindings: Mapping[str, Identifier] | None = None) -> Table:
        answer = self._results(query, bindings)
        variables = answer["head"]["vars"]
        rows = [
            tuple(_term_from_json(binding.get(variable)) for variable in variables)
            for binding in answer["results"]["bindings"]
        ]
        return Table(variables, rows)

    def ask(self, query: str, *, bindings: Mapping[str, Identifier] | None = None) -> bool:
        return bool(self._results(query, bindings)["boolean"])

    def construct(self, query: str, *, bindings: Mapping[str, Identifier] | None = None) -> Graph:
        body = self._post(self.query_url, {"query": bind(query, bindings)}, "application/n-triples")
        return Graph().parse(data=body.decode("utf-8"), format="nt")

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        triples = set(triples)
        data = "\n".join(" ".join(term.n3() for term in triple) + " ." for triple in triples)
        update = f"DROP SILENT GRAPH {graph.n3()} ;\nINSERT DATA {{ GRAPH {graph.n3()} {{\n{data}\n}} }}"
        self._post(self.update_url, {"update": update}, "*/*")
        return len(triples)

    def graphs(self) -> list[URIRef]:
        table = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row[0] for row in table.rows)

    def quads(self) -> Iterator[Quad]:
        table = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        yield from (tuple(row) for row in table.rows)

    def __len__(self) -> int:
        table = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(table.rows[0][0])

    def flush(self) -> None:
        """Nothing to do: the endpoint owns durability."""

    def has_graph(self, graph: URIRef) -> bool:
        return self.ask(f"ASK {{ GRAPH {graph.n3()} {{ ?s ?p ?o }} }}")

    def load_graphs(self, data: bytes, graphs: Iterable[URIRef]) -> None:
        parsed = Dataset()
        parsed.parse(data=data, format="nquads")
        for graph in graphs:
            self.replace_graph(graph, parsed.graph(graph))

    def replace_quads(self, graphs: Iterable[ox.NamedNode], quads: list[ox.Quad]) -> int:
        grouped: dict[ox.NamedNode, list] = {graph: [] for graph in graphs}
        for quad in quads:
            grouped[quad.graph_name].append(tuple(from_oxigraph(term) for term in (quad.subject, quad.predicate, quad.object)))
        return sum(self.replace_graph(URIRef(graph.value), triples) for graph, triples in grouped.items())

    def locations(self) -> dict[str, str]:
        """An endpoint keeps no record of files: a changed file is added beside its old version."""
        return {}

    def set_locations(self, locations: Mapping[str, str]) -> None:
        """Nothing is recorded (see :meth:`locations`)."""


def _term_from_json(value: dict | None) -> Identifier | None:
    if value is None:
        return None
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    if "datatype" in value and value["datatype"] != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value["value"], datatype=URIRef(value["datatype"]))
    return Literal(value["value"])


def open_store(location: Path | str | None, *, read_only: bool = False) -> LocalStore | RemoteStore:
    """Open the store at ``location``: a folder, an ``http(s)://`` SPARQL endpoint, or None for memory.

    Raises
    ------
    StoreError
        When the store cannot be opened.
    """
    if isinstance(location, str) and location.startswith(("http://", "https://")):
        return RemoteStore(location)
    return LocalStore(location, read_only=read_only)


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
    if location is None or (isinstance(location, str) and location.startswith(("http://", "https://"))):
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


def _write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


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
