"""What extraction reads from an article: sentences, mentions, facts and figures.

>>> Sentence(0, 12, "DeepSeek R1.").text
'DeepSeek R1.'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .figures import Figure
from .mentions import Mention
from .reader import Article

__all__ = ["Sentence", "Fact", "Extraction"]


@dataclass(frozen=True)
class Sentence:
    """A sentence, or a table row, with its character offsets into the article."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fact:
    """A relation or an attribute, the id of the rule that read it, and where."""

    subject: Mention
    predicate: str
    object: object  # a Mention, or a plain value for attributes
    rule: str
    sentence: Sentence


@dataclass
class Extraction:
    """Everything one article states, with where it says it."""

    article: Article
    mentions: list[tuple[Mention, Sentence]] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    figures: list[tuple[Figure, Sentence]] = field(default_factory=list)
