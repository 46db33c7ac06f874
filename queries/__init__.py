"""The questions the graph answers, one SPARQL file each.

Each ``NAME.rq`` opens with a comment that states its question; checks are named
``*-violation.rq`` and must return no rows on a healthy graph.

>>> "models-by-organisation" in names()
True
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["QUERY_DIR", "names", "path_of", "question_of", "read"]

QUERY_DIR = Path(__file__).parent


def names() -> list[str]:
    """The names of the shipped queries, sorted."""
    return sorted(path.stem for path in QUERY_DIR.glob("*.rq"))


def path_of(name: str) -> Path:
    """The file of the query called ``name``.

    Raises
    ------
    KeyError
        When no query has that name; the message lists the ones that exist.
    """
    path = QUERY_DIR / f"{name}.rq"
    if not path.is_file():
        raise KeyError(f"no query named {name!r}; known queries: {', '.join(names())}")
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
