"""Reading articles: bytes on disk to text and metadata.

A document is read whole, decoded as UTF-8, and its front matter (a YAML-like
block between ``---`` lines at the top, as the built-in corpus uses) becomes
metadata. HTML keeps the article's text and drops scripts, styles and menus.
Offsets everywhere else refer to :attr:`Article.text`.

>>> article = parse_article("---\\ntitle: A test\\n---\\nDeepSeek released R1.\\n", name="a.md")
>>> article.title, article.text.strip()
('A test', 'DeepSeek released R1.')
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["Article", "ReadError", "SUFFIXES", "MAX_BYTES", "read_article", "parse_article", "html_to_text"]

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_BYTES = 20 * 1024 * 1024  # an article larger than this is almost certainly not an article


class ReadError(Exception):
    """A file cannot be read as an article; the message names the file and the problem."""


@dataclass(frozen=True)
class Article:
    """One source document: its text (front matter blanked, offsets kept) and metadata."""

    name: str
    text: str
    sha256: str
    metadata: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.metadata.get("title") or _first_line(self.text) or self.name


# A byline, a list item, a quote or table line, or a date standing alone.
_NOT_A_HEADLINE = re.compile(r"(?:By|From)\s|[-*•#>|]|\w+\.? \d{1,2}, \d{4}$")


def _first_line(text: str) -> str:
    """The article's headline: the first of its opening lines that reads like one.

    A web page saved as text opens with section labels, banners, a byline and a date
    before the headline; those are skipped. When no line looks like a headline, the
    first line of three words or more stands in.

    >>> _first_line("\\n THREAT\\nANALYSIS\\nBy Insikt Group\\nMay 8, 2025\\nMeasuring the US-China AI Gap\\nText.")
    'Measuring the US-China AI Gap'
    >>> _first_line("AI Research\\nChina surpasses the west in AI research—but how?\\n- China leads.")
    'China surpasses the west in AI research—but how?'
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()][:25]
    for line in lines:
        if 3 <= len(line.split()) <= 20 and not line.isupper() and not _NOT_A_HEADLINE.match(line):
            return line[:200]
    return next((line[:200] for line in lines if len(line.split()) >= 3), lines[0][:200] if lines else "")


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)


def _front_matter(text: str) -> tuple[dict, str]:
    """Split off front matter; the block is blanked with spaces so offsets stay true."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    metadata = {}
    for line in match.group(1).splitlines():
        key, separator, value = line.partition(":")
        if separator and key.strip():
            metadata[key.strip().lower()] = value.strip().strip("\"'")
    blank = re.sub(r"[^\n]", " ", match.group(0))
    return metadata, blank + text[match.end():]


class _TextOfHtml(HTMLParser):
    SKIP = {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "svg", "template"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article", "table", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag == "title":
            self._in_title = True
        elif tag in ("td", "th"):
            self.parts.append("\t")
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag == "title":
            self._in_title = False
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> tuple[str, str]:
    """The readable text of an HTML page and its title.

    >>> html_to_text("<html><title>T</title><script>x()</script><p>Hello <b>there</b></p></html>")
    ('Hello there', 'T')
    """
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*(?=\n)", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = "\n".join(line.lstrip("\t") if not line.strip("\t ").count("\t") else line.strip() for line in text.split("\n"))
    return text.strip(), parser.title.strip()


def parse_article(text: str, *, name: str, sha256: str | None = None) -> Article:
    """Build an :class:`Article` from decoded text (HTML when ``name`` ends in .html/.htm)."""
    metadata: dict = {}
    if name.lower().endswith((".html", ".htm")):
        text, title = html_to_text(text)
        if title:
            metadata["title"] = title
    front, text = _front_matter(text.replace("\r\n", "\n").replace("\r", "\n"))
    metadata.update(front)
    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Article(name=name, text=text, sha256=digest, metadata=metadata)


def read_article(path: Path) -> Article:
    """Read one article file.

    Raises
    ------
    ReadError
        When the file is missing, unreadable, empty, too large, binary or not UTF-8.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ReadError(f"{path}: cannot read ({error.strerror or error})") from error
    if not data.strip():
        raise ReadError(f"{path}: the file is empty")
    if len(data) > MAX_BYTES:
        raise ReadError(f"{path}: {len(data):,} bytes is over the {MAX_BYTES:,}-byte limit for one article")
    if b"\x00" in data[:8192]:
        raise ReadError(f"{path}: looks binary (it contains NUL bytes), not an article")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReadError(f"{path}: not valid UTF-8 (byte {error.start}); save it as UTF-8 and try again") from error
    return parse_article(text, name=path.name, sha256=hashlib.sha256(data).hexdigest())
