"""One article in, everything it states out: sentences, mentions, facts and figures.

:func:`extract` is a pure function of the article and the pipeline, so it maps
over documents in any order, in any process, with the same result. It only
orchestrates: the pipeline finds names, each sentence's
:class:`~.context.Context` is read once and handed to every relation rule
and figure rule, and :mod:`.tables` reads the tables.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from typing import Callable, Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from . import countries, relations  # noqa: F401  (their relation rules register on import)
from .clean import Block, segment
from .context import Found, read_sentence
from .entities import resolve
from .facts import Extraction, Fact, Sentence
from .figure_numbers import parse_period
from .figures import figures_in
from .mentions import Mention
from .reader import Article
from .reference import SEGMENT
from .rules import registered
from .table_cells import read_table
from .tables import cell_names, read_table_block, unknown_names

__all__ = ["Sentence", "Fact", "Extraction", "extract", "extract_many"]

_RELATION_RULES = registered("relation")


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
    return tables, prose, unknown_names(text for _, table in tables for text in cell_names(table))


def _cell_parser(nlp: Language, docs: dict[str, Doc]) -> Callable[[str], Doc]:
    """The pipeline's doc of a cell's text: the one parsed ahead, else a new one."""

    def parse(text: str) -> Doc:
        doc = docs.get(text)
        return doc if doc is not None else nlp(text)

    return parse


def _extraction(article: Article, nlp: Language, tables: list, prose: list[Block], cells: list[str],
                parsed: list[Doc]) -> Extraction:
    result = Extraction(article)
    parse = _cell_parser(nlp, dict(zip(cells, parsed)))
    docs = parsed[len(cells):]
    for block, table in tables:
        read_table_block(block, table, parse, result)
    names = _names_to_spread(result.mentions, [ent for doc in docs for ent in doc.ents])
    date = article.metadata.get("date")
    for block, doc in zip(prose, docs):
        _read_prose(block, doc, names, date, result)
    return result


def _read_prose(block: Block, doc: Doc, names: dict[str, str], date: str | None, result: Extraction) -> None:
    """Every sentence of one paragraph: its mentions, what the relation rules read, and its figures."""
    text = doc.text
    named = [(mention, ent) for ent in doc.ents if (mention := resolve(ent, offset=block.start)) is not None]
    by_span = {(ent.start, ent.end, ent.label_, ent.ent_id_): mention for mention, ent in named}
    carried, reported = None, frozenset()
    for span in doc.sents:
        sentence = _sentence(block, span, text)
        if not sentence.text:
            continue
        ents = span.ents  # gathered anew from the whole doc on each access
        found: list[Found] = []
        spread = _spread_names(span, text, ents, names)
        inside = {i for name in spread for i in range(name.start, name.end)}
        entities = [ent for ent in ents if not inside & set(range(ent.start, ent.end))]
        for ent in sorted([*entities, *spread], key=lambda ent: ent.start):
            key = (ent.start, ent.end, ent.label_, ent.ent_id_)
            mention = by_span[key] if key in by_span else resolve(ent, offset=block.start)
            if mention is not None:
                found.append((mention, ent))
                result.mentions.append((mention, sentence))
        context = read_sentence(span, text[span.start_char:span.end_char], found, named, offset=block.start,
                                reported=reported, date=date)
        reported = context.reporting
        for relation_rule in _RELATION_RULES:
            for subject, predicate, obj in relation_rule(context):
                result.facts.append(Fact(subject, predicate, obj, relation_rule.id, sentence))
        for figure in figures_in(context, carried_period=carried):
            result.figures.append((figure, sentence))
        periods = [period for ent in ents if ent.label_ == "DATE" and (period := parse_period(ent.text))]
        carried = periods[-1] if periods else carried


def _sentence(block: Block, span: Span, text: str) -> Sentence:
    raw = text[span.start_char:span.end_char]
    stripped = raw.strip()
    start = block.start + span.start_char + (len(raw) - len(raw.lstrip()))
    return Sentence(start, start + len(stripped), stripped)


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


def _spread_names(sentence: Span, text: str, ents: list[Span], names: dict[str, str]) -> list[Span]:
    """Spans of the sentence that carry a name from ``names`` where the reference list and the
    name rules found nothing (a statistical guess over the same words, among the sentence's
    entities ``ents``, gives way); ``text`` is the doc's."""
    taken = {i for ent in ents if ent.label_ in SEGMENT for i in range(ent.start, ent.end)}
    spans = []
    own = text[sentence.start_char:sentence.end_char]
    for surface, kind in sorted(names.items(), key=lambda item: (-len(item[0]), item[0])):
        if surface not in own:  # most names are not in most sentences: skip the regular expression
            continue
        for match in _name_pattern(surface).finditer(own):
            span = sentence.doc.char_span(sentence.start_char + match.start(), sentence.start_char + match.end(), label=kind)
            if span is not None and not taken & set(range(span.start, span.end)):
                spans.append(span)
                taken |= set(range(span.start, span.end))
    return spans


@lru_cache(maxsize=4096)
def _name_pattern(surface: str) -> re.Pattern:
    """A name standing alone: not inside a longer word or hyphenated name."""
    return re.compile(rf"(?<![\w-]){re.escape(surface)}(?![\w-])")
