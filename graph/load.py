"""Loading: RDF files from this tool or any other into the store, one file at a time, atomically.

A colleague's graph merges into yours with ``airace load their-graph.trig``.

- **Formats.** Turtle (``.ttl``), N-Triples (``.nt``), N-Quads (``.nq``), TriG (``.trig``) and
  JSON-LD (``.jsonld``), chosen by the file's extension unless ``format`` names one. They are
  read by Oxigraph's strict parsers, with the file's own URI as the base of relative IRIs.
  JSON-LD may not name remote contexts: nothing is fetched.
  RDF/XML is not accepted: XML parsers may expand the entities a DOCTYPE declares (the
  "billion laughs"), so such a file is refused with one line; convert it to Turtle first.
- **Graphs.** The triples of a triples-only file (and the default graph of an N-Quads or TriG
  file) go into one named graph per file, ``https://w3id.org/airace/id/graph/load/<hash>``
  (the first 16 hex digits of the sha256 of the file's bytes), or into ``graph`` when given.
  The named graphs of an N-Quads, TriG or JSON-LD file keep their names (a graph named by a
  blank node ``_:g`` becomes ``<the file's graph>-b0``, numbered in order of appearance).
- **Replacing, not adding.** Each graph a file fills replaces the store's graph of that name,
  so loading the same file twice adds nothing. (An airace document graph is named for the
  hash of its article, so the same name means the same article.)
- **Blank nodes** are renamed per file (the file's hash and their order of appearance), so
  ``_:b0`` in two files stays two nodes, and loading a file again gives the same names.
- **Atomic per file.** A file is parsed whole before anything is written: a file that does not
  parse changes nothing and raises :class:`LoadError` naming it, with the parser's line and column.

>>> import tempfile
>>> from airace.graph.store import open_store
>>> data = b'<http://example.org/a> <http://example.org/p> "x" .\\n'
>>> store = open_store(None)
>>> with tempfile.TemporaryDirectory() as folder:
...     path = Path(folder) / "a.nt"
...     _ = path.write_bytes(data)
...     first = load_file(path, store)
...     again = load_file(path, store)  # replaces the file's graph: adds nothing
>>> first.graphs == [load_graph_iri(data)], first.quads, again.quads, len(store)
(True, 1, 1, 1)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox
from rdflib import URIRef

from airace.ontology import ID

from .store import Store

__all__ = ["FORMATS", "LoadError", "Loaded", "load_graph_iri", "load_file", "load_files"]

# format name or extension -> Oxigraph's parser
FORMATS = {
    "turtle": ox.RdfFormat.TURTLE, "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES, "ntriples": ox.RdfFormat.N_TRIPLES,
    "nquads": ox.RdfFormat.N_QUADS, "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD, "json-ld": ox.RdfFormat.JSON_LD,
}

_RDF_XML = {"rdf", "rdfxml", "rdf/xml", "xml", "owl"}
_REFUSED_RDF_XML = ("RDF/XML is not accepted (an XML parser may expand the entities of a DOCTYPE); "
                    "convert the file to Turtle or N-Triples first")


class LoadError(ValueError):
    """A file could not be loaded (unreadable, unknown format, not valid RDF); the message names it."""


@dataclass(frozen=True)
class Loaded:
    """One loaded file: the graphs it replaced and how many quads it holds now."""

    path: Path
    graphs: list[URIRef]
    quads: int

    def line(self) -> str:
        quads = "1 quad" if self.quads == 1 else f"{self.quads} quads"
        graphs = "1 graph" if len(self.graphs) == 1 else f"{len(self.graphs)} graphs"
        return f"{self.path}: {quads} in {graphs}"


def load_graph_iri(data: bytes) -> URIRef:
    """The named graph that receives the triples of a file with these bytes.

    >>> str(load_graph_iri(b""))
    'https://w3id.org/airace/id/graph/load/e3b0c44298fc1c14'
    """
    return URIRef(ID["graph/load/" + hashlib.sha256(data).hexdigest()[:16]])


def _format(path: Path, format: str | None) -> ox.RdfFormat:
    name = (format or path.suffix.lstrip(".")).lower()
    if name in _RDF_XML:
        raise LoadError(f"{path}: {_REFUSED_RDF_XML}")
    if name not in FORMATS:
        given = f"format {format!r}" if format else f"extension {path.suffix or '(none)'!r}"
        raise LoadError(f"{path}: unknown {given}; use .ttl, .nt, .nq, .trig or .jsonld, or --format")
    return FORMATS[name]


def _syntax_message(error: SyntaxError) -> str:
    # Oxigraph's message already says "between line L column C and ..."; add it if it does not.
    message = error.msg or str(error)
    if error.lineno and "line" not in message:
        message = f"line {error.lineno}, column {error.offset}: {message}"
    return message


def load_file(
    path: Path | str,
    store: Store,
    *,
    format: str | None = None,
    graph: URIRef | str | None = None,
    base_iri: str | None = None,
) -> Loaded:
    """Load one RDF file into ``store``, replacing each graph it fills.

    Parameters
    ----------
    path
        The file; its extension chooses the parser unless ``format`` is given.
    store
        The store to load into.
    format
        ``turtle``, ``nt``, ``nquads``, ``trig`` or ``jsonld`` (or an extension such as ``ttl``).
    graph
        The graph for the file's triples (default: :func:`load_graph_iri` of its bytes).
    base_iri
        The base of relative IRIs (default: the file's ``file://`` URI).

    Raises
    ------
    LoadError
        When the file cannot be read, has an unknown or refused format (RDF/XML), does
        not parse, or holds RDF 1.2 triple terms; the store is then unchanged.
    """
    path = Path(path)
    rdf_format = _format(path, format)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LoadError(f"{path}: cannot be read ({error.strerror or error})") from error
    default = ox.NamedNode(str(graph) if graph else str(load_graph_iri(data)))
    digest = hashlib.sha256(data).hexdigest()[:16]
    blank_nodes: dict[str, ox.BlankNode] = {}

    def term(node):
        # Blank nodes get names of this file's own, so two files' _:b0 stay two nodes.
        if isinstance(node, ox.BlankNode):
            if node.value not in blank_nodes:
                blank_nodes[node.value] = ox.BlankNode(f"l{digest}b{len(blank_nodes)}")
            return blank_nodes[node.value]
        return node

    def graph_name(node):
        if isinstance(node, ox.DefaultGraph):
            return default
        if isinstance(node, ox.BlankNode):  # TriG allows `_:g { ... }`; the store names graphs by IRI
            return ox.NamedNode(f"{default.value}-{term(node).value.removeprefix('l' + digest)}")
        return node

    quads: list[ox.Quad] = []
    graphs: set[ox.NamedNode] = set()
    try:
        for quad in ox.parse(data, rdf_format, base_iri=base_iri or path.resolve().as_uri()):
            subject, obj, name = quad.subject, quad.object, quad.graph_name
            if isinstance(subject, ox.Triple) or isinstance(obj, ox.Triple):
                raise LoadError(f"{path}: holds RDF 1.2 triple terms, which airace's store does not take")
            # Most quads pass through as parsed: a million of them load at the parser's speed.
            if isinstance(subject, ox.BlankNode) or isinstance(obj, ox.BlankNode) or not isinstance(name, ox.NamedNode):
                quad = ox.Quad(term(subject), quad.predicate, term(obj), graph_name(name))
            graphs.add(quad.graph_name)
            quads.append(quad)
    except LoadError:
        raise
    except SyntaxError as error:
        raise LoadError(f"{path}: not valid {rdf_format.name}: {_syntax_message(error)}") from error
    except ValueError as error:
        raise LoadError(f"{path}: {error}") from error
    graphs = graphs or {default}
    total = store.replace_quads(graphs, quads)
    store.flush()
    graphs = {URIRef(name.value) for name in graphs}
    return Loaded(path, sorted(graphs), total)


def load_files(
    paths: Iterable[Path | str],
    store: Store,
    *,
    format: str | None = None,
    graph: URIRef | str | None = None,
) -> tuple[list[Loaded], list[str]]:
    """Load each file in turn; a file that fails is reported and the others still load.

    Returns the loaded files and one message per file that failed.

    Raises
    ------
    LoadError
        When ``graph`` is given with more than one file (each would replace the other), or is
        not an absolute IRI.
    """
    paths = list(paths)
    if graph and len(paths) > 1:
        raise LoadError("--graph takes one file: each file replaces the graph it fills")
    if graph:
        try:
            ox.NamedNode(str(graph))
        except ValueError as error:
            raise LoadError(f"--graph {graph}: not an absolute IRI ({error})") from error
    loaded, problems = [], []
    for path in paths:
        try:
            loaded.append(load_file(path, store, format=format, graph=graph))
        except LoadError as error:
            problems.append(str(error))
    return loaded, problems
