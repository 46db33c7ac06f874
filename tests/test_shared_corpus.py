"""The real articles of ../shared/corpus: scored against the gold facts, and free of junk entities."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from airace import queries
from airace.graph.build import build
from airace.graph.export import export
from airace.graph.store import open_store

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def shared_store(shared, tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("shared") / "store")
    build([shared / "corpus"], store)
    return store


def recall(shared, store, tmp_path) -> dict[str, float]:
    graph = tmp_path / "graph.ttl"
    graph.write_bytes(export(store, "turtle"))
    result = subprocess.run(
        [sys.executable, str(shared / "eval" / "score.py"), str(graph), "--gold", str(shared / "gold" / "dev.jsonl")],
        capture_output=True, text=True, check=True)
    return {kind: float(value) for kind, value in re.findall(r"^recall (\w+)\s+\d+/\d+\s+([\d.]+)%", result.stdout, re.M)}


def test_recall_meets_the_acceptance_floor(shared, shared_store, tmp_path):
    scores = recall(shared, shared_store, tmp_path)
    assert scores["entity"] >= 90.0, scores
    assert scores["relation"] >= 65.0, scores
    assert scores["attribute"] >= 70.0, scores
    assert scores["measurement"] >= 75.0, scores


def test_building_again_gives_the_same_bytes(shared, shared_store, tmp_path):
    again = open_store(tmp_path / "again")
    build([shared / "corpus"], again)
    assert export(again, "nquads") == export(shared_store, "nquads")


@pytest.mark.parametrize("name", [name for name in queries.names() if name.endswith("-violation")])
def test_violation_queries_return_no_rows(shared_store, name):
    assert shared_store.select(queries.read(name)).rows == []


@pytest.mark.parametrize("name", [name for name in queries.names() if not name.endswith("-violation") and name != "explain"])
def test_competency_queries_answer_on_the_real_articles(shared_store, name):
    assert shared_store.select(queries.read(name)).rows, f"{name} returned no rows"


def test_explain_answers_for_deepseek(shared_store):
    from rdflib import Literal

    rows = shared_store.select(queries.read("explain"), bindings={"name": Literal("DeepSeek")}).rows
    assert len(rows) >= 5
