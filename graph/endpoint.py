"""``airace serve``: the store as a SPARQL 1.1 Protocol endpoint, with a wall-clock limit per query.

Any SPARQL client (YASGUI, SPARQLWrapper, ``airace --store http://…``) can query
the store at ``/sparql``; ``/`` and ``/graph`` serve the interactive graph page.

pyoxigraph cannot cancel a running query from Python, so queries run in worker
processes that each hold the store open (read-only unless updates are allowed)
and the server kills a worker whose query outlives the limit, then starts
another. A spare worker is kept ready, so the next query does not wait for it.
What a request asks and how an answer is written is :mod:`airace.graph.protocol`;
this module is the workers and the HTTP server around them.
"""

from __future__ import annotations

import ipaddress
import multiprocessing
import queue
import signal
import socket
import sys
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from .protocol import (GRAPH_TYPES, RESULT_TYPES, ProtocolError, Reply, SparqlRequest, Task, choose, execute,
                       format_named, parse_request)
from . import generations
from .querying import on_deep_stack, process_ending
from .store import LocalStore, StoreError

__all__ = ["ServeError", "is_loopback", "WorkerPool", "EndpointServer", "make_server", "serve"]

_MAX_BODY = 64 * 1024 * 1024
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


class ServeError(OSError):
    """The server could not start (the port is taken, the host is unknown); the message says which."""


class _OpenStore(LocalStore):
    """A :class:`LocalStore` over a handle the worker already holds, for the page's queries."""

    def __init__(self, handle: ox.Store):
        self.path = self.database = None
        self._locations = {}
        self._store = handle


def _page(store: ox.Store) -> str:
    from .view import page

    return page(_OpenStore(store), query_page="/sparql")


def _answer(store: ox.Store, task: Task) -> Reply:
    if task.kind == "page":
        return Reply(200, "text/html; charset=utf-8", _page(store).encode("utf-8"))
    return execute(store, task)


def _work(conn, path: str, writable: bool) -> None:
    """A worker process: open the store, say so, then answer tasks until the server hangs up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the server stops us
    try:
        database = str(generations.database(Path(path)) or path)  # the store folder's active generation
        store = ox.Store(database) if writable else ox.Store.read_only(database)
    except OSError as error:
        conn.send(("failed", str(error)))
        return
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        try:
            # On a large stack: a long or deeply nested query overflows a main thread's and kills the worker.
            reply = on_deep_stack(_answer, store, task)
        except Exception as error:  # a bug: say so, keep the worker
            traceback.print_exc()
            reply = Reply.text(500, f"internal error: {error!r}")
        conn.send(reply)


# --- the worker pool ------------------------------------------------------------------


class _Worker:
    def __init__(self, context, path: Path, writable: bool):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_work, args=(child, str(path), writable), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """Worker processes that each hold the store open; a query that outlives its limit is killed with its worker.

    Parameters
    ----------
    path
        The store folder.
    size
        How many workers (queries run in parallel; one more is started whenever one is killed).
    writable
        Open the store read-write (one worker only: Oxigraph allows one writer).

    Raises
    ------
    StoreError
        From :meth:`start`, when the store cannot be opened.
    """

    def __init__(self, path: Path, *, size: int = 2, writable: bool = False):
        self.path = Path(path)
        self.size = 1 if writable else max(1, size)
        self.writable = writable
        self._context = multiprocessing.get_context(
            "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn")
        if self._context.get_start_method() == "forkserver":
            # Workers fork from a small single-threaded process that has imported this module.
            self._context.set_forkserver_preload([__name__])
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._live = 0  # started or starting
        self._closed = False

    def _spawn(self) -> _Worker:
        worker = _Worker(self._context, self.path, self.writable)
        if not worker.conn.poll(60):
            worker.stop()
            raise StoreError(f"{self.path}: the store did not open within 60 s")
        try:
            status, detail = worker.conn.recv()
        except (EOFError, OSError):
            status, detail = "failed", "the worker stopped"
        if status != "ready":
            worker.stop()
            raise StoreError(f"{self.path}: cannot open the store ({detail})")
        return worker

    def _add(self) -> None:
        try:
            worker = self._spawn()
        except StoreError as error:
            with self._lock:
                self._live -= 1
            print(f"airace serve: {error}", file=sys.stderr)
            return
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._workers.add(worker)
        self._idle.put(worker)

    def start(self) -> WorkerPool:
        """Start the workers; return the pool once all are ready."""
        for _ in range(self.size):
            worker = self._spawn()
            self._workers.add(worker)
            self._idle.put(worker)
        self._live = self.size
        return self

    def _retire(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            self._workers.discard(worker)
            if self._closed:
                return
        threading.Thread(target=self._add, daemon=True).start()

    def _take(self, deadline: float) -> _Worker | None:
        while time.monotonic() < deadline:
            with self._lock:
                if self._live < self.size and not self._closed:  # a replacement failed: try again
                    self._live += 1
                    threading.Thread(target=self._add, daemon=True).start()
            try:
                return self._idle.get(timeout=min(0.5, max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                continue
        return None

    def run(self, task: Task, timeout: float, *, what: str = "query") -> Reply:
        """Run ``task`` in a worker, answering 503 when none is free within ``timeout`` seconds or when the
        task runs longer than ``timeout`` seconds (its worker is then killed and replaced).

        The wait and the run have a limit each: were the wait counted in the run's time, a quick
        query that waited behind slow ones would be killed with its worker, and under load every
        kill would lengthen the next waits until most queries were killed.
        """
        worker = self._take(time.monotonic() + timeout)
        if worker is None:
            return Reply.text(503, f"all {self.size} workers stayed busy for {timeout:g} s (--timeout); try again")
        try:
            worker.conn.send(task)
            if worker.conn.poll(timeout):
                reply = worker.conn.recv()
                self._idle.put(worker)
                return reply
        except (EOFError, OSError):  # the worker died: its exit code says how
            self._retire(worker)
            return Reply.text(500, f"the worker running the {what} died ({process_ending(worker.process.exitcode)}) "
                                   f"without answering; if the {what} is very long or deeply nested, simplify it")
        self._retire(worker)
        return Reply.text(503, f"the {what} ran longer than the {timeout:g} s limit (--timeout) and was stopped")

    def close(self) -> None:
        """Kill every worker."""
        with self._lock:
            self._closed = True
            workers, self._workers = list(self._workers), set()
        for worker in workers:
            worker.stop()


def _shown(text: str | None, limit: int = 100) -> str:
    """A client's value quoted for a message, cut at ``limit`` characters (a header can be 64 KB).

    >>> _shown("x/y," * 40, limit=12)
    "'x/y,x/y,x/y,…'"
    """
    text = "" if text is None else text
    return repr(text) if len(text) <= limit else repr(text[:limit])[:-1] + "…'"


# --- HTTP ------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    """Whether ``host`` (a name or an address) reaches this machine only.

    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost")
    (True, True, True)
    >>> is_loopback("0.0.0.0"), is_loopback(""), is_loopback("192.168.1.20")
    (False, False, False)
    """
    host = host.strip("[]")
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if not host:
        return False
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses)


class _Handler(BaseHTTPRequestHandler):
    server: EndpointServer
    protocol_version = "HTTP/1.1"
    timeout = 60  # an idle connection is closed after this many seconds

    def _send(self, reply: Reply, *, cors: bool = False, head: bool = False) -> None:
        self.send_response(reply.status)
        if reply.status != 204:  # No Content has neither a body nor its length
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("Vary", "Accept")
        if reply.truncated:
            self.send_header("X-Airace-Truncated", "true")
            self.send_header("X-Airace-Max-Rows", str(self.server.max_rows))
        if cors and self.server.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Expose-Headers", "X-Airace-Truncated, X-Airace-Max-Rows")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head and reply.status != 204:
            self.wfile.write(reply.body)

    def _host_allowed(self) -> bool:
        """On loopback, only loopback names are answered (so a DNS-rebound page cannot reach us)."""
        if not self.server.loopback:
            return True
        header = self.headers.get("Host")
        if header is None:
            return True
        try:
            host = urllib.parse.urlsplit("//" + header).hostname or ""
        except ValueError:
            return False
        if host in _LOOPBACK_NAMES or host.endswith(".localhost") or host == self.server.host.lower():
            return True
        try:
            return ipaddress.ip_address(host).is_loopback  # a name is not resolved: it could be rebound
        except ValueError:
            return False

    def _body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            self._send(Reply.text(411, "send a Content-Length (chunked bodies are not supported)"))
            return None
        try:
            size = int(length or 0)
        except ValueError:
            size = -1
        if not 0 <= size <= _MAX_BODY:
            self.close_connection = True
            self._send(Reply.text(413, f"the body must be between 0 and {_MAX_BODY} bytes"))
            return None
        return self.rfile.read(size)

    def _dispatch(self, method: str) -> None:
        try:
            body = self._body() if method == "POST" else b""
            if body is None:
                return
            try:
                url = urllib.parse.urlsplit(self.path)
            except ValueError as error:  # an absolute URL with an unreadable host ("http://[::1/…")
                self._send(Reply.text(400, f"the request's URL cannot be read ({error}); send /sparql?query=…"))
                return
            if not self._host_allowed():
                self._send(Reply.text(403, f"Host {_shown(self.headers.get('Host'))} is not served; "
                                           f"use http://127.0.0.1:{self.server.server_port}/"))
            elif url.path == "/sparql":
                reply, cors = self._sparql(method, url.query, body)
                self._send(reply, cors=cors, head=method == "HEAD")
            elif url.path in ("/", "/graph") and method in ("GET", "HEAD"):
                self._send(self.server.page(), head=method == "HEAD")
            elif url.path in ("/", "/graph"):
                self._send(Reply.text(405, "the graph page is read by GET; send queries to /sparql"))
            else:
                self._send(Reply.text(404, f"{_shown(url.path)} is not here: the endpoint is /sparql, "
                                           "the graph page /"))
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True  # the client went away, or sent nothing for `timeout` seconds

    def _sparql(self, method: str, query_string: str, body: bytes) -> tuple[Reply, bool]:
        try:
            request = parse_request("GET" if method == "HEAD" else method, query_string,
                                    self.headers.get("Content-Type"), body)
        except ProtocolError as error:
            return Reply.text(error.status, str(error)), True
        if request.update is not None:
            return self._update(request), False
        accept = self.headers.get("Accept")
        task = Task(
            "query",
            request.query,
            results_type=choose(accept, RESULT_TYPES, preferred=format_named(request.formats, RESULT_TYPES)),
            graph_type=choose(accept, GRAPH_TYPES, preferred=format_named(request.formats, GRAPH_TYPES)),
            max_rows=self.server.max_rows,
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
        )
        if task.results_type is None and task.graph_type is None:
            offered = ", ".join(dict.fromkeys([*RESULT_TYPES.values(), *GRAPH_TYPES.values()]))
            return Reply.text(406, f"the Accept header {_shown(accept)} allows no format this endpoint offers: "
                                   f"{offered}"), True
        return self.server.pool.run(task, self.server.query_timeout), True

    def _update(self, request: SparqlRequest) -> Reply:
        if not self.server.allow_updates:
            return Reply.text(403, "this endpoint is read-only; start it with --allow-updates to accept SPARQL Update")
        origin = self.headers.get("Origin")
        if origin is not None and urllib.parse.urlsplit(origin).netloc != self.headers.get("Host"):
            return Reply.text(403, f"updates from another origin ({origin}) are refused")
        reply = self.server.pool.run(Task("update", request.update), self.server.query_timeout, what="update")
        if reply.status < 300:
            self.server.forget_page()
        return reply

    def do_GET(self) -> None:  # noqa: N802 (http.server's names)
        self._dispatch("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def _not_allowed(self) -> None:
        """A method HTTP knows but this server does not take (without it, http.server answers 501)."""
        self.close_connection = True  # a body it may carry is not read: the connection cannot be reused
        self._send(Reply.text(405, f"{self.command} is not taken here: query /sparql by GET or POST, "
                                   "read the graph page / by GET"))

    do_PUT = do_DELETE = do_PATCH = _not_allowed  # noqa: N815 (http.server's names)

    def do_OPTIONS(self) -> None:  # noqa: N802
        """A CORS preflight: queries may come from any origin when ``--cors`` is on."""
        self.send_response(204 if self.server.cors else 405)
        if self.server.cors:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, POST")
            self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
            self.send_header("Access-Control-Allow-Private-Network", "true")
            self.send_header("Access-Control-Max-Age", "600")
        else:
            self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


class EndpointServer(ThreadingHTTPServer):
    """The HTTP server: one thread per connection, queries in the :class:`WorkerPool`."""

    daemon_threads = True
    # Connections waiting to be accepted (socketserver's default, 5, drops a burst of clients' SYNs,
    # which then wait a second or more to retry).
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], pool: WorkerPool, *, timeout: float, max_rows: int,
                 allow_updates: bool, cors: bool):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.host = address[0].lower()
        self.pool = pool
        self.query_timeout = timeout
        self.max_rows = max_rows
        self.allow_updates = allow_updates
        self.cors = cors
        self.loopback = is_loopback(address[0])
        self._page: Reply | None = None
        self._page_lock = threading.Lock()
        super().__init__(address, _Handler)

    @property
    def url(self) -> str:
        """The endpoint's URL."""
        host = self.server_address[0]
        return f"http://{f'[{host}]' if ':' in host else host}:{self.server_address[1]}/sparql"

    def page(self) -> Reply:
        """The graph page, made by a worker on the first request and kept until an update."""
        with self._page_lock:
            if self._page is None:
                reply = self.pool.run(Task("page"), max(self.query_timeout, 120.0), what="graph page")
                if reply.status != 200:
                    return reply
                self._page = reply
            return self._page

    def forget_page(self) -> None:
        """Drop the cached page (the store has changed)."""
        with self._page_lock:
            self._page = None

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


def make_server(path: Path | str, *, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
                max_rows: int = 10_000, allow_updates: bool = False, cors: bool = False,
                workers: int = 2) -> EndpointServer:
    """Open the store in worker processes and bind the endpoint (call ``serve_forever`` to answer).

    Raises
    ------
    StoreError
        When there is no store at ``path`` or it cannot be opened.
    ServeError
        When the address cannot be bound (the port is taken, the host is unknown).
    ValueError
        When ``timeout`` or ``max_rows`` is not positive.
    """
    if timeout <= 0 or max_rows < 1:
        raise ValueError("--timeout and --max-rows must be positive")
    path = Path(path)
    if not path.is_dir():
        raise StoreError(f"{path}: no store here; run `airace build` first")
    pool = WorkerPool(path, size=workers, writable=allow_updates).start()
    try:
        return EndpointServer((host, port), pool, timeout=timeout, max_rows=max_rows,
                              allow_updates=allow_updates, cors=cors)
    except OSError as error:
        pool.close()
        raise ServeError(f"{host}:{port}: cannot listen ({error.strerror or error})") from error


def serve(path: Path | str, *, host: str = "127.0.0.1", port: int = 7878, timeout: float = 30.0,
          max_rows: int = 10_000, allow_updates: bool = False, cors: bool = False,
          announce: Callable[[str], None] = print) -> None:
    """Serve the store until Ctrl-C (or SIGTERM); ``announce`` gets the line saying where.

    A host other than loopback gets a one-line warning on stderr.

    Raises
    ------
    StoreError, ServeError, ValueError
        As :func:`make_server`.
    """
    def stop(signum, frame):
        raise KeyboardInterrupt

    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, stop) if main_thread else None
    server = None
    try:
        server = make_server(path, host=host, port=port, timeout=timeout, max_rows=max_rows,
                             allow_updates=allow_updates, cors=cors)
        if not server.loopback:
            print(f"airace serve: warning: {host or 'every interface'} is reachable from other machines; "
                  f"anyone who can connect can {'query and change' if allow_updates else 'query'} the graph",
                  file=sys.stderr, flush=True)
        announce(f"serving {path} at {server.url} (graph page: {server.url.removesuffix('sparql')}; "
                 f"{'updates allowed' if allow_updates else 'read-only'}; {timeout:g} s and {max_rows:,} rows "
                 f"per query; Ctrl-C stops)")
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.server_close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
