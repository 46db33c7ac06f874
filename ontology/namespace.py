"""The airace vocabulary in code: a closed namespace, one line per term.

``RACE`` mirrors ``airace.ttl`` term for term, so a typo raises instead of
minting a new IRI; ``tests/test_ontology.py`` fails when the two disagree.

>>> RACE.developedBy
rdflib.term.URIRef('https://w3id.org/airace/ontology#developedBy')
>>> RACE.developedBi
Traceback (most recent call last):
...
AttributeError: term 'developedBi' not in namespace 'https://w3id.org/airace/ontology#'
>>> ID["org/deepseek"]
rdflib.term.URIRef('https://w3id.org/airace/id/org/deepseek')
"""

from rdflib import Namespace, URIRef
from rdflib import namespace as rdflib_namespace

__all__ = ["RACE", "ID", "SHAPES", "ONTOLOGY_IRI", "RESOLUTION_GRAPH"]


class RACE(rdflib_namespace.DefinedNamespace):
    """Terms of ``https://w3id.org/airace/ontology#`` (prefix ``race:``)."""

    _NS = Namespace("https://w3id.org/airace/ontology#")
    _fail = True

    # Classes
    Entity: URIRef  # anything the graph names (project extension); superclass of the six below
    Organisation: URIRef  # any organisation
    Company: URIRef  # a company or a company's unit (an Organisation)
    University: URIRef  # a university (an Organisation)
    ResearchInstitute: URIRef  # a research lab or institute (an Organisation)
    GovernmentBody: URIRef  # a government, ministry, agency or state fund (an Organisation)
    Country: URIRef  # a country or a bloc such as the EU
    AIModel: URIRef  # a trained AI model or model family
    Chip: URIRef  # a chip or accelerator product
    Person: URIRef  # a named person
    DataCentre: URIRef  # a data centre or computing cluster
    Measurement: URIRef  # one reported figure: subject, metric, value, unit, period, source
    Metric: URIRef  # what a Measurement measures (a skos:Concept)
    Document: URIRef  # a source article or report: one file of the corpus
    Sentence: URIRef  # a sentence or table row of a Document (project extension)
    Claim: URIRef  # a reified asserted statement with its sentence and rule (project extension)

    # Relations between entities
    developedBy: URIRef  # AIModel -> Organisation that built it
    designedBy: URIRef  # Chip -> Organisation that designed it
    fabricatedBy: URIRef  # Chip -> Organisation (foundry) that makes it
    country: URIRef  # Organisation, Person or DataCentre -> Country
    parentOrganisation: URIRef  # Organisation -> Organisation that owns or contains it
    collaboratesWith: URIRef  # Organisation <-> Organisation (symmetric)
    foundedBy: URIRef  # Organisation -> Organisation or Person that founded it
    usesChip: URIRef  # Organisation, AIModel or DataCentre -> Chip
    operatedBy: URIRef  # DataCentre -> Organisation that runs it
    affiliatedWith: URIRef  # Person -> Organisation they work for or lead
    competesWith: URIRef  # AIModel <-> AIModel (symmetric)

    # Attributes of entities
    processNodeNm: URIRef  # Chip's process node in nm (xsd:decimal)
    releaseDate: URIRef  # AIModel's release date (xsd:date, xsd:gYearMonth or xsd:gYear)
    openWeights: URIRef  # whether an AIModel's weights are published (xsd:boolean)
    exportRestricted: URIRef  # whether a Chip's export to China is restricted (xsd:boolean)

    # Measurements
    subject: URIRef  # Measurement -> the Entity the figure is about
    metric: URIRef  # Measurement -> the Metric measured
    value: URIRef  # Measurement's number (xsd:decimal)
    unit: URIRef  # Measurement's unit in plain English (xsd:string)
    period: URIRef  # when a Measurement holds (xsd:gYear, xsd:gYearMonth or xsd:date)
    comparedWith: URIRef  # Measurement -> the second subject of a comparison
    model: URIRef  # Measurement -> the AIModel behind a country's or an organisation's figure (extension)

    # Provenance (project extensions)
    text: URIRef  # Sentence's text (xsd:string)
    startChar: URIRef  # Sentence's start offset in the document text (xsd:integer)
    endChar: URIRef  # Sentence's end offset, exclusive (xsd:integer)
    mentions: URIRef  # Sentence -> an Entity named in it
    sentence: URIRef  # Claim or Measurement -> the Sentence it was read from
    rule: URIRef  # registered id (name@version) of the rule behind a Claim or Measurement (xsd:string)
    quote: URIRef  # exact text span a Measurement was read from (xsd:string)
    contentHash: URIRef  # Document's SHA-256 of the file bytes, hex (xsd:string)


#: Base of every instance IRI: ``ID["org/deepseek"]``, ``ID["doc/<hash>"]``, ...
ID = Namespace("https://w3id.org/airace/id/")

#: Namespace of the SHACL shapes in ``shapes.ttl`` (each report names one).
SHAPES = Namespace("https://w3id.org/airace/shapes#")

#: IRI of the ontology itself (the ``owl:Ontology`` node of ``airace.ttl``).
ONTOLOGY_IRI = URIRef("https://w3id.org/airace/ontology")

#: Named graph holding the canonical labels chosen across documents.
RESOLUTION_GRAPH = URIRef(ID["graph/resolution"])
