"""What a registered rule reads from its own examples, in the form its registration states.

``tests/test_rules.py`` compares :func:`read_example` with each example's facts;
a developer writing a rule calls it to see what an example of theirs gives.

>>> from airace.extract.rules import registry
>>> registry()["possessive_product"].kind
'relation'
"""

from __future__ import annotations

import hashlib

from spacy.language import Language

from .document import extract
from .kinds import SEGMENT
from .mentions import Mention
from .reader import parse_article
from .rules import Rule

__all__ = ["read_example"]


def _name(thing) -> object:
    return (thing.label or thing.surface) if isinstance(thing, Mention) else thing


def read_example(rule: Rule, text: str, nlp: Language) -> frozenset:
    """The facts ``rule`` reads from ``text`` through the real pipeline (see :mod:`.rules` for their form)."""
    if rule.kind == "name":
        with nlp.select_pipes(disable=["airace_name_shapes"]):
            doc = nlp(text)
        return frozenset((span.text, span.label_) for span in rule(doc, doc.text))
    if rule.kind == "junk":
        doc = nlp(text)
        return frozenset(ent.text.strip() for ent in doc.ents if not ent.ent_id_ and ent.label_ not in SEGMENT and rule(ent))
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    extraction = extract(parse_article(text, name="example.txt", sha256=digest), nlp)
    if rule.kind == "figure-subject":
        return frozenset((figure.quote, _name(figure.subject)) for figure, _ in extraction.figures if figure.rule == rule.id)
    if rule.kind == "figure-metric":
        return frozenset((figure.quote, figure.metric) for figure, _ in extraction.figures if figure.metric_rule == rule.id)
    facts = {(_name(fact.subject), fact.predicate, _name(fact.object)) for fact in extraction.facts if fact.rule == rule.id}
    facts |= {(figure.quote, _name(figure.subject), figure.metric, figure.value, figure.unit)
              for figure, _ in extraction.figures if figure.rule == rule.id}
    return frozenset(facts)
