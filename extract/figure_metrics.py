"""What a figure measures and when: its metric label and its period.

A figure's metric is read from the words after it ("74.2% of global AI
patents" → 'share of global AI patents'), a rank's from the superlative it
places ("the fourth-largest spender"). Its period is the date written right
after it ("$10.4 billion in 2024"), else the nearest date of the sentence, else
the last one the paragraph named; a span of years ("between 2014 and 2023") is
no single period, so a figure summed over it gets none.

Two sources word one metric differently ("74.2% of global AI patents", "70% of
the AI patents filed last year"); :func:`metric_concept` reduces a label to
the thing it measures, so that their figures can be compared.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from .figure_numbers import CURRENCY_WORD, YEAR, Quantity, parse_period
from .lexicon import mapping, words
from .rules import Rule, registered, rule

__all__ = ["metric_of", "period_of", "metric_concept"]


# Words that open no metric: "the 41 of the top 100", "its 27% of".
_OPENERS = words("metric-openers")
# Nouns of change whose "in" phrase says what changed: "a thirty-fold increase in traffic".
_CHANGE_NOUNS = words("change-nouns")
_QUOTES = {'"', "“", "”", "'", "‘", "’"}


def _phrase(tokens) -> str:
    """Tokens as the text wrote them (no space before "'s", none around a hyphen)."""
    tokens = list(tokens)
    text = "".join(token.text + (token.whitespace_ or (" " if i + 1 < len(tokens) and tokens[i + 1].i != token.i + 1 else ""))
                   for i, token in enumerate(tokens))
    return re.sub(r"\s+", " ", re.sub(r"\s*-\s*", "-", text)).strip()


def _words_after(sentence: Span, start: int, *, allow_of: bool) -> list[Token]:
    """The noun phrase that the words right after a figure make: "17.8% of AI research papers" → 'AI research papers'.

    A nationality is skipped (it names the subject: "370,000 Chinese students"), quotation marks are read
    through ("31 “core contributors”"), a hyphen joins ("state-backed"); a verb, a clause, a preposition, a
    place, a date or another number ends the phrase.
    """
    doc = sentence.doc
    words: list[Token] = []
    if start < sentence.end and doc[start].text == "(":  # "43.4% (approximately $21.2 billion) of the Big Fund"
        closing = next((token.i for token in doc[start:min(sentence.end, start + 10)] if token.text == ")"), None)
        start = closing + 1 if closing is not None else start
    for token in doc[start:min(sentence.end, start + 10)]:
        if token.like_num and words and words[-1].lower_ in ("first", "last", "top", "next") and token.ent_type_ != "MONEY":
            words.append(token)  # "the first two phases"
            continue
        if token.is_space or token.text in _QUOTES or (token.ent_type_ == "NORP" and token.dep_ in ("amod", "compound")):
            continue
        if (token.text == "-" or token.tag_ == "POS") and words and token.i + 1 < sentence.end and not doc[token.i + 1].is_punct:
            words.append(token)
            continue
        if token.is_punct or token.pos_ in ("AUX", "CCONJ", "SCONJ", "PRON", "PART") or (token.pos_ == "VERB" and token.dep_ != "amod") \
                or token.lower_ == "worth":
            break
        if token.pos_ == "ADP" and not (token.lower_ == "of" and (allow_of or not words)):
            break
        if token.lower_ in _OPENERS and not words:
            continue
        named = token.ent_type_ in ("GPE", "NORP", "Country") and token.dep_ not in ("compound", "amod", "poss")  # "AI" in "AI papers" is no place
        dated = token.ent_type_ == "DATE" and token.lower_ not in ("monthly", "daily", "weekly", "annual", "yearly")
        counted = token.like_num and token.lower_ not in ("first", "second", "third", "last", "next")  # ordinals are like_num too
        if named or dated or token.ent_type_ in ("MONEY", "CARDINAL") or counted or CURRENCY_WORD.match(token.text):
            break
        words.append(token)
    while words and (words[-1].pos_ in ("ADV", "ADP", "DET") or words[-1].text == "-" or words[-1].tag_ == "POS"):
        words.pop()
    return words


def _part_of(sentence: Span, number: Span) -> str | None:
    """The set a part is counted in: "38 of the top 100 most-cited AI publications" → 'top 100 most-cited AI publications',
    "111 out of 201 members of the team" → 'members of the team (out of 201)'.

    Example: "China produced 38 of the top 100 most-cited AI publications in 2023."
    """
    doc = sentence.doc
    index = number.end
    words = [token.lower_ for token in doc[index:min(sentence.end, index + 2)]]
    if words == ["out", "of"]:
        index += 2
    elif words[:1] == ["of"]:
        index += 1
    else:
        return None
    while index < sentence.end and doc[index].lower_ in ("the", "a"):
        index += 1
    whole = list(doc[index:min(sentence.end, index + 6)])
    if not whole:
        return None
    # "the world's top 50 AI companies", "the top twenty patent holders": a ranked set keeps its size
    top = next((i for i, token in enumerate(whole[:4]) if token.lower_ == "top"), None)
    if top is not None and top + 1 < len(whole) and whole[top + 1].like_num:
        rest = _words_after(sentence, whole[top + 1].i + 1, allow_of=False)
        return _phrase([*whole[:top + 2], *rest]) if rest else None
    if whole[0].like_num:
        total = doc[whole[0].i:whole[0].i + 1]
        while total.end < sentence.end and doc[total.end].lower_ in ("thousand", "million", "billion"):
            total = doc[total.start:total.end + 1]
        rest = _words_after(sentence, total.end, allow_of=True)
        rest = rest[1:] if rest and rest[0].lower_ == "total" else rest
        return f"{_phrase(rest)} (out of {total.text})" if rest else None
    return None


def _by_change(number: Span) -> str | None:
    """A percentage after "by" on a verb is a change of the verb's object: "cut its prices by 85%" → 'cut prices'.

    Example: "In November 2024, Alibaba lowered Qwen-VL-Max rates by 72% to $0.45 per million input tokens."
    """
    by = number.root.head
    if by.lower_ != "by" or by.dep_ != "prep" or by.head.pos_ != "VERB":
        return None
    verb = by.head
    objects = [child for child in verb.children if child.dep_ == "dobj"]
    if not objects:
        return None
    noun = objects[0]
    words = [t for t in noun.subtree if t.i == noun.i or t.i < noun.i and t.dep_ in ("compound", "amod") and not t.ent_type_]
    return f"{verb.lemma_.lower()} {_phrase(words)}"


def _comparative(sentence: Span, number: Span) -> str | None:
    """A percentage before a comparative is a difference, not a share: "prices 99.8% lower" → 'prices lower'.

    Example: "In May 2024, ByteDance launched Doubao Pro with prices 97.5% lower than OpenAI's GPT-4."
    """
    doc = sentence.doc
    if number.end >= sentence.end or doc[number.end].tag_ not in ("JJR", "RBR"):
        return None
    before = doc[number.start - 1] if number.start > sentence.start else None
    noun = f"{before.text} " if before is not None and before.pos_ == "NOUN" else ""
    return f"{noun}{doc[number.end].lower_}"


def _noun_phrase(noun: Token) -> str:
    """A noun with the words that modify it from the left: 'full-time employee researchers' (less 'more', 'the')."""
    doc = noun.doc
    index = noun.i
    while index > 0:
        prev = doc[index - 1]
        modifies = (prev.dep_ in ("compound", "amod", "nmod") or prev.text == "-") and prev.head.i > prev.i
        # "computer and information sciences": a coordinated modifier belongs to the phrase
        joined = prev.dep_ == "cc" or doc[index].dep_ == "cc" and prev.pos_ in ("NOUN", "PROPN", "ADJ")
        if not (prev.is_space or (modifies or joined) and not prev.ent_type_):
            break
        index -= 1
    words = [token for token in doc[index:noun.i + 1] if not token.is_space]
    while words and (words[0].lower_ in ("more", "fewer", "less", "most", "-") or words[0].dep_ == "cc"):
        words = words[1:]
    return _phrase(words)


def _noun_before(token: Token) -> Token | None:
    """The noun right before a word, past adverbs and brackets: 'rates' in "yield rates reportedly at"."""
    index = token.i - 1
    while index >= 0 and (token.doc[index].pos_ == "ADV" or token.doc[index].is_space or token.doc[index].text in ("[", "]")):
        index -= 1
    if index >= 0 and token.doc[index].pos_ == "NOUN" and token.doc[index].is_alpha and not token.doc[index].ent_type_:
        return token.doc[index]
    return None


def _noun_holding(number: Span) -> str | None:
    """What a percentage with no words after it is the value of: "a growth rate of 43%", "the ratio stood at 55%",
    "yield rates at only 40%", "engineering (60%)".

    Example: "In 2023, China's patent grant ratio stood at 55%, while yield rates were reportedly at only 40%, and engineering (60%) led."
    """
    doc = number.doc
    if number.start > 0 and doc[number.start - 1].text == "(":
        noun = _noun_before(doc[number.start - 1])
        return f"share in {_noun_phrase(noun)}" if noun is not None else None
    head = number.root.head
    if head.dep_ != "prep" or head.lower_ not in ("of", "at"):
        return None
    holder = _noun_before(head) or head.head
    if holder.pos_ in ("VERB", "AUX"):
        subjects = [child for child in holder.children if child.dep_ in ("nsubj", "nsubjpass")]
        holder = subjects[0] if subjects else None
    if holder is None or holder.pos_ != "NOUN":
        return None
    return _noun_phrase(holder)


def _restated_object(number: Span) -> str | None:
    """A count set after the clause it sizes: "China has more full-time researchers than the US — 2.4 million".

    Example: "By 2022, China employed more full-time research staff than the US — 2.6 million versus 1.9 million."
    """
    root = number.root
    if root.dep_ not in ("dobj", "appos", "npadvmod", "attr") or root.head.pos_ not in ("VERB", "AUX"):
        return None
    objects = [child for child in root.head.children
               if child.dep_ in ("dobj", "attr") and child.i != root.i and child.pos_ == "NOUN" and child.i < root.i]
    return _noun_phrase(objects[0]) if objects else None


# --- the metric rules: the first that reads a metric gives it ----------------------------------


@rule("figure-metric", 1, (
    "DeepSeek ranked fourth, and SMIC is now the third-largest foundry.",
    {
        ("fourth", "rank"),
        ("third", "rank as largest foundry"),
    }))
def _metric_rank(quantity: Quantity, sentence: Span) -> str | None:
    """A rank is a rank, or a rank by the superlative it places: "the fourth-largest spender" → 'rank as largest spender'."""
    return _rank_metric(quantity.span) if quantity.kind == "rank" else None


@rule("figure-metric", 1, ("SMIC's chipmaking lags TSMC's by about five years.",
    {
        ("about five years", "lag"),
    }))
def _metric_lag(quantity: Quantity, sentence: Span) -> str | None:
    """A time one thing trails another by is a lag."""
    return "lag" if quantity.kind == "lag" else None


@rule("figure-metric", 1, ("DeepSeek charges $0.55 per million input tokens for R1.",
    {
        ("$0.55", "price per million tokens"),
    }))
def _metric_price_per_tokens(quantity: Quantity, sentence: Span) -> str | None:
    """A price per million tokens is a price per million tokens."""
    return "price per million tokens" if quantity.unit == "USD per million tokens" else None


@rule("figure-metric", 1, ("In November 2024, Alibaba lowered Qwen-VL-Max rates by 72% to $0.45 per million input tokens.",
    {
        ("72%", "lower rates"),
    }))
def _metric_change_by(quantity: Quantity, sentence: Span) -> str | None:
    """A percentage after "by" on a verb is a change of the verb's object: "cut its prices by 85%" → 'cut prices'."""
    return _by_change(quantity.span) if quantity.unit == "percent" else None


@rule("figure-metric", 1, ("In May 2024, ByteDance launched Doubao Pro with prices 97.5% lower than OpenAI's GPT-4.",
    {
        ("97.5%", "prices lower"),
    }))
def _metric_comparative(quantity: Quantity, sentence: Span) -> str | None:
    """A percentage before a comparative is a difference, not a share: "prices 99.8% lower" → 'prices lower'."""
    return _comparative(sentence, quantity.span) if quantity.unit == "percent" else None


@rule("figure-metric", 1, ("China filed 74.2% of the world's AI patents, a nearly 27% increase.",
    {
        ("74.2%", "share of world's AI patents"),
        ("nearly 27%", "increase"),
    }))
def _metric_share_of(quantity: Quantity, sentence: Span) -> str | None:
    """A percentage is a share of the phrase after it ("74.2% of the world's AI patents"), or a change when that
    phrase is a noun of change ("a 27% increase")."""
    if quantity.unit != "percent":
        return None
    words = _words_after(sentence, quantity.span.end, allow_of=True)
    if len(words) == 1 and words[0].lower_ in _CHANGE_NOUNS:
        return words[0].lower_
    return f"share of {_phrase(words)}" if words else None


@rule("figure-metric", 1, ("In 2023, China's patent grant ratio stood at 55%, while yield rates were reportedly at only 40%, and engineering (60%) led.",
    {
        ("55%", "patent grant ratio"),
        ("60%", "share in engineering"),
        ("only 40%", "yield rates"),
    }))
def _metric_value_of(quantity: Quantity, sentence: Span) -> str | None:
    """A percentage with no words after it is the value of the noun that holds it: "a growth rate of 43%",
    "the ratio stood at 55%", "yield rates at only 40%", "engineering (60%)"."""
    return _noun_holding(quantity.span) if quantity.unit == "percent" else None


@rule("figure-metric", 1, ("China produced 38 of the top 100 most-cited AI publications in 2023, and 111 out of 201 members of the team.",
    {
        ("111", "members of the team (out of 201)"),
        ("38", "top 100 most-cited AI publications"),
    }))
def _metric_part_of(quantity: Quantity, sentence: Span) -> str | None:
    """A count of a part names the set it is counted in."""
    if quantity.unit in ("percent", "USD", "RMB", "times", "nm"):
        return None
    return _part_of(sentence, quantity.span)


@rule("figure-metric", 1, ("DeepSeek has access to about 10,000 Nvidia H800s, and the Big Fund raised 187 billion RMB; SMIC makes 7nm chips.",
    {
        ("187 billion RMB", "amount in RMB"),
        ("7", "process node of chips"),
        ("about 10,000", "Nvidia H800 chips"),
    }))
def _metric_words_after(quantity: Quantity, sentence: Span) -> str | None:
    """Any other figure measures the noun phrase after it ("10,000 H800s" counts chips), else the noun it
    numbers, else its unit ("amount in USD")."""
    number, unit = quantity.span, quantity.unit
    if unit == "percent":
        return None
    words = _words_after(sentence, number.end, allow_of=unit not in ("USD", "RMB"))
    phrase = _phrase(words) or (_restated_object(number) if unit == "count" else None) or ""
    if words and words[-1].ent_type_ == "Chip":
        phrase = re.sub(r"(?<=\d)s$", "", phrase) + " chips"  # "10,000 H800s" counts chips, not a metric named H800s
    if unit == "nm":
        phrase = re.sub(r"^nm\b\s*", "", phrase)
        return "process node" if not phrase or re.fullmatch(r"process nodes?", phrase.lower()) else f"process node of {phrase}"
    if not phrase:
        head = number.root.head
        # the noun a number counts follows it; one before it is numbered by it ("Figures 7, 14, 17")
        if head.pos_ == "NOUN" and head.is_alpha and head.i > number.root.i and not CURRENCY_WORD.match(head.text):
            phrase = head.lemma_
    if len(words) == 1 and words[0].lower_ in _CHANGE_NOUNS and words[0].i + 1 < sentence.end and sentence.doc[words[0].i + 1].lower_ == "in":
        changed = _words_after(sentence, words[0].i + 2, allow_of=False)
        phrase = f"{phrase} in {_phrase(changed)}" if changed else phrase
    return phrase or {"USD": "amount in USD", "RMB": "amount in RMB", "times": "ratio"}.get(unit)


def metric_of(quantity: Quantity, sentence: Span) -> tuple[str | None, str]:
    """The metric of a figure and the id of the rule that read it; None when its own words state none (a
    percentage or a count said elliptically)."""
    for metric_rule in _RULES:
        metric = metric_rule(quantity, sentence)
        if metric is not None:
            return metric, metric_rule.id
    return None, ""


def _rank_metric(ordinal: Span) -> str:
    """'rank', or what the ranking is by: "the fourth-largest spender" → 'rank as largest spender'."""
    doc = ordinal.doc
    index = ordinal.end + 1 if ordinal.end < len(doc) and doc[ordinal.end].text == "-" else ordinal.end
    if index < len(doc) and doc[index].tag_ == "JJS" and index + 1 < len(doc) and doc[index + 1].pos_ == "NOUN":
        return f"rank as {doc[index].lower_} {doc[index + 1].lemma_.lower()}"
    return "rank"


def period_of(quantity: Quantity, sentence: Span, carried: str | None) -> str | None:
    """The date written right after the figure, else the nearest date in the sentence, else the paragraph's.

    Example: "The US government lifted its AI research budget from $7.6 billion in 2020 to $11.1 billion in 2023."
    """
    doc = sentence.doc
    all_dates = [ent for ent in sentence.ents if ent.label_ == "DATE" and re.search(rf"\b{YEAR}\b", ent.text)]
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


# --- the concept a metric label measures ------------------------------------------------------

#: Units whose metric label names a counted thing ("39,000 AI researchers", "10,000 H800s").
_COUNTING_UNITS = words("counting-units")
#: Words that name the whole a figure is part of, not what it counts: "74.2% of global AI
#: patents" and "70% of all AI patents" are one share.
_WHOLE_WORDS = words("whole-words")
#: Participles after the counted noun that restate how it is counted: "AI patents filed last year".
#: ("granted" is not one of them: patents granted are fewer than patents filed.)
_RESTATING = words("restating-participles")
#: A time written after the counted noun: "last year", "in 2024".
_TIME_AFTER = re.compile(r"\s+(?:(?:last|this|next|that) (?:year|month|quarter|decade)|(?:in|during|by|as of) \d{4})\b.*$")
#: Two wordings of one counted thing (a patent filed is a patent application).
_SAME_THING = mapping("same-thing")


def metric_concept(label: str, unit: str) -> str:
    """The thing a metric label measures, with the words that only say how a source put it removed.

    A share ("share of …", unit percent) or a count (unit count, chips, GPUs, servers, racks)
    loses the words that name the whole it is part of (global, world's, all, total), a
    participle that restates how it is counted (filed, published) and a time after it
    ("last year", "in 2024"); a few wordings of one thing become one (patent filings are
    patents). Words that change the quantity are kept: 'AI' (AI patents are not all patents),
    'top 100', 'most-cited', 'grants', 'per capita', 'international'. Any other label, and a
    label with brackets, a colon or a slash (a table's header), is its own concept.

    Deterministic and spaCy-free: labels are short noun phrases already read by the parser.
    The number of the counted noun is kept as written ('patents', 'capacity').

    >>> metric_concept("share of global AI patents", "percent")
    'share of AI patents'
    >>> metric_concept("share of AI patents filed last year", "percent")
    'share of AI patents'
    >>> metric_concept("share of all citations", "percent"), metric_concept("share of world’s AI researchers", "percent")
    ('share of citations', 'share of AI researchers')
    >>> metric_concept("share of AI patent grants", "percent"), metric_concept("top 100 most-cited AI papers", "count")
    ('share of AI patent grants', 'top 100 most-cited AI papers')
    >>> metric_concept("top Chatbot Arena Elo (China)", "Elo"), metric_concept("patent grant ratio", "percent")
    ('top Chatbot Arena Elo (China)', 'patent grant ratio')
    """
    text = re.sub(r"\s+", " ", label.replace("’", "'")).strip()
    share = re.match(r"(?i)share of ", text)
    if not (share and unit == "percent" or unit.lower() in _COUNTING_UNITS) or re.search(r"[()\[\]:/]", text):
        return label
    # the counted noun phrase, up to its own "of" ("first two phases | of the Big Fund")
    head, of, rest = _TIME_AFTER.sub("", text[share.end():] if share else text).partition(" of ")
    words = head.split(" ")
    cut = next((i for i, word in enumerate(words) if i > 0 and word.lower() in _RESTATING), None)
    if cut is not None:
        words, of, rest = words[:cut], "", ""
    words = [word for word in words if word.lower() not in _WHOLE_WORDS]
    if not words:
        return label
    thing = " ".join(words)
    for wording, same in _SAME_THING.items():
        thing = re.sub(rf"(?i)\b{wording}$", same, thing)
    concept = ("share of " if share else "") + thing + of + rest
    return label if concept == text else concept


_RULES: list[Rule] = registered("figure-metric")
