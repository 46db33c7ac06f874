"""Tests of the ontology package: vocabulary, contract, shapes and validation."""

import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph
import pytest
from airace.ontology import (
    ID,
    ONTOLOGY_IRI,
    ONTOLOGY_PATH,
    RACE,
    RESOLUTION_GRAPH,
    SHAPES,
    SHAPES_PATH,
    validate,
)
from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, PROV, RDF, RDFS, SH, SKOS

# rdflib's XSD warns on unknown attributes, and pytest probes module globals
# for attributes such as `_mock_name` while collecting; a plain Namespace
# keeps collection quiet.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

CORE_DOC = Path(__file__).resolve().parents[2] / "shared" / "ontology-core.md"
TERM_KINDS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
CODE_TERMS = {URIRef(t) for t in dir(RACE)}


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology():
    return Graph().parse(ONTOLOGY_PATH, format="turtle")


@pytest.fixture(scope="module")
def shapes():
    return Graph().parse(SHAPES_PATH, format="turtle")


@pytest.fixture(scope="module")
def core_doc():
    if not CORE_DOC.exists():
        pytest.skip("needs ../shared/ontology-core.md (CI has it)")
    return CORE_DOC.read_text(encoding="utf-8")


def race_iris(graph):
    """Every IRI in the race: namespace used anywhere in ``graph``."""
    return {
        node
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and node.startswith(str(RACE))
    }


def classes_of(graph, node):
    """The named classes ``node`` stands for: itself, or the members of its owl:unionOf."""
    if isinstance(node, URIRef):
        return {node}
    members = graph.value(node, OWL.unionOf)
    return set(Collection(graph, members)) if members is not None else set()


# ---------------------------------------------------------------------------
# (a) code and Turtle declare the same terms
# ---------------------------------------------------------------------------


def test_code_declares_terms():
    assert len(CODE_TERMS) >= 40
    assert all(t.startswith("https://w3id.org/airace/ontology#") for t in CODE_TERMS)


@pytest.mark.parametrize("term", sorted(CODE_TERMS), ids=lambda t: t.split("#")[1])
def test_code_term_is_declared_with_label_and_comment(ontology, term):
    kinds = set(ontology.objects(term, RDF.type)) & set(TERM_KINDS)
    assert kinds, f"{term} is not declared as a class or property in airace.ttl"
    labels = [o for o in ontology.objects(term, RDFS.label) if str(o).strip()]
    comments = [o for o in ontology.objects(term, RDFS.comment) if str(o).strip()]
    assert len(labels) == 1 and labels[0].language == "en", f"{term}: one English rdfs:label"
    assert comments and all(c.language == "en" for c in comments), f"{term}: English rdfs:comment"


def test_every_race_iri_in_turtle_is_in_code(ontology):
    assert race_iris(ontology) - CODE_TERMS == set()


def test_every_race_iri_in_shapes_is_in_code(shapes):
    assert race_iris(shapes) - CODE_TERMS == set()


def test_ontology_header(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    design = " ".join(str(c) for c in ontology.objects(ONTOLOGY_IRI, RDFS.comment))
    assert "PROVENANCE DESIGN" in design
    assert str(RESOLUTION_GRAPH) in design
    assert str(ID["doc/"]) in design


# ---------------------------------------------------------------------------
# Modelling choices the brief fixes
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sub", "sup"),
    [
        (RACE.Company, RACE.Organisation),
        (RACE.University, RACE.Organisation),
        (RACE.ResearchInstitute, RACE.Organisation),
        (RACE.GovernmentBody, RACE.Organisation),
        (RACE.Organisation, RACE.Entity),
        (RACE.Country, RACE.Entity),
        (RACE.AIModel, RACE.Entity),
        (RACE.Chip, RACE.Entity),
        (RACE.Person, RACE.Entity),
        (RACE.DataCentre, RACE.Entity),
        (RACE.Metric, SKOS.Concept),
        (RACE.Claim, RDF.Statement),
    ],
)
def test_subclass_axioms(ontology, sub, sup):
    assert (sub, RDFS.subClassOf, sup) in ontology


@pytest.mark.parametrize("prop", [RACE.collaboratesWith, RACE.competesWith])
def test_symmetric_properties(ontology, prop):
    assert (prop, RDF.type, OWL.SymmetricProperty) in ontology


@pytest.mark.parametrize(
    ("prop", "datatype"),
    [
        (RACE.processNodeNm, XSD.decimal),
        (RACE.releaseDate, RDFS.Literal),
        (RACE.openWeights, XSD.boolean),
        (RACE.exportRestricted, XSD.boolean),
        (RACE.value, XSD.decimal),
        (RACE.unit, XSD.string),
        (RACE.period, RDFS.Literal),
        (RACE.text, XSD.string),
        (RACE.startChar, XSD.integer),
        (RACE.endChar, XSD.integer),
        (RACE.rule, XSD.string),
        (RACE.quote, XSD.string),
        (RACE.contentHash, XSD.string),
    ],
)
def test_datatype_property_ranges(ontology, prop, datatype):
    assert (prop, RDF.type, OWL.DatatypeProperty) in ontology
    assert set(ontology.objects(prop, RDFS.range)) == {datatype}


def test_entity_shape_targets_every_entity_class(ontology, shapes):
    entity_classes = set(ontology.transitive_subjects(RDFS.subClassOf, RACE.Entity))
    targets = set(shapes.objects(SHAPES.EntityShape, SH.targetClass))
    assert targets == entity_classes


def test_every_property_shape_has_a_message(shapes):
    for shape in shapes.subjects(RDF.type, SH.PropertyShape):
        assert isinstance(shape, URIRef), "property shapes are named so reports can name them"
        assert shapes.value(shape, SH.message), f"{shape} has no sh:message"


# ---------------------------------------------------------------------------
# (b) the contract: every term of ../shared/ontology-core.md
# ---------------------------------------------------------------------------


def core_table_rows(text):
    """Yield (section heading, term name, cells) for each table row naming a race: term."""
    section = ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        match = re.match(r"\|\s*`race:(\w+)`[^|]*\|(.*)", line)
        if match:
            yield section, match.group(1), [c.strip() for c in match.group(2).split("|")]


def class_names(cell):
    """'Organisation, Person or DataCentre (the foundry)' -> the race: classes it names."""
    cell = re.sub(r"\(.*?\)", "", cell)
    return {RACE[n] for n in re.split(r",\s*|\s+or\s+", cell.strip()) if n}


@pytest.mark.shared
def test_core_terms_are_all_present(core_doc, ontology):
    names = set(re.findall(r"`race:(\w+)`", core_doc))
    names |= {"subject", "metric", "value", "unit", "period", "comparedWith"}  # its code block
    assert len(names) > 30
    missing = {n for n in names if URIRef(str(RACE) + n) not in CODE_TERMS}
    assert missing == set(), f"terms of ontology-core.md missing from RACE: {sorted(missing)}"
    undeclared = {n for n in names if not set(ontology.objects(RACE[n], RDF.type)) & set(TERM_KINDS)}
    assert undeclared == set(), f"terms of ontology-core.md not declared in airace.ttl: {sorted(undeclared)}"


@pytest.mark.shared
def test_core_terms_have_the_kind_of_their_table(core_doc, ontology):
    kind = {"Classes": OWL.Class, "Relations between entities": OWL.ObjectProperty,
            "Attributes": OWL.DatatypeProperty}
    rows = list(core_table_rows(core_doc))
    assert len(rows) == 13 + 11 + 4
    for section, name, _cells in rows:
        assert (RACE[name], RDF.type, kind[section]) in ontology, f"race:{name} should be {kind[section]}"


@pytest.mark.shared
def test_core_relations_have_the_domain_and_range_of_their_table(core_doc, ontology):
    for section, name, cells in core_table_rows(core_doc):
        if section != "Relations between entities":
            continue
        domain, range_ = re.split(r"[→↔]", cells[0])
        prop = RACE[name]
        assert classes_of(ontology, ontology.value(prop, RDFS.domain)) == class_names(domain), name
        assert classes_of(ontology, ontology.value(prop, RDFS.range)) == class_names(range_), name


@pytest.mark.shared
def test_core_attributes_have_the_domain_and_datatype_of_their_table(core_doc, ontology):
    for section, name, cells in core_table_rows(core_doc):
        if section != "Attributes":
            continue
        prop = RACE[name]
        assert classes_of(ontology, ontology.value(prop, RDFS.domain)) == class_names(cells[0])
        datatypes = re.findall(r"`xsd:(\w+)`", cells[1])
        expected = XSD[datatypes[0]] if len(datatypes) == 1 else RDFS.Literal
        assert ontology.value(prop, RDFS.range) == expected, name


# ---------------------------------------------------------------------------
# (c) the namespace is closed
# ---------------------------------------------------------------------------


def test_unknown_term_raises():
    with pytest.raises(AttributeError, match="NoSuchTerm"):
        RACE.NoSuchTerm


def test_known_term_is_an_iri():
    assert RACE.developedBy == URIRef("https://w3id.org/airace/ontology#developedBy")
    assert RESOLUTION_GRAPH == URIRef("https://w3id.org/airace/id/graph/resolution")


# ---------------------------------------------------------------------------
# (d) shapes: a valid graph conforms, broken ones fail naming node and shape
# ---------------------------------------------------------------------------

HASH = hashlib.sha256(b"one article").hexdigest()
DOC = ID[f"doc/{HASH}"]
TEXT = "Huawei's Ascend 910B is made by SMIC on a 7nm process."
SENTENCE = ID[f"doc/{HASH}/sentence/0-{len(TEXT)}"]
HUAWEI, SMIC, CHINA = ID["org/huawei"], ID["org/smic"], ID["country/china"]
ASCEND, R1 = ID["chip/ascend-910b"], ID["model/deepseek-r1"]
CLAIM, MEASUREMENT = ID["claim/c1"], ID["measurement/m1"]

ONE_ARTICLE = f"""
@prefix race: <https://w3id.org/airace/ontology#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

<{DOC}> a race:Document ; race:contentHash "{HASH}" ;
    dcterms:title "Huawei's chips" ; dcterms:source "004.txt" .
<{SENTENCE}> a race:Sentence ; race:text "{TEXT}" ;
    race:startChar 0 ; race:endChar {len(TEXT)} ; dcterms:isPartOf <{DOC}> ;
    race:mentions <{HUAWEI}> , <{ASCEND}> , <{SMIC}> .
<{HUAWEI}> a race:Company ; rdfs:label "Huawei" ; skos:altLabel "Huawei Technologies"@en ;
    race:country <{CHINA}> .
<{SMIC}> a race:Company ; rdfs:label "SMIC" .
<{CHINA}> a race:Country ; rdfs:label "China"@en .
<{ASCEND}> a race:Chip ; rdfs:label "Ascend 910B" ; race:designedBy <{HUAWEI}> ;
    race:fabricatedBy <{SMIC}> ; race:processNodeNm 7.0 ; race:exportRestricted false .
<{R1}> a race:AIModel ; rdfs:label "DeepSeek-R1" ; race:openWeights true ;
    race:releaseDate "2025-01"^^xsd:gYearMonth .
<{CLAIM}> a race:Claim ; rdf:subject <{ASCEND}> ; rdf:predicate race:fabricatedBy ;
    rdf:object <{SMIC}> ; race:sentence <{SENTENCE}> ; race:rule "made_by" ;
    prov:wasDerivedFrom <{DOC}> .
<{MEASUREMENT}> a race:Measurement ; race:subject <{CHINA}> ; race:value 74.2 ;
    race:unit "percent" ; race:period "2024"^^xsd:gYear ; race:quote "74.2%" ;
    race:rule "share_of" ; race:sentence <{SENTENCE}> ; prov:wasDerivedFrom <{DOC}> .
"""


@pytest.fixture
def one_article():
    return Graph().parse(data=ONE_ARTICLE, format="turtle")


def problems(report):
    """The report's blocks as (focus line, shape) pairs."""
    blocks = re.split(r"\n(?=\w+ at )", report.split(":\n", 1)[1])
    return [(b.splitlines()[0], re.search(r"shape:\s+(\S+)", b).group(1)) for b in blocks]


def test_valid_graph_conforms(one_article):
    conforms, report = validate(one_article)
    assert conforms, report
    assert report == "Conforms: no SHACL violations."


def test_ontology_plus_data_conforms(one_article, ontology):
    conforms, report = validate(one_article + ontology)
    assert conforms, report


def set_value(node, prop, value):
    return lambda g: g.set((node, prop, value))


BROKEN = {
    "entity-with-two-labels": (
        lambda g: g.add((HUAWEI, RDFS.label, Literal("Huawei Technologies"))),
        HUAWEI, "Entity-label-count"),
    "label-with-line-break": (set_value(HUAWEI, RDFS.label, Literal("Hua\nwei")), HUAWEI, "Entity-label-form"),
    "empty-label": (set_value(SMIC, RDFS.label, Literal("")), SMIC, "Entity-label-form"),
    "entity-without-label": (lambda g: g.remove((CHINA, RDFS.label, None)), CHINA, "Entity-label-count"),
    "measurement-without-value": (
        lambda g: g.remove((MEASUREMENT, RACE.value, None)), MEASUREMENT, "Measurement-value"),
    "measurement-with-integer-value": (
        set_value(MEASUREMENT, RACE.value, Literal(74)), MEASUREMENT, "Measurement-value"),
    "measurement-without-source": (
        lambda g: g.remove((MEASUREMENT, PROV.wasDerivedFrom, None)), MEASUREMENT, "Measurement-source"),
    "measurement-with-bad-period": (
        set_value(MEASUREMENT, RACE.period, Literal("last year")), MEASUREMENT, "Measurement-period"),
    "chip-with-negative-node": (
        set_value(ASCEND, RACE.processNodeNm, Literal(Decimal("-7"))), ASCEND, "Chip-processNodeNm"),
    "chip-with-integer-node": (
        set_value(ASCEND, RACE.processNodeNm, Literal(7)), ASCEND, "Chip-processNodeNm"),
    "chip-with-string-export-flag": (
        set_value(ASCEND, RACE.exportRestricted, Literal("yes")), ASCEND, "Chip-exportRestricted"),
    "model-with-two-open-weights": (
        lambda g: g.add((R1, RACE.openWeights, Literal(False))), R1, "AIModel-openWeights"),
    "claim-without-rule": (lambda g: g.remove((CLAIM, RACE.rule, None)), CLAIM, "Claim-rule"),
    "claim-without-sentence": (lambda g: g.remove((CLAIM, RACE.sentence, None)), CLAIM, "Claim-sentence"),
    "sentence-with-negative-start": (
        set_value(SENTENCE, RACE.startChar, Literal(-1)), SENTENCE, "Sentence-startChar"),
    "sentence-ending-before-start": (
        set_value(SENTENCE, RACE.endChar, Literal(0)), SENTENCE, "Sentence-order"),
    "document-with-short-hash": (
        set_value(DOC, RACE.contentHash, Literal("abc")), DOC, "Document-contentHash"),
}


@pytest.mark.parametrize(("breaks", "focus", "shape"), BROKEN.values(), ids=BROKEN.keys())
def test_broken_graph_fails_naming_node_and_shape(one_article, breaks, focus, shape):
    breaks(one_article)
    conforms, report = validate(one_article)
    assert not conforms
    assert problems(report) == [(f"Violation at <{focus}>", f"rsh:{shape}")], report
    assert "message: " in report and "(no message)" not in report


def test_blank_focus_node_is_named_by_its_class():
    data = Graph()
    node = BNode()
    data.add((node, RDF.type, RACE.Measurement))
    conforms, report = validate(data)
    assert not conforms
    assert "(a race:Measurement)" in report


def as_dataset(graph, *, label_graph=RESOLUTION_GRAPH):
    """Split ``graph`` as the builder does: labels in one graph, the rest in the document's."""
    ds = Dataset()
    for s, p, o in graph:
        ds.graph(label_graph if p == RDFS.label else DOC).add((s, p, o))
    return ds


def test_dataset_is_validated_as_the_union_of_its_graphs(one_article):
    conforms, report = validate(as_dataset(one_article))
    assert conforms, report


def test_labels_from_two_graphs_count_together(one_article):
    ds = as_dataset(one_article)
    ds.graph(ID["doc/other"]).add((SMIC, RDFS.label, Literal("Semiconductor Manufacturing International")))
    conforms, report = validate(ds)
    assert not conforms
    assert problems(report) == [(f"Violation at <{SMIC}>", "rsh:Entity-label-count")]


def test_custom_shapes_path(one_article, tmp_path):
    path = tmp_path / "no-shapes.ttl"
    path.write_text("", encoding="utf-8")
    one_article.remove((CLAIM, RACE.rule, None))
    assert validate(one_article, shapes=path) == (True, "Conforms: no SHACL violations.")


def test_validate_says_what_it_raises(tmp_path):
    with pytest.raises(TypeError):
        validate("not a graph")
    with pytest.raises(FileNotFoundError):
        validate(Graph(), shapes=tmp_path / "missing.ttl")


# ---------------------------------------------------------------------------
# (e) the Turtle files parse with pyoxigraph too
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", [ONTOLOGY_PATH, SHAPES_PATH], ids=lambda p: p.name)
def test_turtle_parses_with_pyoxigraph(path):
    triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == len(Graph().parse(path, format="turtle"))
