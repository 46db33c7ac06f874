"""The questions the graph answers, one SPARQL file each.

Each ``NAME.rq`` opens with a comment that states its question; checks are named
``*-violation.rq`` and must return no rows on a healthy graph.

The queries the code runs for itself (reading the network, resolving labels) live in
``internal/``, with the same header, prefixes and golden tests; they are not offered
to users by name, since their rows are shaped for the code that reads them.

>>> "models-by-organisation" in names()
True
>>> internal("entity-labels").startswith("# Internal")
True
"""

from __future__ import annotations

import difflib
from pathlib import Path

__all__ = ["QUERY_DIR", "INTERNAL_DIR", "names", "internal_names", "path_of", "question_of", "read", "internal"]

QUERY_DIR = Path(__file__).parent
INTERNAL_DIR = QUERY_DIR / "internal"


def names() -> list[str]:
    """The names of the shipped queries, sorted."""
    return sorted(path.stem for path in QUERY_DIR.glob("*.rq"))


def internal_names() -> list[str]:
    """The names of the queries the code runs internally, sorted."""
    return sorted(path.stem for path in INTERNAL_DIR.glob("*.rq"))


def internal(name: str) -> str:
    """The SPARQL text of the internal query called ``name``.

    Raises
    ------
    KeyError
        When no internal query has that name.
    """
    path = INTERNAL_DIR / f"{name}.rq"
    if not path.is_file():
        raise KeyError(f"no internal query named {name!r}; known: {', '.join(internal_names())}")
    return path.read_text(encoding="utf-8")


def path_of(name: str) -> Path:
    """The file of the query called ``name``.

    Raises
    ------
    KeyError
        When no query has that name; the message suggests the closest and lists the ones that exist.
    """
    path = QUERY_DIR / f"{name}.rq"
    if not path.is_file():
        close = difflib.get_close_matches(name, names(), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else " (airace query --list says what each answers)"
        raise KeyError(f"no query named {name!r}; known queries: {', '.join(names())}{hint}")
    return path


def read(name: str) -> str:
    """The SPARQL text of the query called ``name``."""
    return path_of(name).read_text(encoding="utf-8")


def question_of(text: str) -> str:
    """The question a query answers: its leading comment lines, joined.

    >>> question_of("# Which chips?\\n# At what node?\\nSELECT * {}")
    'Which chips? At what node?'
    """
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("#").strip())
    return " ".join(line for line in lines if line)
