"""The graph page as one self-contained HTML file: vis-network and the page's own script inline, no request leaves it.

The page carries everything it needs: vis-network 9.1.2 (script and style, read from
the copy that the pyvis package ships), the page's script and style (``static/view.js``,
``static/view.css``) and the data of :func:`airace.graph.view.view_data` as JSON. Its
Content-Security-Policy allows no connection and runs only the scripts and styles whose
hashes it lists, so nothing else can run in it, whatever the data holds. Nothing is
written but the file asked for; pyvis's own ``write_html``, which copies ``lib/`` into the
working directory and links a CDN, is not used.

Names and sentences come from articles, so they are untrusted: the data enters the page as
JSON with ``<``, ``>`` and ``&`` escaped (it cannot close its ``<script>``), and the script
puts every text on screen as text (``textContent``), never as HTML.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["render_html", "script_json", "csp"]

STATIC = Path(__file__).parent / "static"


@lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style from the pyvis package, checked safe to inline.

    Raises
    ------
    RuntimeError
        When the files are missing or could end the element they are inlined in.
    """
    import pyvis

    folder = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    try:
        script = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        style = (folder / "vis-network.css").read_text(encoding="utf-8")
    except OSError as error:
        raise RuntimeError(f"vis-network is missing from the pyvis package ({error})") from error
    if re.search(r"</script|<!--", script, re.IGNORECASE) or re.search(r"</style", style, re.IGNORECASE):
        raise RuntimeError(f"{folder}: cannot be inlined safely")
    return script, style


def _static(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def script_json(value: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: it cannot end the element or open a comment.

    >>> script_json({"label": "</script><img src=x>"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def csp(scripts: list[str], styles: list[str]) -> str:
    """A policy that runs only these inline scripts and styles, and lets the page fetch nothing.

    >>> csp(["a"], [])
    "default-src 'none'; script-src 'sha256-ypeBEsobvcr6wjGzmiPcTaeG7/gUfE5yuYB3ha/uSLs='; style-src 'none'; ..."
    """
    return (f"default-src 'none'; script-src {' '.join(map(_hash, scripts)) or chr(39) + 'none' + chr(39)}; "
            f"style-src {' '.join(map(_hash, styles)) or chr(39) + 'none' + chr(39)}; img-src data:; font-src data:; "
            "connect-src 'none'; form-action 'none'; base-uri 'none'")


def render_html(data: dict[str, Any], *, title: str, query_page: str | None = None) -> str:
    """The page for ``data`` (from :func:`airace.graph.view.view_data`): one HTML document with
    everything inline; ``query_page``, when given, is linked as the SPARQL query page.

    Examples
    --------
    >>> from airace.graph.view import view_data
    >>> import networkx as nx
    >>> page = render_html(view_data(nx.MultiDiGraph()), title="<empty>")
    >>> "<title>&lt;empty&gt;</title>" in page, re.search(r"<(script|link|img)\\b[^>]*\\b(src|href)=", page)
    (True, None)
    """
    vis_script, vis_style = _vis_assets()
    script, style = _static("view.js"), _static("view.css")
    if data["shown"] < data["total"]:
        summary = f"The {data['shown']:,} most central of {data['total']:,} entities (by PageRank)."
    else:
        summary = f"{data['total']:,} entities, {len(data['edges']):,} relations."
    query_link = (f'<a id="query-link" href="{html.escape(query_page)}">SPARQL query page</a>'
                  if query_page else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{html.escape(csp([vis_script, script], [vis_style, style]), quote=False)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{vis_style}</style>
<style>{style}</style>
<script>{vis_script}</script>
</head>
<body>
<header>
<h1>{html.escape(title)}</h1>
<span id="summary">{html.escape(summary)}</span>
{query_link}
<div id="controls">
<div id="search-box">
<input id="search" type="search" placeholder="Search any name: SMIC, Deep Seek…" aria-label="Search any name"
 autocomplete="off" aria-controls="results">
<ul id="results" role="listbox" hidden></ul>
</div>
<select id="kind-filter" aria-label="Filter by class"><option value="">All classes</option></select>
<select id="country-filter" aria-label="Filter by country"><option value="">All countries</option></select>
<label id="isolated-toggle"><input id="show-isolated" type="checkbox"> <span id="isolated-label"></span></label>
<button id="fit" type="button">Fit</button>
<button id="reset" type="button">Reset</button>
<span id="status" role="status"></span>
</div>
<div id="legend"></div>
</header>
<main>
<div id="network"></div>
<aside id="panel" hidden>
<div id="panel-tools"><button id="copy" type="button">Copy</button><button id="panel-close" type="button"
 aria-label="Close">×</button></div>
<div id="panel-body"></div>
</aside>
</main>
<details id="figures">
<summary id="figures-summary"></summary>
<div id="figure-filters">
<select id="figure-subject" aria-label="Figures about"><option value="">All subjects</option></select>
<select id="figure-metric" aria-label="Figures of the metric"><option value="">All metrics</option></select>
<span id="figure-count"></span>
</div>
<table id="figure-table"><thead><tr><th>Subject</th><th>Metric</th><th>Value</th><th>Unit</th><th>Period</th>
<th>Quote</th><th>Source</th></tr></thead><tbody></tbody></table>
</details>
<script type="application/json" id="graph-data">{script_json(data)}</script>
<script>{script}</script>
</body>
</html>
"""
