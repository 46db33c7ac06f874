"""What a figure is about: the subject rules, tried in the order they are defined here, and what it is compared with.

What a figure is about is read from the grammar of its sentence, never from its
particular words:

- a figure restated in parentheses, or set after "versus", has the subject of
  the figure before it, or the other side of the comparison;
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
"""

from __future__ import annotations

import re
from typing import Iterator

from spacy.tokens import Span, Token

from .context import Context, holding, overlaps
from .figure_numbers import CURRENCY_WORD, Quantity
from .kinds import SUBJECT_KINDS
from .lexicon import mapping, words
from .mentions import Mention
from .rules import Rule, registered, rule

__all__ = ["Previous", "subject_of", "compared_with", "other_side"]

# The class a common noun names when a definite phrase ("the company", "the new fund") refers back.
_NOUN_KINDS = {noun: set(kinds.split(",")) for noun, kinds in mapping("definite-nouns").items()}
# Heads of a nationality phrase that stand for the country itself ("the Chinese government").
_STATE_NOUNS = words("state-nouns")
_CLIMB = {"advcl", "conj", "xcomp", "relcl", "acl", "prep", "pcomp", "pobj", "advmod", "npadvmod", "appos"}

#: The figure before this one in the sentence: its quantity, subject and the rule that chose it.
Previous = tuple[Quantity, Mention, str]

#: What a subject rule answers when it knows the figure belongs to something the text does not name:
#: no later rule may guess.
UNNAMED = Mention("", "", None, "", 0, 0)


@rule("figure-subject", 1, (
    "Chinese entities received 26.3% (approximately $12.8 billion) of the Big Fund, with SMIC among them.",
    {
        ("approximately $12.8 billion", "China"),
    }))
def _subject_restated(quantity: Quantity, context: Context, sources: frozenset, previous: Previous | None) -> Mention | None:
    """A figure restated in parentheses has the subject of the figure it restates."""
    if previous is None:
        return None
    doc = quantity.span.doc
    between = list(doc[previous[0].span.end:quantity.span.start])
    restates = bool(between) and between[0].text == "(" and all(
        token.text == "(" or token.lower_ in ("approximately", "about", "around", "roughly", "~", "or", "nearly") for token in between)
    return previous[1] if restates else None


@rule("figure-subject", 1, ("By 2022, China employed more full-time researchers than the US: 2.6 million versus 1.9 million.",
    {
        ("1.9 million", "United States"),
    }))
def _subject_after_versus(quantity: Quantity, context: Context, sources: frozenset, previous: Previous | None) -> Mention | None:
    """A figure after "versus" belongs to the other side of the comparison ("2.4 million versus 1.7 million"),
    and to no one when the sentence names no other side ("48 of the top 100, versus 36 in 2022")."""
    doc = quantity.span.doc
    start = quantity.span.start
    if previous is None or start == 0 or doc[start - 1].lower_ not in ("versus", "vs", "vs."):
        return None
    return other_side(previous[1], context) or UNNAMED


@rule("figure-subject", 1, ('In November 2024, Alibaba lowered Qwen-VL-Max rates by 72% to $0.45 per million input tokens.',
    {
        ("$0.45", "Qwen-VL-Max"),
    }))
def _subject_priced_per_token(quantity: Quantity, context: Context, sources: frozenset, previous: Previous | None) -> Mention | None:
    """A price per million tokens belongs to a model."""
    if quantity.unit != "USD per million tokens":
        return None
    models = [(m, span) for m, span in context.candidates if m.kind == "AIModel"]
    if not models:
        return None
    return min(models, key=lambda pair: abs(pair[1].start - quantity.span.start))[0]


@rule("figure-subject", 1, ('In 2018, roughly 355,000 Chinese students attended American colleges.',
    {
        ("roughly 355,000", "China"),
    }))
def _subject_nationality_of_counted(quantity: Quantity, context: Context, sources: frozenset, previous: Previous | None) -> Mention | None:
    """The country a nationality inside the counted phrase names."""
    head = quantity.span.root.head if quantity.span.root.dep_ in ("nummod", "quantmod") else None
    if head is None or head.pos_ != "NOUN":
        return None
    for child in head.children:
        if child.dep_ == "amod" and child.i > quantity.span.end - 1:
            pair = holding(child, context.candidates)
            if pair and pair[0].kind == "Country":
                return pair[0]
    return None


@rule("figure-subject", 1, ("China employed some 42,000 AI researchers, against the US's 81,000 researchers. Intel's 10nm process nodes pack transistors about as densely as TSMC's 7nm nodes.",
    {
        ("10", "Intel"),
        ("7", "TSMC"),
        ("81,000", "United States"),
    }))
def _subject_possessor(quantity: Quantity, context: Context, sources: frozenset, previous: Previous | None) -> Mention | None:
    """The owner named by a possessive on the counted noun."""
    root = quantity.span.root
    noun = root.head if root.dep_ in ("nummod", "quantmod", "compound") else root
    while noun.dep_ in ("compound", "nmod") and noun.head.pos_ == "NOUN" and noun.head.i > noun.i:
        noun = noun.head  # "TSMC's 7nm nodes": the possessive sits on the noun the unit modifies
    for child in noun.children:
        if child.dep_ == "poss":
            pair = holding(child, context.candidates)
            if pair and pair[1].start not in sources:
                return pair[0]
    return None


@rule("figure-subject", 1, ('China is now home to 2,307 leading AI researchers, against 1,946 in the United States.',
    {
        ("1,946", "United States"),
    }))
def _subject_after_preposition(quantity: Quantity, context: Context, sources: frozenset, previous: Previous | None) -> Mention | None:
    """A country tied to the figure by a preposition."""
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


@rule("figure-subject", 1, ('The remaining top-ten nations, South Korea (251st) and Germany (203rd), trail well behind.',
    {
        ("203rd", "Germany"),
        ("251st", "South Korea"),
    }))
def _subject_before_parenthesis(quantity: Quantity, context: Context, sources: frozenset, previous: Previous | None) -> Mention | None:
    """A figure in parentheses elaborates what comes before them: the name right before, else the nearest one."""
    doc = context.sentence.doc
    opening = next((token.i for token in reversed(doc[max(context.sentence.start, quantity.span.start - 12):quantity.span.start])
                    if token.text in ("(", ")")), None)
    if opening is None or doc[opening].text != "(" or opening == context.sentence.start:
        return None
    if quantity.unit in ("USD", "RMB") and (doc[opening - 1].ent_type_ == "MONEY" or CURRENCY_WORD.match(doc[opening - 1].text)):
        return None  # a conversion: it has the subject of the amount it converts
    before = [(m, span) for m, span in context.candidates if span.end <= opening and span.start not in sources]
    return before[-1][0] if before else None


@rule("figure-subject", 1, ('In 2014, the Chinese state set up a tightly managed 142 billion RMB ($22 billion) Big Fund.',
    {
        ("142 billion RMB", "China Integrated Circuit Industry Investment Fund"),
    }))
def _subject_sized_by_amount(quantity: Quantity, context: Context, sources: frozenset, previous: Previous | None) -> Mention | None:
    """An amount written before a name sizes that name (a conversion in parentheses may come between)."""
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
    for mention, span in context.paragraph:  # the name may run past the sentence's end
        if span.start == index and mention.kind in SUBJECT_KINDS and mention.kind != "Country":
            return mention
    return None


@rule("figure-subject", 1, ('In contrast, the US has some 12,000 researchers, the EU-27 about 18,000, and the UK around 2,600.',
    {
        ("2,600", "United Kingdom"),
        ("about 18,000", "European Union"),
    }))
def _subject_of_gapped_clause(quantity: Quantity, context: Context, sources: frozenset, previous: Previous | None) -> Mention | None:
    """In a list of clauses that leave out their verb, the name right before a figure owns it."""
    doc = context.sentence.doc
    start = quantity.span.start
    while start > context.sentence.start and doc[start - 1].lower_ in ("about", "around", "roughly", "nearly", "over", "some", "just", "only"):
        start -= 1
    after = doc[quantity.span.end] if quantity.span.end < context.sentence.end else None
    if after is not None and not (after.is_punct or after.lower_ == "and"):
        return None
    for mention, span in context.candidates:
        if span.end != start or span.start in sources:
            continue
        opening = span.start - 1
        while opening > context.sentence.start and doc[opening].lower_ == "the":
            opening -= 1
        if opening > context.sentence.start and doc[opening].text in (",", ";", "and"):
            return mention
    return None


@rule("figure-subject", 1, ('In 2023, Chinese scientists co-wrote 19.4% of published AI papers.',
    {
        ("19.4%", "China"),
    }))
def _subject_of_clause(quantity: Quantity, context: Context, sources: frozenset, previous: Previous | None) -> Mention | None:
    """The subject of the figure's clause, climbing to the clause it hangs from while it has none."""
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


def _named_in_phrase(number: Token, span: Span, context: Context, sources: frozenset) -> Mention | None:
    """The entity the figure's own phrase names when the figure is the clause subject.

    Example: "Last year, 80% of startups identified on Andreessen Horowitz were using open models."
    """
    inside = {token.i: depth for token, depth in _depths(number)}
    named = [(inside[found.root.i], mention) for mention, found in context.candidates
             if found.root.i in inside and not overlaps(found, span) and found.start not in sources]
    return min(named, key=lambda item: item[0])[1] if named else None


def _predicate_country(number: Token, context: Context) -> Mention | None:
    """The country a copula names when the figure is its subject.

    Example: "According to WIPO, eleven of the top twenty holders of generative AI patents are Chinese, and a mere three are from the US."
    """
    verb = number.head
    if verb.lemma_ != "be":
        return None
    for child in verb.children:
        if child.dep_ in ("attr", "acomp"):
            pair = holding(child, context.candidates)
            if pair and pair[0].kind == "Country":
                return pair[0]
        if child.dep_ == "prep" and child.lower_ in ("from", "in"):
            for grandchild in child.children:
                pair = holding(grandchild, context.candidates)
                if pair and pair[0].kind == "Country":
                    return pair[0]
    return None


def _mention_heading(subject: Token, verb: Token, context: Context, sources: frozenset) -> Mention | None:
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


def _is_nationality(mention: Mention, subject: Token, context: Context) -> bool:
    return any(m is mention and context.sentence.doc[span.start].ent_type_ == "NORP" for m, span in context.candidates)


def _depths(root: Token) -> Iterator[tuple[Token, int]]:
    todo = [(root, 0)]
    while todo:
        token, depth = todo.pop()
        yield token, depth
        todo.extend((child, depth + 1) for child in token.children)


def _referent(subject: Token, context: Context, sources: frozenset) -> Mention | None:
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
        kinds = SUBJECT_KINDS - {"Country"}
    for mention, span in reversed(earlier):
        if span.root.dep_ == "compound" and span.root.head.ent_type_:
            continue  # "Nvidia" in "Nvidia H100s" names the maker of the thing, not the thing
        name = (mention.label or mention.surface).lower()
        if (kinds and mention.kind in kinds) or (not kinds and name.split()[-1].rstrip("s") == noun.rstrip("s")) or (
                kinds and name.split()[-1] == noun):
            return mention
    return None


@rule("figure-subject", 1, ('At Tencent, about 3,000 engineers work on AI. More than forty firms have joined the initiative, including China Mobile.',
    {
        ("about 3,000", "Tencent"),
    }))
def _subject_nearest(quantity: Quantity, context: Context, sources: frozenset, previous: Previous | None) -> Mention | None:
    """The nearest entity before the figure, else after it.

    An entity named after the figure as an example ("including China Mobile", "such as SMIC") is a member
    of the counted set, not its owner, and is never taken."""
    kept = [(m, span) for m, span in context.candidates if span.start not in sources and not overlaps(span, quantity.span)]
    before = [m for m, span in kept if span.end <= quantity.span.start]
    if before:
        return before[-1]
    after = [m for m, span in kept if span.start >= quantity.span.end and not _example(span, quantity.span)]
    return after[0] if after else None


def _example(span: Span, number: Span) -> bool:
    """Whether a name is given as an example ("including X", "like X", "such as X") in a phrase the figure is not in."""
    for ancestor in span.root.ancestors:
        if ancestor.lower_ in ("including", "like") or ancestor.lower_ == "as" and any(c.lower_ == "such" for c in ancestor.children):
            return number.root not in ancestor.subtree
    return False


@rule("figure-subject", 1, ('Guidance funds have been set up across China. NBER found that these funds invested 184 billion USD.',
    {
        ("184 billion USD", "China"),
    }))
def _subject_of_paragraph(quantity: Quantity, context: Context, sources: frozenset, previous: Previous | None) -> Mention | None:
    """A sentence that names nothing but its source speaks of what the paragraph last named, if that was one thing."""
    if any(span.start not in sources for _, span in context.candidates):
        return None
    if any(token.pos_ == "PROPN" and token.dep_ in ("nsubj", "nsubjpass") and not token.ent_type_ for token in context.sentence):
        return None  # the sentence is about a name the tagger missed ("EduRank is a ranking of 14,131 universities")
    previous = [(m, span) for m, span in context.earlier
                if not (span.root.dep_ == "compound" and span.root.head.ent_type_) and not context.reports(span)]
    if not previous:
        return None
    last = previous[-1][1].sent
    named = [m for m, span in previous if span.sent.start == last.start]
    # A name the reference list knows outweighs the tagger's guesses ("S&E" tagged ORG beside "US").
    known = [m for m in named if m.label] or named
    return known[-1] if len({m.iri for m in known}) == 1 else None


def _family(mention: Mention) -> str:
    return "Organisation" if mention.is_organisation else mention.kind


def compared_with(quantity: Quantity, subject: Mention, context: Context) -> Mention | None:
    """The other side of a ratio or a lag: what follows 'than', 'behind', 'on', 'after' or 'that of', else what
    an earlier 'to', 'than' or 'versus' names; an entity of the subject's own class first.

    Example: "The study notes that China now files roughly eight times more AI patent applications than the US does."
    """
    if quantity.unit != "times" and quantity.kind != "lag":
        return None
    doc = context.sentence.doc
    # like with like: a country against a country, a model against a model, an organisation against an organisation
    others = [(m, span) for m, span in context.candidates if m.iri != subject.iri and _family(m) == _family(subject)]
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


def subject_of(quantity: Quantity, context: Context, previous: Previous | None) -> tuple[Mention | None, str]:
    """The subject by the first subject rule that finds one, and that rule's id."""
    sources = context.sources(quantity.span)
    for subject_rule in _RULES:
        subject = subject_rule(quantity, context, sources, previous)
        if subject is UNNAMED:
            return None, subject_rule.id
        if subject is not None:
            return subject, subject_rule.id
    return None, ""


def other_side(subject: Mention, context: Context) -> Mention | None:
    """The entity a sentence sets against a subject ("than the US", "versus China"), for the figure after "versus".

    Example: "By 2022, China employed more full-time researchers than the US — 2.6 million versus 1.9 million."
    """
    doc = context.sentence.doc
    for mention, span in context.candidates:
        if mention.iri == subject.iri or mention.kind != subject.kind:
            continue
        before = doc[max(context.sentence.start, span.start - 3):span.start].text.lower()
        if re.search(r"\b(?:than|versus|vs\.?|compared (?:to|with))\b", before):
            return mention
    return None


_RULES: list[Rule] = registered("figure-subject")
