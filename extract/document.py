"""One article in, everything it states out: sentences, mentions, facts and figures.

:func:`extract` is a pure function of the article and the pipeline, so it maps
over documents in any order, in any process, with the same result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc, Span

from .clean import Block, segment
from .entities import kind_by_shape, resolve, resolve_in_doc
from .figures import Figure, figures_in, parse_period
from .mentions import Mention, known, named
from .reader import Article
from .reference import SEGMENT, lookup
from .relations import ROW_RULES, RULES
from .tables import (
    TableCell,
    category_columns,
    category_metric,
    name_hint,
    noted_comparison,
    parse_cell_value,
    parse_date,
    plain_header,
    read_table,
    table_period,
    unit_of,
)
from .texts import span_text

__all__ = ["Sentence", "Fact", "Extraction", "extract", "extract_many"]


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fact:
    subject: Mention
    predicate: str
    object: object  # a Mention, or a plain value for attributes
    rule: str
    sentence: Sentence


@dataclass
class Extraction:
    article: Article
    mentions: list[tuple[Mention, Sentence]] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    figures: list[tuple[Figure, Sentence]] = field(default_factory=list)


def _sentence(block: Block, span: Span) -> Sentence:
    raw = span_text(span)
    text = raw.strip()
    start = block.start + span.start_char + (len(raw) - len(raw.lstrip()))
    return Sentence(start, start + len(text), text)


def extract(article: Article, nlp: Language) -> Extraction:
    """Everything the article states, with where it says it."""
    return extract_many([article], nlp)[0]


def extract_many(articles: Iterable[Article], nlp: Language) -> list[Extraction]:
    """:func:`extract` of each article, with one run of the pipeline over all their texts.

    Each run of ``nlp.pipe`` has a set-up of its own and fills its batches from one article
    only; on short articles that is a tenth of the time. The result is the same as one
    article at a time: each text is its own doc.
    """
    articles = list(articles)
    pieces = [_pieces(article) for article in articles]
    texts = [[*cells, *(block.text for block in prose)] for _, prose, cells in pieces]
    parsed = nlp.pipe(text for article_texts in texts for text in article_texts)
    return [_extraction(article, nlp, tables, prose, cells, list(islice(parsed, len(article_texts))))
            for article, (tables, prose, cells), article_texts in zip(articles, pieces, texts)]


def _pieces(article: Article) -> tuple[list, list[Block], list[str]]:
    """The article's tables, its prose blocks, and the names in its table cells that the
    pipeline must read (with the prose: a run of the pipeline on a cell's few words would be
    mostly set-up)."""
    blocks = segment(article.text)
    tables = [(block, read_table(block)) for block in blocks if block.kind == "table"]
    prose = [block for block in blocks if block.kind == "prose"]
    return tables, prose, _unknown_names(text for _, table in tables for text in _cell_names(table))


def _extraction(article: Article, nlp: Language, tables: list, prose: list[Block], cells: list[str],
                parsed: list[Doc]) -> Extraction:
    result = Extraction(article)
    parse = _cell_parser(nlp, dict(zip(cells, parsed)))
    docs = parsed[len(cells):]
    for block, table in tables:
        first = len(result.mentions)
        _read_table(block, table, parse, result)
        _apply_row_rules(result, result.mentions[first:])
    names = _names_to_spread(result.mentions, [ent for doc in docs for ent in doc.ents])
    for block, doc in zip(prose, docs):
        carried = None
        for span in doc.sents:
            sentence = _sentence(block, span)
            if not sentence.text:
                continue
            ents = span.ents  # gathered anew from the whole doc on each access
            found = []
            spread = _spread_names(span, ents, names)
            inside = {i for name in spread for i in range(name.start, name.end)}
            entities = [ent for ent in ents if not inside & set(range(ent.start, ent.end))]
            for ent in sorted([*entities, *spread], key=lambda ent: ent.start):
                mention = resolve_in_doc(ent, offset=block.start)
                if mention is not None:
                    found.append((mention, ent))
                    result.mentions.append((mention, sentence))
            for rule in RULES:
                for subject, predicate, obj in rule(span, found):
                    result.facts.append(Fact(subject, predicate, obj, rule.__name__, sentence))
            for figure in figures_in(span, found, carried_period=carried):
                result.figures.append((figure, sentence))
            periods = [period for ent in ents if ent.label_ == "DATE" and (period := parse_period(ent.text))]
            carried = periods[-1] if periods else carried
    return result


_SPREAD_KINDS = {"AIModel", "Chip"}


def _names_to_spread(mentions: list[tuple[Mention, Sentence]], entities: list[Span]) -> dict[str, str]:
    """Model and chip names the article itself establishes (in a table, or where a sentence made
    the kind plain), which its other sentences may use without the same help: a name like
    "yi-large-preview" in a price table is the same model in the prose.

    Only names with a version or a shape of their own (a digit, a hyphen, an inner capital)
    spread; a plain word could mean anything elsewhere.
    """
    names = {}
    found = [(mention.surface, mention.kind) for mention, _ in mentions]
    found += [(text, ent.label_) for ent in entities if (text := ent.text.strip())]
    for surface, kind in found:
        if kind in _SPREAD_KINDS and len(surface) >= 3 and re.search(r"\d|-|[a-z][A-Z]", surface) and "\n" not in surface:
            names.setdefault(surface, kind)
    return names


def _spread_names(sentence: Span, ents: list[Span], names: dict[str, str]) -> list[Span]:
    """Spans of the sentence that carry a name from ``names`` where the reference list and the
    name rules found nothing (a statistical guess over the same words, among the sentence's
    entities ``ents``, gives way)."""
    taken = {i for ent in ents if ent.label_ in SEGMENT for i in range(ent.start, ent.end)}
    spans = []
    text = span_text(sentence)
    for surface, kind in sorted(names.items(), key=lambda item: (-len(item[0]), item[0])):
        if surface not in text:  # most names are not in most sentences: skip the regular expression
            continue
        for match in _name_pattern(surface).finditer(text):
            span = sentence.doc.char_span(sentence.start_char + match.start(), sentence.start_char + match.end(), label=kind)
            if span is not None and not taken & set(range(span.start, span.end)):
                spans.append(span)
                taken |= set(range(span.start, span.end))
    return spans


@lru_cache(maxsize=4096)
def _name_pattern(surface: str) -> re.Pattern:
    """A name standing alone: not inside a longer word or hyphenated name."""
    return re.compile(rf"(?<![\w-]){re.escape(surface)}(?![\w-])")


def _apply_row_rules(result: Extraction, mentions: list[tuple[Mention, Sentence]]) -> None:
    rows: dict[Sentence, list[Mention]] = {}
    for mention, sentence in mentions:
        rows.setdefault(sentence, []).append(mention)
    for sentence, in_row in rows.items():
        for rule in ROW_RULES:
            for subject, predicate, obj in rule(sentence.text.split("\t"), in_row):
                result.facts.append(Fact(subject, predicate, obj, rule.__name__, sentence))


Table = tuple[list[str], list[str], list[list[TableCell]]]


def _name_cells(cells: list[TableCell], categories: set[str]) -> list[TableCell]:
    """The cells of a row that name its subject (a category column only groups rows)."""
    return [cell for cell in cells if cell.role == "name" and cell.column not in categories]


def _name_of(cell: TableCell) -> str:
    """The name in a name cell, less a note in parentheses: "Qwen2.5-Max (Alibaba)"."""
    return cell.cell.text.split("(")[0].strip()


def _cell_names(table: Table) -> Iterator[str]:
    """The texts in a table that :func:`_mention_of` may ask the pipeline about: names, and the model and
    maker in a country's cell ("1195 (gpt-4-turbo, OpenAI)")."""
    header, roles, rows = table
    categories = category_columns(header, roles)
    for cells in rows:
        yield from (_name_of(cell) for cell in _name_cells(cells, categories))
        for cell in cells:
            if cell.role == "country":
                value, inner, _ = parse_cell_value(cell.cell.text)
                if value is not None:
                    yield from inner[:2]


def _unknown_names(texts: Iterable[str]) -> list[str]:
    """The texts, once each, that the reference list does not know (so :func:`_mention_of` parses them)."""
    return list(dict.fromkeys(text for text in texts if lookup(text) is None))


def _cell_parser(nlp: Language, docs: dict[str, Doc]) -> Callable[[str], Doc]:
    """The pipeline's doc of a cell's text: the one parsed ahead, else a new one."""

    def parse(text: str) -> Doc:
        doc = docs.get(text)
        return doc if doc is not None else nlp(text)

    return parse


def _mention_of(text: str, hint: str | None, parse: Callable[[str], Doc], start: int, end: int) -> Mention | None:
    """The entity a table cell names: the reference list, then the pipeline, then the column's hint."""
    reference = lookup(text)
    if reference is not None:
        return known(reference, text, start, end)
    doc = parse(text)
    for ent in doc.ents:
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


def _read_table(block: Block, table: Table, parse: Callable[[str], Doc], result: Extraction) -> None:
    header, roles, rows = table
    context = f"{block.context} {block.caption}"
    countries = [(index, lookup(header[index])) for index, role in enumerate(roles) if role == "country"]
    categories = category_columns(header, roles)
    table_period_ = table_period(header, block.caption)
    plain: dict[str, Mention] = {}  # per column, the subject of the last row whose cell noted no comparison
    for cells in rows:
        row = cells[0].row
        sentence = Sentence(row.start, row.end, "\t".join(cell.cell.text for cell in cells))
        subject, period, company = None, table_period_, None
        for cell in cells:
            if cell.role == "period":
                period = parse_period(cell.cell.text) or period
        for cell in _name_cells(cells, categories):
            hint = name_hint(cell.column)
            mention = _mention_of(_name_of(cell), hint, parse, cell.cell.start, cell.cell.end)
            if mention is None:
                continue
            result.mentions.append((mention, sentence))
            if subject is None:
                subject = mention
            if mention.is_organisation and company is None:
                company = mention
        category = next((cell.cell.text.strip() for cell in cells if cell.column in categories and cell.cell.text.strip()), None)
        for cell in cells:
            text = cell.cell.text
            # "(Inner Mongolia)" or a lone "(" names no place before its note: no centre, no empty alias
            if cell.role == "location" and company is not None and (place := text.split("(")[0].strip()):
                name = f"{company.label or company.surface} {place}"
                centre = named("DataCentre", name, cell.cell.start, cell.cell.end)
                alias = Mention(centre.iri, "DataCentre", None, place, cell.cell.start, cell.cell.end)
                result.mentions.extend([(centre, sentence), (alias, sentence)])
                result.facts.append(Fact(centre, "operatedBy", company, "table_location_of_operator", sentence))
                subject = centre
            elif cell.role == "date" and subject is not None and subject.kind == "AIModel":
                date = parse_date(text)
                if date:
                    result.facts.append(Fact(subject, "releaseDate", date, "table_release_date", sentence))
        for cell in cells:
            text = cell.cell.text
            if subject is not None and cell.role in ("number", "date"):
                # "2.19 (27.3x cheaper)", "January 20, 2025 (34 days)": against the last row above that noted none
                noted = noted_comparison(text, cell.column, cell.role)
                if noted is None:
                    plain[cell.column] = subject
                elif cell.column in plain:
                    value, unit, metric = noted
                    result.figures.append((Figure(subject, metric, value, unit, period, plain[cell.column], text, "table_noted_comparison"), sentence))
            value, inner, rank = parse_cell_value(text)
            if value is None:
                continue
            if cell.role == "country":
                country = next(reference for index, reference in countries if header[index] == cell.column)
                country_mention = known(country, cell.column, cell.cell.start, cell.cell.end)
                unit = unit_of(cell.column, text, context)
                metric = category_metric(header, categories, category) or f"top {_metric_name(context)} ({country.name})"
                model = _mention_of(inner[0], "AIModel", parse, cell.cell.start, cell.cell.end) if inner else None
                if model is not None and model.kind != "AIModel":
                    model = None
                result.figures.append((Figure(country_mention, metric, value, unit, period, None, text, "table_country_column", model), sentence))
                if inner:
                    maker = _mention_of(inner[1], "Company", parse, cell.cell.start, cell.cell.end) if len(inner) > 1 else None
                    if model is not None:
                        result.mentions.append((model, sentence))
                        if maker is not None and maker.is_organisation:
                            result.mentions.append((maker, sentence))
                            result.facts.append(Fact(model, "developedBy", maker, "table_model_and_maker", sentence))
            elif cell.role == "gap" and len(countries) >= 2:
                first, second = countries[0][1], countries[1][1]
                subject_country = known(first, first.name, cell.cell.start, cell.cell.end)
                other = known(second, second.name, cell.cell.start, cell.cell.end)
                metric = f"{_metric_name(context)} gap"
                result.figures.append((Figure(subject_country, metric, value, unit_of(cell.column, text, context), period, other, text, "table_gap_column"), sentence))
            elif cell.role == "number" and subject is not None:
                unit = unit_of(cell.column, text, context)
                result.figures.append((Figure(subject, cell.column.strip(), value, unit, period, None, text, "table_number_column"), sentence))
                if rank is not None:
                    result.figures.append((Figure(subject, f"rank by {plain_header(cell.column)}", float(rank), "rank", period, None, text, "table_rank_in_cell"), sentence))


def _metric_name(context: str) -> str:
    lowered = context.lower()
    if "elo" in lowered:
        return "Chatbot Arena Elo" if ("arena" in lowered or "lmsys" in lowered) else "Elo score"
    return "score"
