"""The registry of extraction rules: every rule of every kind, with its versioned id and examples.

A rule is a small function; it registers here with the decorator :func:`rule`,
which names its kind, its version, and one or more examples: a text of our own
and the exact facts the rule must read from it. The graph records the rule's id
(``name@version``) as ``race:rule`` on each claim and measurement it made, so a
reader can tell which rule, in which version, said what. A rule whose behaviour
changes gets a new version.

``tests/test_rules.py`` walks this registry: each example goes through the real
pipeline and must yield exactly its facts, no more and no fewer.

The kinds, and what an example's facts are:

- ``name``: finds names in a parsed doc; facts are ``(text, class)`` of the spans it returns.
- ``junk``: rejects a span of the statistical tagger that is no name; facts are the texts
  of the spans it rejects.
- ``relation``: reads relations and attributes from one sentence; facts are
  ``(subject, predicate, object)`` by canonical names (an attribute's object is its value).
- ``row``: reads relations from one table row; facts as for ``relation``.
- ``table``: reads facts and figures from a table's cells; facts as for ``relation``, a
  figure as ``(quote, subject, metric, value, unit)``.
- ``figure-subject``: says what a figure is about; facts are ``(quote, subject)``.
- ``figure-metric``: says what a figure measures; facts are ``(quote, metric)``.

An example may also show what a rule must not read (its facts empty), beside one that
yields a fact.

>>> sorted(KINDS)[:3]
['figure-metric', 'figure-subject', 'junk']
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable, Iterable

__all__ = ["KINDS", "Example", "Rule", "rule", "registered", "registry", "RuleError"]

KINDS = {
    "name": "finds names in a parsed doc",
    "junk": "rejects a statistical span that is no name",
    "relation": "reads relations and attributes from one sentence",
    "row": "reads relations from one table row",
    "table": "reads facts and figures from a table's cells",
    "figure-subject": "says what a figure is about",
    "figure-metric": "says what a figure measures",
}

# The modules that define rules, in the order their rules are tried.
_MODULES = ("pipeline", "entities", "relations", "countries", "tables", "figure_subjects", "figure_metrics")


class RuleError(Exception):
    """A rule was registered wrongly (an unknown kind, a second rule of one name, no example)."""


@dataclass(frozen=True)
class Example:
    """A text of our own, and the exact facts a rule must read from it."""

    text: str
    facts: frozenset


@dataclass(frozen=True)
class Rule:
    """A registered rule: its kind, name, version, function and examples."""

    kind: str
    name: str
    version: int
    function: Callable
    examples: tuple[Example, ...]

    @property
    def id(self) -> str:
        """The id the graph records: ``name@version``."""
        return f"{self.name}@{self.version}"

    def __call__(self, *args, **kwargs):
        return self.function(*args, **kwargs)


_REGISTRY: dict[str, Rule] = {}


def rule(kind: str, version: int, *examples: tuple[str, Iterable]) -> Callable[[Callable], Rule]:
    """Register the decorated function as a rule of ``kind``; each example is ``(text, facts)``.

    The name is the function's, less a leading underscore.

    Raises
    ------
    RuleError
        For an unknown kind, a version below 1, no example that yields a fact, or a name registered twice.
    """
    if kind not in KINDS:
        raise RuleError(f"unknown kind of rule {kind!r}; the kinds are {', '.join(sorted(KINDS))}")
    if version < 1 or not any(facts for _, facts in examples):
        raise RuleError("a rule needs a version of at least 1 and an example that yields a fact")

    def register(function: Callable) -> Rule:
        name = function.__name__.lstrip("_")
        if name in _REGISTRY:
            raise RuleError(f"a rule named {name!r} is registered twice")
        registered_rule = Rule(kind, name, version, function,
                               tuple(Example(text, frozenset(facts)) for text, facts in examples))
        _REGISTRY[name] = registered_rule
        return registered_rule

    return register


def registry() -> dict[str, Rule]:
    """Every registered rule by name, once every module that defines rules is imported."""
    for module in _MODULES:
        importlib.import_module(f"airace.extract.{module}")
    return dict(_REGISTRY)


def registered(kind: str) -> list[Rule]:
    """The rules of one kind registered so far, in the order they were defined: the order they are tried.

    A module that tries its rules in turn asks for them once its definitions have run; the rules of a
    kind whose order matters live in one module.
    """
    return [found for found in _REGISTRY.values() if found.kind == kind]
