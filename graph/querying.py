"""Running the shipped queries: find a query's text, read bindings, format the rows.

The three steps of ``airace query`` as plain functions, so a Python user can do
what the command does:

>>> from airace.graph.store import open_store
>>> store = open_store(None)
>>> query = resolve("entity-names")
>>> bindings = parse_bindings(["name=DeepSeek"])
>>> print(format_table(store.select(query, bindings=bindings), "table"))  # an empty store
entity  label  class  altLabel
------  -----  -----  --------
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Iterable, Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from airace import queries
from airace.graph.store import Table

__all__ = ["FORMATS", "PREFIXES", "resolve", "parse_bindings", "format_table", "shorten"]

#: The output formats of :func:`format_table`.
FORMATS = ("table", "csv", "tsv", "json")

#: Prefixes used to shorten IRIs in the plain-text table.
PREFIXES: dict[str, str] = {
    "race": "https://w3id.org/airace/ontology#",
    "id": "https://w3id.org/airace/id/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "owl": "http://www.w3.org/2002/07/owl#",
}

_XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Characters that may not appear in an IRI reference (SPARQL's IRIREF).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


# --- finding the query -----------------------------------------------------------------


def resolve(spec: str) -> str:
    """The SPARQL text named by ``spec``: a shipped query's name, or a path to an ``.rq`` file.

    A spec that ends in ``.rq`` or contains a path separator is a file; anything
    else is the name of a query in the ``queries`` package.

    Raises
    ------
    FileNotFoundError
        When ``spec`` is a path and no file is there.
    KeyError
        When ``spec`` is a name and no shipped query has it; the message lists the names.

    Examples
    --------
    >>> resolve("chips-in-use").startswith("# Q6.")
    True
    >>> resolve("no-such-query")
    Traceback (most recent call last):
    ...
    KeyError: "no query named 'no-such-query'; known queries: ...
    """
    if spec.endswith(".rq") or "/" in spec or "\\" in spec:
        path = Path(spec)
        if not path.is_file():
            hint = ""
            if path.stem in queries.names():
                hint = f"; to run the shipped query, give its name: {path.stem}"
            raise FileNotFoundError(f"{spec}: no such query file{hint}")
        return path.read_text(encoding="utf-8")
    return queries.read(spec)


# --- bindings --------------------------------------------------------------------------


def parse_bindings(pairs: Iterable[str]) -> dict[str, Identifier]:
    """Turn ``NAME=VALUE`` pairs into query bindings.

    A value written ``<…>`` is an IRI; any other value is a plain string literal,
    taken exactly as given (``year=2024`` binds the string "2024": numbers are
    not guessed, so write the query to compare strings or cast with ``xsd:integer()``).
    A leading ``?`` or ``$`` on the name is allowed.

    Raises
    ------
    ValueError
        Naming the pair, when it has no ``=``, its name is not a SPARQL variable
        name, the name is given twice, or an ``<…>`` value is not a valid IRI.

    Examples
    --------
    >>> parse_bindings(["name=Deep Seek", "?model=<https://w3id.org/airace/id/model/o1>"])
    {'name': rdflib.term.Literal('Deep Seek'), 'model': rdflib.term.URIRef('https://w3id.org/airace/id/model/o1')}
    >>> parse_bindings(["DeepSeek"])
    Traceback (most recent call last):
    ...
    ValueError: binding 'DeepSeek' is not NAME=VALUE (for example name=DeepSeek)
    """
    bindings: dict[str, Identifier] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals:
            raise ValueError(f"binding {pair!r} is not NAME=VALUE (for example name=DeepSeek)")
        name = name.strip()
        if name[:1] in ("?", "$"):
            name = name[1:]
        if not _VARIABLE.fullmatch(name):
            raise ValueError(f"binding {pair!r}: {name!r} is not a SPARQL variable name")
        if name in bindings:
            raise ValueError(f"binding {pair!r}: ?{name} is bound twice")
        if len(value) >= 2 and value.startswith("<") and value.endswith(">"):
            iri = value[1:-1]
            if not iri or _NOT_IN_IRI.search(iri):
                raise ValueError(f"binding {pair!r}: {value} is not a valid IRI")
            bindings[name] = URIRef(iri)
        else:
            bindings[name] = Literal(value)
    return bindings


# --- formatting ------------------------------------------------------------------------


def shorten(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """``iri`` as ``prefix:rest`` when a namespace of ``prefixes`` starts it, else unchanged.

    >>> shorten("https://w3id.org/airace/id/org/deepseek")
    'id:org/deepseek'
    >>> shorten("https://example.org/x")
    'https://example.org/x'
    """
    best = max(
        ((prefix, namespace) for prefix, namespace in prefixes.items() if iri.startswith(namespace)),
        key=lambda item: len(item[1]),
        default=None,
    )
    if best is None or iri == best[1]:
        return iri
    return f"{best[0]}:{iri[len(best[1]):]}"


def format_table(table: Table, fmt: str, *, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """Format a query's rows as text, without a final newline.

    ``fmt`` is one of :data:`FORMATS`:

    - ``table``: aligned plain text for reading (header, rule, rows): literals by
      their lexical value, IRIs shortened with ``prefixes``, empty for unbound;
    - ``csv``: SPARQL 1.1 CSV results (values only: lexical forms and full IRIs);
    - ``tsv``: SPARQL 1.1 TSV results (header ``?var``, terms in N-Triples form);
    - ``json``: SPARQL 1.1 Query Results JSON.

    Raises
    ------
    ValueError
        When ``fmt`` is not one of :data:`FORMATS`.

    Examples
    --------
    >>> from rdflib import Literal, URIRef
    >>> chip = URIRef("https://w3id.org/airace/id/chip/h800")
    >>> table = Table(["chip", "name", "node"], [(chip, Literal("H800"), None)])
    >>> print(format_table(table, "table"))
    chip          name  node
    ------------  ----  ----
    id:chip/h800  H800
    >>> print(format_table(table, "tsv").replace("\\t", "|"))
    ?chip|?name|?node
    <https://w3id.org/airace/id/chip/h800>|"H800"|
    >>> format_table(table, "xml")
    Traceback (most recent call last):
    ...
    ValueError: unknown format 'xml'; choose one of table, csv, tsv, json
    """
    if fmt == "table":
        return _plain(table, prefixes)
    if fmt == "csv":
        return _csv(table)
    if fmt == "tsv":
        return _tsv(table)
    if fmt == "json":
        return json.dumps(_json(table), ensure_ascii=False, indent=2)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def _plain(table: Table, prefixes: Mapping[str, str]) -> str:
    def cell(term: Identifier | None) -> str:
        if term is None:
            return ""
        if isinstance(term, URIRef):
            text = shorten(str(term), prefixes)
        elif isinstance(term, BNode):
            text = f"_:{term}"
        else:
            text = str(term)
        # Control characters would break the alignment: show them escaped.
        return text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")

    header = list(table.variables)
    body = [[cell(term) for term in row] for row in table.rows]
    widths = [max([len(name)] + [len(row[i]) for row in body]) for i, name in enumerate(header)]
    lines = [header, ["-" * width for width in widths], *body]
    return "\n".join(
        "  ".join(value.ljust(width) for value, width in zip(line, widths)).rstrip() for line in lines
    )


def _csv(table: Table) -> str:
    def value(term: Identifier | None) -> str:
        if term is None:
            return ""
        if isinstance(term, BNode):
            return f"_:{term}"
        return str(term)

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.variables)
    for row in table.rows:
        writer.writerow([value(term) for term in row])
    return buffer.getvalue().removesuffix("\r\n")


def _ntriples(term: Identifier | None) -> str:
    """A term in N-Triples form, escaped so that it stays on one TSV cell."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = (
        str(term)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype is not None and term.datatype != _XSD_STRING:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def _tsv(table: Table) -> str:
    lines = ["\t".join(f"?{name}" for name in table.variables)]
    lines += ["\t".join(_ntriples(term) for term in row) for row in table.rows]
    return "\n".join(lines)


def _json_term(term: Identifier) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    result = {"type": "literal", "value": str(term)}
    if term.language:
        result["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != _XSD_STRING:
        result["datatype"] = str(term.datatype)
    return result


def _json(table: Table) -> dict:
    return {
        "head": {"vars": list(table.variables)},
        "results": {
            "bindings": [
                {name: _json_term(term) for name, term in zip(table.variables, row) if term is not None}
                for row in table.rows
            ]
        },
    }
