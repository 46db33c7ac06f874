"""Tab-separated tables, cell by cell: the header says what each column holds.

A column is read by its header and its cells, never by its position:
- a *period* column (header "Year", "Month", "Date", or cells like 2024-03),
- a *name* column (cells of text: the row's subject; the header hints the
  class: "Model", "Company", "Cluster", "Entity"),
- a *country* column (the header names a country: each cell is that country's
  figure, and a name in parentheses, "1195 (gpt-4-turbo, OpenAI)", is the model
  and maker behind it),
- a *gap* column (header "Gap", "Difference", "Lead"): the first country's
  figure compared with the second's,
- a *date* column ("Release Date"): the row's model's release date,
- a *location* column next to a company: a facility the company operates,
- any other column of numbers: a Measurement of the row's subject, the header
  being its metric ("643 (1st)" gives the figure and the rank).

>>> classify_header("USD / Million Input Tokens"), classify_header("Release Date"), classify_header("Gap")
('number', 'date', 'gap')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .clean import Block, Cell, Row
from .figure_numbers import parse_number, parse_period
from .reference import lookup

__all__ = ["classify_header", "TableCell", "read_table", "unit_of", "parse_cell_value", "parse_cell_note", "name_hint", "parse_date",
           "category_columns", "category_metric", "noted_comparison", "plain_header", "table_period"]

_NAME_HINTS = [
    ("AIModel", re.compile(r"\bmodels?\b", re.I)),
    ("DataCentre", re.compile(r"\bclusters?\b|\bdata ?cent(?:er|re)s?\b|\bfacility\b", re.I)),
    ("Chip", re.compile(r"\bchips?\b|\baccelerators?\b|\bgpus?\b", re.I)),
    ("Company", re.compile(r"\bcompany\b|\bcompanies\b|\bfirm\b|\bdeveloper\b|\boperator\b", re.I)),
    ("Organisation", re.compile(r"\bentity\b|\borgani[sz]ation\b|\binstitution\b", re.I)),
    ("Country", re.compile(r"\bcountry\b|\bnation\b", re.I)),
]


def classify_header(header: str) -> str:
    """What kind of column a header names (before looking at the cells)."""
    lowered = header.lower().strip()
    if re.search(r"\bgap\b|\bdifference\b|\blead\b|\bmargin\b", lowered):
        return "gap"
    if re.search(r"release|launch|date\b", lowered):
        return "date"
    if re.fullmatch(r"(?:year|month|period|year ?/ ?month|quarter)s?", lowered):
        return "period"
    if re.search(r"\blocation\b|\bsite\b|\bcity\b", lowered):
        return "location"
    reference = lookup(header)
    if reference is not None and reference.kind == "Country":
        return "country"
    for _, pattern in _NAME_HINTS:
        if pattern.search(lowered):
            return "name"
    return "number"


def unit_of(header: str, cell: str, context: str) -> str:
    """The unit of a figure from its column header, its cell and the table's caption."""
    lowered = header.lower()
    if "%" in cell or "percent" in lowered or "share" in lowered or lowered in ("mmlu", "gpqa"):
        return "percent"
    if re.search(r"usd|\$|dollar", lowered):
        return "USD per million tokens" if "million" in lowered and "token" in lowered else "USD"
    if re.search(r"rmb|yuan", lowered):
        return "RMB"
    if "server" in lowered or "server" in context.lower():
        return "servers"
    if re.search(r"\belo\b", context, re.I) or "elo" in lowered:
        return "Elo"
    return "count"


@dataclass(frozen=True)
class TableCell:
    """What one cell says, read through its column."""

    row: Row
    column: str  # the header
    role: str  # name / country / gap / date / period / location / number
    cell: Cell


def read_table(block: Block) -> tuple[list[str], list[str], list[list[TableCell]]]:
    """Header, the role of each column, and the cells of each data row, read by role.

    A column whose header looked like numbers but whose cells are text is a name column.
    """
    header = [cell.text for cell in block.rows[0].cells]
    roles = [classify_header(text) for text in header]
    data = block.rows[1:]
    for index, role in enumerate(roles):
        cells = [row.cells[index].text for row in data if index < len(row.cells)]
        if role == "number" and cells and sum(parse_number(text) is None or not re.match(r"\s*[><~≈]?\s*[\d$¥.]", text) for text in cells) > len(cells) / 2:
            roles[index] = "name"
        if role in ("name", "number") and cells and all(re.fullmatch(r"\d{4}(?:-\d{2})?", text) for text in cells):
            roles[index] = "period"
    rows = [
        [TableCell(row, header[index], roles[index], cell) for index, cell in enumerate(row.cells) if index < len(header)]
        for row in data
    ]
    return header, roles, rows


def name_hint(header: str) -> str | None:
    """The class a name column's header suggests ("Model" → AIModel)."""
    for kind, pattern in _NAME_HINTS:
        if pattern.search(header):
            return kind
    return None


def parse_cell_value(text: str) -> tuple[float | None, list[str], int | None]:
    """A cell's leading number (a bound like '>' or '~' and a scale word read), the names in its
    parentheses, and a rank like '(1st)'.

    >>> parse_cell_value("1195 (gpt-4-turbo , OpenAI)")
    (1195.0, ['gpt-4-turbo', 'OpenAI'], None)
    >>> parse_cell_value("643 (1st)")
    (643.0, [], 1)
    >>> parse_cell_value(">1.5 million"), parse_cell_value("~150,000")
    ((1500000.0, [], None), (150000.0, [], None))
    """
    match = re.match(r"\s*(?:[><~≈]=?|about|over|under)?\s*[$¥]?\s*(\d[\d,]*(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion)\b)?", text, re.I)
    value = None
    if match:
        value = float(match.group(1).replace(",", ""))
        if match.group(2):
            value = parse_number(f"{match.group(1)} {match.group(2)}")
    names, rank = [], None
    for inner in re.findall(r"\(([^()]*)\)", text):
        ordinal = re.fullmatch(r"\s*(\d+)(?:st|nd|rd|th)\s*", inner)
        if ordinal:
            rank = int(ordinal.group(1))
        elif parse_cell_note(f"({inner})") is None and re.search(r"[A-Za-z]", inner):
            names.extend(part.strip() for part in inner.split(",") if part.strip())
    return value, names, rank


def parse_cell_note(text: str) -> tuple[float, str] | None:
    """A comparison noted in a cell's parentheses: a ratio or a time after another row.

    >>> parse_cell_note("0.55 (27.4x cheaper)"), parse_cell_note("January 20, 2025 (34 days)"), parse_cell_note("643 (1st)")
    ((27.4, 'times'), (34.0, 'days'), None)
    """
    match = re.search(r"\((\d+(?:\.\d+)?)\s*(?:x|×|times)\b[^()]*\)", text)
    if match:
        return float(match.group(1)), "times"
    match = re.search(r"\((\d+(?:\.\d+)?)\s*(days?|weeks?|months?|years?)\)", text)
    if match:
        return float(match.group(1)), match.group(2).rstrip("s") + "s"
    return None


def parse_date(text: str) -> str | None:
    """A release date as ISO text, as precise as the cell says: 'December 17, 2024' → '2024-12-17'.

    A day no calendar has ('February 31, 2025') gives no date: it would be an ill-typed xsd:date.

    >>> parse_date("January 20, 2025 (34 days)"), parse_date("March 2024"), parse_date("February 31, 2025")
    ('2025-01-20', '2024-03', None)
    """
    months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
              "october", "november", "december"]
    match = re.search(r"(" + "|".join(months) + r")\s+(\d{1,2}),?\s+(\d{4})", text.lower())
    if match:
        return _calendar_date(f"{match.group(3)}-{months.index(match.group(1)) + 1:02d}-{int(match.group(2)):02d}")
    iso = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", text)
    if iso:
        return _calendar_date(iso.group(1))
    return parse_period(text)


def _calendar_date(iso: str) -> str | None:
    try:
        date.fromisoformat(iso)
    except ValueError:
        return None
    return iso


def category_columns(header: list[str], roles: list[str]) -> set[str]:
    """Name columns that sort the rows into kinds rather than name each row's subject.

    In "Sector | Entity | No. of Papers (Rank)" the sector ("Academia") sorts the entities; in
    "STEM Degree Level (2019) | US | China" the level ("Bachelor's") sorts the countries' figures.

    >>> category_columns(["Sector", "Entity", "No. of Papers (Rank)"], ["name", "name", "number"])
    {'Sector'}
    >>> category_columns(["Model", "MMLU"], ["name", "number"])
    set()
    """
    names = [text for text, role in zip(header, roles) if role == "name"]
    if not any(name_hint(text) for text in names) and "country" not in roles:
        return set()
    return {text for text in names if not name_hint(text)}


def category_metric(header: list[str], categories: set[str], category: str | None) -> str | None:
    """What a figure counts, read from its row's category.

    >>> category_metric(["STEM Degree Level (2019)", "US", "China"], {"STEM Degree Level (2019)"}, "Bachelor's")
    "STEM Degree Level: Bachelor's"
    """
    column = next((text for text in header if text in categories), None)
    return f"{plain_header(column)}: {category}" if column and category else None


def plain_header(text: str) -> str:
    """A header without its parenthesised notes.

    >>> plain_header("No. of Papers (Rank)")
    'No. of Papers'
    """
    return re.sub(r"\s*\([^()]*\)", "", text).strip() or text.strip()


def table_period(header: list[str], caption: str) -> str | None:
    """The one year a whole table is of, from its first header or its caption.

    >>> table_period(["STEM Degree Level (2019)", "US", "China"], ""), table_period(["Model"], "Table 4: Cost comparison")
    ('2019', None)
    """
    return (parse_period(header[0]) if header else None) or parse_period(caption)


def noted_comparison(text: str, column: str, role: str) -> tuple[float, str, str] | None:
    """The value, unit and metric of a comparison a cell notes in parentheses.

    >>> noted_comparison("2.19 (27.3x cheaper)", "USD / Million Output Tokens", "number")
    (27.3, 'times', 'USD / Million Output Tokens (times cheaper)')
    >>> noted_comparison("January 20, 2025 (34 days)", "Release Date", "date")
    (34.0, 'days', 'release lag')
    """
    note = parse_cell_note(text)
    if note is None:
        return None
    value, unit = note
    if role == "date":
        return value, unit, "release lag"
    return value, unit, f"{plain_header(column)} ({'times cheaper' if 'cheaper' in text.lower() else 'ratio'})"
