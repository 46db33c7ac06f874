"""Lists and groups in a sentence: which entities an enumeration names.

"Chinese startups like DeepSeek and Moonshot AI", "China's so-called tigers — Baichuan AI,
MiniMax and Zhipu AI —", "Ascend 910B and 910C": several rules need the members
of a list that starts after a description, and the mentions joined to a first one.
"""

from __future__ import annotations

import re
from typing import Iterator

from spacy.tokens import Span

from .lexicon import words
from .mentions import Mention

__all__ = ["Found", "Yield", "CJK", "group_members", "with_conjuncts"]

Found = tuple[Mention, Span]
Yield = tuple[Mention, str, object]

# Words that introduce or join the members of a group: "Chinese startups like A, B and C".
_MARKERS = words("group-markers")
_NARROWING = words("narrowing-words")
_JOINERS = words("list-joiners")
CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff（）()]+$")


def with_conjuncts(found: list[Found], first: Found) -> list[Mention]:
    """A mention and the mentions of its kind joined to it: "Ascend 910B and 910C" gives both."""
    members, (mention, span) = [first[0]], first
    for other, other_span in found:
        if other_span.start < span.end:
            continue
        joint = span.doc[span.end:other_span.start]
        if other.kind != mention.kind or not all(token.lower_ in ("and", ",", "or") for token in joint):
            break
        members.append(other)
        span = other_span
    return members


def _skip_aside(sentence: Span, index: int) -> int:
    """Past an aside between dashes, when a list marker follows it: "companies — most often
    private — include A and B" reads as "companies include A and B"."""
    for close in range(index + 1, min(sentence.end, index + 25)):
        if sentence.doc[close].text in ("—", "–"):
            after = sentence.doc[close + 1] if close + 1 < sentence.end else None
            if after is not None and after.lower_ in _MARKERS and after.text not in ("—", "–"):
                return close + 1
            return index + 1
    return index + 1


def _subject_holds(verb, index: int) -> bool:
    """Whether the token at ``index`` is part of the verb's subject."""
    return any(child.dep_ in ("nsubj", "nsubjpass") and index in {t.i for t in child.subtree} for child in verb.children)


def _title_of(sentence: Span, word) -> bool:
    """The "of" of a title: "US Secretary of Commerce Gina Raimondo"."""
    return word.lower_ == "of" and sentence.start < word.i < sentence.end - 1 \
        and word.nbor(-1).pos_ == "PROPN" and word.nbor(1).pos_ == "PROPN"


def group_members(sentence: Span, found: list[Found], index: int) -> Iterator[Mention]:
    """The entities that follow a group's description and the enumeration joined to them.

    Before the first entity only the words of a noun phrase and list markers may come
    (a verb, a preposition or a comma ends the search); after it, only list joiners.
    """
    starts = {span.start: (m, span) for m, span in found}
    origin, seen_entity, words = index, False, 0
    while index < sentence.end and (seen_entity or words <= 12):
        words += 1
        if index in starts:
            mention, span = starts[index]
            if mention.kind == "Country" and not seen_entity:
                return  # "US-China ...": another country takes over
            yield mention
            seen_entity, index = True, span.end
            continue
        word = sentence.doc[index]
        if word.is_space:  # what is left of a masked link
            index += 1
            continue
        if seen_entity:
            if word.lower_ not in _JOINERS and not CJK.match(word.text):
                return
        elif word.text in ("—", "–") and index > origin:
            index = _skip_aside(sentence, index)
            continue
        elif word.lower_ in ("include", "includes", "included") and (word.dep_ == "relcl" or not _subject_holds(word, origin - 1)):
            return  # "companies (which officials allege includes X)": the group before is not what includes X
        elif word.text == "," and index + 1 < sentence.end and sentence.doc[index + 1].lower_ in _NARROWING:
            index += 2  # "the US, particularly the AI lab Anthropic": the same group, narrowed
            if index < sentence.end and sentence.doc[index].lower_ in ("from", "in", "as"):
                index += 1
            continue
        elif not (word.pos_ in ("ADJ", "NOUN", "PROPN", "NUM") or word.lower_ in _MARKERS or word.lower_ in ("the", "a", "an")
                  or _title_of(sentence, word)):
            return
        index += 1
