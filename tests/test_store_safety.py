"""The store loses nothing: builds are atomic, keyed by content, and replace what changed.

Each test checks that the store answers the same query with the same rows after
whatever was done to it (a kill, a failed build, a second writer).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from airace.graph.build import build
from airace.graph.cli import BUILT_IN_CORPUS, main
from airace.graph.export import export
from airace.graph.store import StoreError, open_store, writing
from airace.ontology import RESOLUTION_GRAPH

MODELS = """
PREFIX race: <https://w3id.org/airace/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?model ?maker WHERE { ?m race:developedBy ?o . ?m rdfs:label ?model . ?o rdfs:label ?maker }
ORDER BY ?model ?maker
"""

FIRST = "DeepSeek released DeepSeek-R1 in January 2025. Alibaba released Qwen 2.5-Max.\n"
CHANGED = "DeepSeek released DeepSeek-V3 in December 2024. Alibaba released Qwen 2.5-Max.\n"


def answers(location) -> tuple[int, list[tuple]]:
    """How many quads the store holds and what it answers: the fingerprint compared before and after."""
    store = open_store(location, read_only=True)
    return len(store), [tuple(str(term) for term in row) for row in store.select(MODELS).rows]


@pytest.fixture
def built(tmp_path):
    """A store built from one small article, and its fingerprint."""
    article = tmp_path / "articles" / "release.txt"
    article.parent.mkdir()
    article.write_text(FIRST, encoding="utf-8")
    location = tmp_path / "store"
    assert main(["build", str(article.parent), "--store", str(location), "--quiet"]) == 0
    return location, article, answers(location)


def test_a_build_killed_at_any_moment_leaves_the_previous_store(built):
    location, _, before = built
    assert ("DeepSeek-R1", "DeepSeek") in before[1]
    command = [sys.executable, "-m", "airace.graph.cli", "build", str(BUILT_IN_CORPUS), "--store", str(location),
               "--quiet"]
    # From model loading through extraction to the final label pass: kills at spread-out moments.
    seen = []
    for delay in (0.3, 1.5, 3.0, 4.5, 6.0, 8.0):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished = process.poll() is not None
        process.send_signal(signal.SIGKILL)
        process.wait()
        seen.append((delay, answers(location)))
        if finished or seen[-1][1] != before:
            # The build won the race: it switched to the new generation before the kill landed
            # (it may still have been sweeping the old one, or exiting).
            break
    # The next build sweeps what the killed ones left and lands.
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    after = answers(location)
    count, rows = after
    assert count > before[0] and ("DeepSeek-R1", "DeepSeek") in rows
    # Every kill left the previous store or the whole new one, never a part; the early ones
    # (model loading, extraction) the previous one.
    for delay, found in seen:
        assert found in (before, after), f"after a kill at {delay} s: neither the previous store nor the whole new one"
    assert seen[0][1] == before and seen[1][1] == before
    generations = sorted(path.name for path in location.iterdir() if path.name.startswith("generation-"))
    assert len(generations) <= 2, generations


def test_rebuilding_the_same_documents_adds_nothing(built, capsys):
    location, article, before = built
    exported = export(open_store(location, read_only=True), "nquads")
    copy = article.parent / "copy-of-release.txt"  # the same bytes under another name: the same document
    copy.write_bytes(article.read_bytes())
    assert main(["build", str(article.parent), "--store", str(location), "--quiet"]) == 0
    assert "1 documents (built 0, unchanged 2)" in capsys.readouterr().out
    assert answers(location) == before
    assert export(open_store(location, read_only=True), "nquads") == exported


def test_a_changed_document_replaces_its_old_statements(built, capsys):
    location, article, before = built
    article.write_text(CHANGED, encoding="utf-8")
    assert main(["build", str(article.parent), "--store", str(location), "--quiet"]) == 0
    assert "1 documents (built 1, unchanged 0, replaced 1 old versions)" in capsys.readouterr().out
    _, rows = answers(location)
    assert ("DeepSeek-V3", "DeepSeek") in rows and ("DeepSeek-R1", "DeepSeek") not in rows
    assert ("Qwen 2.5-Max", "Alibaba") in rows


def test_the_same_file_name_in_another_folder_is_another_document(built):
    location, _, before = built
    other = location.parent / "elsewhere" / "release.txt"
    other.parent.mkdir()
    other.write_text(CHANGED, encoding="utf-8")
    assert main(["build", str(other), "--store", str(location), "--quiet"]) == 0
    _, rows = answers(location)
    assert {("DeepSeek-R1", "DeepSeek"), ("DeepSeek-V3", "DeepSeek")} <= set(rows)


def test_a_build_that_fails_changes_nothing(built, capsys):
    location, _, before = built
    empty = location.parent / "empty.txt"
    empty.write_text("")
    assert main(["build", str(empty), "--store", str(location), "--quiet"]) == 1
    error = capsys.readouterr().err
    # One line for the file, one for the outcome.
    skipped, outcome = error.splitlines()
    assert skipped == f"skipped {empty}: the file is empty"
    assert outcome.startswith("airace build: nothing could be built: all 1 files found were skipped")
    assert answers(location) == before


def test_a_second_writer_is_told_to_wait(built, capsys):
    location, article, before = built
    with writing(location):
        assert main(["build", str(article), "--store", str(location), "--quiet"]) == 1
        assert "another build or load is writing to this store" in capsys.readouterr().err
        assert answers(location) == before  # readers are not blocked by a writer
    with pytest.raises(StoreError, match="another build or load"):
        with writing(location), writing(location):
            pass


def test_a_store_from_before_generations_is_read_and_upgraded(tmp_path, built):
    import pyoxigraph as ox

    location, article, before = built
    legacy = tmp_path / "legacy"
    # A store folder as airace 0.1 wrote it: the database files in the folder itself.
    ox.Store.read_only(str(location / "active")).backup(str(legacy))
    assert answers(legacy) == before
    # Nor did it keep the merge of its documents as its default graph: read through the union.
    database = ox.Store(str(legacy))
    database.clear_graph(ox.DefaultGraph())
    del database
    assert answers(legacy) == before
    other = article.parent / "other.txt"
    other.write_text("Moonshot AI released Kimi k1.5 in January 2025.\n", encoding="utf-8")
    assert main(["build", str(article.parent), "--store", str(legacy), "--quiet"]) == 0
    assert (legacy / "active").is_symlink() and not (legacy / "CURRENT").exists()
    count, rows = answers(legacy)
    assert set(before[1]) | {("Kimi k1.5", "Moonshot AI")} == set(rows)


def test_two_workers_and_the_ray_engine_give_the_same_graph_with_shards(tmp_path):
    one = tmp_path / "one"
    with writing(one) as store:
        build([BUILT_IN_CORPUS], store)
    expected = export(open_store(one, read_only=True), "nquads")
    with writing(tmp_path / "two") as store:
        build([BUILT_IN_CORPUS], store, workers=2)
    assert export(open_store(tmp_path / "two", read_only=True), "nquads") == expected
    pytest.importorskip("ray", reason="the ray engine needs Ray (pip install 'airace[ray]')")
    shards = tmp_path / "shards"
    assert main(["build", str(BUILT_IN_CORPUS), "--store", str(tmp_path / "ray"), "--engine", "ray",
                 "--workers", "2", "--shards", str(shards), "--quiet"]) == 0
    assert export(open_store(tmp_path / "ray", read_only=True), "nquads") == expected
    # The shards alone rebuild the documents' graphs in another store.
    assert main(["load", *map(str, sorted(shards.glob("*.nq"))), "--store", str(tmp_path / "from-shards")]) == 0
    documents = set(open_store(tmp_path / "ray", read_only=True).graphs()) - {RESOLUTION_GRAPH}
    assert len(documents) == 5
    assert set(open_store(tmp_path / "from-shards", read_only=True).graphs()) == documents
