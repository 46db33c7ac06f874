"""What ``airace query`` checks in a query's text before it runs, and how it explains what is wrong.

A user's query gets the standard prefixes it uses but does not declare; a shipped query's
header says what it asks and which variables a user binds; a binding must name a variable
of the query, and a required one must be given; a parser error is told in one whole line.

>>> text = "# Who is called ?name?\\n# Binding: ?name — the name to look up.\\nSELECT ?e { ?e rdfs:label ?name }"
>>> headline(text)
'Who is called ?name?'
>>> [(binding.name, binding.required) for binding in declared_bindings(text)]
[('name', True)]
>>> check_bindings(text, {"nmae": "DeepSeek"}, query="q")
Traceback (most recent call last):
...
ValueError: q has no variable ?nmae to bind; did you mean ?name?
>>> print(with_prefixes("SELECT * { ?s a race:Chip }").splitlines()[0])
PREFIX race: <https://w3id.org/airace/ontology#>
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

__all__ = ["STANDARD_PREFIXES", "Binding", "headline", "declared_bindings", "variables", "check_bindings",
           "with_prefixes", "parser_message", "did_you_mean"]

#: The prefixes a query may use without declaring them.
STANDARD_PREFIXES = {
    "race": "https://w3id.org/airace/ontology#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}

# A header line that declares a binding: "# Binding: ?name — optional: what it is".
_BINDING = re.compile(r"^#\s*Binding:\s*[?$]([A-Za-z_][A-Za-z0-9_]*)\s*(?:—|--|-|:)?\s*(.*)$")
# What is not query text: comments, strings and IRIs (a "?" in them is no variable).
_NOT_CODE = re.compile(r'#[^\n\r]*|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                       r'|"(?:[^"\\\n\r]|\\.)*"|\'(?:[^\'\\\n\r]|\\.)*\'|<[^<>"{}|^`\\\x00-\x20]*>', re.DOTALL)
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:", re.IGNORECASE)
_POSITION = re.compile(r"^error at (\d+):(\d+): ")
# The line with_prefixes puts between the prefixes it adds and the user's query.
_STARTS = "# (the standard prefixes above were added by airace; the query as given follows)"


@dataclass(frozen=True)
class Binding:
    """A variable a query's header says a user binds: its name, whether it must be given, what it is."""

    name: str
    required: bool
    description: str


def _header(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def headline(text: str) -> str:
    """The question a query answers: the first line of its header, without a "Q1." number.

    >>> headline("# Q6. Which chips are in use?\\n# One row per chip.\\nSELECT * {}")
    'Which chips are in use?'
    """
    header = _header(text)
    first = header[0].lstrip("#").strip() if header else ""
    return re.sub(r"^Q\d+\.\s*", "", first)


def declared_bindings(text: str) -> list[Binding]:
    """The bindings a query's header declares (``# Binding: ?name — …``), in order, each once.

    A binding is required unless its description starts with "optional".

    >>> [(b.name, b.required) for b in declared_bindings("# Binding: ?name — optional: a name\\nASK {}")]
    [('name', False)]
    """
    found: dict[str, Binding] = {}
    header = _header(text)
    for number, line in enumerate(header):
        match = _BINDING.match(line)
        if match and match.group(1) not in found:
            description = _first_sentence([match.group(2)] + [
                more.lstrip("#").strip() for more in header[number + 1:]])
            found[match.group(1)] = Binding(match.group(1), not description.lower().startswith("optional"),
                                            description)
    return list(found.values())


def _first_sentence(lines: list[str]) -> str:
    """The first sentence of a description that runs over several header lines.

    >>> _first_sentence(["the entity's name, matched", "in any case. Several", "go by one."])
    "the entity's name, matched in any case."
    """
    words: list[str] = []
    for line in lines:
        if not line or _BINDING.match("# " + line):
            break
        for word in line.split():
            words.append(word)
            if word.endswith("."):
                return " ".join(words)
    return " ".join(words)


def variables(text: str) -> list[str]:
    """The variables a query's text names (outside comments, strings and IRIs), sorted.

    >>> variables('SELECT ?a { ?a <urn:x?b> "?c" } # ?d')
    ['a']
    """
    return sorted(set(_VARIABLE.findall(_NOT_CODE.sub(" ", text))))


def did_you_mean(wanted: str, known: Iterable[str], *, prefix: str = "") -> str:
    """"; did you mean X?" with the known name closest to ``wanted``, or "" when none is close.

    >>> did_you_mean("models-by-organization", ["explain", "models-by-organisation"])
    '; did you mean models-by-organisation?'
    """
    close = difflib.get_close_matches(wanted, list(known), n=1, cutoff=0.6)
    return f"; did you mean {prefix}{close[0]}?" if close else ""


def check_bindings(text: str, bindings: Mapping[str, object], *, query: str) -> None:
    """Refuse bindings that name no variable of the query, and a missing required binding.

    Raises
    ------
    ValueError
        Naming ``query`` and the variable, with the closest variable when one is close,
        or the binding that is missing and what it is.
    """
    names = variables(text)
    for name in bindings:
        if name not in names:
            hint = did_you_mean(name, names, prefix="?")
            if not hint:
                declared = [binding.name for binding in declared_bindings(text)]
                hint = (f"; it takes {', '.join('?' + n for n in declared)}" if declared
                        else "; it takes no bindings")
            raise ValueError(f"{query} has no variable ?{name} to bind{hint}")
    for binding in declared_bindings(text):
        if binding.required and binding.name not in bindings:
            what = f" ({binding.description.rstrip('.')})" if binding.description else ""
            raise ValueError(f"{query} needs --bind {binding.name}=VALUE{what}")


def with_prefixes(text: str) -> str:
    """``text`` with a ``PREFIX`` line before it for each standard prefix it does not declare itself.

    The added lines end with a comment line that :func:`parser_message` finds, so that an
    error's line number is told in the user's own lines.

    >>> with_prefixes("PREFIX race: <urn:mine#> SELECT * {}").count("race:")
    1
    """
    declared = {(match.group(1) or "") for match in _DECLARED.finditer(_NOT_CODE.sub(" ", text))}
    missing = [f"PREFIX {name}: <{iri}>" for name, iri in STANDARD_PREFIXES.items() if name not in declared]
    if not missing:
        return text
    return "\n".join([*missing, _STARTS]) + "\n" + text


def parser_message(message: str, text: str) -> str:
    """A SPARQL parser's error on ``text`` in one whole line a user can act on.

    The engine lists every character class it expected, over several lines; the line
    keeps the position (in the user's lines, when :func:`with_prefixes` added some), what
    is there, and the tokens expected, and says plainly when a prefix is not declared.
    A message that is no parser error comes back whole, on one line.

    >>> parser_message("error at 1:28: expected one of Prefix not found, ['%'], ['-' | '0']",
    ...                "SELECT * { ?s ?p nope:thing }")
    'line 1, column 28: the prefix nope: is not declared (add PREFIX nope: <…>)'
    >>> parser_message('not SPARQL: error at 1:21: expected one of ",", "}", LATERAL, [_]', "SELECT * { ?s ?p ?o ")
    'not SPARQL: line 1, column 21 (at the end of the query): expected one of ",", "}", LATERAL'
    """
    said, _, error = message.rpartition("error at ")
    match = _POSITION.match("error at " + error)
    if not match:
        return " ".join(message.split())
    lines = text.splitlines()
    shift = lines.index(_STARTS) + 1 if _STARTS in lines else 0
    lines = lines[shift:]
    line, column = int(match.group(1)) - shift, int(match.group(2))
    rest = " ".join(error[match.end() - len("error at "):].split())
    where = f"{said}line {line}, column {column}"
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    if "Prefix not found" in rest:
        # the engine points at the end of the prefixed name: take the last one that starts before
        names = [found.group(1) or "" for found in re.finditer(r"(?<![\w?$])([A-Za-z][\w.-]*)?:", source)
                 if found.start() < column]
        name = names[-1] if names else ""
        return f"{where}: the prefix {name}: is not declared (add PREFIX {name}: <…>)"
    following = (source[column - 1:] + " " + " ".join(lines[line:])).split()
    near = f" (near {following[0][:30]!r})" if following else " (at the end of the query)"
    if rest.startswith("expected one of "):
        # the engine's character classes ("['A' ..= 'Z' | …]") tell a user nothing: the tokens do
        expected = [item for item in _items(rest[len("expected one of "):]) if not item.startswith("[")]
        rest = ("expected " + ("one of " if len(expected) > 1 else "") + ", ".join(expected)) if expected \
            else "unexpected character"
    return f"{where}{near}: {rest}"


def _items(listing: str) -> list[str]:
    """The items of a comma-separated list whose items may hold commas inside quotes or brackets.

    >>> _items('",", LATERAL, [_, x]')
    ['","', 'LATERAL', '[_, x]']
    """
    items, depth, quote, current = [], 0, None, ""
    for char in listing:
        if quote:
            quote = None if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(current.strip())
            current = ""
            continue
        current += char
    return [item for item in items + [current.strip()] if item]
