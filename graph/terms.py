"""Terms and binding: rdflib terms at the product's boundary, Oxigraph's inside, values into queries.

Every store answers with rdflib terms (:class:`Table`), whichever engine holds the data;
this module converts between the two libraries' terms and the JSON terms of the SPARQL
1.1 results format, and binds values into a query's text.

Values enter queries as bindings, never by string formatting: each is written as an
RDF term in N-Triples syntax (escaped by rdflib) into a ``VALUES`` block at the head of
the query's WHERE clause, so it is bound before anything else is evaluated, as SPARQL's
own inline data.

>>> print(bind("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal("x")}))
SELECT ?s WHERE { VALUES (?o) { ("x") } ?s ?p ?o }
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

__all__ = [
    "StoreError",
    "Table",
    "Triple",
    "Quad",
    "Binding",
    "to_oxigraph",
    "from_oxigraph",
    "converter",
    "from_json",
    "bind",
]

Triple = tuple[Identifier, Identifier, Identifier]
Quad = tuple[Identifier, Identifier, Identifier, Identifier | None]
#: What a variable may be bound to: one term, or a sequence of terms (one row each).
Binding = Identifier | Sequence[Identifier]

_STRING = "http://www.w3.org/2001/XMLSchema#string"
_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


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
        return _typed_literal(term.value, term.datatype.value)
    raise TypeError(f"not an Oxigraph term: {term!r}")


def _typed_literal(value: str, datatype: str) -> Literal:
    if datatype == _STRING:
        return Literal(value)
    if datatype == _DECIMAL and "." not in value:
        # Oxigraph writes integral decimals as "7"; Turtle can only write a decimal
        # as "7.0", so that is the form kept, and exports re-parse to the same graph.
        return Literal(value + ".0", datatype=URIRef(datatype))
    return Literal(value, datatype=URIRef(datatype))


def converter() -> Callable[[object], Identifier | None]:
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


def from_json(value: dict | None) -> Identifier | None:
    """A term of the SPARQL 1.1 Query Results JSON format as rdflib (None when unbound).

    >>> from_json({"type": "literal", "value": "7", "datatype": "http://www.w3.org/2001/XMLSchema#decimal"})
    rdflib.term.Literal('7.0', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
    """
    if value is None:
        return None
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    return _typed_literal(value["value"], value.get("datatype", _STRING))


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_VARIABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _is_term(term) -> bool:
    return isinstance(term, (URIRef, Literal, BNode))


def bind(query: str, bindings: Mapping[str, Binding] | None) -> str:
    """Bind variables of ``query`` by inline data at the head of its WHERE clause.

    A variable bound to a sequence of terms takes each in turn (one ``VALUES`` row each),
    as if the query were run once per term and the answers joined.

    Raises
    ------
    StoreError
        When a value is not an RDF term, or the query has no WHERE clause to bind in.

    >>> print(bind("SELECT ?x WHERE { ?x ?p ?name }", {"name": Literal('Deep"Seek')}))
    SELECT ?x WHERE { VALUES (?name) { ("Deep\\"Seek") } ?x ?p ?name }
    >>> print(bind("SELECT ?x WHERE { ?x ?p ?o }", {"p": [URIRef("urn:a"), URIRef("urn:b")]}))
    SELECT ?x WHERE { VALUES ?p { <urn:a> <urn:b> } ?x ?p ?o }
    """
    if not bindings:
        return query
    single: dict[str, Identifier] = {}
    several: dict[str, list[Identifier]] = {}
    for name, value in bindings.items():
        if not _VARIABLE_NAME.fullmatch(name):
            raise StoreError(f"{name!r} is not a SPARQL variable name")
        if isinstance(value, (list, tuple, set, frozenset)):
            terms = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
            for term in terms:
                if not _is_term(term):
                    raise StoreError(f"a value bound to ?{name} is not an RDF term: {term!r}")
            several[name] = terms
        elif _is_term(value):
            single[name] = value
        else:
            raise StoreError(f"the value bound to ?{name} is not an RDF term: {value!r}")
    # Comment lines may mention WHERE; they are blanked (same length) before the search.
    searchable = re.sub(r"(?m)^\s*#.*$", lambda match: " " * len(match.group()), query)
    match = _WHERE.search(searchable)
    if match is None:
        raise StoreError("a query with bindings needs a WHERE clause to bind them in")
    blocks = []
    if single:
        names = " ".join(f"?{name}" for name in single)
        values = " ".join(term.n3() for term in single.values())
        blocks.append(f"VALUES ({names}) {{ ({values}) }}")
    blocks += [f"VALUES ?{name} {{ {' '.join(term.n3() for term in terms)} }}" for name, terms in several.items()]
    return f"{query[:match.end()]} {' '.join(blocks)}{query[match.end():]}"
