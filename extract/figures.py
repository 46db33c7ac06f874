"""Figures in prose: each percentage, count, amount of money, ratio, rank or lag becomes a Measurement.

What a figure is about is read from the grammar of its sentence, never from its
particular words. Each step is a small rule, tried in the order of ``SUBJECT_RULES``:

- the price of a model per million tokens belongs to the model;
- a nationality inside the counted phrase ("370,000 Chinese students") or an
  entity tied to the figure by a preposition ("1,810 in the United States");
- a figure in parentheses right after a name ("South Korea (244th)");
- an amount written before the name it sizes ("the 139 billion RMB "Big Fund"");
- the subject of the figure's clause, climbing through coordinated, adverbial
  and relative clauses but never into the speaker of a reported clause
  ("NBER found that ..."), a nationality standing for its country ("Chinese
  researchers contributed 17.8%"), a definite phrase standing for the entity
  named before it ("The company is planning ..." after xAI was named);
- the nearest entity before the figure, then after it, then the last one the
  paragraph named; sources ("According to WIPO") are never subjects.

A figure's period is the date written right after it ("$10.4 billion in 2024"),
else the nearest date of the sentence, else the last one the paragraph named.
A span of years ("between 2014 and 2023") is no single period: a figure summed
over it gets none. Its metric is read from the words around it.

>>> parse_number("97,206"), parse_number("14.31 million"), parse_number("$593 billion")
(97206.0, 14310000.0, 593000000000.0)
>>> parse_number("thirteen"), parse_number("five-and-a-half"), parse_number("3.77x")
(13.0, 5.5, 3.77)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from spacy.tokens import Span, Token

from .entities import Mention, country_of_adjective, resolve
from .reference import ID, lookup

__all__ = ["Figure", "figures_in", "parse_number", "parse_period", "SUBJECT_RULES"]

_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3}
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
          "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100,
          "double": 2, "twice": 2, "triple": 3, "half": 0.5}
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(word for word in _WORDS if word != "half") + r")\b")
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10}
_MONTHS = {m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                        "september", "october", "november", "december"], start=1)}
_YEAR = r"(?:19[5-9]\d|20\d\d)"
_CURRENCY_WORD = re.compile(r"(?:rmb|yuan|usd|dollars?)$", re.IGNORECASE)
_DURATION = re.compile(r"(?:days?|weeks?|months?|years?)$", re.IGNORECASE)

SUBJECT_KINDS = {"Country", "Organisation", "Company", "University", "ResearchInstitute", "GovernmentBody",
                 "AIModel", "Chip", "DataCentre"}

# The class a common noun names when a definite phrase ("the company", "the new fund") refers back.
_NOUN_KINDS = {
    "company": {"Company", "Organisation"}, "firm": {"Company", "Organisation"}, "startup": {"Company"},
    "foundry": {"Company"}, "maker": {"Company"}, "manufacturer": {"Company"}, "developer": {"Company"},
    "lab": {"ResearchInstitute", "Company"}, "laboratory": {"ResearchInstitute"}, "institute": {"ResearchInstitute"},
    "university": {"University"}, "ministry": {"GovernmentBody"}, "agency": {"GovernmentBody"},
    "fund": {"GovernmentBody", "Organisation"}, "country": {"Country"}, "nation": {"Country"},
    "model": {"AIModel"}, "chip": {"Chip"}, "cluster": {"DataCentre"}, "supercomputer": {"DataCentre"},
    "organisation": {"Organisation", "GovernmentBody", "Company", "ResearchInstitute", "University"},
    "organization": {"Organisation", "GovernmentBody", "Company", "ResearchInstitute", "University"},
}
# Heads of a nationality phrase that stand for the country itself ("the Chinese government").
_STATE_NOUNS = {"government", "state", "authorities", "country", "nation"}
_CLIMB = {"advcl", "conj", "xcomp", "relcl", "acl", "prep", "pcomp", "pobj", "advmod", "npadvmod", "appos"}


@dataclass(frozen=True)
class Figure:
    subject: Mention
    metric: str
    value: float
    unit: str
    period: str | None
    compared_with: Mention | None
    quote: str
    rule: str


def parse_number(text: str) -> float | None:
    """The number a figure's text states, scales applied."""
    lowered = text.lower().replace(",", "")
    match = re.search(r"\d+(?:\.\d+)?", lowered)
    if match:
        value = float(match.group())
    else:
        words = [_WORDS[word] for word in re.findall(r"[a-z]+", lowered) if word in _WORDS]
        if not words:
            return None
        value = float(words[0])
    if re.search(r"\band[- ]a[- ]half\b", lowered):
        value += 0.5
    scale = re.search(r"\b(thousand|million|billion|trillion|bn)\b", lowered)
    return value * _SCALE[scale.group(1)] if scale else value


def parse_period(text: str) -> str | None:
    """A year or year-month from a date expression: 'March 2025' → '2025-03'; a span of years gives none.

    >>> parse_period("in March 2025"), parse_period("2024-01"), parse_period("2023"), parse_period("last year")
    ('2025-03', '2024-01', '2023', None)
    >>> parse_period("between 2014 and 2023"), parse_period("the 2023–2024 academic year")
    (None, None)
    """
    iso = re.search(rf"\b({_YEAR})-(0[1-9]|1[0-2])\b", text)
    if iso:
        return f"{iso.group(1)}-{iso.group(2)}"
    years = re.findall(rf"\b{_YEAR}\b", text)
    if not years or len(set(years)) > 1:
        return None
    month = re.search(r"\b(" + "|".join(_MONTHS) + r")\b", text.lower())
    if month:
        return f"{years[0]}-{_MONTHS[month.group(1)]:02d}"
    return years[0]


# --- the numbers of a sentence -------------------------------------------------------------


@dataclass(frozen=True)
class _Quantity:
    span: Span
    value: float
    unit: str
    kind: str  # "figure", "rank" or "lag"


def _quantities(sentence: Span) -> list[_Quantity]:
    found = [*_labelled_figures(sentence), *_unlabelled_amounts(sentence), *_ratios(sentence), *_ranks(sentence),
             *_lags(sentence)]
    return sorted(found, key=lambda quantity: quantity.span.start)


def _labelled_figures(sentence: Span) -> Iterator[_Quantity]:
    """Numbers the tagger labelled PERCENT, MONEY, CARDINAL or QUANTITY, less those that measure nothing."""
    doc = sentence.doc
    for ent in sentence.ents:
        if ent.label_ not in ("PERCENT", "MONEY", "CARDINAL", "QUANTITY") or not _measures(ent, sentence):
            continue
        if ent.start > sentence.start and doc[ent.start - 1].text in ("$", "¥"):
            ent = doc[ent.start - 1:ent.end]  # "$0.41": the tagger left the sign out
        text = ent.text
        after = doc[ent.end:min(sentence.end, ent.end + 3)].text
        unit = _unit(ent.label_, text, after)
        duration = _duration_after(ent)
        if duration is not None:
            yield _Quantity(ent, parse_number(doc[ent.start:duration.i].text) or 0, duration.lemma_.lower() + "s", "lag")
            continue
        value = parse_number(text)
        if value is None or (unit == "count" and value < 2 and "." not in text):
            continue
        yield _Quantity(ent, value, unit, "figure")


def _measures(ent: Span, sentence: Span) -> bool:
    """Whether a number states an amount, not a year, a name, a citation, a modifier or an anaphor.

    Years and spans of years ("2021–2024"), numbers in names ("C919", "ICD 203", "Art. 19"), hyphenated
    modifiers ("a two-horse race", "12-inch wafers", but "thirty-fold" is a ratio), the start of a range
    ("three to six months") and counts that point back ("the two organizations") measure nothing.

    Example: "In 2024, the two organizations at Tsinghua University ran a two-horse race over the C919 plane."
    """
    doc = sentence.doc
    text = ent.text.strip()
    digits = re.findall(r"\d[\d,.]*", text)
    if not digits and not _NUMBER_WORD.search(text.lower()):
        return False
    if digits and all(re.fullmatch(_YEAR, number) for number in digits) and ent.label_ not in ("MONEY", "PERCENT"):
        return False
    if re.match(r"[A-Za-z]\d", text) or re.search(r"\bto$", text):
        return False
    previous = doc[ent.start - 1] if ent.start > sentence.start else None
    following = doc[ent.end] if ent.end < sentence.end else None
    if previous is not None and previous.lower_ in ("top", "table", "figure", "phase", "no.", "number", "p.", "pp.", "art.", "chapter"):
        return False
    if previous is not None and (previous.pos_ == "PROPN" or previous.text == ")") and re.fullmatch(r"\d+", text) and ent.label_ == "CARDINAL":
        return False
    if following is not None and following.text == "-" and ent.end + 1 < len(doc) and doc[ent.end + 1].is_alpha and doc[ent.end + 1].lower_ not in ("fold", "and"):
        return False
    if previous is not None and previous.lower_ in ("the", "these", "those", "all", "both") and not digits and (parse_number(text) or 0) < 10:
        return False
    return True


def _duration_after(number: Span) -> Token | None:
    """The 'year' of "a five-and-a-half-year lag": a count of time that measures a lag.

    Example: "In 2024, Pat Gelsinger claimed that SMIC's production shows that the Chinese foundry has a five-and-a-half-year lag on TSMC."
    """
    doc = number.doc
    index = number.end
    while index < len(doc) and index < number.end + 8 and (doc[index].text in ("-", "and", "a", "half")):
        index += 1
    if index < len(doc) and _DURATION.match(doc[index].text) and _is_lag(doc[index]):
        return doc[index]
    return None


def _unlabelled_amounts(sentence: Span) -> Iterator[_Quantity]:
    """Amounts the tagger missed: a number and a currency word or a process node.

    Example: "The Big Fund was created in 2014. A second phase committed an additional 204 billion RMB ($28 billion) in 2019."
    """
    doc = sentence.doc
    index = sentence.start
    while index < sentence.end:
        token = doc[index]
        if token.ent_type_ or not token.like_num or re.fullmatch(_YEAR, token.text):
            index += 1
            continue
        end = index + 1
        while end < sentence.end and doc[end].lower_ in _SCALE and not doc[end].ent_type_:
            end += 1
        if end < sentence.end and (_CURRENCY_WORD.match(doc[end].text) or doc[end].lower_ == "nm"):
            span = doc[index:end + 1]
            value = parse_number(span.text)
            if value is not None:
                unit = "nm" if doc[end].lower_ == "nm" else ("RMB" if re.match(r"rmb|yuan", doc[end].lower_) else "USD")
                yield _Quantity(span, value, unit, "figure")
            index = end + 1
            continue
        index += 1


def _ratios(sentence: Span) -> Iterator[_Quantity]:
    """Ratios written as one token ("27x"), which the tagger leaves unlabelled.

    Example: "Consumers may select DeepSeek R1, which is on average 27x cheaper per million tokens than o1."
    """
    for token in sentence:
        match = re.fullmatch(r"(\d+(?:\.\d+)?)[x×]", token.text)
        if match and not token.ent_type_:
            yield _Quantity(sentence.doc[token.i:token.i + 1], float(match.group(1)), "times", "figure")


def _ranks(sentence: Span) -> Iterator[_Quantity]:
    """Ordinals that place something in a ranking, not the second phase of a plan.

    Example: "In 2016, China ranked fourth after the United States, United Kingdom, and France."
    """
    doc = sentence.doc
    # The tagger sometimes leaves "25th" unlabelled; its shape is enough.
    unlabelled = [doc[t.i:t.i + 1] for t in sentence if not t.ent_type_ and re.fullmatch(r"\d+(?:st|nd|rd|th)", t.lower_)]
    for ent in [*[ent for ent in sentence.ents if ent.label_ == "ORDINAL"], *unlabelled]:
        value = _ORDINALS.get(ent.text.lower())
        if value is None:
            digits = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", ent.text.strip().lower())
            value = int(digits.group(1)) if digits else None
        if value is None:
            continue
        root = ent.root
        after = doc[ent.end] if ent.end < len(doc) else None
        superlative = after is not None and after.text == "-" and ent.end + 1 < len(doc) and doc[ent.end + 1].tag_ == "JJS"
        placed = (root.head.pos_ == "VERB" and root.head.i < root.i and root.dep_ in ("advmod", "dobj", "attr", "oprd", "npadvmod")
                  or root.head.lower_ in ("spot", "place", "position", "rank", "largest", "biggest")
                  or root.head.tag_ == "JJS" or superlative or _parenthesised(ent))
        if placed:
            yield _Quantity(ent, float(value), "rank", "rank")


def _lags(sentence: Span) -> Iterator[_Quantity]:
    """A time one thing trails another by: "five years" where the clause speaks of a lag.

    Example: "Since at least 2008, China's lag behind the US in leading-edge semiconductor production has averaged five years."
    """
    for ent in sentence.ents:
        match = re.fullmatch(r"(?:about |around |roughly |nearly |over |at least )?(\S+) (days?|weeks?|months?|years?)", ent.text.lower())
        if ent.label_ != "DATE" or not match or not _is_lag(ent.root):
            continue
        value = parse_number(match.group(1))
        if value is not None:
            yield _Quantity(ent, value, match.group(2).rstrip("s") + "s", "lag")


def _is_lag(token: Token) -> bool:
    """Whether the clause of a time speaks of one thing trailing another."""
    clause = token
    while clause.head != clause and clause.pos_ not in ("VERB", "AUX"):
        clause = clause.head
    words = {word.lower_ for word in clause.subtree} | {token.head.lower_}
    return bool(words & {"lag", "lags", "lagged", "behind", "ahead", "trail", "trails", "trailing", "gap"})


def _parenthesised(span: Span) -> bool:
    """Alone in parentheses after a name: "South Korea (244th)"."""
    doc = span.doc
    return span.start > 0 and doc[span.start - 1].text == "(" and span.end < len(doc) and doc[span.end].text in (")", ";", ",")


def _unit(label: str, text: str, after: str) -> str:
    lowered = text.lower()
    if label == "PERCENT" or "%" in text or "percent" in lowered:
        return "percent"
    # The tagger calls "608 billion input tokens" MONEY too: an amount needs a currency.
    if re.search(r"[$¥]|\b(?:usd|dollars?|rmb|yuan)\b", lowered + " " + after.lower()[:12]):
        if re.search(r"yuan|rmb|¥", lowered) or (not "$" in text and re.search(r"yuan|rmb", after.lower()[:10])):
            return "RMB"
        return "USD"
    if re.match(r"\s*(?:x\b|×|times\b|-\s*fold\b)", after.lower()) or re.search(r"\d(?:x|×)$", lowered):
        return "times"
    word = re.match(r"\s*([a-z]+)", after.lower())
    if word and word.group(1) in ("servers", "racks", "months", "nm", "elo", "chips", "gpus"):
        return {"elo": "Elo", "gpus": "GPUs"}.get(word.group(1), word.group(1))
    return "count"


def _metric(sentence: Span, number: Span, unit: str) -> str:
    doc = sentence.doc
    after = doc[number.end:min(sentence.end, number.end + 8)]
    words = []
    skip_of = unit == "percent"
    for token in after:
        if token.is_punct or token.pos_ in ("VERB", "AUX", "CCONJ", "SCONJ", "PRON") or (token.pos_ == "ADP" and token.lower_ != "of"):
            break
        if token.lower_ == "of" and not skip_of and words:
            break
        if token.lower_ in ("the", "a", "an", "all", "its", "their", "of") and not words:
            continue
        if token.ent_type_ in ("GPE", "NORP", "DATE", "MONEY", "CARDINAL") or token.like_num or _CURRENCY_WORD.match(token.text):
            break
        words.append(token.text)
    phrase = " ".join(words).strip()
    if unit == "percent":
        return f"share of {phrase}" if phrase else "share"
    if not phrase:
        head = number.root.head
        if head.pos_ in ("NOUN",) and not _CURRENCY_WORD.match(head.text):
            phrase = head.lemma_
    return phrase or {"USD": "amount in USD", "RMB": "amount in RMB", "times": "ratio"}.get(unit, "count")


def _metric_of(quantity: _Quantity, sentence: Span) -> str:
    if quantity.kind == "rank":
        return _rank_metric(quantity.span)
    if quantity.kind == "lag":
        return "lag"
    if quantity.unit == "USD per million tokens":
        return "price per million tokens"
    return _metric(sentence, quantity.span, quantity.unit)


def _rank_metric(ordinal: Span) -> str:
    """'rank', or what the ranking is by: "the fourth-largest spender" → 'rank as largest spender'."""
    doc = ordinal.doc
    index = ordinal.end + 1 if ordinal.end < len(doc) and doc[ordinal.end].text == "-" else ordinal.end
    if index < len(doc) and doc[index].tag_ == "JJS" and index + 1 < len(doc) and doc[index + 1].pos_ == "NOUN":
        return f"rank as {doc[index].lower_} {doc[index + 1].lemma_.lower()}"
    return "rank"


# --- what a figure is about -------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What a subject rule may look at: the sentence, its candidate mentions, and the paragraph before it."""

    sentence: Span
    candidates: tuple[tuple[Mention, Span], ...]  # in the sentence: entities and nationalities
    earlier: tuple[tuple[Mention, Span], ...]  # named earlier in the paragraph
    offset: int


Rule = Callable[[_Quantity, _Context, frozenset], "Mention | None"]


def _nationality(token: Token, offset: int) -> tuple[Mention, Span] | None:
    country = country_of_adjective(token.text) if token.ent_type_ == "NORP" else None
    reference = lookup(country) if country else None
    if reference is None:
        return None
    span = token.doc[token.i:token.i + 1]
    start = offset + token.idx
    return Mention(f"{ID}country/{reference.slug}", "Country", reference.name, reference.name, start, start + len(token)), span


def _context(sentence: Span, found: list[tuple[Mention, Span]]) -> _Context:
    doc = sentence.doc
    offset = found[0][0].start - found[0][1].start_char if found else 0
    candidates = [(m, span) for m, span in found if m.kind in SUBJECT_KINDS]
    candidates += [pair for token in sentence if (pair := _nationality(token, offset))]
    earlier = []
    for ent in doc.ents:
        if ent.end > sentence.start:
            break
        mention = resolve(ent, offset=offset)
        if mention is not None and mention.kind in SUBJECT_KINDS:
            earlier.append((mention, ent))
    return _Context(sentence, tuple(sorted(candidates, key=lambda pair: pair[1].start)), tuple(earlier), offset)


def _holding(token: Token, candidates) -> tuple[Mention, Span] | None:
    for mention, span in candidates:
        if span.start <= token.i < span.end:
            return mention, span
    return None


def _sources(number: Span, context: _Context) -> frozenset[int]:
    """Where the mentions that report the figure rather than own it start: "According to WIPO", "NBER found that"."""
    reporters = _reporters(context.sentence)
    return frozenset(span.start for _, span in context.candidates if span.root.i in reporters and not _overlaps(span, number))


def _reporters(sentence: Span) -> set[int]:
    """The tokens naming who reports: the object of 'according to', the subject of a verb that reports a clause.

    A verb reports a clause when 'that' opens one right after it ("NBER has found that", "Zuckerberg announced
    on January 24, 2025, that"); the words are read rather than the parse, which masked link syntax can break.

    Example: "Meta CEO Mark Zuckerberg announced on January 24, 2025, that Meta is planning to spend over $65 billion."
    """
    reporters = set()
    for token in sentence:
        if token.lower_ == "according":
            reporters.update(t.i for t in token.subtree)
        if token.pos_ in ("VERB", "AUX") and _opens_clause(token, sentence):
            for child in token.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    reporters.update(_speakers(child))
    return reporters


def _opens_clause(verb: Token, sentence: Span) -> bool:
    words = [t for t in sentence.doc[verb.i + 1:min(sentence.end, verb.i + 14)] if not t.is_space and not t.is_punct][:8]
    for word in words:
        if word.lower_ == "that":
            return True
        if word.pos_ in ("VERB", "AUX"):
            return False
    return False


def _speakers(subject: Token) -> Iterator[int]:
    """The tokens of a reporting clause's subject, less its possessors ("SMIC's production shows that ...")."""
    yield subject.i
    for child in subject.children:
        if child.dep_ != "poss":
            yield from _speakers(child)


def _overlaps(span: Span, number: Span) -> bool:
    return span.start < number.end and number.start < span.end


def _model_priced_per_token(quantity: _Quantity, context: _Context, sources: frozenset) -> Mention | None:
    """A price per million tokens belongs to a model.

    Example: "In December 2024, Alibaba cut its prices for Qwen-VL-Max by 85% to $0.41 per million input tokens."
    """
    if quantity.unit != "USD per million tokens":
        return None
    models = [(m, span) for m, span in context.candidates if m.kind == "AIModel"]
    if not models:
        return None
    return min(models, key=lambda pair: abs(pair[1].start - quantity.span.start))[0]


def _nationality_of_counted(quantity: _Quantity, context: _Context, sources: frozenset) -> Mention | None:
    """The country a nationality inside the counted phrase names.

    Example: "In 2019, about 370,000 Chinese students were enrolled in US universities."
    """
    head = quantity.span.root.head if quantity.span.root.dep_ in ("nummod", "quantmod") else None
    if head is None or head.pos_ != "NOUN":
        return None
    for child in head.children:
        if child.dep_ == "amod" and child.i > quantity.span.end - 1:
            pair = _holding(child, context.candidates)
            if pair and pair[0].kind == "Country":
                return pair[0]
    return None


def _possessor(quantity: _Quantity, context: _Context, sources: frozenset) -> Mention | None:
    """The owner named by a possessive on the counted noun.

    Example: "China had about 39,000 AI researchers compared to the US's 78,000 researchers."
    """
    root = quantity.span.root
    noun = root.head if root.dep_ in ("nummod", "quantmod", "compound") else root
    for child in noun.children:
        if child.dep_ == "poss":
            pair = _holding(child, context.candidates)
            if pair and pair[1].start not in sources:
                return pair[0]
    return None


def _entity_after_preposition(quantity: _Quantity, context: _Context, sources: frozenset) -> Mention | None:
    """A country tied to the figure by a preposition.

    Example: "China currently has 2,152 top AI researchers, compared to 1,810 in the United States."
    """
    doc = context.sentence.doc
    window = doc[quantity.span.end:min(context.sentence.end, quantity.span.end + 7)]
    for token in window:
        if token.pos_ in ("VERB", "AUX") or token.text in (",", ";", "("):
            break
        attached = token.head.i in range(quantity.span.start, quantity.span.end) or token.head == quantity.span.root.head
        if token.lower_ in ("in", "from", "for", "by", "at") and attached and token.i + 1 < context.sentence.end:
            for mention, span in context.candidates:
                if token.i < span.start <= token.i + 2 and mention.kind == "Country" and doc[span.start].ent_type_ != "NORP":
                    return mention
    return None


def _entity_before_parenthesis(quantity: _Quantity, context: _Context, sources: frozenset) -> Mention | None:
    """A figure in parentheses elaborates what comes before them: the name right before, else the nearest one.

    Example: "All other countries in the top 10, South Korea (244th) and Germany (210th), are far behind."
    """
    doc = context.sentence.doc
    opening = next((token.i for token in reversed(doc[max(context.sentence.start, quantity.span.start - 12):quantity.span.start])
                    if token.text in ("(", ")")), None)
    if opening is None or doc[opening].text != "(" or opening == context.sentence.start:
        return None
    if quantity.unit in ("USD", "RMB") and (doc[opening - 1].ent_type_ == "MONEY" or _CURRENCY_WORD.match(doc[opening - 1].text)):
        return None  # a conversion: it has the subject of the amount it converts
    before = [(m, span) for m, span in context.candidates if span.end <= opening and span.start not in sources]
    return before[-1][0] if before else None


def _entity_sized_by_amount(quantity: _Quantity, context: _Context, sources: frozenset) -> Mention | None:
    """An amount written before a name sizes that name (a conversion in parentheses may come between).

    Example: "In 2014, the Chinese government created the highly centralized 139 billion RMB ($21 billion) Big Fund."
    """
    if quantity.unit not in ("USD", "RMB"):
        return None
    doc = context.sentence.doc
    index = quantity.span.end
    if index < len(doc) and doc[index].text == ")":
        index += 1  # the end of the conversion this amount is
    if index < len(doc) and doc[index].text == "(":
        closing = next((token.i for token in doc[index:min(len(doc), index + 8)] if token.text == ")"), None)
        if closing is None:
            return None
        index = closing + 1
    while index < len(doc) and doc[index].text in ('"', "“", "”", "'", "‘"):
        index += 1
    for ent in doc.ents:
        if ent.start == index:
            mention = resolve(ent, offset=context.offset)
            if mention is not None and mention.kind in SUBJECT_KINDS and mention.kind != "Country":
                return mention
    return None


def _clause_subject(quantity: _Quantity, context: _Context, sources: frozenset) -> Mention | None:
    """The subject of the figure's clause, climbing to the clause it hangs from while it has none.

    Example: "In 2024, Chinese researchers contributed to 17.8% of AI research papers."
    """
    doc = context.sentence.doc
    number = quantity.span.root
    if number.dep_ in ("nsubj", "nsubjpass"):
        owner = _predicate_country(number, context) or _named_in_phrase(number, quantity.span, context, sources)
        if owner is not None:
            return owner
    verb = number
    while True:
        while verb.head != verb and verb.pos_ not in ("VERB", "AUX"):
            verb = verb.head
        subjects = [child for child in verb.children if child.dep_ in ("nsubj", "nsubjpass") and child.i not in range(quantity.span.start, quantity.span.end)]
        if subjects:
            return _mention_heading(subjects[0], verb, context, sources)
        if verb.head == verb or verb.dep_ not in _CLIMB:
            return None
        verb = verb.head


def _named_in_phrase(number: Token, span: Span, context: _Context, sources: frozenset) -> Mention | None:
    """The entity the figure's own phrase names when the figure is the clause subject.

    Example: "Last year, 80% of startups identified on Andreessen Horowitz were using open models."
    """
    inside = {token.i: depth for token, depth in _depths(number)}
    named = [(inside[found.root.i], mention) for mention, found in context.candidates
             if found.root.i in inside and not _overlaps(found, span) and found.start not in sources]
    return min(named, key=lambda item: item[0])[1] if named else None


def _predicate_country(number: Token, context: _Context) -> Mention | None:
    """The country a copula names when the figure is its subject.

    Example: "According to WIPO, thirteen of the top twenty generative AI patent holders are Chinese, and only four are from the US."
    """
    verb = number.head
    if verb.lemma_ != "be":
        return None
    for child in verb.children:
        if child.dep_ in ("attr", "acomp"):
            pair = _holding(child, context.candidates)
            if pair and pair[0].kind == "Country":
                return pair[0]
        if child.dep_ == "prep" and child.lower_ in ("from", "in"):
            for grandchild in child.children:
                pair = _holding(grandchild, context.candidates)
                if pair and pair[0].kind == "Country":
                    return pair[0]
    return None


def _mention_heading(subject: Token, verb: Token, context: _Context, sources: frozenset) -> Mention | None:
    """The entity a clause subject names: the one nearest its head, a relative pronoun's noun, or a referent."""
    if subject.lower_ in ("which", "that", "who") and verb.dep_ == "relcl":
        subject = verb.head
    inside = {token.i: depth for token, depth in _depths(subject)}
    named = [(inside[span.root.i], -span.start, mention) for mention, span in context.candidates
             if span.root.i in inside and span.start not in sources]
    definite = any(child.dep_ == "det" and child.lower_ in ("the", "this", "that", "these", "those") for child in subject.children)
    if named:
        depth, _, mention = min(named, key=lambda item: (item[0], item[1]))
        if mention.kind == "Country" and definite and _is_nationality(mention, subject, context) and subject.lemma_.lower() not in _STATE_NOUNS:
            return _referent(subject, context, sources) or None
        return mention
    if definite or subject.pos_ == "PRON":
        return _referent(subject, context, sources)
    return None


def _is_nationality(mention: Mention, subject: Token, context: _Context) -> bool:
    return any(m is mention and context.sentence.doc[span.start].ent_type_ == "NORP" for m, span in context.candidates)


def _depths(root: Token) -> Iterator[tuple[Token, int]]:
    todo = [(root, 0)]
    while todo:
        token, depth = todo.pop()
        yield token, depth
        todo.extend((child, depth + 1) for child in token.children)


def _referent(subject: Token, context: _Context, sources: frozenset) -> Mention | None:
    """What a definite phrase or pronoun refers back to: the last entity named before it whose class fits.

    Example: "The largest AI cluster, owned by xAI, uses 200,000 Nvidia H100s. The company plans to expand to 1,000,000 GPUs."
    """
    noun = subject.lemma_.lower()
    kinds = _NOUN_KINDS.get(noun)
    # A pronoun may refer back to the speaker ("DeepSeek disclosed that it had reached 545%"); a phrase may not.
    before = [(m, span) for m, span in context.candidates if span.end <= subject.i and context.sentence.doc[span.start].ent_type_ != "NORP"
              and (span.start not in sources or subject.pos_ == "PRON")]
    earlier = list(context.earlier) + before
    if subject.pos_ == "PRON":
        if subject.lower_ not in ("it", "its"):
            return None
        kinds = {"Organisation", "Company", "University", "ResearchInstitute", "GovernmentBody", "AIModel", "Chip", "DataCentre"}
    for mention, span in reversed(earlier):
        if span.root.dep_ == "compound" and span.root.head.ent_type_:
            continue  # "Nvidia" in "Nvidia H100s" names the maker of the thing, not the thing
        name = (mention.label or mention.surface).lower()
        if (kinds and mention.kind in kinds) or (not kinds and name.split()[-1].rstrip("s") == noun.rstrip("s")) or (
                kinds and name.split()[-1] == noun):
            return mention
    return None


def _nearest(quantity: _Quantity, context: _Context, sources: frozenset) -> Mention | None:
    """The nearest entity before the figure, else after it.

    Example: "At Tencent, about 3,000 engineers work on AI."
    """
    kept = [(m, span) for m, span in context.candidates if span.start not in sources and not _overlaps(span, quantity.span)]
    before = [m for m, span in kept if span.end <= quantity.span.start]
    if before:
        return before[-1]
    after = [m for m, span in kept if span.start >= quantity.span.end]
    return after[0] if after else None


def _paragraph(quantity: _Quantity, context: _Context, sources: frozenset) -> Mention | None:
    """A sentence that names nothing but its source speaks of what the paragraph last named, if that was one thing.

    Example: "Guidance funds have been set up across China. NBER found that these funds invested 184 billion USD."
    """
    if any(span.start not in sources for _, span in context.candidates):
        return None
    if any(token.pos_ == "PROPN" and token.dep_ in ("nsubj", "nsubjpass") and not token.ent_type_ for token in context.sentence):
        return None  # the sentence is about a name the tagger missed ("EduRank is a ranking of 14,131 universities")
    previous = [(m, span) for m, span in context.earlier
                if not (span.root.dep_ == "compound" and span.root.head.ent_type_) and not _reports(span)]
    if not previous:
        return None
    last = previous[-1][1].sent
    named = [m for m, span in previous if span.sent.start == last.start]
    # A name the reference list knows outweighs the tagger's guesses ("S&E" tagged ORG beside "US").
    known = [m for m in named if m.label] or named
    return known[-1] if len({m.iri for m in known}) == 1 else None


def _reports(span: Span) -> bool:
    """Whether a name is a source: "according to X", or the subject of a verb that reports a clause."""
    return span.root.i in _reporters(span.sent)


SUBJECT_RULES: list[Rule] = [
    _model_priced_per_token,
    _nationality_of_counted,
    _possessor,
    _entity_after_preposition,
    _entity_before_parenthesis,
    _entity_sized_by_amount,
    _clause_subject,
    _nearest,
    _paragraph,
]


def _compared_with(quantity: _Quantity, subject: Mention, context: _Context) -> Mention | None:
    """The other side of a ratio or a lag: what follows 'than', 'behind', 'on', 'after' or 'that of', else what
    an earlier 'to', 'than' or 'versus' names; an entity of the subject's own class first.

    Example: "The report highlights how China now files nearly ten times more AI-related patents than the US."
    """
    if quantity.unit != "times" and quantity.kind != "lag":
        return None
    doc = context.sentence.doc
    others = [(m, span) for m, span in context.candidates if m.iri != subject.iri]
    others = sorted(others, key=lambda pair: pair[0].kind != subject.kind)
    for mention, span in others:
        if span.start >= quantity.span.end and re.search(r"\b(?:than|the size of|that of|behind|on|after)\b",
                                                          doc[quantity.span.end:span.start].text):
            return mention
    for mention, span in others:
        if span.end <= quantity.span.start and re.search(
                r"\b(?:to|than|against|versus|behind)\b", doc[max(context.sentence.start, span.start - 4):span.start].text):
            return mention
    return None


def _period(quantity: _Quantity, sentence: Span, carried: str | None) -> str | None:
    """The date written right after the figure, else the nearest date in the sentence, else the paragraph's.

    Example: "The US federal government increased its AI R&D spending from $8.2 billion in 2021 to $10.4 billion in 2024."
    """
    doc = sentence.doc
    all_dates = [ent for ent in sentence.ents if ent.label_ == "DATE" and re.search(rf"\b{_YEAR}\b", ent.text)]
    # "until May 2039", "since 2008": a bound of a span, not the time a figure is of
    dates = [date for date in all_dates if not _bound(date)]
    number = quantity.span
    for date in dates:
        between = doc[number.end:date.start]
        if number.end <= date.start <= number.end + 3 and not any(t.is_punct or t.pos_ in ("VERB", "AUX") for t in between) and (
                not len(between) or between[-1].lower_ in ("in", "by", "during", "for", "of", "as")):
            return parse_period(date.text)
    dated = [date for date in dates if parse_period(date.text)]
    if dated:
        nearest = min(dated, key=lambda date: max(date.start - number.end, number.start - date.end))
        return parse_period(nearest.text)
    return None if all_dates else carried


def _bound(date: Span) -> bool:
    doc = date.doc
    words = [doc[date.start - 1].lower_] if date.start > 0 else []
    words.append(doc[date.start].lower_)
    return any(word in ("since", "until", "till", "through") for word in words)


def figures_in(sentence: Span, found: list[tuple[Mention, Span]], *, carried_period: str | None) -> Iterator[Figure]:
    """The figures in one sentence (see the module's docstring for how each part is read).

    Example: "In 2024, China accounted for 74.2% of global AI patents, amounting to 97,206."
    """
    context = _context(sentence, found)
    previous: tuple[_Quantity, Mention, str] | None = None
    for quantity in _quantities(sentence):
        following = sentence.doc[quantity.span.end:min(sentence.end, quantity.span.end + 6)].text
        if quantity.unit == "USD" and re.match(r"\s*per million (?:\w+ )*tokens", following):
            quantity = _Quantity(quantity.span, quantity.value, "USD per million tokens", quantity.kind)
        if previous is not None and _restates(quantity, previous[0]):
            subject, rule_name = previous[1], previous[2]
        else:
            subject, rule_name = _subject(quantity, context)
        if subject is None:
            continue
        previous = (quantity, subject, rule_name)
        unit = quantity.unit
        yield Figure(subject, _metric_of(quantity, sentence), quantity.value, unit,
                     _period(quantity, sentence, carried_period), _compared_with(quantity, subject, context),
                     quantity.span.text.strip(), f"figure_{unit.replace(' ', '_').lower()}{rule_name}")


def _subject(quantity: _Quantity, context: _Context) -> tuple[Mention | None, str]:
    """The subject by the first of ``SUBJECT_RULES`` that finds one, and that rule's name as a suffix."""
    sources = _sources(quantity.span, context)
    for rule in SUBJECT_RULES:
        subject = rule(quantity, context, sources)
        if subject is not None:
            return subject, rule.__name__
    return None, ""


def _restates(quantity: _Quantity, previous: _Quantity) -> bool:
    """A figure restated in parentheses has the subject of the figure it restates.

    Example: "Chinese entities received 26.3% (approximately $12.8 billion) of the Big Fund, with SMIC among them."
    """
    doc = quantity.span.doc
    between = [token for token in doc[previous.span.end:quantity.span.start]]
    return bool(between) and between[0].text == "(" and all(
        token.text == "(" or token.lower_ in ("approximately", "about", "around", "roughly", "~", "or", "nearly") for token in between)
