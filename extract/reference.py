"""The reference list of known names, and how names become keys and IRIs.

Every name is reduced to a key (case, spaces, hyphens, dots and a leading
"the" ignored) so that "Deep Seek", "DeepSeek" and "deepseek" are one thing,
while "Alibaba" and "Alibaba Cloud" stay two.

>>> key("The Deep-Seek")
'deepseek'
>>> lookup("U.S.").name
'United States'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib import resources

from .kinds import ID, ORGANISATION_CLASSES, SEGMENT

__all__ = ["ID", "Reference", "ORGANISATION_CLASSES", "SEGMENT", "key", "slug", "references", "lookup"]


@dataclass(frozen=True)
class Reference:
    """A known entity: its class, canonical name and the other names it goes by."""

    kind: str
    name: str
    aliases: tuple[str, ...]

    @cached_property  # asked for each mention of the entity
    def slug(self) -> str:
        return slug(self.name)


# Compiled once: every name of every entity is keyed, and most are keyed more than once.
_LEADING_THE = re.compile(r"^the\s+")
_POSSESSIVE = re.compile(r"['’]s$")
_SEPARATORS = re.compile(r"[\s\-_.·’'`\"()]+")
_NOT_SLUG = re.compile(r"[^0-9A-Za-z\u0080-\U0010ffff]+")  # emoji too, not only the BMP
_SLUG_PART = re.compile(r"[0-9a-z]+|.")


def key(name: str) -> str:
    """The matching key of a name: case, separators, quotes and a leading 'the' ignored."""
    text = unicodedata.normalize("NFKC", name).lower().strip()
    text = _LEADING_THE.sub("", text)
    text = _POSSESSIVE.sub("", text)
    return _SEPARATORS.sub("", text)


def slug(name: str) -> str:
    """A readable IRI segment: lowercase words joined by hyphens, other characters dropped.

    >>> slug("Qwen 2.5-Max"), slug("Université de Toulouse"), slug("上海人工智能实验室")
    ('qwen-2-5-max', 'universite-de-toulouse', 'u4e0a-u6d77-u4eba-u5de5-u667a-u80fd-u5b9e-u9a8c-u5ba4')
    >>> slug("DeepSeek 🐳")  # a character beyond the first 65,536 is kept too
    'deepseek-u1f433'
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(char for char in text if not unicodedata.combining(char))
    words = []
    for word in _NOT_SLUG.split(text.lower()):
        if not word:
            continue
        if word.isascii():
            words.append(word)
        else:
            words.extend(part if part.isascii() else f"u{ord(part):04x}" for part in _SLUG_PART.findall(word))
    return "-".join(words) or "unnamed"


@lru_cache(maxsize=1)
def references() -> tuple[Reference, ...]:
    """The reference list shipped in ``extract/data/reference.tsv``."""
    text = resources.files("airace.extract").joinpath("data/reference.tsv").read_text(encoding="utf-8")
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, name, *rest = line.split("\t")
        aliases = tuple(alias for alias in (rest[0].split("|") if rest else []) if alias)
        if kind not in SEGMENT:
            raise ValueError(f"reference.tsv: unknown class {kind!r} for {name!r}")
        entries.append(Reference(kind, name, aliases))
    return tuple(entries)


@lru_cache(maxsize=1)
def _index() -> dict[str, Reference]:
    index: dict[str, Reference] = {}
    for reference in references():
        for name in (reference.name, *reference.aliases):
            index.setdefault(key(name), reference)
    return index


def lookup(name: str) -> Reference | None:
    """The known entity a name refers to, or None."""
    return _index().get(key(name))
