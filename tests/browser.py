"""A headless Chromium driven over the DevTools protocol, for the tests of the pages (the view, the query page).

The browser runs with ``--remote-debugging-pipe`` (JSON messages ended by NUL on file
descriptors 3 and 4), so nothing beyond the standard library is needed. A :class:`Page`
is driven as a reader would: it types, presses keys and clicks at the place an element
is drawn, and reads the text on screen (``innerText``, which leaves out what is hidden).
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import subprocess
import time
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("AIRACE_CHROMIUM", "/usr/bin/chromium"))

browser = pytest.mark.browser
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"headless Chromium not found at {CHROMIUM}")


class DevTools:
    """A headless Chromium driven over ``--remote-debugging-pipe`` (stdlib only)."""

    FLAGS = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--mute-audio",
        "--window-size=1200,800",
        "--remote-debugging-pipe",
    ]

    def __init__(self, profile: Path, log: Path):
        to_browser_read, self._write = os.pipe()
        self._read, from_browser_write = os.pipe()

        def child_pipes():  # the browser reads fd 3, writes fd 4
            inbound = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10)
            outbound = fcntl.fcntl(from_browser_write, fcntl.F_DUPFD, 10)
            os.dup2(inbound, 3)
            os.dup2(outbound, 4)

        with log.open("wb") as stderr:
            self.process = subprocess.Popen(
                [str(CHROMIUM), *self.FLAGS, f"--user-data-dir={profile}", "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                preexec_fn=child_pipes,
                pass_fds=(3, 4),
            )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._read], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("the browser did not answer in time")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise ConnectionError("the browser closed its pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _post(self, method: str, params: dict | None, session: str | None) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        return self._next_id

    def send(self, method: str, params: dict | None = None, *, session: str | None = None, timeout: float = 20) -> dict:
        """Send one command and return its result; events that arrive meanwhile are kept."""
        wanted = self._post(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]
            if "method" in message:
                self._event(message)

    def _event(self, message: dict) -> None:
        self.events.append(message)
        if message["method"] == "Page.javascriptDialogOpening":  # never let a dialog block the page
            self._post("Page.handleJavaScriptDialog", {"accept": False}, message.get("sessionId"))

    def wait_for(self, method: str, session: str, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for event in self.events:
                if event["method"] == method and event.get("sessionId") == session:
                    return event
            message = self._receive(deadline)
            if "method" in message:
                self._event(message)

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (OSError, RuntimeError, TimeoutError, ConnectionError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._read)
        os.close(self._write)


class Page:
    """One tab: loads a file and records what it asked the network for, its errors and dialogs."""

    WATCH = """
        window.__violations = [];
        document.addEventListener("securitypolicyviolation", e => window.__violations.push(e.blockedURI));
    """

    def __init__(self, tools: DevTools, where: Path | str):
        self.tools = tools
        self.url = where if isinstance(where, str) else where.resolve().as_uri()
        target = tools.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = tools.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.target = target
        for domain in ("Network", "Page", "Runtime", "Log"):
            tools.send(f"{domain}.enable", session=self.session)
        tools.send("Page.addScriptToEvaluateOnNewDocument", {"source": self.WATCH}, session=self.session)
        self.start = len(tools.events)
        tools.send("Page.navigate", {"url": self.url}, session=self.session)
        tools.wait_for("Page.loadEventFired", self.session)

    def evaluate(self, expression: str, timeout: float = 20):
        answer = self.tools.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=self.session,
            timeout=timeout,
        )
        if "exceptionDetails" in answer:
            raise RuntimeError(answer["exceptionDetails"])
        return answer["result"].get("value")

    def events(self, method: str) -> list[dict]:
        return [e for e in self.tools.events[self.start:] if e["method"] == method and e.get("sessionId") == self.session]

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events("Network.requestWillBeSent")]

    def errors(self) -> list:
        exceptions = [e["params"]["exceptionDetails"] for e in self.events("Runtime.exceptionThrown")]
        console = [e["params"]["args"] for e in self.events("Runtime.consoleAPICalled") if e["params"]["type"] == "error"]
        logged = [e["params"]["entry"] for e in self.events("Log.entryAdded") if e["params"]["entry"]["level"] == "error"]
        return exceptions + console + logged

    # --- driving it as a reader does -------------------------------------------------------

    def wait(self, expression: str, timeout: float = 10):
        """The value of ``expression`` once it is truthy; raises TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"never true: {expression}")
            time.sleep(0.05)

    def centre(self, selector: str) -> tuple[float, float]:
        """Where ``selector``'s element is drawn (the middle of its box), scrolled into view."""
        box = self.evaluate(f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
            if (!e) return null; e.scrollIntoView({{block: "center"}}); const r = e.getBoundingClientRect();
            return r.width && r.height ? [r.left + r.width / 2, r.top + r.height / 2] : null; }})()""")
        if box is None:
            raise LookupError(f"nothing drawn for {selector}")
        return box[0], box[1]

    def click_at(self, x: float, y: float) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.tools.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                         "clickCount": 1}, session=self.session)

    def click(self, selector: str) -> None:
        """Click where ``selector``'s element is on screen."""
        self.click_at(*self.centre(selector))

    def type(self, text: str) -> None:
        """Type ``text`` into the focused element, one character at a time."""
        for char in text:
            self.tools.send("Input.dispatchKeyEvent", {"type": "keyDown", "text": char, "key": char},
                            session=self.session)
            self.tools.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": char}, session=self.session)

    def press(self, key: str, code: int) -> None:
        """Press a named key (``"Enter"``, 13; ``"ArrowDown"``, 40)."""
        for kind in ("rawKeyDown", "keyUp"):
            self.tools.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": key,
                                                       "windowsVirtualKeyCode": code}, session=self.session)

    def text(self, selector: str) -> str:
        """The text of ``selector``'s element as drawn on screen ("" when it is hidden)."""
        return self.evaluate(f"(document.querySelector({json.dumps(selector)}) || {{innerText: ''}}).innerText")

    def close(self) -> None:
        self.tools.send("Target.closeTarget", {"targetId": self.target})


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"headless Chromium not found at {CHROMIUM}")
    folder = tmp_path_factory.mktemp("chromium")
    tools = DevTools(folder / "profile", folder / "chromium.log")
    tools.send("Browser.getVersion")
    yield tools
    tools.close()


@pytest.fixture
def open_page(chromium):
    pages = []

    def open_(path: Path | str) -> Page:
        pages.append(Page(chromium, path))
        return pages[-1]

    yield open_
    for page in pages:
        page.close()


COUNT_INK = """
new Promise(resolve => {
  const started = performance.now();
  const look = () => {
    const canvas = document.querySelector("#network canvas");
    if (canvas === null) { resolve(-1); return; }
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let ink = 0;
    for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) ink += 1; }
    if (ink > 0 || performance.now() - started > 5000) resolve(ink); else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})
"""


