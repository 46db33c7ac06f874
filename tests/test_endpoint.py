"""``airace serve``: the real server in a subprocess over a small real store, driven by real clients.

SPARQLWrapper (what Python users point at an endpoint) reads every result
format; urllib sends what SPARQLWrapper will not (a bad Accept, a foreign Host,
a preflight). Each server is stopped by the test that started it (Ctrl-C, as a
user would), and every wait is bounded.
"""

from __future__ import annotations

import io
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException
from pathlib import Path

import pyoxigraph as ox
import pytest
from airace.graph.protocol import (
    GRAPH_TYPES,
    RESULT_TYPES,
    ProtocolError,
    Task,
    choose,
    execute,
    parse_request,
)
from airace.graph.store import open_store
from conftest import REPO
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result
from SPARQLWrapper import (
    CSV,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    XML,
    SPARQLWrapper,
)
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

RACE = Namespace("https://w3id.org/airace/ontology#")
ID = "https://w3id.org/airace/id/"
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
FILLER = "urn:airace-test:filler"
FILLER_TRIPLES = 3000  # enough that a three-way cross product never ends
TIMEOUT = 2  # seconds, the test servers' --timeout
MAX_ROWS = 50

DEEPSEEK_MODELS = """
PREFIX race: <https://w3id.org/airace/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?model ?label ?released WHERE {
  ?model race:developedBy <https://w3id.org/airace/id/org/deepseek> ; rdfs:label ?label .
  OPTIONAL { ?model race:releaseDate ?released }
} ORDER BY ?label
"""
EXPECTED_ROWS = [
    (URIRef(ID + "model/deepseek-r1"), Literal("DeepSeek-R1"), Literal("2025-01", datatype=XSD.gYearMonth)),
    (URIRef(ID + "model/deepseek-v3"), Literal("DeepSeek-V3"), None),
]
DEEPSEEK_GRAPH = """
PREFIX race: <https://w3id.org/airace/ontology#>
CONSTRUCT { ?model race:developedBy <https://w3id.org/airace/id/org/deepseek> }
WHERE { ?model race:developedBy <https://w3id.org/airace/id/org/deepseek> }
"""
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def expected_graph() -> Graph:
    graph = Graph()
    for model in ("deepseek-r1", "deepseek-v3"):
        graph.add((URIRef(ID + f"model/{model}"), RACE.developedBy, URIRef(ID + "org/deepseek")))
    return graph


# --- running the server -------------------------------------------------------------------


def make_store(folder: Path) -> Path:
    """tiny_graph.trig plus a filler graph of a few thousand triples, closed so that a server can open it."""
    store = open_store(folder)
    store.load((REPO / "tests" / "fixtures" / "tiny_graph.trig").read_bytes(), format="trig")
    filler = "".join(f"<urn:airace-test:s{i}> <urn:airace-test:p> \"{i}\" .\n" for i in range(FILLER_TRIPLES))
    store.load(filler.encode(), format="nt", graph=URIRef(FILLER))
    store.flush()
    del store
    return folder


@dataclass
class Server:
    process: subprocess.Popen
    url: str  # the endpoint, …/sparql
    log: Path

    @property
    def root(self) -> str:
        return self.url.removesuffix("sparql")

    def stop(self) -> int:
        """Ctrl-C, as a user would; return the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(5)


def run_cli(*args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "airace.graph.cli", "serve", *args],
        stdout=subprocess.PIPE, stderr=log.open("w"), text=True,
        # Ctrl-C must reach the server even when the test run itself ignores SIGINT (a background job).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def start(store: Path, log: Path, *args: str) -> Server:
    """Start ``airace serve`` on a free loopback port; return once it says where it listens."""
    process = run_cli("--store", str(store), "--port", "0", "--timeout", str(TIMEOUT),
                      "--max-rows", str(MAX_ROWS), *args, log=log)
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline() if ready else ""
    match = re.search(r"at (http://\S+/sparql) ", line)
    if not match:
        process.kill()
        process.wait(5)
        pytest.fail(f"the server did not start: {line!r} {log.read_text()!r}")
    return Server(process, match.group(1), log)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A read-only server over tiny_graph plus filler: 2 s per query, 50 rows per answer."""
    folder = tmp_path_factory.mktemp("serve")
    running = start(make_store(folder / "store"), folder / "server.log")
    yield running
    assert running.stop() == 0


@pytest.fixture
def writable_server(tmp_path):
    running = start(make_store(tmp_path / "store"), tmp_path / "server.log", "--allow-updates", "--cors")
    yield running
    assert running.stop() == 0


def sparql(server: Server, query: str, return_format: str) -> SPARQLWrapper:
    client = SPARQLWrapper(server.url)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    client.setTimeout(30)
    return client


def http(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None):
    """(status, headers, body) of a plain request, errors included."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def get(server: Server, query: str, accept: str | None = None, **params: str):
    url = server.url + "?" + urllib.parse.urlencode({"query": query, **params})
    return http(url, headers={"Accept": accept} if accept else {})


def rows(body: bytes, format: str) -> list[tuple]:
    """Result rows as rdflib reads them (an implementation independent of the server's)."""
    return [tuple(row) for row in Result.parse(io.BytesIO(body), format=format)]


# --- every result format, through SPARQLWrapper ----------------------------------------------


def test_select_as_json_by_get(server):
    result = sparql(server, DEEPSEEK_MODELS, JSON).query()
    assert result.info()["content-type"] == "application/sparql-results+json"
    answer = result.convert()
    assert answer["head"]["vars"] == ["model", "label", "released"]
    assert [{name: value["value"] for name, value in binding.items()} for binding in answer["results"]["bindings"]] == [
        {"model": ID + "model/deepseek-r1", "label": "DeepSeek-R1", "released": "2025-01"},
        {"model": ID + "model/deepseek-v3", "label": "DeepSeek-V3"},
    ]
    assert answer["results"]["bindings"][0]["released"]["datatype"] == str(XSD.gYearMonth)


def test_select_as_xml(server):
    result = sparql(server, DEEPSEEK_MODELS, XML).query()
    assert result.info()["content-type"] == "application/sparql-results+xml"
    assert rows(result.convert().toxml().encode(), "xml") == EXPECTED_ROWS


def test_select_as_tsv(server):
    result = sparql(server, DEEPSEEK_MODELS, TSV).query()
    assert result.info()["content-type"] == "text/tab-separated-values; charset=utf-8"
    assert rows(result.convert(), "tsv") == EXPECTED_ROWS


def test_select_as_csv(server):
    result = sparql(server, DEEPSEEK_MODELS, CSV).query()
    assert result.info()["content-type"] == "text/csv; charset=utf-8"
    assert result.convert().decode().splitlines() == [
        "model,label,released",
        f"{ID}model/deepseek-r1,DeepSeek-R1,2025-01",
        f"{ID}model/deepseek-v3,DeepSeek-V3,",
    ]


@pytest.mark.parametrize("return_format, parse_as", [(JSON, "json"), (XML, "xml")])
def test_ask(server, return_format, parse_as):
    client = sparql(server, "ASK { ?model <https://w3id.org/airace/ontology#openWeights> true }", return_format)
    body = client.query().response.read()
    assert Result.parse(io.BytesIO(body), format=parse_as).askAnswer is True


def test_construct_as_turtle_by_default(server):
    result = sparql(server, DEEPSEEK_GRAPH, TURTLE).query()
    assert result.info()["content-type"] == "text/turtle; charset=utf-8"
    assert isomorphic(Graph().parse(data=result.convert(), format="turtle"), expected_graph())
    status, headers, body = get(server, DEEPSEEK_GRAPH)  # no Accept at all
    assert (status, headers["Content-Type"]) == (200, "text/turtle; charset=utf-8")


def test_construct_as_n_triples(server):
    client = sparql(server, DEEPSEEK_GRAPH, N3)
    client.addCustomHttpHeader("Accept", "application/n-triples")
    result = client.query()
    assert result.info()["content-type"] == "application/n-triples"
    assert isomorphic(Graph().parse(data=result.convert(), format="nt"), expected_graph())


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside SPARQLWrapper
@pytest.mark.parametrize("return_format", [RDFXML, JSONLD])
def test_construct_as_rdf_xml_and_json_ld(server, return_format):
    """SPARQLWrapper's own default for CONSTRUCT is RDF/XML; it parses both into a graph itself."""
    graph = sparql(server, DEEPSEEK_GRAPH, return_format).query().convert()
    assert isomorphic(Graph() + graph, expected_graph())


# --- the protocol: methods, parameters, negotiation -------------------------------------------


def test_post_form(server):
    client = sparql(server, DEEPSEEK_MODELS, JSON)
    client.setMethod(POST)  # application/x-www-form-urlencoded, query=…
    assert len(client.query().convert()["results"]["bindings"]) == 2


def test_post_sparql_query_body(server):
    client = sparql(server, DEEPSEEK_MODELS, TSV)
    client.setMethod(POST)
    client.setRequestMethod(POSTDIRECTLY)  # Content-Type: application/sparql-query
    assert rows(client.query().convert(), "tsv") == EXPECTED_ROWS
    status, _, body = http(server.url, data=DEEPSEEK_MODELS.encode(),
                           headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert status == 200 and body.startswith(b"model,label,released\r\n")


def test_unknown_parameters_are_ignored(server):
    client = sparql(server, DEEPSEEK_MODELS, JSON)  # it also sends format=, output= and results=
    client.addParameter("timeout", "0")
    client.addParameter("debug", "on")
    assert len(client.query().convert()["results"]["bindings"]) == 2
    status, _, _ = get(server, "ASK {}", "application/sparql-results+json", inference="true", limit="1")
    assert status == 200


def test_format_parameter_is_a_fallback_for_a_wildcard_accept(server):
    status, headers, body = get(server, DEEPSEEK_MODELS, "*/*", format="csv")
    assert (status, headers["Content-Type"]) == (200, "text/csv; charset=utf-8")
    status, headers, _ = get(server, DEEPSEEK_MODELS, None, output="xml")
    assert headers["Content-Type"] == "application/sparql-results+xml"
    status, headers, _ = get(server, DEEPSEEK_GRAPH, None, format="ntriples")
    assert headers["Content-Type"] == "application/n-triples"
    _, headers, _ = get(server, DEEPSEEK_MODELS, "application/sparql-results+json", format="csv")
    assert headers["Content-Type"] == "application/sparql-results+json"  # a named Accept wins


def test_accept_q_values(server):
    _, headers, _ = get(server, DEEPSEEK_MODELS, "text/csv;q=0.2, application/sparql-results+xml;q=0.8, */*;q=0.1")
    assert headers["Content-Type"] == "application/sparql-results+xml"
    _, headers, _ = get(server, DEEPSEEK_MODELS, None)
    assert headers["Content-Type"] == "application/sparql-results+json"


def test_unsupported_accept_is_406(server):
    status, headers, body = get(server, DEEPSEEK_MODELS, "text/html")
    assert status == 406 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert b"application/sparql-results+json" in body  # it says what it offers
    status, _, _ = get(server, DEEPSEEK_GRAPH, "text/csv")  # CSV is for SELECT, not for a graph
    assert status == 406


def test_bad_query_is_400_with_a_short_message(server):
    with pytest.raises(QueryBadFormed):
        sparql(server, "SELECT ?x WHERE { ?x ", JSON).query()
    status, headers, body = get(server, "SELECT ?x WHERE { ?x ")
    assert status == 400 and headers["Content-Type"] == "text/plain; charset=utf-8"
    assert body.decode().startswith("the query is not valid SPARQL: ") and body.count(b"\n") == 1
    assert http(server.url)[0] == 400  # no query at all


def test_update_is_refused_with_403(server):
    client = sparql(server, "INSERT DATA { <urn:a> <urn:b> <urn:c> }", JSON)
    client.setMethod(POST)  # update=… in a form
    with pytest.raises(urllib.error.HTTPError) as refused:
        client.query()
    assert refused.value.code == 403
    status, _, body = http(server.url, data=b"CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
    assert status == 403 and b"--allow-updates" in body
    assert json.loads(get(server, "ASK { <urn:a> ?p ?o }")[2])["boolean"] is False
    assert len(sparql(server, DEEPSEEK_MODELS, JSON).query().convert()["results"]["bindings"]) == 2


def test_row_cap_truncates_and_says_so(server):
    query = f"SELECT ?s WHERE {{ GRAPH <{FILLER}> {{ ?s ?p ?o }} }}"
    status, headers, body = get(server, query, "text/tab-separated-values")
    assert status == 200 and headers["X-Airace-Truncated"] == "true" and headers["X-Airace-Max-Rows"] == str(MAX_ROWS)
    assert len(body.decode().splitlines()) == 1 + MAX_ROWS
    _, headers, body = get(server, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{FILLER}> {{ ?s ?p ?o }} }}",
                            "application/n-triples")
    assert headers["X-Airace-Truncated"] == "true" and len(body.decode().splitlines()) == MAX_ROWS
    _, headers, _ = get(server, DEEPSEEK_MODELS)
    assert "X-Airace-Truncated" not in headers


def _descendants(pid: int) -> list[int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / os.sysconf("SC_CLK_TCK")


def test_timeout_stops_the_query_and_the_next_one_is_answered(server):
    started = time.monotonic()
    status, headers, body = get(server, CROSS_PRODUCT)
    elapsed = time.monotonic() - started
    assert status == 503 and f"{TIMEOUT} s limit" in body.decode()
    assert TIMEOUT <= elapsed < TIMEOUT + 10
    started = time.monotonic()
    status, _, body = get(server, "ASK {}")
    assert status == 200 and time.monotonic() - started < 1.0
    if Path("/proc/self/stat").exists():  # the query is really stopped: nothing of the server burns CPU
        family = [server.process.pid, *_descendants(server.process.pid)]
        before = _cpu_seconds(family)
        time.sleep(1.0)
        assert _cpu_seconds(family) - before < 0.5


def test_timeouts_in_a_row_do_not_exhaust_the_workers(server):
    for _ in range(3):  # more than the two workers: each stopped query gives its worker back
        assert get(server, CROSS_PRODUCT)[0] == 503
        started = time.monotonic()
        assert get(server, "ASK {}")[0] == 200
        assert time.monotonic() - started < 1.0


def test_graph_page_is_served(server):
    for path in ("", "graph"):
        status, headers, body = http(server.root + path)
        assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
        page = body.decode()
        assert page.startswith("<!DOCTYPE html>") and '"label":"DeepSeek-R1"' in page
    assert http(server.root + "nothing-here")[0] == 404


def test_airace_remote_store_reads_it(server):
    """The project's own client (`--store http://…`) speaks to it."""
    table = open_store(server.url).select(DEEPSEEK_MODELS)
    assert table.rows == EXPECTED_ROWS


def test_foreign_host_header_is_refused(server):
    status, _, _ = http(server.url + "?query=ASK%7B%7D", headers={"Host": "attacker.example:80"})
    assert status == 403


def test_cors_is_off_by_default(server):
    _, headers, _ = get(server, "ASK {}", None)
    assert "Access-Control-Allow-Origin" not in headers


# --- updates and CORS when asked for ------------------------------------------------------------


def test_updates_when_allowed(writable_server):
    client = SPARQLWrapper(writable_server.url)
    client.setTimeout(30)
    client.setMethod(POST)
    client.setQuery("INSERT DATA { GRAPH <urn:airace-test:new> { <urn:a> <urn:b> <urn:c> } }")
    assert client.query().response.status == 204
    assert json.loads(get(writable_server, "ASK { <urn:a> <urn:b> <urn:c> }")[2])["boolean"] is True
    status, _, _ = http(writable_server.url, data=b"CLEAR ALL",
                        headers={"Content-Type": "application/sparql-update", "Origin": "https://elsewhere.example"})
    assert status == 403  # a page elsewhere cannot change the graph
    assert json.loads(get(writable_server, "ASK { <urn:a> <urn:b> <urn:c> }")[2])["boolean"] is True
    status, _, body = http(writable_server.url, data=b"INSERT DATA {", headers={"Content-Type": "application/sparql-update"})
    assert status == 400 and body.startswith(b"the update is not valid SPARQL")


def test_cors_when_asked_for(writable_server):
    request = urllib.request.Request(writable_server.url, method="OPTIONS",
                                     headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
    _, headers, _ = get(writable_server, "ASK {}", None)
    assert headers["Access-Control-Allow-Origin"] == "*"


# --- the command: errors a user can cause, a warning, Ctrl-C -------------------------------------


def test_errors_a_user_can_cause_are_one_line_and_exit_1(server, tmp_path):
    store = make_store(tmp_path / "store")
    port = urllib.parse.urlsplit(server.url).port  # taken by the module's server
    cases = {
        "missing": (["--store", str(tmp_path / "missing")], "no store here"),
        "port in use": (["--store", str(store), "--port", str(port)], "cannot listen"),
        "bad limit": (["--store", str(store), "--timeout", "0"], "must be positive"),
    }
    for name, (args, message) in cases.items():
        log = tmp_path / f"{name}.log"
        process = run_cli(*args, log=log)
        try:
            assert process.wait(60) == 1, name
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(5)
        lines = log.read_text().splitlines()
        assert len(lines) == 1 and lines[0].startswith("airace serve: ") and message in lines[0], lines


def test_non_loopback_host_warns_in_one_line(tmp_path):
    process = run_cli("--store", str(make_store(tmp_path / "store")), "--host", "0.0.0.0", "--port", "0",
                      log=tmp_path / "log")
    server = Server(process, "", tmp_path / "log")
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready and "serving" in process.stdout.readline()
        lines = (tmp_path / "log").read_text().splitlines()
        assert len(lines) == 1 and lines[0].startswith("airace serve: warning: 0.0.0.0 is reachable from other")
    finally:
        assert server.stop() == 0


def test_ctrl_c_stops_cleanly(tmp_path):
    running = start(make_store(tmp_path / "store"), tmp_path / "log")
    assert get(running, "ASK {}")[0] == 200
    children = _descendants(running.process.pid) if Path("/proc/self/stat").exists() else []
    assert running.stop() == 0
    assert "Traceback" not in running.log.read_text()
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]  # workers and helpers gone
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", urllib.parse.urlsplit(running.url).port), timeout=2).close()


# --- the pure parts ------------------------------------------------------------------------


@pytest.mark.parametrize("accept, offered, preferred, expected", [
    (None, RESULT_TYPES, None, "application/sparql-results+json"),
    ("*/*", GRAPH_TYPES, None, "text/turtle"),
    ("application/sparql-results+json, application/json;q=0.9, */*;q=0.1", RESULT_TYPES, None,
     "application/sparql-results+json"),
    ("text/csv;q=0.2, application/sparql-results+xml;q=0.8", RESULT_TYPES, None, "application/sparql-results+xml"),
    ("text/csv, */*", RESULT_TYPES, None, "text/csv"),  # named beats the wildcard at equal q
    ("text/*", RESULT_TYPES, None, "text/csv"),
    ("application/sparql-results+json;q=0, */*", RESULT_TYPES, None, "application/sparql-results+xml"),
    ("*/*", RESULT_TYPES, "text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv", RESULT_TYPES, "text/tab-separated-values", "text/csv"),
    ("application/turtle,text/turtle", GRAPH_TYPES, None, "text/turtle"),
    ("text/html", RESULT_TYPES, None, None),
    ("text/csv;q=0", RESULT_TYPES, None, None),
])
def test_choose(accept, offered, preferred, expected):
    assert choose(accept, offered, preferred=preferred) == expected


@pytest.mark.parametrize("method, query_string, content_type, body, status", [
    ("GET", "", None, b"", 400),
    ("GET", "query=ASK{}&query=ASK{}", None, b"", 400),
    ("POST", "", "application/x-www-form-urlencoded", b"query=ASK{}&update=CLEAR+ALL", 400),
    ("POST", "", "text/plain", b"ASK {}", 415),
    ("POST", "", "application/sparql-query", b"\xff", 400),
    ("POST", "query=ASK{}", "application/sparql-query", b"ASK {}", 400),
])
def test_parse_request_refuses(method, query_string, content_type, body, status):
    with pytest.raises(ProtocolError) as refused:
        parse_request(method, query_string, content_type, body)
    assert refused.value.status == status


def test_rows_written_under_the_cap_lose_nothing():
    """The first rows pass through TSV on their way to pyoxigraph's serialisers: every kind of term survives."""
    store = ox.Store()
    store.update("""INSERT DATA { GRAPH <urn:g> {
        <urn:s1> <urn:p> "tab\\tnew line\\n \\"quoted\\" \\\\ é" , "hello"@en-GB , 5 , 1.5e3 , _:b1 , <urn:é> ,
                         "2025-01"^^<http://www.w3.org/2001/XMLSchema#gYearMonth> , "x"@ar--rtl .
        <urn:s2> <urn:p> <<( <urn:a> <urn:b> "c" )>> } }""")
    query = "SELECT ?s ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?none } } ORDER BY ?s ?o"
    for media, results_format in (("application/sparql-results+json", ox.QueryResultsFormat.JSON),
                                  ("application/sparql-results+xml", ox.QueryResultsFormat.XML)):
        reply = execute(store, Task("query", query, results_type=media, max_rows=100))
        direct = store.query(query, use_default_graph_as_union=True).serialize(format=results_format)
        assert (reply.status, reply.truncated, reply.body) == (200, False, direct)


# --- under load: 20 clients for 30 s ------------------------------------------------------------

LOAD_SECONDS = 30
CLIENTS = 20
# The load server's --timeout, which also bounds how long a query waits for a free worker. While
# one worker runs a query that never ends, the other answers the other 19 clients: the slowest
# such answer took 1 s here, so 2 s (the other tests' limit) would leave a slower machine no room.
LOAD_TIMEOUT = 5
# The server's processes (itself, the forkserver, the resource tracker, two workers) may hold this
# much more memory after the run than after the warm-up. Measured here: about 185 MB after the
# warm-up, 7-11 MB more after the run (the server's heap reaching its working size; killed workers
# replaced by fresh ones) and 205 MB at the peak; over a 150 s run the total stayed flat at
# 195-205 MB. 64 MB leaves a slower or busier machine room, and still catches a leak of 10 KB per
# request over the run's 4,000-7,000 requests, or a worker that is never stopped.
GROWTH_BOUND_MB = 64
JSON_RESULTS = "application/sparql-results+json"


def call(port: int, method: str, target: str, *, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One request on a new connection: (status, headers with lower-case names, body).

    Connection errors (refused, reset, a timeout) are raised: under load each one is a failure.
    """
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.putrequest(method, target, skip_host="Host" in (headers or {}), skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, {name.lower(): value for name, value in response.getheaders()}, response.read()
    finally:
        connection.close()


def raw_call(port: int, data: bytes) -> bytes:
    """Send ``data`` as it is (not even HTTP) and read until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(data)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


def canonical(body: bytes) -> tuple:
    """SPARQL JSON results as (variables, sorted rows): the same answer whatever the order of rows."""
    answer = json.loads(body)
    if "boolean" in answer:
        return ("boolean", answer["boolean"])
    rows = sorted(json.dumps(row, sort_keys=True) for row in answer["results"]["bindings"])
    return tuple(answer["head"]["vars"]), rows


def reference_store() -> ox.Store:
    """The test server's data in memory: the answers a quiet store gives, computed here by pyoxigraph itself."""
    store = ox.Store()
    store.load((REPO / "tests" / "fixtures" / "tiny_graph.trig").read_bytes(), format=ox.RdfFormat.TRIG)
    filler = "".join(f"<urn:airace-test:s{i}> <urn:airace-test:p> \"{i}\" .\n" for i in range(FILLER_TRIPLES))
    store.load(filler.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(FILLER))
    return store


def competency_queries() -> dict[str, str]:
    """Every shipped query, explain.rq with its required ?name bound (as `airace explain` binds it)."""
    from airace import queries
    from airace.graph.store import bind

    texts = {name: queries.read(name) for name in queries.names()}
    texts["explain"] = bind(texts["explain"], {"name": Literal("DeepSeek")})
    return texts


def expect(status: int, headers: dict[str, str], body: bytes, want: int, *, media: str | None = None,
           starts: bytes | None = None, one_line: bool = False) -> str | None:
    """None when the answer is as wanted, else what is wrong (kept short)."""
    if status != want:
        return f"status {status}, wanted {want}: {body[:120]!r}"
    if media is not None and headers.get("content-type", "").split(";")[0] != media:
        return f"content type {headers.get('content-type')!r}, wanted {media}"
    if starts is not None and not body.startswith(starts):
        return f"body {body[:120]!r} does not start with {starts!r}"
    if one_line and (body.count(b"\n") != 1 or not body.endswith(b"\n") or len(body) > 400):
        return f"not one short line: {body[:120]!r}"
    return None


def load_cases(port: int, timeout: float = TIMEOUT) -> dict[str, list]:
    """The requests of the load run by kind: each a function that sends one and says what was wrong, or None."""
    reference = reference_store()

    def answer_of(text: str) -> tuple:
        result = reference.query(text, use_default_graph_as_union=True)
        if isinstance(result, ox.QueryBoolean):
            return ("boolean", bool(result))
        return canonical(result.serialize(format=ox.QueryResultsFormat.JSON))

    def select(text: str, *, by_post: bool = False):
        expected = answer_of(text)

        def send():
            if by_post:
                reply = call(port, "POST", "/sparql", body=urllib.parse.urlencode({"query": text}).encode(),
                             headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": JSON_RESULTS})
            else:
                reply = call(port, "GET", "/sparql?" + urllib.parse.urlencode({"query": text}),
                             headers={"Accept": JSON_RESULTS})
            problem = expect(*reply, 200, media=JSON_RESULTS)
            if problem is None and canonical(reply[2]) != expected:
                problem = f"other rows than a quiet store gives: {reply[2][:200]!r}"
            return problem
        return send

    expected_triples = {line for line in expected_graph().serialize(format="nt").splitlines() if line.strip()}

    def construct():
        reply = call(port, "GET", "/sparql?" + urllib.parse.urlencode({"query": DEEPSEEK_GRAPH}),
                     headers={"Accept": "application/n-triples"})
        problem = expect(*reply, 200, media="application/n-triples")
        if problem is None and {line for line in reply[2].decode().splitlines() if line.strip()} != expected_triples:
            problem = f"other triples than expected: {reply[2][:200]!r}"
        return problem

    def malformed(text: str):
        return lambda: expect(*call(port, "GET", "/sparql?" + urllib.parse.urlencode({"query": text})), 400,
                              media="text/plain", starts=b"the query is not valid SPARQL: ", one_line=True)

    def never_ending():
        return expect(*call(port, "GET", "/sparql?" + urllib.parse.urlencode({"query": CROSS_PRODUCT})), 503,
                      media="text/plain", starts=f"the query ran longer than the {timeout:g} s limit".encode(),
                      one_line=True)

    def hostile(want: int, method: str, target: str, *, body: bytes | None = None, media: str | None = "text/plain",
                one_line: bool = True, starts: bytes | None = None, **headers: str):
        headers = {name.replace("_", "-"): value for name, value in headers.items()}
        return lambda: expect(*call(port, method, target, body=body, headers=headers), want, media=media,
                              one_line=one_line, starts=starts)

    def query_string(**params: str) -> str:
        return "/sparql?" + urllib.parse.urlencode(params)

    def garbage_request_line():
        # No HTTP version: http.server answers as HTTP/0.9 would, a bare error page.
        answer = raw_call(port, b"GARBAGE\r\n\r\n")
        return None if b"Error code: 400" in answer else f"not a 400 page: {answer[:120]!r}"

    def unreadable_url():
        # An absolute URL whose host cannot be read (http.client itself refuses to send one).
        answer = raw_call(port, b"GET http://[::1/sparql?query=ASK+%7B%7D HTTP/1.1\r\n"
                                b"Host: 127.0.0.1\r\nConnection: close\r\n\r\n")
        head, _, body = answer.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 400 ") or body.count(b"\n") != 1:
            return f"not a one-line 400: {answer[:200]!r}"
        return None

    deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    form = {"Content_Type": "application/x-www-form-urlencoded"}
    texts = competency_queries()
    return {
        "select": [select(DEEPSEEK_MODELS), select(DEEPSEEK_MODELS, by_post=True),
                   select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{FILLER}> {{ ?s ?p ?o }} }}")],
        "competency": [select(text, by_post=index % 2 == 1) for index, text in enumerate(texts.values())],
        "construct": [construct],
        "ask": [select("ASK { ?model <https://w3id.org/airace/ontology#openWeights> true }"),
                select("ASK { <urn:airace-test:nothing> ?p ?o }")],
        "malformed": [malformed(text) for text in ("SELECT ?x WHERE { ?x ", "SELEC * WHERE {}", "", "}}}",
                                                   "ASK { ?s ?p \"unterminated }", "PREFIX : <x SELECT * {}",
                                                   "SELECT * WHERE { ?s ?p ?o } LIMIT -1")],
        "hostile": [
            hostile(400, "GET", query_string(query="ASK {}", **{"default-graph-uri": "not an IRI"})),
            hostile(200, "GET", query_string(query="ASK { GRAPH ?g { ?s ?p ?o } }",
                                             **{"named-graph-uri": "javascript:alert(1)"}),
                    media=JSON_RESULTS, one_line=False, starts=b'{"head":{},"boolean":false}'),
            hostile(400, "GET", "/sparql?query=%FF%FE"),
            hostile(400, "GET", "/sparql?query=ASK+%7B%7D&query=ASK+%7B%7D"),
            hostile(400, "GET", "/sparql?update=DROP+ALL"),
            hostile(403, "POST", "/sparql", body=b"update=DROP+ALL", **form),
            hostile(403, "POST", "/sparql", body=b"DROP ALL", Content_Type="application/sparql-update"),
            hostile(415, "POST", "/sparql", body=b"ASK {}", Content_Type="text/plain"),
            hostile(406, "GET", query_string(query="ASK {}"), Accept="text/html;q=abc, ;;;, " + "x/y," * 3000),
            hostile(403, "GET", query_string(query="ASK {}"), Host="attacker.example"),
            hostile(405, "PUT", "/sparql", body=b"ASK {}"),
            hostile(405, "DELETE", "/sparql"),
            hostile(404, "GET", "/../../etc/passwd"),
            hostile(400, "POST", "/sparql", body=deep.encode(), Content_Type="application/sparql-query",
                    starts=b"the query nests"),
            hostile(200, "POST", "/sparql", body='SELECT ?x WHERE { BIND("a\x00b" AS ?x) }'.encode(),
                    Content_Type="application/sparql-query", Accept="text/csv", media="text/csv", one_line=False,
                    starts=b"x\r\na\x00b\r\n"),
            hostile(200, "POST", "/sparql", body=("#" + "x" * 300_000 + "\nASK {}").encode(),
                    Content_Type="application/sparql-query", media=JSON_RESULTS, one_line=False,
                    starts=b'{"head":{},"boolean":true}'),
            hostile(200, "GET", query_string(query="ASK {}", format="<script>alert(1)</script>"),
                    media=JSON_RESULTS, one_line=False),
            hostile(413, "POST", "/sparql", Content_Length="-5", **form),
            hostile(411, "POST", "/sparql", Transfer_Encoding="chunked", **form),
            hostile(414, "GET", "/sparql?query=" + "A" * 70_000, media="text/html", one_line=False),
            garbage_request_line,
            unreadable_url,
        ],
        "never-ending": [never_ending],
    }


def server_memory(process) -> tuple[int, int]:
    """(bytes resident in the server and every process under it, threads of the server itself).

    The server's threads are its connections'; a worker's come and go with the store's own.
    """
    import psutil

    resident = 0
    for each in [process, *process.children(recursive=True)]:
        try:
            resident += each.memory_info().rss
        except psutil.NoSuchProcess:  # a worker stopped between the listing and the reading
            pass
    return resident, process.num_threads()


def settle(process, processes: int, threads: int | None = None) -> tuple[int, int]:
    """(bytes resident, threads) once the replacement workers are up and, given ``threads``, the
    connection threads have ended (waiting at most 20 s)."""
    deadline = time.monotonic() + 20
    while True:
        count = len(process.children(recursive=True))
        resident, now = server_memory(process)
        if count == processes and (threads is None or now <= threads) or time.monotonic() > deadline:
            return resident, now
        time.sleep(0.25)


def test_twenty_clients_for_thirty_seconds(tmp_path):
    """Every kind of request, hostile ones included, from 20 threads at once: every answer is the
    expected one, nothing is refused or reset, the same queries give the same rows afterwards,
    and the server's memory does not grow."""
    import random
    import threading

    import psutil

    running = start(make_store(tmp_path / "store"), tmp_path / "server.log", "--timeout", str(LOAD_TIMEOUT))
    try:
        port = urllib.parse.urlsplit(running.url).port
        cases = load_cases(port, LOAD_TIMEOUT)
        process = psutil.Process(running.process.pid)
        processes = len(process.children(recursive=True))  # every worker is up once the server says where
        # Warm-up: every request, so that each code path has run; the query that never ends first,
        # so that its worker's replacement has answered queries too when the level is measured.
        for kind in ["never-ending", *[kind for kind in cases if kind != "never-ending"] * 2]:
            for send in cases[kind]:
                assert send() is None, kind
        warm, threads = settle(process, processes)

        served = {kind: 0 for kind in cases}
        failures: list[str] = []
        peak = [warm]
        slowest = [0.0]  # seconds, the longest answer but to a query that never ends (reported, not asserted)
        lock = threading.Lock()
        stop_at = time.monotonic() + LOAD_SECONDS
        quick_kinds = [kind for kind in cases if kind != "never-ending"]

        def client(number: int) -> None:
            chooser = random.Random(number)
            next_slow = time.monotonic()
            while time.monotonic() < stop_at:
                # One client sends a query that never ends, then a second of quick ones, over and
                # over; the others never do, so one worker at most is held for the whole limit.
                if number == 0 and time.monotonic() >= next_slow:
                    kind, next_slow = "never-ending", time.monotonic() + LOAD_TIMEOUT + 1
                else:
                    kind = chooser.choice(quick_kinds)
                send = chooser.choice(cases[kind])
                sent = time.monotonic()
                try:
                    problem = send()
                except (OSError, HTTPException) as error:  # refused, reset, timed out
                    problem = f"{type(error).__name__}: {error}"
                with lock:
                    served[kind] += 1
                    if kind != "never-ending":
                        slowest[0] = max(slowest[0], time.monotonic() - sent)
                    if problem is not None:
                        failures.append(f"{kind}: {problem}")

        def sample() -> None:
            while time.monotonic() < stop_at:
                try:
                    peak[0] = max(peak[0], server_memory(process)[0])
                except psutil.NoSuchProcess:
                    with lock:
                        failures.append("the server stopped")
                    return
                time.sleep(0.5)

        clients = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
        clients.append(threading.Thread(target=sample))
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(LOAD_SECONDS + 60)  # every request has a 30 s client timeout
        assert not any(thread.is_alive() for thread in clients)

        after, threads_after = settle(process, processes, threads)
        print(f"\nserved in {LOAD_SECONDS} s: {served} (total {sum(served.values())}); "
              f"RSS warm {warm / 2**20:.1f} MB, peak {peak[0] / 2**20:.1f} MB, after {after / 2**20:.1f} MB; "
              f"threads {threads} -> {threads_after}; slowest answer {slowest[0]:.2f} s")
        assert not failures, f"{len(failures)} wrong answers; the first: {failures[:10]}"
        assert all(count > 0 for count in served.values()), served
        assert running.process.poll() is None
        # The same queries, the same rows, the way a quiet server answers them.
        for kind in ("select", "competency", "construct", "ask", "malformed"):
            for send in cases[kind]:
                assert send() is None, kind
        assert after <= warm + GROWTH_BOUND_MB * 2**20, (warm, after)
        assert threads_after <= threads, "threads piled up"
        assert len(process.children(recursive=True)) == processes, "workers were lost or piled up"
    finally:
        assert running.stop() == 0
    assert "Traceback" not in running.log.read_text()
