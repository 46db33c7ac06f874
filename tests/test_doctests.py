"""The >>> examples in the package's docstrings run, by their installed module names."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import airace.extract
import airace.graph
import airace.ontology
import airace.queries
import pytest

MODULES = sorted(
    {"airace.queries"}
    | {info.name for package in (airace.extract, airace.graph, airace.ontology)
       for info in pkgutil.iter_modules(package.__path__, package.__name__ + ".")}
    - {"airace.graph.cli"}
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
