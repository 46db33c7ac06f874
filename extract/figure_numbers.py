"""The numbers of a sentence: each percentage, count, amount of money, ratio, rank or lag it states.

A number is kept only when it measures something (not a year, a name, a
citation, a modifier or an anaphor); each kept one becomes a :class:`Quantity`
with its value, unit and kind.

>>> parse_number("97,206"), parse_number("14.31 million"), parse_number("$593 billion")
(97206.0, 14310000.0, 593000000000.0)
>>> parse_number("thirteen"), parse_number("five-and-a-half"), parse_number("3.77x")
(13.0, 5.5, 3.77)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from spacy.tokens import Span, Token

from .lexicon import mapping, ordered, words

__all__ = ["Quantity", "quantities", "parse_number", "parse_period", "YEAR", "CURRENCY_WORD"]

_SCALE = {word: float(factor) for word, factor in mapping("scale-words").items()}
_WORDS = {word: float(value) for word, value in mapping("number-words").items()}
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(word for word in _WORDS if word != "half") + r")\b")
_ORDINALS = {word: int(place) for word, place in mapping("ordinals").items()}
_MONTHS = {month: number for number, month in enumerate(ordered("months"), start=1)}
YEAR = r"(?:19[5-9]\d|20\d\d)"
CURRENCY_WORD = re.compile(r"(?:rmb|yuan|usd|dollars?)$", re.IGNORECASE)
_DURATION = re.compile(r"(?:days?|weeks?|months?|years?)$", re.IGNORECASE)
_LETTER_SCALE = {"K": 1e3, "M": 1e6, "B": 1e9}
# Shapes tried on every token or entity of a sentence, compiled once.
_YEAR = re.compile(YEAR)
_RATIO = re.compile(r"(\d+(?:\.\d+)?)[x×]")
_ORDINAL_NUMBER = re.compile(r"\d+(?:st|nd|rd|th)")
_TIME_SPAN = re.compile(r"(?:about |around |roughly |nearly |over |at least )?(\S+) (days?|weeks?|months?|years?)")
# Words after which a number is a citation, a name or an order, not an amount: "Table 1", "Art. 19", "top-fifteen".
_NOT_AFTER = words("not-after-number")


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
    iso = re.search(rf"\b({YEAR})-(0[1-9]|1[0-2])\b", text)
    if iso:
        return f"{iso.group(1)}-{iso.group(2)}"
    years = re.findall(rf"\b{YEAR}\b", text)
    if not years or len(set(years)) > 1:
        return None
    month = re.search(r"\b(" + "|".join(_MONTHS) + r")\b", text.lower())
    if month:
        return f"{years[0]}-{_MONTHS[month.group(1)]:02d}"
    return years[0]


@dataclass(frozen=True)
class Quantity:
    span: Span
    value: float
    unit: str
    kind: str  # "figure", "rank" or "lag"


def quantities(sentence: Span) -> list[Quantity]:
    ents = sentence.ents  # gathered anew from the whole doc on each access: once here for the three readers
    found = [*_labelled_figures(sentence, ents), *_unlabelled_amounts(sentence), *_ratios(sentence), *_ranks(sentence, ents),
             *_lags(sentence, ents)]
    return sorted(found, key=lambda quantity: quantity.span.start)


def _labelled_figures(sentence: Span, ents: list[Span]) -> Iterator[Quantity]:
    """Numbers the tagger labelled PERCENT, MONEY, CARDINAL or QUANTITY, less those that measure nothing."""
    doc = sentence.doc
    for ent in ents:
        if ent.label_ not in ("PERCENT", "MONEY", "CARDINAL", "QUANTITY") or not _measures(ent, sentence):
            continue
        if ent.start > sentence.start and doc[ent.start - 1].text in ("$", "¥"):
            ent = doc[ent.start - 1:ent.end]  # "$0.41": the tagger left the sign out
        scale = 1.0
        if ent.end < sentence.end and not doc[ent.end - 1].whitespace_ and doc[ent.end].text in _LETTER_SCALE:
            scale = _LETTER_SCALE[doc[ent.end].text]  # "15K GPUs": the tagger left the scale out
            ent = doc[ent.start:ent.end + 1]
        text = ent.text
        after = doc[ent.end:min(sentence.end, ent.end + 3)].text
        unit = _unit(ent.label_, text, after)
        duration = _duration_after(ent)
        if duration is not None:
            yield Quantity(ent, parse_number(doc[ent.start:duration.i].text) or 0, duration.lemma_.lower() + "s", "lag")
            continue
        value = parse_number(text)
        if value is None or (unit == "count" and value < 2 and "." not in text):
            continue
        yield Quantity(ent, value * scale, unit, "figure")


def _measures(ent: Span, sentence: Span) -> bool:
    """Whether a number states an amount, not a year, a name, a citation, a modifier or an anaphor.

    Years and spans of years ("2021–2024"), numbers in names ("C919", "ICD 203", "Art. 19"), hyphenated
    modifiers ("a two-horse race", "12-inch wafers", but "thirty-fold" is a ratio), ranges ("three to six
    months", "by 5% to 13%", "between 50 and 88%": no one value), citations ("Figures 7, 14"), orders ("the
    first two phases"), bars ("more than 50 papers each") and counts that point back ("the two organizations")
    measure nothing.

    Example: "In 2024, the two organizations at Tsinghua University ran a two-horse race over the C919 plane in 12-inch seats."
    """
    doc = sentence.doc
    text = ent.text.strip()
    digits = re.findall(r"\d[\d,.]*", text)
    if not digits and not _NUMBER_WORD.search(text.lower()):
        return False
    if digits and all(re.fullmatch(YEAR, number) for number in digits) and ent.label_ not in ("MONEY", "PERCENT"):
        return False
    if re.match(r"[A-Za-z]\d", text) or re.search(r"\bto$", text):
        return False
    if re.fullmatch(r"[\d.,]+-(?!fold\b)[a-z]+", text.lower()) or _range(ent, sentence):
        return False
    previous = doc[ent.start - 1] if ent.start > sentence.start else None
    following = doc[ent.end] if ent.end < sentence.end else None
    if _word_before(ent, sentence) in _NOT_AFTER or _threshold(ent, sentence):
        return False
    if previous is not None and (previous.pos_ == "PROPN" or previous.text == ")") and re.fullmatch(r"\d+", text) and ent.label_ == "CARDINAL":
        return False
    if following is not None and following.text == "-" and ent.end + 1 < len(doc) and doc[ent.end + 1].is_alpha and doc[ent.end + 1].lower_ not in ("fold", "and"):
        return False
    if previous is not None and previous.lower_ in ("the", "these", "those", "all", "both") and not digits and (parse_number(text) or 0) < 10:
        return False
    return True


def _word_before(ent: Span, sentence: Span) -> str:
    """The word before a number, an abbreviation's dot or a hyphen joined to it: "Art. 19" → 'art.', "top-fifteen" → 'top'."""
    doc = sentence.doc
    index = ent.start - 1
    while index >= sentence.start and doc[index].is_space:
        index -= 1
    if index < sentence.start:
        return ""
    if doc[index].text in (".", "-") and index > sentence.start:
        return doc[index - 1].lower_ + (".") * (doc[index].text == ".")
    return doc[index].lower_


def _threshold(ent: Span, sentence: Span) -> bool:
    """Whether a number is a bar each member clears, not a total: "published more than 50 papers each", "no
    institution published more than 50 papers"."""
    doc = sentence.doc
    if any(token.lower_ in ("each", "apiece") for token in doc[ent.end:min(sentence.end, ent.end + 4)]):
        return True
    verb = ent.root
    while verb.head != verb and verb.pos_ not in ("VERB", "AUX"):
        verb = verb.head
    return any(child.dep_ in ("nsubj", "nsubjpass") and any(d.dep_ == "det" and d.lower_ == "no" for d in child.children)
               for child in verb.children)


def _range(ent: Span, sentence: Span) -> bool:
    """Whether a number is one end of a range: "5% to 13%", "between 50 and 88%"."""
    doc = sentence.doc
    if re.search(r"\d\s*%?\s*(?:to|–|and)\s*\$?\d", ent.text) or ent.text.lower().startswith("between"):
        return True
    before = [token.lower_ for token in doc[max(sentence.start, ent.start - 4):ent.start] if not token.is_space and token.text not in ('"', "“")]
    return bool(before) and (before[-1] == "between" or before[-1] == "and" and "between" in before[:-1])


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


def _unlabelled_amounts(sentence: Span) -> Iterator[Quantity]:
    """Amounts the tagger missed: a number and a currency word or a process node.

    Example: "The Big Fund was set up in 2014. Its follow-on round raised a further 187 billion RMB ($26 billion) in 2020."
    """
    doc = sentence.doc
    index = sentence.start
    while index < sentence.end:
        token = doc[index]
        if token.ent_type_ or not token.like_num or _YEAR.fullmatch(token.text):
            index += 1
            continue
        end = index + 1
        while end < sentence.end and doc[end].lower_ in _SCALE and not doc[end].ent_type_:
            end += 1
        if end < sentence.end and (CURRENCY_WORD.match(doc[end].text) or doc[end].lower_ == "nm"):
            span = doc[index:end + 1]
            value = parse_number(span.text)
            if value is not None:
                unit = "nm" if doc[end].lower_ == "nm" else ("RMB" if re.match(r"rmb|yuan", doc[end].lower_) else "USD")
                yield Quantity(span, value, unit, "figure")
            index = end + 1
            continue
        index += 1


def _ratios(sentence: Span) -> Iterator[Quantity]:
    """Ratios written as one token ("27x"), which the tagger leaves unlabelled.

    Example: "Users can pick DeepSeek R1, which works out roughly 19x less expensive per million tokens than o1."
    """
    for token in sentence:
        match = _RATIO.fullmatch(token.text)
        if match and not token.ent_type_:
            yield Quantity(sentence.doc[token.i:token.i + 1], float(match.group(1)), "times", "figure")


def _ranks(sentence: Span, ents: list[Span]) -> Iterator[Quantity]:
    """Ordinals that place something in a ranking, not the second phase of a plan.

    Example: "In 2018, China ranked third, behind the United States and Germany."
    """
    doc = sentence.doc
    # The tagger sometimes leaves "25th" unlabelled; its shape is enough.
    unlabelled = [doc[t.i:t.i + 1] for t in sentence if not t.ent_type_ and _ORDINAL_NUMBER.fullmatch(t.lower_)]
    for ent in [*[ent for ent in ents if ent.label_ == "ORDINAL"], *unlabelled]:
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
            yield Quantity(ent, float(value), "rank", "rank")


def _lags(sentence: Span, ents: list[Span]) -> Iterator[Quantity]:
    """A time one thing trails another by: "five years" where the clause speaks of a lag.

    Example: "For well over a decade, China's chipmaking lag behind the US at the frontier has hovered around four years."
    """
    for ent in ents:
        if ent.label_ != "DATE":
            continue
        match = _TIME_SPAN.fullmatch(ent.text.lower())
        if not match or not _is_lag(ent.root):
            continue
        value = parse_number(match.group(1))
        if value is not None:
            yield Quantity(ent, value, match.group(2).rstrip("s") + "s", "lag")


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
    if re.match(r"\s*(?:x\b|×|times\b|-\s*fold\b)", after.lower()) or re.search(r"\d(?:x|×)$|-fold$", lowered):
        return "times"
    word = re.match(r"\s*([a-z]+)", after.lower())
    if word and word.group(1) in ("servers", "racks", "months", "nm", "elo", "chips", "gpus"):
        return {"elo": "Elo", "gpus": "GPUs"}.get(word.group(1), word.group(1))
    return "count"
