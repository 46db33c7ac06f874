"""How long the graph page takes to be ready in a browser, as the graph grows.

    python bench/view.py                 # 500, 2,000 and 10,000 nodes
    python bench/view.py --nodes 2000

For each size, a synthetic organisation network (bench/network.py, about five ties per
organisation) is written as the page ``airace viz --all`` writes (with the side panel's
evidence and the figures table), then opened in headless Chromium in a process of its
own. "Ready" is the page's own clock (``performance.now()`` from the start of navigation)
when vis-network has first drawn every node: the page can be read and used from then on.
The target is 2,000 nodes ready in 3 s or less.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

SIZES = (500, 2_000, 10_000)
CHROMIUM = Path(os.environ.get("AIRACE_CHROMIUM", "/usr/bin/chromium"))


def write_page(nodes: int, folder: Path) -> tuple[Path, float]:
    """The page of a synthetic network of ``nodes`` organisations, and the seconds it took to write."""
    from network import synthetic_network  # bench/network.py

    from airace.graph.store import open_store
    from airace.graph.view import write_html

    store = open_store(None)
    store.load(synthetic_network(organisations=nodes, ties=nodes * 5, cluster_size=50), format="nq")
    page = folder / f"graph-{nodes}.html"
    started = time.perf_counter()
    write_html(store, page, show_all=True)
    return page, time.perf_counter() - started


def ready_seconds(page: Path) -> float | None:
    """Seconds from navigation to the page's first full drawing, by the page's own clock."""
    if not CHROMIUM.exists():
        return None
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import DevTools, Page  # the browser driver of the tests

    with tempfile.TemporaryDirectory() as profile:
        tools = DevTools(Path(profile) / "profile", Path(profile) / "log")
        try:
            tools.send("Browser.getVersion")
            opened = Page(tools, page)
            ready = opened.wait("window.airaceView && airaceView.ready && airaceView.readyAt", timeout=120)
            nodes = opened.evaluate("airaceView.nodes.length")
            opened.close()
        finally:
            tools.close()
    return ready / 1000 if nodes else None


def ready_in_a_fresh_process(page: Path) -> float | None:
    """:func:`ready_seconds` in a process of its own: the browser driver hands the browser
    descriptors 3 and 4, which must not be taken by what this process has open by now."""
    answer = subprocess.run([sys.executable, __file__, "--ready", str(page)], capture_output=True, text=True,
                            check=True)
    return None if answer.stdout.strip() == "None" else float(answer.stdout)


def measure(sizes=SIZES) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for nodes in sizes:
            page, written = write_page(nodes, Path(work))
            rows.append({"nodes": nodes, "write_seconds": written, "page_bytes": page.stat().st_size,
                         "ready_seconds": ready_in_a_fresh_process(page)})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| nodes | page written | page size | ready in headless Chromium |", "|---|---|---|---|"]
    for row in rows:
        ready = "not measured (no Chromium)" if row["ready_seconds"] is None else f"{row['ready_seconds']:.2f} s"
        lines.append(f"| {row['nodes']:,} | {row['write_seconds']:.1f} s | {row['page_bytes'] / 1e6:.1f} MB | {ready} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--ready"]:
        print(ready_seconds(Path(argv[1])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", default=",".join(map(str, SIZES)), help="comma-separated sizes")
    args = parser.parse_args(argv)
    print(table(measure([int(size) for size in args.nodes.split(",")])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
