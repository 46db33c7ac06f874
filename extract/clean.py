"""From an article's text to the blocks worth reading: prose paragraphs and tables.

Web pages and converted reports carry junk: link syntax, footnote URLs,
defanged addresses, "Read More:" lines, teasers of other articles. Junk is
never deleted: it is masked with spaces of the same length, so every offset
into a block's text is an offset into the article, and a quoted sentence can
always be found again in its source.

>>> blocks = segment("DeepSeek [released](#) R1.\\nRead More: other news\\n")
>>> [(block.kind, block.text) for block in blocks]
[('prose', 'DeepSeek  released     R1.')]
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

__all__ = ["Block", "Cell", "Row", "segment", "mask", "JUNK_LINE_RULES", "MASK_RULES"]


@dataclass(frozen=True)
class Cell:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Row:
    start: int
    end: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Block:
    """A paragraph (``kind="prose"``) or a table (``kind="table"``), with offsets into the article."""

    kind: str
    start: int
    end: int
    text: str
    rows: tuple[Row, ...] = ()
    caption: str = ""
    context: str = field(default="", compare=False)


# --- masking inside a line: (name, pattern, what to keep) --------------------------------
# Each pattern's match is blanked except the groups named "keep".

MASK_RULES: list[tuple[str, re.Pattern]] = [
    # "[released](#)" or "[a report](https://…)": keep the anchor text.
    ("markdown link", re.compile(r"\[(?P<keep>[^\[\]\n]*)\]\((?:[^()\s]|\([^()\s]*\))*\)")),
    # "<https://archive.is/x>"
    ("autolink", re.compile(r"<(?:https?|hxxps?|ftp)://[^>\s]*>")),
    # bare and defanged addresses: "https://www.jiemian[.]com/…", "example[.]com"
    ("address", re.compile(r"\b(?:https?|hxxps?)(?:://|\[:\]//)\S+|\b[\w.-]+(?:\[\.\][\w-]+)+(?:/[^\s)\]]*)?")),
    # footnote markers: superscript digits and "^{34 35}"
    ("footnote marker", re.compile(r"[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+|\^\{[\d ]+\}|\[\^\d+\]:?|^\s*\[\d+\]:?(?=\s)", re.MULTILINE)),
    # markdown emphasis and escapes: "**Figure 9**", "*Breakneck*", "\$593"
    ("emphasis", re.compile(r"\*{1,3}(?=\S)|(?<=\S)\*{1,3}|\\(?=[$\[\]().*_#-])")),
    # markdown heading marks and list bullets at the start of a line
    ("line mark", re.compile(r"^(?:#{1,6}|[-*+•])[ \t]+", re.MULTILINE)),
    # trademark signs glued to names: "Recorded Future®"
    ("trademark", re.compile(r"[®™]")),
]


def mask(text: str) -> str:
    """Blank link syntax, addresses, footnote markers and emphasis; keep every offset.

    >>> mask("See [the report](https://x.org/a) and www.site[.]com/p/q")
    'See  the report                   and                   '
    """
    chars = None  # most lines hold nothing to blank: no copy of them is made
    for _, pattern in MASK_RULES:
        for match in pattern.finditer(text):
            if chars is None:
                chars = list(text)
            keep = match.span("keep") if "keep" in pattern.groupindex else (match.end(), match.end())
            for index in range(match.start(), match.end()):
                if not keep[0] <= index < keep[1] and chars[index] != "\n":
                    chars[index] = " "
    return text if chars is None else "".join(chars)


# --- whole lines that are junk: (name, test) -----------------------------------------------

def _is_link_teaser(line: str) -> bool:
    """'Read More: …', 'Also Read: …', 'Related: …' lines point at other articles."""
    return bool(re.match(r"\s*(read more|also read|related|see also|recommended|more from|sign up|subscribe)\b\s*:?", line, re.I))


_FOOTNOTE_MARK = re.compile(r"\s*(?:[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+|\[\^?\d+\]:?)\s")


def _is_footnote(line: str) -> bool:
    """A footnote line that only points elsewhere: '⁶ https://…', '²⁵ Ibid., 401 (Figure 9).'

    A footnote that says something ('²⁴ Min-jun Park, working paper prepared for Korean
    Development Institute') is prose: its authors and institutions are named there only.
    """
    marker = _FOOTNOTE_MARK.match(line)
    if not marker:
        return False
    rest = mask(line[marker.end():])
    return bool(re.match(r"\s*(?:ibid|id\.|op\.? ?cit)\b", rest, re.I)) or not re.search(r"[A-Za-z\u4e00-\u9fff]{2,}", rest)


# The title of a cited work in a footnote: in italics, or as the text of a link.
_CITED_TITLE = re.compile(r"(?<![*\w])\*(?=\S)[^*\n]+(?<=\S)\*(?![*\w])|\[[^\[\]\n]*\]\((?:[^()\s]|\([^()\s]*\))*\)")


def _mask_citation_title(line: str, masked: str) -> str:
    """Blank the titles of cited works in a footnote, whose words are no names.

    For example: '²³ Xiaomei Yan (editor), *Schooling in China and the World*' keeps the
    author and loses the title, which the tagger reads as organisations ('World*');
    so does a linked title ('Cloud: [China's Provincial Governments Likely Spend …](#)').

    >>> line = "² Ann Lee, *Big Data*, Springer."
    >>> _mask_citation_title(line, mask(line)).split()
    ['Ann', 'Lee,', ',', 'Springer.']
    """
    if not _FOOTNOTE_MARK.match(line):
        return masked
    chars = list(masked)
    for match in _CITED_TITLE.finditer(line):
        chars[match.start():match.end()] = " " * (match.end() - match.start())
    return "".join(chars)


def _is_only_addresses(line: str) -> bool:
    """A line with nothing but links or addresses once masked."""
    return bool(line.strip()) and not re.search(r"[A-Za-z\u4e00-\u9fff]{2,}", mask(line))


def _is_timestamp_teaser(line: str) -> bool:
    """A teaser's section-and-age line: 'Business3 days ago', 'Podcasts & Talks2 months ago'."""
    return bool(re.search(r"\d+\s+(?:second|minute|hour|day|week|month|year)s?\s+ago\s*$", line, re.I))


def _is_headline_with_site(line: str) -> bool:
    """A headline with a site name after a dash or bar: 'Robots with Thoughts – CHOSUNBIZ – Chosun Biz'."""
    stripped = line.strip()
    return not stripped.endswith((".", "?", "!", ":", "\"", "”")) and bool(re.search(r"\s[–—|]\s+\S[^.]*$", stripped))


def _is_contents_entry(line: str) -> bool:
    """A table-of-contents entry: a heading then a page number ('Background\\t5')."""
    return bool(re.fullmatch(r"\s*[^\t]{2,80}\t\s*\d{1,3}\s*", line))


def _is_separator(line: str) -> bool:
    """A lone dash or rule between teasers."""
    return bool(re.fullmatch(r"\s*[-–—_=*]{1,}\s*", line))


JUNK_LINE_RULES = [
    ("link teaser", _is_link_teaser),
    ("footnote", _is_footnote),
    ("only addresses", _is_only_addresses),
    ("timestamp teaser", _is_timestamp_teaser),
    ("headline with site name", _is_headline_with_site),
    ("contents entry", _is_contents_entry),
    ("separator", _is_separator),
]


def _junk(line: str) -> str | None:
    for name, test in JUNK_LINE_RULES:
        if test(line):
            return name
    return None


def _lines(text: str) -> list[tuple[int, int, str]]:
    lines, offset = [], 0
    for line in text.split("\n"):
        lines.append((offset, offset + len(line), line))
        offset += len(line) + 1
    return lines


def _section_label_cut(lines: list[tuple[int, int, str]]) -> int:
    """Where the page turns to other articles: the second time a short section label recurs.

    News pages put a category label ('AI Research') over the article and over
    each teaser after it; the article is what lies before the label comes back.
    """
    labels = Counter(
        line.strip() for _, _, line in lines
        if line.strip() and len(line.split()) <= 3 and not re.search(r"[.!?:,;\d\t]", line)
    )
    repeated = {label for label, count in labels.items() if count >= 2}
    seen: set[str] = set()
    for index, (_, _, line) in enumerate(lines):
        label = line.strip()
        if label in repeated:
            if label in seen:
                return index
            seen.add(label)
    return len(lines)


def _table_row(start: int, line: str) -> Row:
    cells, offset = [], start
    for raw in line.split("\t"):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        cells.append(Cell(offset + lead, offset + lead + len(stripped), mask(stripped).strip()))
        offset += len(raw) + 1
    return Row(start, start + len(line), tuple(cells))


def _is_caption(line: str) -> bool:
    return bool(re.match(r"\s*(?:table|figure|fig\.|chart|source)\s*\d*\s*[:.]", line, re.I))


def segment(text: str) -> list[Block]:
    """Split an article into prose paragraphs and tables, junk left out, offsets kept."""
    lines = _lines(text)
    cut = _section_label_cut(lines)
    blocks: list[Block] = []
    index = 0
    while index < cut:
        start, end, line = lines[index]
        if "\t" in line and not _is_contents_entry(line):
            rows = []
            while index < cut and "\t" in lines[index][2] and not _is_contents_entry(lines[index][2]):
                rows.append(_table_row(lines[index][0], lines[index][2]))
                index += 1
            caption = ""
            for _, _, after in lines[index:index + 3]:
                if after.strip():
                    caption = mask(after).strip() if _is_caption(after) else ""
                    break
            before = " ".join(mask(l).strip() for _, _, l in lines[max(0, index - len(rows) - 4):index - len(rows)])
            if len(rows) >= 2:
                blocks.append(Block("table", rows[0].start, rows[-1].end, "\n".join(mask(text[r.start:r.end]) for r in rows),
                                    rows=tuple(rows), caption=caption, context=before))
            continue
        index += 1
        if not line.strip() or _junk(line) or _is_caption(line):
            continue
        masked = _mask_citation_title(line, mask(line))
        if masked.strip():
            # Leading blanks (a masked footnote mark or bullet) would open the text with a space token,
            # which the tagger reads badly; the block starts at its first character instead.
            lead = len(masked) - len(masked.lstrip())
            text = masked.strip()
            blocks.append(Block("prose", start + lead, start + lead + len(text), text))
    return blocks
