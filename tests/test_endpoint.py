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
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from airace.graph.protocol import GRAPH_TYPES, RESULT_TYPES, ProtocolError, Task, choose, execute, parse_request
from airace.graph.store import open_store
from conftest import REPO

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
