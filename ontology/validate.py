"""Check instance data against the project's SHACL shapes."""

from __future__ import annotations

import os

import pyshacl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH, SKOS, NamespaceManager
from rdflib.term import Node

from .namespace import RACE, SHAPES
from .paths import SHAPES_PATH

__all__ = ["validate"]

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
    if not isinstance(data_graph, Graph):
        raise TypeError(f"data_graph must be an rdflib Graph, not {type(data_graph).__name__}")
    data = _union(data_graph)
    shapes_graph = _load_shapes(shapes)
    conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes_graph,
        inference="none",
        advanced=False,
        abort_on_first=False,
    )
    return bool(conforms), _describe(results, data)


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


def _describe(results: Graph, data: Graph) -> str:
    """Render pyshacl's results graph as one text block per problem, in a stable order."""
    names = NamespaceManager(Graph(), bind_namespaces="none")
    for prefix, iri in _PREFIXES.items():
        names.bind(prefix, iri, override=True, replace=True)

    def show(node: Node | None) -> str:
        return "-" if node is None else node.n3(names)

    blocks = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        lines = [f"{_severity(results.value(result, SH.resultSeverity))} at {_show_focus(focus, data, show)}"]
        path = results.value(result, SH.resultPath)
        if path is not None:
            lines.append(f"  path:    {show(path)}")
        value = results.value(result, SH.value)
        if value is not None:
            lines.append(f"  value:   {show(value)}")
        lines.append(f"  shape:   {show(results.value(result, SH.sourceShape))}")
        messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
        lines.append(f"  message: {' / '.join(messages) or '(no message)'}")
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
