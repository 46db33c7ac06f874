"""The SPARQL 1.1 Protocol, the parts that need no server: which format a client accepts,
what a request asks, and one query run against an open store and serialised.

:func:`choose` negotiates the media type (``Accept`` with q-values, or the ``format``
parameter some clients send), :func:`parse_request` reads the protocol's parameters from
a GET or POST, and :func:`execute` runs a :class:`Task` and gives a :class:`Reply`; the
server in :mod:`airace.graph.endpoint` relays them over HTTP from worker processes.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.update('INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> <https://example.org/p> "x" } }')
>>> request = parse_request("GET", "query=SELECT+%3Fs+WHERE+%7B+%3Fs+%3Fp+%22x%22+%7D&format=csv", "", b"")
>>> media = choose("*/*", RESULT_TYPES, preferred=format_named(request.formats, RESULT_TYPES))
>>> reply = execute(store, Task("query", request.query, results_type=media, max_rows=10))
>>> reply.status, reply.content_type, reply.body
(200, 'text/csv; charset=utf-8', b's\\r\\nhttps://example.org/a\\r\\n')
"""

from __future__ import annotations

import itertools
import urllib.parse
from dataclasses import dataclass
from typing import Mapping, Sequence

import pyoxigraph as ox

from .querying import MAX_NESTING, PREFIXES, first_line, too_deep
from .store import merge_named_graphs, query_dataset

__all__ = ["RESULT_TYPES", "GRAPH_TYPES", "ProtocolError", "SparqlRequest", "Task", "Reply", "choose", "format_named",
           "parse_request", "execute"]

#: Media types for SELECT and ASK results, the server's preference first (an alias maps to its type).
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "application/sparql-results+json",
    "application/sparql-results+xml": "application/sparql-results+xml",
    "text/csv": "text/csv",
    "text/tab-separated-values": "text/tab-separated-values",
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
}

#: Media types for CONSTRUCT and DESCRIBE graphs, Turtle first.
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "text/turtle",
    "application/n-triples": "application/n-triples",
    "application/rdf+xml": "application/rdf+xml",
    "application/ld+json": "application/ld+json",
    "application/turtle": "text/turtle",
    "application/x-turtle": "text/turtle",
    "text/n3": "text/turtle",  # Turtle is a subset of N3
}

#: Names a client may give in ``format``/``output``/``results`` (as Fuseki and Virtuoso take them).
_FORMAT_NAMES: dict[str, str] = {
    **dict.fromkeys(["json"], "application/sparql-results+json"),
    **dict.fromkeys(["xml"], "application/sparql-results+xml"),
    **dict.fromkeys(["csv"], "text/csv"),
    **dict.fromkeys(["tsv"], "text/tab-separated-values"),
    **dict.fromkeys(["turtle", "ttl", "n3"], "text/turtle"),
    **dict.fromkeys(["nt", "ntriples", "n-triples"], "application/n-triples"),
    **dict.fromkeys(["rdfxml", "rdf+xml"], "application/rdf+xml"),
    **dict.fromkeys(["jsonld", "json-ld"], "application/ld+json"),
}
# For a graph, "json" and "xml" mean JSON-LD and RDF/XML.
_GRAPH_NAME_FOR = {"application/sparql-results+json": "application/ld+json",
                   "application/sparql-results+xml": "application/rdf+xml"}
_FORMAT_PARAMETERS = ("format", "output", "results")
# Turtle's prefixes; not id:, whose local names would need their slashes escaped (id:org\/deepseek).
_PREFIXES = {prefix: namespace for prefix, namespace in PREFIXES.items() if prefix != "id"}


class ProtocolError(Exception):
    """A request the SPARQL 1.1 Protocol does not allow: ``status`` and a short message for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


# --- content negotiation ---------------------------------------------------------------


def _ranges(accept: str) -> list[tuple[str, str, float]]:
    ranges = []
    for part in accept.split(","):
        media, *params = part.split(";")
        kind, _, subtype = media.strip().lower().partition("/")
        if not kind or not subtype:
            continue
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    weight = 0.0
        ranges.append((kind, subtype, weight))
    return ranges


def choose(accept: str | None, offered: Mapping[str, str], *, preferred: str | None = None) -> str | None:
    """The media type to answer with, or None when the client accepts none of ``offered``.

    Each offered type takes the q-value of the most specific range that matches it; the
    highest wins, then an explicit match over a wildcard, then the order of ``offered``.
    When nothing but ``*/*`` (or no header) matches, ``preferred`` (the type a ``format``
    parameter named) wins.

    >>> choose("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES)
    'application/sparql-results+xml'
    >>> choose(None, RESULT_TYPES), choose("*/*", GRAPH_TYPES)
    ('application/sparql-results+json', 'text/turtle')
    >>> choose("*/*", RESULT_TYPES, preferred="text/tab-separated-values")
    'text/tab-separated-values'
    >>> choose("application/json", RESULT_TYPES), choose("text/html", RESULT_TYPES)
    ('application/sparql-results+json', None)
    >>> choose("text/*, */*;q=0.1", GRAPH_TYPES)
    'text/turtle'
    """
    ranges = _ranges(accept) if accept and accept.strip() else [("*", "*", 1.0)]
    scored = []
    for index, media in enumerate(offered):
        kind, _, subtype = media.partition("/")
        matches = [
            (2 if (r_kind, r_sub) == (kind, subtype) else 1 if r_kind == kind else 0, weight)
            for r_kind, r_sub, weight in ranges
            if (r_kind, r_sub) in ((kind, subtype), (kind, "*"), ("*", "*"))
        ]
        if matches:
            specificity, weight = max(matches)
            if weight > 0:
                scored.append((weight, specificity, -index, offered[media]))
    if not scored:
        return None
    if preferred in offered.values() and all(specificity == 0 for _, specificity, _, _ in scored):
        return preferred
    return max(scored)[3]


def format_named(values: Sequence[str], offered: Mapping[str, str]) -> str | None:
    """The first of ``values`` (from ``format=`` and the like) that names one of ``offered``.

    >>> format_named(["json"], RESULT_TYPES), format_named(["json"], GRAPH_TYPES)
    ('application/sparql-results+json', 'application/ld+json')
    >>> format_named(["tsv", "text/tab-separated-values"], RESULT_TYPES), format_named(["yaml"], RESULT_TYPES)
    ('text/tab-separated-values', None)
    """
    for value in values:
        value = value.strip().lower()
        media = _FORMAT_NAMES.get(value, value)
        if media not in offered:  # "json" or "xml" for a graph
            media = _GRAPH_NAME_FOR.get(media, media)
        if media in offered:
            return offered[media]
    return None


# --- the protocol's parameters ---------------------------------------------------------


@dataclass(frozen=True)
class SparqlRequest:
    """One request's operation (``query`` or ``update``), its dataset and the formats it names."""

    query: str | None = None
    update: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()


def parse_request(method: str, query_string: str, content_type: str | None, body: bytes) -> SparqlRequest:
    """Read a SPARQL 1.1 Protocol request; parameters other than the protocol's are ignored.

    Raises
    ------
    ProtocolError
        400 for a missing, repeated or undecodable operation, 415 for a body of another type.

    >>> parse_request("POST", "format=json", "application/sparql-query; charset=utf-8", b"ASK {}")
    SparqlRequest(query='ASK {}', update=None, default_graphs=(), named_graphs=(), formats=('json',))
    >>> parse_request("POST", "", "application/x-www-form-urlencoded", b"update=CLEAR+ALL&x=1").update
    'CLEAR ALL'
    >>> parse_request("GET", "update=CLEAR+ALL", None, b"")
    Traceback (most recent call last):
    ...
    airace.graph.protocol.ProtocolError: SPARQL Update must be sent by POST
    """
    try:
        params = urllib.parse.parse_qs(query_string, keep_blank_values=True, errors="strict")
        media = (content_type or "").split(";")[0].strip().lower()
        if method == "POST" and media == "application/x-www-form-urlencoded":
            for name, values in urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True,
                                                       errors="strict").items():
                params.setdefault(name, []).extend(values)
        elif method == "POST" and media in ("application/sparql-query", "application/sparql-update"):
            if "query" in params or "update" in params:
                raise ProtocolError(400, f"a {media} request carries its operation in the body, not the URL")
            params["query" if media.endswith("query") else "update"] = [body.decode("utf-8")]
        elif method == "POST":
            raise ProtocolError(415, "POST a body of type application/x-www-form-urlencoded, "
                                     "application/sparql-query or application/sparql-update")
    except UnicodeDecodeError as error:
        raise ProtocolError(400, f"the request is not UTF-8 ({error.reason})") from error
    queries, updates = params.get("query", []), params.get("update", [])
    if method == "GET" and updates:
        raise ProtocolError(400, "SPARQL Update must be sent by POST")
    if len(queries) + len(updates) != 1:
        raise ProtocolError(400, "give exactly one query (?query=… or a POST) or one update"
                            if queries or updates else "no query: give ?query=… or POST one")
    if updates and ("using-graph-uri" in params or "using-named-graph-uri" in params):
        raise ProtocolError(400, "using-graph-uri and using-named-graph-uri are not supported; "
                                 "say USING or WITH in the update")
    return SparqlRequest(
        query=queries[0] if queries else None,
        update=updates[0] if updates else None,
        default_graphs=tuple(params.get("default-graph-uri", [])),
        named_graphs=tuple(params.get("named-graph-uri", [])),
        formats=tuple(value for name in _FORMAT_PARAMETERS for value in params.get(name, [])),
    )


# --- running one operation (in a worker) ----------------------------------------------


@dataclass(frozen=True)
class Task:
    """What a worker is asked to do: ``kind`` is ``query``, ``update`` or ``page``."""

    kind: str
    text: str = ""
    results_type: str | None = None  # the media type for SELECT/ASK, None if the client accepts none
    graph_type: str | None = None  # the media type for CONSTRUCT/DESCRIBE
    max_rows: int = 10_000
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, content type, body, and whether rows were cut at the cap."""

    status: int
    content_type: str
    body: bytes
    truncated: bool = False

    @classmethod
    def text(cls, status: int, message: str) -> Reply:
        """A short plain-text answer (errors)."""
        return cls(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def _content_type(media: str) -> str:
    return media + "; charset=utf-8" if media.startswith("text/") else media


def _tsv_term(term) -> str:
    """A term as the TSV results format writes it (N-Triples, with ``<<( … )>>`` for a triple term)."""
    if isinstance(term, ox.Triple):
        return f"<<( {_tsv_term(term.subject)} {_tsv_term(term.predicate)} {_tsv_term(term.object)} )>>"
    return "" if term is None else str(term)


def _not_acceptable(form: str, offered: Mapping[str, str]) -> Reply:
    return Reply.text(406, f"the Accept header allows no format for a {form} result; this endpoint offers "
                           + ", ".join(dict.fromkeys(offered.values())))


def execute(store: ox.Store, task: Task) -> Reply:
    """Run ``task`` against an open pyoxigraph store and serialise the answer.

    Queries see the union of the named graphs as their default graph unless the request
    names ``default-graph-uri``. At most ``task.max_rows`` rows (or triples) are written;
    the reply says when more were cut.

    >>> store = ox.Store()
    >>> execute(store, Task("query", "ASK {}", results_type="application/sparql-results+json")).body
    b'{"head":{},"boolean":true}'
    >>> execute(store, Task("query", "SELECT ?x WHERE {", results_type="text/csv")).body
    b'the query is not valid SPARQL: error at 1:18: ...'
    >>> execute(store, Task("query", "SELECT ?n WHERE { VALUES ?n { 1 2 3 } }", results_type="text/csv", max_rows=2))
    Reply(status=200, content_type='text/csv; charset=utf-8', body=b'n\\r\\n1\\r\\n2\\r\\n', truncated=True)
    >>> execute(store, Task("query", "ASK " + "{" * 2000 + "}" * 2000)).body
    b'the query nests brackets more than 1000 deep, ...'
    """
    operation = "update" if task.kind == "update" else "query"
    if too_deep(task.text):  # the parser would overflow its stack and take the worker down
        return Reply.text(400, f"the {operation} nests brackets more than {MAX_NESTING} deep, deeper than "
                               "the SPARQL parser can go; flatten it")
    try:
        return _execute(store, task)
    except SyntaxError as error:
        return Reply.text(400, f"the {operation} is not valid SPARQL: " + first_line(str(error)))
    except ValueError as error:  # a bad IRI in default-graph-uri, an unsupported update
        return Reply.text(400, str(error))
    except OSError as error:  # the store, or a SERVICE endpoint, failed
        return Reply.text(500, f"the store could not answer: {error}")


def _execute(store: ox.Store, task: Task) -> Reply:
    if task.kind == "update":
        store.update(task.text)
        merge_named_graphs(store)
        return Reply(204, "text/plain; charset=utf-8", b"")
    dataset = {"named_graphs": [ox.NamedNode(iri) for iri in task.named_graphs]} if task.named_graphs else {}
    if task.default_graphs:
        dataset["default_graph"] = [ox.NamedNode(iri) for iri in task.default_graphs]
    else:
        dataset.update(query_dataset(store))
    result = store.query(task.text, **dataset)
    if isinstance(result, ox.QueryTriples):
        if task.graph_type is None:
            return _not_acceptable("CONSTRUCT or DESCRIBE", GRAPH_TYPES)
        triples = list(itertools.islice(result, task.max_rows + 1))
        body = ox.serialize(triples[: task.max_rows], format=ox.RdfFormat.from_media_type(task.graph_type),
                            prefixes=_PREFIXES)
        return Reply(200, _content_type(task.graph_type), body, len(triples) > task.max_rows)
    if task.results_type is None:
        return _not_acceptable("SELECT or ASK", RESULT_TYPES)
    results_format = ox.QueryResultsFormat.from_media_type(task.results_type)
    if isinstance(result, ox.QueryBoolean):
        return Reply(200, _content_type(task.results_type), result.serialize(format=results_format))
    # pyoxigraph serialises only a whole QuerySolutions: the first rows are written as TSV
    # (whose cells are N-Triples terms, so nothing is lost) and read back as one.
    variables = result.variables
    rows = list(itertools.islice(result, task.max_rows + 1))
    lines = ["\t".join(f"?{variable.value}" for variable in variables)]
    lines += ["\t".join(_tsv_term(row[variable]) for variable in variables) for row in rows[: task.max_rows]]
    kept = ox.parse_query_results(("\n".join(lines) + "\n").encode("utf-8"), format=ox.QueryResultsFormat.TSV)
    return Reply(200, _content_type(task.results_type), kept.serialize(format=results_format),
                 len(rows) > task.max_rows)
