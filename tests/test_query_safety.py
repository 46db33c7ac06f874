"""User strings reach SPARQL only as values, and a query that never ends is stopped.

Hostile strings (injections, unbalanced quotes, newlines, NUL, 100,000 characters,
Unicode, bytes that are not UTF-8) go through every command that takes one:
`airace query NAME --bind name=…`, `airace explain …`, `airace disagreements
--subject …`, and the endpoint's parameters. Each gives rows or one clean line
on stderr with exit status 1, never a traceback, and the store keeps exactly
its quads and its answers. The commands run in-process through ``main`` (argv
cannot carry a NUL; ``main`` is what the console script calls), and a few run
as real processes with real argv.

`airace query --timeout` is tested with a cross product over a few thousand
triples, which would run for hours.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psutil
import pytest
from airace import queries
from airace.graph.cli import main
from airace.graph.store import LocalStore, bind
from rdflib import Literal
from test_endpoint import CROSS_PRODUCT, call, make_store, start

HOSTILE = {
    "drop all": '"} ; DROP ALL ; #',
    "insert data": '"> } INSERT DATA { <a> <b> <c> } #',
    "single quote": "'",
    "double quote": '"',
    "long quotes": "'''\"\"\"",
    "unbalanced": 'unbalanced "quote',
    "backslash": "\\",
    "escape": "\\u0022 } #",
    "newlines": "line one\nline two\r\nthree",
    "nul": "\u0000",
    "nul inside": "Deep\u0000Seek",
    "long": "x" * 100_000,
    "chinese": "深度求索",
    "emoji": "Ελληνικά 🚀",
    "right to left": "\u202eevil",
    "variable": "?name",
    "iri": "<urn:airace-test:x>",
    "empty": "",
    "blank": " \t ",
}
INJECTED = "ASK { <a> <b> <c> }"  # what "insert data" would have added, with no base IRI to resolve it
TSV_HEADER = "?entity\t?label\t?class\t?altLabel"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """tiny_graph.trig plus 3,000 filler triples, on disk."""
    return make_store(tmp_path_factory.mktemp("safety") / "store")


def snapshot(path: Path) -> tuple[int, dict[str, list[tuple]]]:
    """The store's number of quads and every shipped query's rows (explain's for DeepSeek)."""
    store = LocalStore(path, read_only=True)
    answers = {}
    for name in queries.names():
        text = queries.read(name)
        if name == "explain":
            text = bind(text, {"name": Literal("DeepSeek")})
        answers[name] = sorted(store.select(text).rows, key=repr)
    return len(store), answers


@pytest.fixture(scope="module")
def before(store) -> tuple[int, dict[str, list[tuple]]]:
    quads, answers = snapshot(store)
    assert quads > 3000 and answers["models-by-organisation"]  # a store worth protecting
    return quads, answers


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """``airace ARGV`` in this process: (exit status, stdout, stderr). An escaping exception fails the test."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_clean_line(command: str, status: int, err: str) -> None:
    assert status == 1
    assert err.startswith(f"airace {command}: ") and err.endswith("\n") and err.count("\n") == 1, err[:300]
    assert "Traceback" not in err


# --- the three commands that take a user's string -------------------------------------------


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_bound_value_stays_a_value(capsys, store, before, value):
    """Bound as ?name, a hostile string matches no entity: the query lists no row (an injection that
    ended the FILTER would list every entity) and the store is as it was."""
    status, out, err = run(capsys, "query", "entity-names", "--store", str(store), "--bind", "name=" + value,
                           "--format", "tsv")
    assert (status, err) == (0, "")
    assert out == TSV_HEADER
    assert snapshot(store) == before


def test_a_real_name_gives_its_rows(capsys, store):
    """The control: the same command with a name the graph has lists that entity."""
    status, out, _ = run(capsys, "query", "entity-names", "--store", str(store), "--bind", "name=deepseek",
                         "--format", "tsv")
    assert status == 0
    assert {line.split("\t")[1] for line in out.splitlines()[1:]} == {'"DeepSeek"'}


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_explain_takes_any_string_as_a_name(capsys, store, before, value):
    status, out, err = run(capsys, "explain", value, "--store", str(store))
    assert_one_clean_line("explain", status, err)
    assert out == ""
    assert "no entity is named" in err or "give the name of an entity" in err  # nothing else went wrong
    assert snapshot(store) == before


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_disagreements_take_any_string_as_a_subject(capsys, store, before, value):
    status, out, err = run(capsys, "disagreements", "--subject", value, "--store", str(store))
    assert_one_clean_line("disagreements", status, err)
    assert out == "" and "no entity is named" in err
    assert snapshot(store) == before


def test_real_names_still_explain_and_disagree(capsys, store):
    status, out, _ = run(capsys, "explain", "DeepSeek", "--store", str(store))
    assert status == 0 and out.startswith("DeepSeek  (Company)")
    status, out, _ = run(capsys, "disagreements", "--subject", "china", "--store", str(store), "--format", "json")
    assert status == 0 and len(json.loads(out)["clusters"]) == 1


@pytest.mark.parametrize("argv, message", [
    (["--bind", '"} ; DROP ALL ; #=1'], "is not a SPARQL variable name"),
    (["--bind", "name"], "is not NAME=VALUE"),
    (["--bind", "name=x", "--bind", "?name=y"], "?name is bound twice"),
    (["--bind", "name=<urn:a> <urn:b>"], "is not a valid IRI"),
    (["--bind", "name=<urn:a\n> } DROP ALL #>"], "is not a valid IRI"),
    (["--bind", "name=<>"], "is not a valid IRI"),
    (["--bind", "name=caf" + b"\xe9".decode("utf-8", "surrogateescape")], "the value is not text"),
    (["--bind", "na\nme=1"], "is not a SPARQL variable name"),
])
def test_bad_bindings_are_one_line(capsys, store, before, argv, message):
    status, out, err = run(capsys, "query", "entity-names", "--store", str(store), *argv)
    assert_one_clean_line("query", status, err)
    assert message in err and out == ""
    assert snapshot(store) == before


@pytest.mark.parametrize("argv, message", [
    (['"} ; DROP ALL ; #'], "no query named"),
    (["x\u0000.rq"], "no such query file"),
    (["--sparql", "DROP ALL"], "not valid SPARQL"),
    (["--sparql", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"], "not valid SPARQL"),
    (["--sparql", "SELECT ?x WHERE { ?x "], "not valid SPARQL"),  # the parser's message spans many lines
    (["--sparql", "ASK {}"], "expected a SELECT query"),
    (["--sparql", "SELECT * WHERE " + "{" * 5000 + "}" * 5000], "nests brackets more than 1000 deep"),
    (["--sparql", "SELECT * WHERE { ?s ?p \"" + b"\xff".decode("utf-8", "surrogateescape") + "\" }"],
     "the query is not text"),
])
def test_bad_queries_are_one_line_and_change_nothing(capsys, store, before, argv, message):
    status, out, err = run(capsys, "query", "--store", str(store), *argv)
    assert_one_clean_line("query", status, err)
    assert message in err and out == ""
    assert snapshot(store) == before


def test_a_query_can_hold_a_nul_and_a_long_string(capsys, store):
    """Not every odd string is an error: a NUL and 100,000 characters are plain values."""
    long = "y" * 100_000
    status, out, _ = run(capsys, "query", "--store", str(store), "--format", "json",
                         "--sparql", "SELECT ?a ?b WHERE { BIND(\"a\u0000b\" AS ?a) BIND(?long AS ?b) }",
                         "--bind", f"long={long}")
    assert status == 0
    row = json.loads(out)["results"]["bindings"][0]
    assert (row["a"]["value"], row["b"]["value"]) == ("a\u0000b", long)


@pytest.mark.parametrize("argv, status, message", [
    (["explain", HOSTILE["drop all"]], 1, "no entity is named"),
    (["disagreements", "--subject", HOSTILE["insert data"]], 1, "no entity is named"),
    (["query", "entity-names", "--format", "tsv", "--bind", "name=" + HOSTILE["newlines"]], 0, ""),
    # bytes that are not UTF-8, as a shell passes them
    (["query", "entity-names", "--bind", b"name=caf\xe9"], 1, "the value is not text"),
    (["explain", b"caf\xe9"], 1, ""),
], ids=["explain", "disagreements", "query", "query undecodable", "explain undecodable"])
def test_the_real_command_line(store, before, argv, status, message):
    """The command with real argv: rows with exit status 0, or one line with exit status 1."""
    done = subprocess.run([sys.executable, "-m", "airace.graph.cli", *argv, "--store", str(store)],
                          capture_output=True, timeout=120)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == status, err
    if status == 0:
        assert err == "" and done.stdout.decode() == TSV_HEADER
    else:
        assert_one_clean_line(argv[0], done.returncode, err)
        assert message in err
    assert snapshot(store) == before


# --- the endpoint: user values arrive as its parameters ------------------------------------------


def test_the_endpoint_takes_hostile_parameters(tmp_path):
    """Every hostile string as the query, as a dataset IRI, as a format and as an Accept header:
    a 200 or a one-line 4xx each, and the store keeps its quads (the server is read-only, and says so
    for updates)."""
    server = start(make_store(tmp_path / "store"), tmp_path / "server.log")
    try:
        port = urllib.parse.urlsplit(server.url).port

        def count() -> int:
            status, _, body = call(port, "GET", "/sparql?" + urllib.parse.urlencode(
                {"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}),
                headers={"Accept": "application/sparql-results+json"})
            assert status == 200
            return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])

        quads = count()
        for name, value in HOSTILE.items():
            for params, headers in (
                ({"query": value}, {}),
                ({"query": "ASK {}", "default-graph-uri": value}, {}),
                ({"query": "ASK {}", "named-graph-uri": value}, {}),
                ({"query": "ASK {}", "format": value}, {}),
                # A header cannot hold a line break or NUL; the rest is sent as UTF-8 bytes.
                ({"query": "ASK {}"}, {"Accept": value.translate({10: 32, 13: 32, 0: 32}).encode()}),
                ({"update": value}, {"Content-Type": "application/x-www-form-urlencoded"}),
            ):
                if "update" in params:
                    status, headers_back, body = call(port, "POST", "/sparql", headers=headers,
                                                      body=urllib.parse.urlencode(params).encode())
                else:
                    status, headers_back, body = call(port, "GET", "/sparql?" + urllib.parse.urlencode(params),
                                                      headers=headers)
                where = f"{name}: {sorted(params)} {sorted(headers)}"
                if name == "long" and status in (414, 431):  # http.server's own limits: its HTML page
                    assert headers_back["content-type"].startswith("text/html"), where
                    continue
                assert status in (200, 400, 403, 406), (where, status, body[:200])
                if status != 200:
                    assert headers_back["content-type"] == "text/plain; charset=utf-8", where
                    assert body.count(b"\n") == 1 and len(body) < 1000, (where, body[:200])
        status, _, body = call(port, "GET", "/sparql?query=%FF", headers={})
        assert status == 400 and b"not UTF-8" in body
        assert count() == quads
        status, _, body = call(port, "GET", "/sparql?" + urllib.parse.urlencode({"query": INJECTED}),
                               headers={"Accept": "application/sparql-results+json"})
        assert status == 400 or json.loads(body)["boolean"] is False  # <a> is relative: no base, so 400
    finally:
        assert server.stop() == 0
    assert "Traceback" not in server.log.read_text()


# --- airace query --timeout ---------------------------------------------------------------------


def test_query_that_never_ends_is_stopped(store, before):
    """A cross product over 3,000 triples (27 billion rows) is stopped at the limit: one line, exit 1,
    no process left behind, and the store answers as before and can still be opened for writing."""
    limit = 2
    command = [sys.executable, "-m", "airace.graph.cli", "query", "--store", str(store), "--timeout", str(limit),
               "--sparql", CROSS_PRODUCT]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - started
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(f"airace query: the query ran longer than {limit} s and was stopped; ")
    assert done.stderr.count("\n") == 1 and "--timeout" in done.stderr
    # The limit, plus starting Python and importing the command (a few seconds on a busy machine).
    assert limit <= elapsed < limit + 20
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _running_on(store):
        time.sleep(0.2)
    assert _running_on(store) == []  # the query's process was killed, not left running
    assert snapshot(store) == before
    LocalStore(store)  # opens for writing: nothing was left locked


def _running_on(store: Path) -> list[int]:
    """Processes whose command line names ``store``, other than this one."""
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        if process.info["pid"] != os.getpid() and str(store) in " ".join(process.info["cmdline"] or []):
            found.append(process.info["pid"])
    return found


def test_query_timeout_zero_means_no_limit_and_negative_is_refused(capsys, store):
    status, out, _ = run(capsys, "query", "models-by-organisation", "--store", str(store), "--format", "csv",
                         "--timeout", "0")
    assert status == 0
    limited = run(capsys, "query", "models-by-organisation", "--store", str(store), "--format", "csv")
    assert limited[0] == 0 and limited[1] == out and "DeepSeek-R1" in out  # the same rows in a child process
    status, _, err = run(capsys, "query", "models-by-organisation", "--store", str(store), "--timeout", "-1")
    assert_one_clean_line("query", status, err)
    assert "0 (no limit) or more seconds" in err
