"""Tables: each row's subject read from its name cells, and the table rules over its other cells.

:func:`read_table_block` reads one tab-separated table (its header says what each
column holds, see :mod:`.table_cells`): each data row is a "sentence" of its own
whose subject is the entity its name cells name; the table rules below turn its
other cells into facts and figures, and the row rules (kind ``row``, in
:mod:`.relations` and :mod:`.countries`) read relations from the row's names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from spacy.tokens import Doc

from .clean import Block
from .entities import kind_by_shape, resolve
from .facts import Extraction, Fact, Sentence
from .figure_numbers import parse_period
from .figures import Figure
from .mentions import Mention, known, named
from .reference import Reference, lookup
from .rules import registered, rule
from .table_cells import (
    TableCell,
    category_columns,
    category_metric,
    name_hint,
    noted_comparison,
    parse_cell_value,
    parse_date,
    plain_header,
    table_period,
    unit_of,
)

__all__ = ["Table", "read_table_block", "cell_names", "unknown_names"]

Table = tuple[list[str], list[str], list[list[TableCell]]]
Parse = Callable[[str], Doc]


@dataclass
class Row:
    """One data row as the table rules see it: its cells, its subject and what the table says around it."""

    cells: list[TableCell]
    sentence: Sentence
    subject: Mention | None
    company: Mention | None  # the first organisation the row names
    period: str | None
    category: str | None  # the row's value in a column that sorts rows into kinds
    header: list[str]
    categories: set[str]
    countries: list[tuple[int, Reference]]  # the columns headed by a country
    context: str  # the table's caption and the text before it
    parse: Parse


def _name_cells(cells: list[TableCell], categories: set[str]) -> list[TableCell]:
    """The cells of a row that name its subject (a category column only groups rows)."""
    return [cell for cell in cells if cell.role == "name" and cell.column not in categories]


def _name_of(cell: TableCell) -> str:
    """The name in a name cell, less a note in parentheses: "Qwen2.5-Max (Alibaba)"."""
    return cell.cell.text.split("(")[0].strip()


def cell_names(table: Table) -> Iterator[str]:
    """The texts in a table that the pipeline may be asked about: names, and the model and maker in a
    country's cell ("1195 (gpt-4-turbo, OpenAI)")."""
    header, roles, rows = table
    categories = category_columns(header, roles)
    for cells in rows:
        yield from (_name_of(cell) for cell in _name_cells(cells, categories))
        for cell in cells:
            if cell.role == "country":
                value, inner, _ = parse_cell_value(cell.cell.text)
                if value is not None:
                    yield from inner[:2]


def unknown_names(texts: Iterable[str]) -> list[str]:
    """The texts, once each, that the reference list does not know (so the pipeline must read them)."""
    return list(dict.fromkeys(text for text in texts if lookup(text) is None))


def _mention_of(text: str, hint: str | None, parse: Parse, start: int, end: int) -> Mention | None:
    """The entity a table cell names: the reference list, then the pipeline, then the column's hint."""
    reference = lookup(text)
    if reference is not None:
        return known(reference, text, start, end)
    for ent in parse(text).ents:
        if len(ent.text) >= len(text.strip()) - 2:
            mention = resolve(ent, offset=start)
            if mention is not None and (hint is None or mention.kind == hint or hint == "Organisation" and mention.is_organisation):
                return mention
    if hint is None or not text.strip():
        return None
    kind = hint
    if kind in ("Organisation", "Company"):
        kind = kind_by_shape(text) or kind
    return named(kind, text.strip(), start, end)


def _metric_name(context: str) -> str:
    lowered = context.lower()
    if "elo" in lowered:
        return "Chatbot Arena Elo" if ("arena" in lowered or "lmsys" in lowered) else "Elo score"
    return "score"


# --- the table rules: each reads one kind of cell ------------------------------------------


@rule("table", 1, (
    "Company\tLocation\tServers\nTencent Cloud\tQingpu (2022)\t500,000",
    {
        ("Tencent Cloud Qingpu", "operatedBy", "Tencent Cloud"),
    }))
def table_location_of_operator(row: Row, cell: TableCell, result: Extraction) -> Mention | None:
    """A location cell beside a company names a data centre the company operates (it becomes the row's subject)."""
    # "(Inner Mongolia)" or a lone "(" names no place before its note: no centre, no empty alias
    place = cell.cell.text.split("(")[0].strip()
    if cell.role != "location" or row.company is None or not place:
        return None
    name = f"{row.company.label or row.company.surface} {place}"
    centre = named("DataCentre", name, cell.cell.start, cell.cell.end)
    alias = Mention(centre.iri, "DataCentre", None, place, cell.cell.start, cell.cell.end)
    result.mentions.extend([(centre, row.sentence), (alias, row.sentence)])
    result.facts.append(Fact(centre, "operatedBy", row.company, table_location_of_operator.id, row.sentence))
    return centre


@rule("table", 1, ("Model\tRelease Date\nDeepSeek-R1\tJanuary 20, 2025",
    {
        ("DeepSeek-R1", "releaseDate", "2025-01-20"),
    }))
def table_release_date(row: Row, cell: TableCell, result: Extraction) -> None:
    """A date cell of a model's row is the model's release date."""
    if cell.role == "date" and row.subject is not None and row.subject.kind == "AIModel":
        date = parse_date(cell.cell.text)
        if date:
            result.facts.append(Fact(row.subject, "releaseDate", date, table_release_date.id, row.sentence))


@rule("table", 1, ("Model\tUSD / Million Output Tokens\nGPT-4o\t60.00\nDeepSeek-R1\t2.19 (27.3x cheaper)",
    {
        ("2.19 (27.3x cheaper)", "DeepSeek-R1", "USD / Million Output Tokens (times cheaper)", 27.3, "times"),
    }))
def table_noted_comparison(row: Row, cell: TableCell, result: Extraction, plain: dict[str, Mention]) -> None:
    """A comparison noted in a cell's parentheses ("2.19 (27.3x cheaper)", "January 20, 2025 (34 days)")
    compares the row's subject with that of the last row above that noted none."""
    if row.subject is None or cell.role not in ("number", "date"):
        return
    noted = noted_comparison(cell.cell.text, cell.column, cell.role)
    if noted is None:
        plain[cell.column] = row.subject
    elif cell.column in plain:
        value, unit, metric = noted
        figure = Figure(row.subject, metric, value, unit, row.period, plain[cell.column], cell.cell.text, table_noted_comparison.id)
        result.figures.append((figure, row.sentence))


@rule("table", 1, ("Top Chatbot Arena Elo by country.\n\nMonth\tUS\tChina\n2024-05\t1287 (gpt-4o, OpenAI)\t1250 (yi-large, 01.AI)",
    {
        ("1250 (yi-large, 01.AI)", "China", "top Chatbot Arena Elo (China)", 1250.0, "Elo"),
        ("1287 (gpt-4o, OpenAI)", "United States", "top Chatbot Arena Elo (United States)", 1287.0, "Elo"),
    }))
def table_country_column(row: Row, cell: TableCell, result: Extraction) -> None:
    """A cell under a country's name is that country's figure; the names in its parentheses are the model
    behind it and the model's maker (see :func:`table_model_and_maker`)."""
    value, inner, _ = parse_cell_value(cell.cell.text)
    if cell.role != "country" or value is None:
        return
    country = next(reference for index, reference in row.countries if row.header[index] == cell.column)
    subject = known(country, cell.column, cell.cell.start, cell.cell.end)
    metric = category_metric(row.header, row.categories, row.category) or f"top {_metric_name(row.context)} ({country.name})"
    model = _mention_of(inner[0], "AIModel", row.parse, cell.cell.start, cell.cell.end) if inner else None
    if model is not None and model.kind != "AIModel":
        model = None
    figure = Figure(subject, metric, value, unit_of(cell.column, cell.cell.text, row.context), row.period, None, cell.cell.text,
                    table_country_column.id, model)
    result.figures.append((figure, row.sentence))
    if model is not None:
        result.mentions.append((model, row.sentence))
        table_model_and_maker(row, cell, result, model, inner)


@rule("table", 1, ("Month\tUS\tChina\n2024-05\t1287 (gpt-4o, OpenAI)\t1250 (yi-large, 01.AI)",
    {
        ("GPT-4o", "developedBy", "OpenAI"),
        ("yi-large", "developedBy", "01.AI"),
    }))
def table_model_and_maker(row: Row, cell: TableCell, result: Extraction, model: Mention, inner: list[str]) -> None:
    """The second name in a country's cell is the maker of the model named first."""
    maker = _mention_of(inner[1], "Company", row.parse, cell.cell.start, cell.cell.end) if len(inner) > 1 else None
    if maker is not None and maker.is_organisation:
        result.mentions.append((maker, row.sentence))
        result.facts.append(Fact(model, "developedBy", maker, table_model_and_maker.id, row.sentence))


@rule("table", 1, ("Top Chatbot Arena Elo by country.\n\nMonth\tUS\tChina\tGap\n2024-05\t1287\t1250\t37",
    {
        ("37", "United States", "Chatbot Arena Elo gap", 37.0, "Elo"),
    }))
def table_gap_column(row: Row, cell: TableCell, result: Extraction) -> None:
    """A gap column compares the first country's figure with the second's."""
    value, _, _ = parse_cell_value(cell.cell.text)
    if cell.role != "gap" or value is None or len(row.countries) < 2:
        return
    first, second = row.countries[0][1], row.countries[1][1]
    subject = known(first, first.name, cell.cell.start, cell.cell.end)
    other = known(second, second.name, cell.cell.start, cell.cell.end)
    figure = Figure(subject, f"{_metric_name(row.context)} gap", value, unit_of(cell.column, cell.cell.text, row.context), row.period,
                    other, cell.cell.text, table_gap_column.id)
    result.figures.append((figure, row.sentence))


@rule("table", 1, ("Entity\tNo. of Papers (Rank)\nTsinghua University\t643 (1st)",
    {
        ("643 (1st)", "Tsinghua University", "No. of Papers (Rank)", 643.0, "count"),
    }))
def table_number_column(row: Row, cell: TableCell, result: Extraction) -> None:
    """Any other column of numbers is a figure of the row's subject, its header the metric."""
    value, _, rank = parse_cell_value(cell.cell.text)
    if cell.role != "number" or value is None or row.subject is None:
        return
    unit = unit_of(cell.column, cell.cell.text, row.context)
    figure = Figure(row.subject, cell.column.strip(), value, unit, row.period, None, cell.cell.text, table_number_column.id)
    result.figures.append((figure, row.sentence))
    if rank is not None:
        table_rank_in_cell(row, cell, result, rank)


@rule("table", 1, ("Entity\tNo. of Papers (Rank)\nTsinghua University\t643 (1st)",
    {
        ("643 (1st)", "Tsinghua University", "rank by No. of Papers", 1.0, "rank"),
    }))
def table_rank_in_cell(row: Row, cell: TableCell, result: Extraction, rank: int) -> None:
    """A rank in a number cell's parentheses ("643 (1st)") ranks the row's subject by the column."""
    figure = Figure(row.subject, f"rank by {plain_header(cell.column)}", float(rank), "rank", row.period, None, cell.cell.text,
                    table_rank_in_cell.id)
    result.figures.append((figure, row.sentence))


def read_table_block(block: Block, table: Table, parse: Parse, result: Extraction) -> None:
    """Every row of one table: its names, what the table rules read from its cells, and its row rules."""
    header, roles, rows = table
    context = f"{block.context} {block.caption}"
    countries = [(index, lookup(header[index])) for index, role in enumerate(roles) if role == "country"]
    categories = category_columns(header, roles)
    plain: dict[str, Mention] = {}  # per column, the subject of the last row whose cell noted no comparison
    first = len(result.mentions)
    for cells in rows:
        row = _row(cells, header, categories, countries, context, table_period(header, block.caption), parse, result)
        for cell in cells:
            row.subject = table_location_of_operator(row, cell, result) or row.subject
            table_release_date(row, cell, result)
        for cell in cells:
            table_noted_comparison(row, cell, result, plain)
            table_country_column(row, cell, result)
            table_gap_column(row, cell, result)
            table_number_column(row, cell, result)
    _apply_row_rules(result, result.mentions[first:])


def _row(cells: list[TableCell], header: list[str], categories: set[str], countries: list, context: str, period: str | None,
         parse: Parse, result: Extraction) -> Row:
    """A row's sentence, its names (as mentions of the result) and its subject."""
    line = cells[0].row
    sentence = Sentence(line.start, line.end, "\t".join(cell.cell.text for cell in cells))
    for cell in cells:
        if cell.role == "period":
            period = parse_period(cell.cell.text) or period
    subject = company = None
    for cell in _name_cells(cells, categories):
        mention = _mention_of(_name_of(cell), name_hint(cell.column), parse, cell.cell.start, cell.cell.end)
        if mention is None:
            continue
        result.mentions.append((mention, sentence))
        subject = subject or mention
        if mention.is_organisation and company is None:
            company = mention
    category = next((cell.cell.text.strip() for cell in cells if cell.column in categories and cell.cell.text.strip()), None)
    return Row(cells, sentence, subject, company, period, category, header, categories, countries, context, parse)


def _apply_row_rules(result: Extraction, mentions: list[tuple[Mention, Sentence]]) -> None:
    rows: dict[Sentence, list[Mention]] = {}
    for mention, sentence in mentions:
        rows.setdefault(sentence, []).append(mention)
    for sentence, in_row in rows.items():
        for row_rule in registered("row"):
            for subject, predicate, obj in row_rule(sentence.text.split("\t"), in_row):
                result.facts.append(Fact(subject, predicate, obj, row_rule.id, sentence))
