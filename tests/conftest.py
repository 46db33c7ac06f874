"""Shared fixtures: the real spaCy pipeline, small real inputs, and ../shared when present."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def nlp():
    from airace.extract.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def shared() -> Path:
    """../shared (the evaluation corpus, gold facts and scorer); CI always has it."""
    if not (SHARED / "corpus").is_dir():
        pytest.skip("needs ../shared/corpus beside the project (CI has it; a fresh clone does not)")
    return SHARED


@pytest.fixture
def tiny_network():
    """A small hand-written network: organisations in the US, China and the UK, with sources."""
    from airace.graph.store import open_store

    store = open_store(None)
    store.load((REPO / "tests" / "fixtures" / "tiny_network.trig").read_bytes(), format="trig")
    return store
