"""A remote SPARQL 1.1 endpoint as the store: queries by the SPARQL 1.1 Protocol, writes by SPARQL Update.

>>> RemoteStore("http://127.0.0.1:7878/query", update_url="http://127.0.0.1:7878/update")
RemoteStore('http://127.0.0.1:7878/query')
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Iterable, Iterator, Mapping

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from .terms import Binding, Quad, StoreError, Table, Triple, bind, from_json, from_oxigraph

__all__ = ["RemoteStore"]


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

    def select(self, query: str, *, bindings: Mapping[str, Binding] | None = None) -> Table:
        """Run a SELECT query and return its rows."""
        answer = self._results(query, bindings)
        variables = answer["head"]["vars"]
        rows = [
            tuple(from_json(binding.get(variable)) for variable in variables)
            for binding in answer["results"]["bindings"]
        ]
        return Table(variables, rows)

    def strings(self, query: str, *, bindings: Mapping[str, Binding] | None = None) -> Iterator[tuple]:
        """Run a SELECT query and yield its rows as the terms' lexical forms (None when unbound)."""
        answer = self._results(query, bindings)
        variables = answer["head"]["vars"]
        return (tuple(binding[variable]["value"] if variable in binding else None for variable in variables)
                for binding in answer["results"]["bindings"])

    def ask(self, query: str, *, bindings: Mapping[str, Binding] | None = None) -> bool:
        """Run an ASK query."""
        return bool(self._results(query, bindings)["boolean"])

    def construct(self, query: str, *, bindings: Mapping[str, Binding] | None = None) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query and return an rdflib graph."""
        body = self._post(self.query_url, {"query": bind(query, bindings)}, "application/n-triples")
        return Graph().parse(data=body.decode("utf-8"), format="nt")

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> int:
        """Replace the named graph ``graph`` with ``triples``; return how many."""
        triples = set(triples)
        data = "\n".join(" ".join(term.n3() for term in triple) + " ." for triple in triples)
        update = f"DROP SILENT GRAPH {graph.n3()} ;\nINSERT DATA {{ GRAPH {graph.n3()} {{\n{data}\n}} }}"
        self._post(self.update_url, {"update": update}, "*/*")
        return len(triples)

    def graphs(self) -> list[URIRef]:
        """The named graphs in the store, sorted."""
        table = self.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row[0] for row in table.rows)

    def quads(self) -> Iterator[Quad]:
        """Every quad in the named graphs, as rdflib terms."""
        table = self.select("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        yield from (tuple(row) for row in table.rows)

    def __len__(self) -> int:
        table = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(table.rows[0][0])

    def flush(self) -> None:
        """Nothing to do: the endpoint owns durability."""

    def has_graph(self, graph: URIRef) -> bool:
        """Whether the named graph ``graph`` holds anything."""
        return self.ask(f"ASK {{ GRAPH {graph.n3()} {{ ?s ?p ?o }} }}")

    def load_graphs(self, data: bytes, graphs: Iterable[URIRef]) -> None:
        """Replace ``graphs`` by the N-Quads ``data`` (which holds their quads)."""
        parsed = Dataset()
        parsed.parse(data=data, format="nquads")
        for graph in graphs:
            self.replace_graph(graph, parsed.graph(graph))

    def replace_quads(self, graphs: Iterable[ox.NamedNode], quads: list[ox.Quad]) -> int:
        """Replace the named ``graphs`` by ``quads`` (Oxigraph's own, in those graphs); return how many."""
        grouped: dict[ox.NamedNode, list] = {graph: [] for graph in graphs}
        for quad in quads:
            grouped[quad.graph_name].append(tuple(from_oxigraph(term) for term in (quad.subject, quad.predicate, quad.object)))
        return sum(self.replace_graph(URIRef(graph.value), triples) for graph, triples in grouped.items())

    def locations(self) -> dict[str, str]:
        """An endpoint keeps no record of files: a changed file is added beside its old version."""
        return {}

    def set_locations(self, locations: Mapping[str, str]) -> None:
        """Nothing is recorded (see :meth:`locations`)."""
