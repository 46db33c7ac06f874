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
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Identifier

__all__ = [
    "Table",
    "StoreError",
    "LocalStore",
    "RemoteStore",
    "open_store",
    "to_oxigraph",
    "from_oxigraph",
    "bind",
    "union_graph",
]

DEFAULT_STORE = Path("airace-store")

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

    def __init__(self, path: Path | str | None, *, read_only: bool = False):
        self.path = Path(path) if path is not None else None
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                if not self.path.exists():
                    raise StoreError(f"{self.path}: no store here; run `airace build` first")
                self._store = ox.Store.read_only(str(self.path))
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(self.path))
        except OSError as error:
            raise StoreError(f"{self.path}: cannot open the store ({error})") from error

    def __repr__(self) -> str:
        return f"LocalStore({str(self.path) if self.path else 'memory'!r})"

    def _query(self, query: str, bindings: Mapping[str, Identifier] | None):
        query = bind(query, bindings)
        try:
            return self._store.query(query, use_default_graph_as_union=True)
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
        rows = [tuple(from_oxigraph(solution[variable]) for variable in variables) for solution in solutions]
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
        """Replace the named graph ``graph`` with ``triples`` in one transaction; return how many."""
        name = ox.NamedNode(str(graph))
        quads = [ox.Quad(*(to_oxigraph(term) for term in triple), name) for triple in set(triples)]
        try:
            self._store.remove_graph(name)
            self._store.extend(quads)
        except OSError as error:
            raise StoreError(f"{self.path}: the store could not be written ({error})") from error
        return len(quads)

    def graphs(self) -> list[URIRef]:
        """The named graphs in the store, sorted."""
        return sorted(URIRef(graph.value) for graph in self._store.named_graphs() if isinstance(graph, ox.NamedNode))

    def quads(self) -> Iterator[Quad]:
        """Every quad in the store, as rdflib terms (the graph is None for the default graph)."""
        for quad in self._store:
            yield (
                from_oxigraph(quad.subject),
                from_oxigraph(quad.predicate),
                from_oxigraph(quad.object),
                from_oxigraph(quad.graph_name),
            )

    def __len__(self) -> int:
        return len(self._store)

    def load(self, data: bytes, *, format: str, graph: URIRef | None = None) -> None:
        """Bulk-load serialised RDF (``format`` is a media type or an extension such as ``nq``)."""
        rdf_format = ox.RdfFormat.from_extension(format) or ox.RdfFormat.from_media_type(format)
        if rdf_format is None:
            raise StoreError(f"unknown RDF format {format!r}")
        try:
            self._store.bulk_load(
                data, format=rdf_format, to_graph=ox.NamedNode(str(graph)) if graph else None
            )
        except SyntaxError as error:
            raise StoreError(f"the data is not valid {format}: {error}") from error

    def flush(self) -> None:
        """Make every write durable on disk."""
        if self.path is not None:
            self._store.flush()


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
