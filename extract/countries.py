"""Rules that place an entity in a country: by a nationality or a country before a group it
belongs to, by an apposition, by a place in its name, or by a place in its table row.

Like every relation rule, each is a small function registered in :mod:`.rules` with an example and
the exact facts it must yield.
"""

from __future__ import annotations

import re
from typing import Iterator

from spacy.tokens import Span

from .context import Context
from .entities import country_of_adjective
from .groups import CJK, Found, Yield, group_members
from .kinds import COUNTRY_ABLE
from .mentions import Mention, known
from .places import countries_named_in, country_of_place
from .reference import lookup
from .rules import rule

__all__ = ["COUNTRY_ABLE", "country_mention", "nationality_modifier", "nationality_apposition", "country_in_name", "row_place"]



def country_mention(name: str, at: int, end: int) -> Mention:
    """The mention of a country the reference list knows, by any of its names, labelled canonically."""
    reference = lookup(name)
    return known(reference, reference.name, at, end)


def _country_anchors(sentence: Span, found: list[Found]) -> Iterator[tuple[int, Mention]]:
    """Where a country is named as a modifier, and the token after it: "Chinese" in "Chinese
    startups", "US" in "US AI providers", "China" in "China's new AI tigers"."""
    inside = {i for _, span in found for i in range(span.start, span.end)}
    for token in sentence:
        country = country_of_adjective(token.text)
        if country is not None and token.i not in inside and token.dep_ != "poss":
            yield token.i + 1, country_mention(country, token.idx, token.idx + len(token))
    for mention, span in found:
        if mention.kind == "Country" and lookup(mention.label or mention.surface) is not None:
            yield span.end, country_mention(mention.label or mention.surface, mention.start, mention.end)


@rule("relation", 1, (
    'Chinese startups like DeepSeek and Moonshot AI publish open models, as do US AI providers Microsoft and Nvidia.',
    {
        ("DeepSeek", "country", "China"),
        ("Microsoft", "country", "United States"),
        ("Moonshot AI", "country", "China"),
        ("Nvidia", "country", "United States"),
    }))
def nationality_modifier(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    for index, country in _country_anchors(sentence, found):
        for mention in group_members(sentence, found, index):
            if mention.kind in COUNTRY_ABLE:
                yield mention, "country", country


@rule("relation", 1, ('Manycore Tech (群核科技) — a Chinese start-up building 3D design tools — is hiring.',
    {
        ("Manycore Tech", "country", "China"),
    }))
def nationality_apposition(context: Context) -> Iterator[Yield]:
    sentence, found = context.sentence, context.found
    for mention, span in found:
        if mention.kind not in COUNTRY_ABLE:
            continue
        index = span.end
        while index < sentence.end and CJK.match(sentence.doc[index].text):
            index += 1
        window = sentence.doc[index:min(sentence.end, index + 3)]
        if len(window) == 3 and window[0].text in (",", "—", "–", "(") and window[1].lower_ in ("a", "an", "the"):
            country = country_of_adjective(window[2].text)
            # the described noun must stand in apposition to the name, not start the main clause
            described = window[1].head
            if country is not None and described.dep_ == "appos" and span.start <= described.head.i < span.end:
                yield mention, "country", country_mention(country, window[2].idx, window[2].idx + len(window[2]))


@rule("relation", 1, ('Shanghai Jiao Tong University and the Bank of China signed an agreement.',
    {
        ("Bank of China", "country", "China"),
        ("Shanghai Jiao Tong University", "country", "China"),
    }))
def country_in_name(context: Context) -> Iterator[Yield]:
    for mention, _ in context.found:
        if mention.is_organisation or mention.kind == "DataCentre":
            for country in sorted(countries_named_in(mention.label or mention.surface)):
                yield mention, "country", country_mention(country, mention.start, mention.end)


@rule("row", 1, ('Company\tLocation\tServers\nTencent Cloud\tQingpu (2022)\t500,000',
    {
        ("Qingpu", "country", "China"),
        ("Tencent Cloud Qingpu", "country", "China"),
    }))
def row_place(cells: list[str], mentions: list[Mention]) -> Iterator[Yield]:
    """(the Qingpu data centre is in China).

    A table row about a data centre or an organisation places it by a name that holds a
    place, or by a cell that names one (a city, a province, a hub named after them)."""
    places = set()
    for cell in cells:
        text = re.sub(r"\([^)]*\)", "", cell).strip()
        places |= countries_named_in(text) or ({country_of_place(text)} - {None})
    for mention in mentions:
        if not (mention.is_organisation or mention.kind == "DataCentre"):
            continue
        named = countries_named_in(mention.label or mention.surface)
        if not named and mention.kind == "DataCentre" and len(places) == 1:
            named = places
        for country in sorted(named):
            yield mention, "country", country_mention(country, mention.start, mention.end)
