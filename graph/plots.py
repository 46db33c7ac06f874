"""The analysis as pictures: the Elo race by month, the most central organisations, the country matrix.

Each function takes plain data (rows of a query, the dictionary of
:func:`airace.graph.analysis.statistics`) and writes one PNG with matplotlib's
Agg backend (no display needed). A figure is drawn only when there is something
to draw, and its file carries no date or version, so the same data gives the
same bytes.

>>> import tempfile
>>> out = Path(tempfile.mkdtemp())
>>> elo_race([("2024-01", 1195.0, "GPT-4 Turbo", 1070.0, "yi-34b-chat", 125.0)], out / "elo.png").name
'elo.png'
>>> pagerank_ranking({"organisations": []}, out / "pagerank.png") is None
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import matplotlib

matplotlib.use("Agg")  # before pyplot: files only, never a window

import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["elo_race", "pagerank_ranking", "country_matrix", "ELO_TITLE", "PAGERANK_TITLE", "MATRIX_TITLE"]

ELO_TITLE = "Top Chatbot Arena Elo by month: United States vs China"
PAGERANK_TITLE = "Most central organisations (weighted PageRank)"
MATRIX_TITLE = "Ties between organisations, by country"

_US, _CHINA = "#3b6fb6", "#c8102e"
# No date, no software version: the same data gives the same file.
_METADATA = {"Software": None}


def _save(figure, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110, metadata=_METADATA)
    plt.close(figure)
    return path


def elo_race(rows: Sequence[tuple], path: Path) -> Path | None:
    """Plot the monthly top US and Chinese Elo and the gap between them.

    ``rows`` are ``(month, top US Elo, US model, top Chinese Elo, Chinese model, gap)``
    as the ``elo-race-by-month`` query returns them; a missing value is None.
    """
    rows = [row for row in rows if row[1] is not None or row[3] is not None]
    if not rows:
        return None
    months = [str(row[0]) for row in rows]
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(9, 6.5), sharex=True,
                                         gridspec_kw={"height_ratios": [3, 1.3]})
    for side, column, colour, models in (("United States", 1, _US, 2), ("China", 3, _CHINA, 4)):
        points = [(index, float(row[column])) for index, row in enumerate(rows) if row[column] is not None]
        top.plot([i for i, _ in points], [v for _, v in points], marker="o", color=colour, label=f"top {side} model")
        for index, value in points:  # a model's name where the lead changes hands, not every month
            if rows[index][models] and (index == 0 or rows[index][models] != rows[index - 1][models]):
                top.annotate(str(rows[index][models]), (index, value), textcoords="offset points",
                             xytext=(0, 7 if colour == _US else -12), ha="center", fontsize=6, color=colour)
    top.set_ylabel("Elo")
    top.set_title(ELO_TITLE)
    top.legend(loc="upper left")
    top.grid(alpha=0.3)
    gaps = [(index, float(row[5])) for index, row in enumerate(rows) if row[5] is not None]
    bottom.bar([i for i, _ in gaps], [v for _, v in gaps], color="#777777")
    for index, value in gaps:
        bottom.annotate(f"{value:g}", (index, value), textcoords="offset points", xytext=(0, 2), ha="center", fontsize=7)
    bottom.set_ylabel("US lead (Elo)")
    bottom.set_xticks(range(len(months)), months, rotation=45, ha="right")
    bottom.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    return _save(figure, path)


def pagerank_ranking(data: dict[str, Any], path: Path, *, top: int = 15) -> Path | None:
    """A bar per organisation, the most central first, coloured by its country (US, China, other)."""
    organisations = data.get("organisations", [])[:top]
    if not organisations:
        return None
    organisations = list(reversed(organisations))  # barh draws bottom-up
    colours = [_US if row.get("country") == "United States" else _CHINA if row.get("country") == "China" else "#999999"
               for row in organisations]
    figure, axes = plt.subplots(figsize=(8, 0.35 * len(organisations) + 1.5))
    axes.barh([f"{row['label']} ({row.get('country') or 'country unknown'})" for row in organisations],
              [row["pagerank"] for row in organisations], color=colours)
    axes.set_xlabel("weighted PageRank")
    axes.set_title(PAGERANK_TITLE)
    axes.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    return _save(figure, path)


def country_matrix(data: dict[str, Any], path: Path) -> Path | None:
    """A heat map of ties between the countries of their two organisations (each tie counted once)."""
    pairs = data.get("countries", {}).get("matrix", [])
    if not pairs:
        return None
    countries = sorted({pair["a"] for pair in pairs} | {pair["b"] for pair in pairs},
                       key=lambda name: (name not in ("United States", "China"), name))
    index = {name: position for position, name in enumerate(countries)}
    grid = [[0] * len(countries) for _ in countries]
    for pair in pairs:
        a, b = index[pair["a"]], index[pair["b"]]
        grid[a][b] = grid[b][a] = pair["ties"]
    size = 1.0 + 0.7 * len(countries)
    figure, axes = plt.subplots(figsize=(size + 2, size + 1))
    image = axes.imshow(grid, cmap="Blues")
    axes.set_xticks(range(len(countries)), countries, rotation=45, ha="right")
    axes.set_yticks(range(len(countries)), countries)
    peak = max(max(row) for row in grid) or 1
    for a in range(len(countries)):
        for b in range(len(countries)):
            axes.text(b, a, str(grid[a][b]), ha="center", va="center", fontsize=8,
                      color="white" if grid[a][b] > peak / 2 else "black")
    axes.set_title(MATRIX_TITLE)
    figure.colorbar(image, ax=axes, label="ties (stated or co-mentioned)")
    figure.tight_layout()
    return _save(figure, path)
