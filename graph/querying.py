"""Running the shipped queries: find a query's text, read bindings, run it within a limit, format the rows.

The steps of ``airace query`` as plain functions, so a Python user can do what
the command does (the command runs the query with :func:`select_within`, in a
child process stopped after ``--timeout`` seconds):

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
import math
import multiprocessing
import pickle
import re
import signal
import sys
import threading
from pathlib import Path
from typing import Callable, Iterable, Mapping, TypeVar

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from airace import queries
from airace.graph.query_text import parser_message
from airace.graph.store import StoreError, Table, open_store

__all__ = ["FORMATS", "PREFIXES", "MAX_NESTING", "QueryTimeout", "resolve", "parse_bindings", "too_deep",
           "on_deep_stack", "select", "select_within", "first_line", "process_ending", "format_table", "shorten"]

Result = TypeVar("Result")

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
        shown = _shown(pair)  # quoted, so that a newline in it cannot start a second line of the message
        name, equals, value = pair.partition("=")
        if not equals:
            raise ValueError(f"binding {shown} is not NAME=VALUE (for example name=DeepSeek)")
        name = name.strip()
        if name[:1] in ("?", "$"):
            name = name[1:]
        if not _VARIABLE.fullmatch(name):
            raise ValueError(f"binding {shown}: {_shown(name)} is not a SPARQL variable name")
        if name in bindings:
            raise ValueError(f"binding {shown}: ?{name} is bound twice")
        if not _is_text(value):
            raise ValueError(f"binding {shown}: the value is not text (it came as bytes that are not UTF-8)")
        if len(value) >= 2 and value.startswith("<") and value.endswith(">"):
            iri = value[1:-1]
            if not iri or _NOT_IN_IRI.search(iri):
                raise ValueError(f"binding {shown}: {_shown(value)} is not a valid IRI")
            bindings[name] = URIRef(iri)
        else:
            bindings[name] = Literal(value)
    return bindings


def _shown(text: str, limit: int = 80) -> str:
    """``text`` quoted for a one-line message, cut at ``limit`` characters.

    >>> _shown("name=" + "x" * 10, limit=8)
    "'name=xxx…'"
    """
    return repr(text) if len(text) <= limit else repr(text[:limit])[:-1] + "…'"


def _is_text(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: a command-line argument that was not UTF-8 arrives
    with its bytes as lone surrogates, which no SPARQL engine takes.

    >>> _is_text("Ελληνικά 🚀"), _is_text(bytes([99, 97, 102, 233]).decode("utf-8", "surrogateescape"))
    (True, False)
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# --- running within limits -------------------------------------------------------------

#: The deepest nesting of brackets a query may have. pyoxigraph's parser recurses once per
#: level: on a main thread's 8 MiB stack a few thousand levels overflow it and the process dies
#: (SIGSEGV) instead of raising. No query written by hand comes near this many.
MAX_NESTING = 1000

# Queries run on a thread with this much stack (address space: only the pages used become
# memory). It gives the parser and planner about thirty times the room of a main thread, so that
# long chains (a || b || … , {…} UNION {…} UNION …), which no bracket count sees, fail by the
# time limit or answer rather than crash.
_STACK_BYTES = 256 * 2**20

# What too_deep skips (comments, strings, IRIs: their brackets do not nest) and what it counts.
_NESTING_TOKENS = re.compile(
    r"#[^\n\r]*"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|[({\[]|[)}\]]",
    re.DOTALL,
)


class QueryTimeout(StoreError):
    """A query ran longer than its limit and was stopped; the message says so and what to do."""


def too_deep(text: str, limit: int = MAX_NESTING) -> bool:
    """Whether ``text`` (SPARQL) nests brackets deeper than ``limit``, outside comments, strings and IRIs.

    >>> too_deep("SELECT * WHERE " + "{" * 3 + "}" * 3, limit=3), too_deep("SELECT * WHERE {{{{ }}}}", limit=3)
    (False, True)
    >>> too_deep('ASK { FILTER ("((((" != <urn:x>) } # ((((((', limit=3)
    False
    """
    if sum(text.count(bracket) for bracket in "({[") <= limit:  # the usual case, without reading the text
        return False
    depth = 0
    for token in _NESTING_TOKENS.finditer(text):
        bracket = token.group()
        if bracket in ("(", "{", "["):
            depth += 1
            if depth > limit:
                return True
        elif bracket in (")", "}", "]"):
            depth = max(0, depth - 1)
    return False


def on_deep_stack(function: Callable[..., Result], /, *args, **kwargs) -> Result:
    """``function(*args, **kwargs)`` on a thread with a large stack: what it returns, or what it raises.

    >>> on_deep_stack(sum, [1, 2, 3])
    6
    """
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = function(*args, **kwargs)
        except BaseException as error:  # handed to the caller's thread and raised there
            outcome["error"] = error

    previous = threading.stack_size(_STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="query", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def select(store, query: str, bindings: Mapping[str, Identifier] | None = None) -> Table:
    """``store.select`` for a query a user wrote: refused when nested too deep, run on a large stack.

    Raises
    ------
    StoreError
        When the query nests brackets deeper than :data:`MAX_NESTING`, or as ``store.select``.
    """
    if not _is_text(query):
        raise StoreError("the query is not text: it came as bytes that are not UTF-8")
    if too_deep(query):
        raise StoreError(f"the query nests brackets more than {MAX_NESTING} deep, deeper than the SPARQL "
                         "parser can go; flatten it")
    try:
        return on_deep_stack(store.select, query, bindings=bindings)
    except StoreError as error:
        if "\n" not in str(error):
            raise
        # The parser lists every character class it expected, over many lines: one whole line instead.
        raise StoreError(parser_message(str(error), query)) from error


def first_line(message: str, limit: int = 160) -> str:
    """The first line of ``message``, cut at ``limit`` characters (a parser's list of expected tokens is long).

    >>> first_line('error at 1:6: expected one of "a", "b"\\n| "c"', limit=30)
    'error at 1:6: expected one of…'
    """
    line = message.splitlines()[0] if message else ""
    return line if len(line) <= limit else line[:limit].rstrip() + "…"


def _select_in_child(connection, location: str | None, query: str, bindings: Mapping[str, Identifier]) -> None:
    """The child of select_within: open the store read-only, run the query, send the rows or the error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent too, which stops us
    try:
        outcome = ("rows", select(open_store(location, read_only=True), query, bindings or None))
    except Exception as error:  # the parent raises it, as if the query had run there
        outcome = ("error", error)
    try:
        connection.send(outcome)
    except (pickle.PicklingError, TypeError, AttributeError):  # an exception that cannot be pickled
        error = outcome[1]
        connection.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    connection.close()


def select_within(location: str | Path | None, query: str, bindings: Mapping[str, Identifier] | None = None,
                  *, timeout: float = 60.0) -> Table:
    """Run a SELECT query on the store at ``location`` (opened read-only); stop it after ``timeout`` seconds.

    pyoxigraph cannot cancel a running query, so the query runs in a child process,
    killed when the time is up; a read-only store is left as it was. ``timeout`` 0
    runs the query in this process, without a limit.

    Raises
    ------
    QueryTimeout
        When the query ran longer than ``timeout`` seconds.
    StoreError
        When the store cannot be opened or read, the query is not valid SPARQL, or the
        query's process died without answering.
    ValueError
        When ``timeout`` is negative.

    >>> select_within(None, "SELECT ?n WHERE { VALUES ?n { 1 } }", timeout=30).rows
    [(rdflib.term.Literal('1', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#integer')),)]
    """
    if not timeout >= 0:  # NaN too
        raise ValueError(f"the timeout must be 0 (no limit) or more seconds, not {timeout:g}")
    location = str(location) if location is not None else None
    if timeout == 0 or math.isinf(timeout):
        return select(open_store(location, read_only=True), query, bindings)
    # fork starts the child at once, with everything imported; elsewhere a fresh interpreter starts.
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_select_in_child, args=(sender, location, query, dict(bindings or {})),
                            daemon=True, name="airace query")
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped; narrow it (a LIMIT, "
                               "a more specific pattern) or give a longer --timeout (0: no limit)")
        try:
            kind, value = receiver.recv()
        except EOFError:  # the child died without a word: the engine crashed, or it was killed from outside
            child.join(5)
            raise StoreError(f"the query's process died ({process_ending(child.exitcode)}) without answering; "
                             "if the query is very long or deeply nested, simplify it") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if kind == "error":
        raise value
    return value


def process_ending(exitcode: int | None) -> str:
    """How a child process ended (its exit code), for a message.

    >>> process_ending(-11), process_ending(3)
    ('signal SIGSEGV', 'exit status 3')
    """
    if exitcode is not None and exitcode < 0:
        try:
            return f"signal {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit status {exitcode}"


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
