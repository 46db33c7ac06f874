"""The word lists of extraction, read from ``extract/data/words/``.

A list is a text file, one entry per line (a line starting with ``#`` is a comment,
blank lines are skipped); a mapping is a file of ``key<TAB>value`` lines. Entries keep their
case: a list that is matched case-blind holds lower-case entries and says so in
its header.

>>> "government" in words("state-nouns")
True
>>> mapping("nationalities")["chinese"]
'China'
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["words", "ordered", "mapping", "LexiconError"]


class LexiconError(Exception):
    """A word list is missing or malformed; the message names the file and the line."""


def _lines(name: str) -> list[tuple[int, str]]:
    path = resources.files("airace.extract").joinpath(f"data/words/{name}.txt")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f"extract/data/words/{name}.txt: no such word list") from None
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            found.append((number, line.rstrip()))
    return found


@lru_cache(maxsize=None)  # the files ship with the package and never change while it runs
def words(name: str) -> frozenset[str]:
    """The entries of the list ``name``."""
    return frozenset(entry.strip() for _, entry in _lines(name))


@lru_cache(maxsize=None)
def ordered(name: str) -> tuple[str, ...]:
    """The entries of the list ``name`` in file order (for lists whose order matters)."""
    return tuple(entry.strip() for _, entry in _lines(name))


@lru_cache(maxsize=None)
def mapping(name: str) -> dict[str, str]:
    """The ``key<TAB>value`` entries of the mapping ``name``, in file order."""
    found = {}
    for number, entry in _lines(name):
        key, tab, value = entry.partition("\t")
        if not tab or not key.strip() or not value.strip():
            raise LexiconError(f"extract/data/words/{name}.txt:{number}: expected 'key<TAB>value', got {entry!r}")
        found[key.strip()] = value.strip()
    return found
