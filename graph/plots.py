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

import textwrap
from pathlib import Path
from typing import Any, Sequence

import matplotlib

matplotlib.use("Agg")  # before pyplot: files only, never a window

import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["elo_race", "pagerank_ranking", "pagerank_figure", "elo_race_figure", "country_matrix",
           "country_matrix_figure", "ELO_TITLE", "PAGERANK_TITLE", "MATRIX_TITLE"]

ELO_TITLE = "Top Chatbot Arena Elo by month: United States vs China"
PAGERANK_TITLE = "Most central organisations (weighted PageRank)"
MATRIX_TITLE = "Ties between organisations, by country"

_US, _CHINA, _OTHER, _UNKNOWN = "#3b6fb6", "#c8102e", "#8c8c8c", "#d0d0d0"
# Organisation names longer than this many characters are wrapped onto more lines.
_LABEL_WIDTH = 28
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
    figure = elo_race_figure(rows)
    return None if figure is None else _save(figure, path)


def elo_race_figure(rows: Sequence[tuple]):
    """The figure of :func:`elo_race`, or None when no row has an Elo figure."""
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
                # slanted, away from the other line: names of consecutive months do not overlap
                above = colour == _US
                top.annotate(str(rows[index][models]), (index, value), textcoords="offset points",
                             xytext=(2, 6) if above else (2, -6), ha="left", va="bottom" if above else "top",
                             rotation=35 if above else -35, rotation_mode="anchor", fontsize=6, color=colour)
    # room for the slanted names: above the top line, below the bottom one
    values = [float(row[column]) for row in rows for column in (1, 3) if row[column] is not None]
    spread = (max(values) - min(values)) or 50.0
    top.set_ylim(min(values) - 0.3 * spread, max(values) + 0.45 * spread)
    top.margins(x=0.06)
    top.set_ylabel("Elo")
    top.set_title(ELO_TITLE)
    top.legend(loc="lower right")
    top.grid(alpha=0.3)
    gaps = [(index, float(row[5])) for index, row in enumerate(rows) if row[5] is not None]
    bottom.bar([i for i, _ in gaps], [v for _, v in gaps], color="#777777")
    for index, value in gaps:
        bottom.annotate(f"{value:g}", (index, value), textcoords="offset points", xytext=(0, 2), ha="center", fontsize=7)
    bottom.margins(y=0.15)  # room for the numbers above the bars
    bottom.set_ylabel("US lead (Elo)")
    bottom.set_xticks(range(len(months)), months, rotation=45, ha="right")
    bottom.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    return figure


def pagerank_ranking(data: dict[str, Any], path: Path, *, top: int = 15) -> Path | None:
    """A bar per organisation, the most central first, coloured by its country (US, China, other)."""
    figure = pagerank_figure(data, top=top)
    return None if figure is None else _save(figure, path)


def pagerank_figure(data: dict[str, Any], *, top: int = 15):
    """The figure of :func:`pagerank_ranking`, or None when there is no organisation.

    Long names are wrapped and the country is told by colour (with a legend), so every
    label and the title fit inside the picture.
    """
    from matplotlib.patches import Patch

    organisations = data.get("organisations", [])[:top]
    if not organisations:
        return None
    organisations = list(reversed(organisations))  # barh draws bottom-up
    sides = [("United States", _US), ("China", _CHINA), ("another country", _OTHER), ("country unknown", _UNKNOWN)]

    def side(country):
        return "United States" if country == "United States" else "China" if country == "China" \
            else "another country" if country else "country unknown"

    colours = dict(sides)
    labels = ["\n".join(textwrap.wrap(row["label"], _LABEL_WIDTH)) or "?" for row in organisations]
    lines = sum(label.count("\n") + 1 for label in labels)
    figure, axes = plt.subplots(figsize=(9, 0.3 * lines + 0.15 * len(labels) + 2))
    axes.barh(range(len(labels)), [row["pagerank"] for row in organisations],
              color=[colours[side(row.get("country"))] for row in organisations])
    axes.set_yticks(range(len(labels)), labels, fontsize=9)
    axes.set_xlabel("weighted PageRank")
    axes.grid(axis="x", alpha=0.3)
    present = {side(row.get("country")) for row in organisations}
    axes.legend(handles=[Patch(color=colour, label=name) for name, colour in sides if name in present],
                loc="lower right", fontsize=8)
    figure.suptitle(PAGERANK_TITLE)
    figure.tight_layout()
    return figure


def country_matrix(data: dict[str, Any], path: Path) -> Path | None:
    """A heat map of ties between the countries of their two organisations (each tie counted once)."""
    figure = country_matrix_figure(data)
    return None if figure is None else _save(figure, path)


def country_matrix_figure(data: dict[str, Any]):
    """The figure of :func:`country_matrix`, or None when no tie has two countries."""
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
    return figure
