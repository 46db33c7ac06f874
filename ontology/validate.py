"""Check instance data against the project's SHACL shapes."""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass

import pyshacl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS, NamespaceManager
from rdflib.term import Node

from .namespace import RACE, SHAPES
from .paths import SHAPES_PATH

__all__ = ["validate", "violations", "Violation", "summary"]

_PREFIXES = {
    "race": str(RACE),
    "rsh": str(SHAPES),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    # rdflib's XSD object is not imported: it warns whenever pytest's
    # collector probes module globals for unknown attributes.
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "sh": str(SH),
}


def validate(
    data_graph: Graph,
    *,
    shapes: Graph | str | os.PathLike[str] | None = None,
) -> tuple[bool, str]:
    """Validate instance data against the SHACL shapes.

    The shapes list every concrete class they target, so no inference is
    run (pyshacl's ``inference="none"``) and the data graph need not contain
    the ontology. A ``Dataset`` or ``ConjunctiveGraph`` is validated as the
    union of all its graphs, because an entity's canonical label (in the
    resolution graph) and its other statements (in document graphs) belong
    to one description.

    Parameters
    ----------
    data_graph : rdflib.Graph
        Instance data: a ``Graph``, or a ``Dataset``/``ConjunctiveGraph``
        whose named graphs are merged first. It is not modified.
    shapes : rdflib.Graph or path-like, optional
        SHACL shapes to use instead of the packaged ``shapes.ttl``: a parsed
        graph or the path of a Turtle file.

    Returns
    -------
    conforms : bool
        True when the data violates no shape.
    report : str
        One block per problem, naming the focus node, the property path, the
        offending value (where there is one), the shape and its message;
        ``"Conforms: no SHACL violations."`` when there is none.

    Raises
    ------
    TypeError
        If ``data_graph`` is not an rdflib graph or ``shapes`` is of the
        wrong type.
    FileNotFoundError
        If ``shapes`` names a file that does not exist.
    rdflib.plugins.parsers.notation3.BadSyntax
        If the shapes file is not valid Turtle.

    Examples
    --------
    >>> from rdflib import Graph
    >>> data = Graph().parse(format="turtle", data='''
    ...     @prefix race: <https://w3id.org/airace/ontology#> .
    ...     @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ...     <https://w3id.org/airace/id/chip/ascend-910b> a race:Chip ;
    ...         rdfs:label "Ascend 910B" ;
    ...         race:processNodeNm -7.0 .
    ... ''')
    >>> conforms, report = validate(data)
    >>> conforms
    False
    >>> print(report)
    1 SHACL violation:
    Violation at <https://w3id.org/airace/id/chip/ascend-910b>
      path:    race:processNodeNm
      value:   "-7.0"^^xsd:decimal
      shape:   rsh:Chip-processNodeNm
      message: race:processNodeNm must be a positive xsd:decimal number of nanometres ("7"^^xsd:decimal for a 7 nm chip; an xsd:integer literal is not accepted).
    """
    found = violations(data_graph, shapes=shapes)
    return not found, _describe(found)


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, every node written in Turtle with the project's prefixes."""

    shape: str  # the source shape, e.g. "rsh:Measurement-value"
    path: str  # the property path, or "-" for a node shape
    focus: str  # the focus node; a blank node also names its classes
    value: str  # the offending value, or "-"
    message: str
    severity: str = "Violation"


def violations(data_graph: Graph, *, shapes: Graph | str | os.PathLike[str] | None = None) -> list[Violation]:
    """Every SHACL result of the data, sorted by shape, path, focus node and value.

    Takes the same arguments and raises the same errors as :func:`validate`.

    >>> from rdflib import Graph
    >>> data = Graph().parse(format="turtle", data='''
    ...     @prefix race: <https://w3id.org/airace/ontology#> .
    ...     <https://w3id.org/airace/id/measurement/m1> a race:Measurement .
    ... ''')
    >>> found = violations(data)
    >>> found[0]
    Violation(shape='rsh:Measurement-source', path='prov:wasDerivedFrom', focus='<https://w3id.org/airace/id/measurement/m1>', value='-', message='A Measurement needs prov:wasDerivedFrom pointing to the IRI of the Document it was read from.', severity='Violation')
    >>> sorted(v.shape for v in found)[-2:]
    ['rsh:Measurement-unit', 'rsh:Measurement-value']
    """
    if not isinstance(data_graph, Graph):
        raise TypeError(f"data_graph must be an rdflib Graph, not {type(data_graph).__name__}")
    data = _union(data_graph)
    shapes_graph = _load_shapes(shapes)
    _conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes_graph,
        inference="none",
        advanced=False,
        abort_on_first=False,
    )
    names = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, iri in _PREFIXES.items():
        names.bind(prefix, iri, override=True, replace=True)

    def show(node: Node | None) -> str:
        return "-" if node is None else node.n3(names)

    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        found.append(Violation(
            shape=show(results.value(result, SH.sourceShape)),
            path=show(results.value(result, SH.resultPath)),
            focus=_show_focus(results.value(result, SH.focusNode), data, show),
            value=show(results.value(result, SH.value)),
            message=" / ".join(messages) or "(no message)",
            severity=_severity(results.value(result, SH.resultSeverity)),
        ))
    return sorted(found)


def summary(found: list[Violation], *, limit: int = 10) -> str:
    """A report for reading: the violations grouped by shape and counted, at most ``limit`` focus nodes each.

    >>> v = [Violation("rsh:S", "race:value", f"<m{i}>", "-", "Needs a value.") for i in range(3)]
    >>> print(summary(v, limit=2))
    3 SHACL violations of 1 shape:
    <BLANKLINE>
    rsh:S  (path race:value)  3 violations
      Needs a value.
      - <m0>
      - <m1>
      ... and 1 more
    """
    if not found:
        return "Conforms: no SHACL violations."
    groups: dict[tuple[str, str, str], list[Violation]] = defaultdict(list)
    for violation in found:
        groups[violation.shape, violation.path, violation.message].append(violation)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    lines = [f"{len(found)} SHACL {_plural(len(found), 'violation')} of {_plural(len(groups), 'shape', count=True)}:"]
    for (shape, path, message), members in ordered:
        where = f"  (path {path})" if path != "-" else ""
        lines += ["", f"{shape}{where}  {_plural(len(members), 'violation', count=True)}", f"  {message}"]
        for violation in members[:limit]:
            value = f"  value: {violation.value}" if violation.value != "-" else ""
            severity = f"  [{violation.severity}]" if violation.severity != "Violation" else ""
            lines.append(f"  - {violation.focus}{value}{severity}")
        if len(members) > limit:
            lines.append(f"  ... and {len(members) - limit} more")
    return "\n".join(lines)


def _plural(n: int, noun: str, *, count: bool = False) -> str:
    word = noun if n == 1 else noun + "s"
    return f"{n} {word}" if count else word


def _union(graph: Graph) -> Graph:
    """Return ``graph`` itself, or for a graph of graphs a plain Graph of all its triples."""
    if not graph.context_aware:
        return graph
    union = Graph()
    for s, p, o, _ctx in graph.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _load_shapes(shapes: Graph | str | os.PathLike[str] | None) -> Graph:
    if shapes is None:
        shapes = SHAPES_PATH
    if isinstance(shapes, Graph):
        return shapes
    if not isinstance(shapes, (str, os.PathLike)):
        raise TypeError(f"shapes must be a Graph or a path, not {type(shapes).__name__}")
    if not os.path.exists(shapes):
        raise FileNotFoundError(f"no shapes file at {os.fspath(shapes)}")
    return Graph().parse(os.fspath(shapes), format="turtle")


def _describe(found: list[Violation]) -> str:
    """One text block per problem, in a stable order."""
    blocks = []
    for violation in found:
        lines = [f"{violation.severity} at {violation.focus}"]
        if violation.path != "-":
            lines.append(f"  path:    {violation.path}")
        if violation.value != "-":
            lines.append(f"  value:   {violation.value}")
        lines.append(f"  shape:   {violation.shape}")
        lines.append(f"  message: {violation.message}")
        blocks.append("\n".join(lines))
    if not blocks:
        return "Conforms: no SHACL violations."
    blocks.sort()
    noun = "violation" if len(blocks) == 1 else "violations"
    return f"{len(blocks)} SHACL {noun}:\n" + "\n".join(blocks)


def _severity(node: Node | None) -> str:
    if isinstance(node, URIRef) and node.startswith(str(SH)):
        return node[len(str(SH)):]
    return "Violation"


def _show_focus(focus: Node | None, data: Graph, show) -> str:
    """Name a focus node; a blank node also gets its classes, since its id means nothing to a reader."""
    if not isinstance(focus, BNode):
        return show(focus)
    classes = sorted(show(c) for c in data.objects(focus, RDF.type))
    return f"{show(focus)} (a {', '.join(classes)})" if classes else show(focus)
