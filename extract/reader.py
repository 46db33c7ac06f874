"""Reading articles: bytes on disk to text and metadata.

A document is decoded as UTF-8 (or UTF-16/32 with a byte-order mark); a file in
another encoding, say Windows-1252 or GBK, is detected with charset-normalizer.
Its front matter (a YAML-like block between ``---`` lines at the top, as the
built-in corpus uses) becomes metadata. HTML keeps the article's text and drops
scripts, styles, menus, forms, cookie banners and hidden elements.
Offsets everywhere else refer to :attr:`Article.text`.

A file that is no article (empty, binary, too large, a folder, a pipe, a broken
link, unreadable) raises :class:`ReadError` naming the file and what is wrong.

>>> article = parse_article("---\\ntitle: A test\\n---\\nDeepSeek released R1.\\n", name="a.md")
>>> article.title, article.text.strip()
('A test', 'DeepSeek released R1.')
>>> decode("“Cheaper” chips, said the café owner.".encode("cp1252"), "a.txt")
'“Cheaper” chips, said the café owner.'
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from charset_normalizer import from_bytes

__all__ = ["Article", "ReadError", "SUFFIXES", "MAX_BYTES", "read_article", "decode", "parse_article", "html_to_text"]

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


# Elements whose content is never the article's text, wherever they are.
_SKIP = {"script", "style", "nav", "footer", "aside", "noscript", "form", "svg", "math", "template", "iframe",
         "object", "canvas", "button", "select", "textarea", "dialog", "menu"}
_BLOCK = {"p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "tr",
          "section", "article", "main", "header", "table", "caption", "blockquote", "pre", "figure", "figcaption",
          "address", "details", "summary"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
# An element left open is closed by these start tags, as browsers do ("<li>a<li>b" is two items).
_CLOSED_BY = {
    "p": _BLOCK - {"br"},
    "li": {"li"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "td": {"td", "th", "tr"},
    "th": {"td", "th", "tr"},
    "tr": {"tr"},
    "option": {"option"},
}
# Landmark roles of the page around the article, not of the article.
_PAGE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog", "alertdialog"}
_BANNER = re.compile(r"cookie|consent|gdpr", re.IGNORECASE)
_INVISIBLE_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# HTML's own whitespace, which a browser collapses; a no-break space is text and stays.
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")


def _hides(tag: str, attrs: list[tuple[str, str | None]], in_body: bool) -> bool:
    """Whether an element's content is left out: page furniture, a cookie banner, or invisible."""
    if tag in _SKIP or (tag == "header" and not in_body):
        return True  # a header inside <article> holds the headline; outside, the site's masthead
    values = {name.lower(): (value or "") for name, value in attrs}
    return ("hidden" in values
            or values.get("aria-hidden", "").strip().lower() == "true"
            or bool(_INVISIBLE_STYLE.search(values.get("style", "")))
            or values.get("role", "").strip().lower() in _PAGE_ROLES
            or bool(_BANNER.search(values.get("id", "") + " " + values.get("class", ""))))


class _TextOfHtml(HTMLParser):
    """The visible text of a page, and apart from it the text inside <article> and <main>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, bool]] = []  # (text, inside article or main)
        self.open: list[tuple[str, bool, bool]] = []  # (tag, hides its content, is article or main)
        self.open_count: dict[str, int] = {}  # per tag; keeps a page of stray end tags linear
        self.hidden = 0
        self.body = 0
        self.preformatted = 0
        self.title = ""
        self._in_title = False
        self._titled = False

    def _emit(self, text: str) -> None:
        if not self.hidden:
            self.parts.append((text, self.body > 0))

    def _push(self, tag: str, hides: bool) -> None:
        body = tag in ("article", "main")
        self.open.append((tag, hides, body))
        self.open_count[tag] = self.open_count.get(tag, 0) + 1
        self.hidden += hides
        self.body += body
        self.preformatted += tag == "pre"

    def _pop(self) -> str:
        tag, hides, body = self.open.pop()
        self.open_count[tag] -= 1
        if tag in _BLOCK and tag != "tr":
            # A row's end adds no break: the next row's start makes one, and a blank line
            # between rows would end the table. Emitted before the counts drop: it is the element's.
            self._emit("\n")
        self.hidden -= hides
        self.body -= body
        self.preformatted -= tag == "pre"
        return tag

    def handle_starttag(self, tag, attrs):
        if tag == "title" and not self._titled and not self.hidden:
            self._in_title = True
            return
        while self.open and tag in _CLOSED_BY.get(self.open[-1][0], ()):
            self._pop()
        if tag in _VOID:
            if tag in _BLOCK:
                self._emit("\n")
            return
        self._push(tag, _hides(tag, attrs, self.body > 0))
        if tag in ("td", "th"):
            self._emit("\t")
        elif tag in _BLOCK:
            self._emit("\n")

    def handle_endtag(self, tag):
        if tag == "title" and self._in_title:
            self._in_title, self._titled = False, True
            return
        # A stray end tag closes nothing; an end tag closes every element left open inside its own.
        if self.open_count.get(tag):
            while self._pop() != tag:
                pass

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self.hidden:
            self._emit(data if self.preformatted else _HTML_SPACE.sub(" ", data))

    def parse_marked_section(self, i, report=1):
        # "<![word[" with a word other than CDATA, IF, ENDIF... makes the standard library raise
        # AssertionError; browsers read it as a bogus comment that ends at the next ">".
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i)
            return -1 if end < 0 else end + 1


def _tidy(text: str) -> str:
    """Lines stripped, table rows kept as tab-separated cells, at most one blank line in a row."""
    lines = []
    for line in text.split("\n"):
        if "\t" in line:
            # each cell opened with a tab, so the piece before the first tab is only spacing
            cells = [cell.strip() for cell in line.split("\t")][1:]
            lines.append("\t".join(cells).rstrip("\t") if any(cells) else "")
        else:
            lines.append(line.strip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_text(html: str) -> tuple[str, str]:
    """The readable text of an HTML page and its title.

    When the page marks its article with <article> or <main>, only their text is kept.

    >>> html_to_text("<html><title>T</title><script>x()</script><p>Hello <b>there</b></p></html>")
    ('Hello there', 'T')
    >>> html_to_text("<nav>Home</nav><div hidden>Subscribe</div><main><p>Huawei ships\\n  chips.</p></main><p>Ad</p>")
    ('Huawei ships chips.', '')
    >>> html_to_text("<table><tr><td>Model<td>Score<tr><td>Qwen<td>81</table>")[0]
    'Model\\tScore\\nQwen\\t81'
    """
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    inside = "".join(text for text, in_body in parser.parts if in_body)
    text = inside if inside.strip() else "".join(text for text, _ in parser.parts)
    return _tidy(text), _HTML_SPACE.sub(" ", parser.title).strip()


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


# Signatures of binary formats people save next to articles, for a message that says what the file is.
_SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "a PNG image", ""),
    (b"\xff\xd8\xff", "a JPEG image", ""),
    (b"GIF8", "a GIF image", ""),
    (b"%PDF-", "a PDF document", "; convert it to text first, for example with pdftotext"),
    (b"PK\x03\x04", "a ZIP archive, as .docx, .xlsx and .epub files are", "; save its text as .txt, .md or .html"),
    (b"\x1f\x8b", "a gzip archive", "; unpack it first"),
    (b"\x7fELF", "a program", ""),
]
# UTF-32 first: its little-endian mark begins with UTF-16's.
_BYTE_ORDER_MARKS = [
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
]
# Where the detector finds several encodings decode equally cleanly (short texts often), the usual
# legacy encodings of English and Chinese web pages: "Naïve" is cp1252, not cp1250's "Naďve".
_PREFERRED_ENCODINGS = ("cp1252", "gb18030")
_CONTROL_SHARE = 0.05  # more control characters than this and the "text" is binary data
# Unicode's control characters (category Cc) but the tab, line feed, vertical tab, form feed, carriage return.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def decode(data: bytes, name: str = "") -> str:
    """The text of a file's bytes: UTF-8 or a byte-order-marked UTF, else the detected encoding.

    Raises
    ------
    ReadError
        When the bytes are binary data or no encoding fits them.

    >>> decode(b"\\xef\\xbb\\xbfplain", "a.txt")
    'plain'
    >>> decode("华为发布了新的昇腾芯片。".encode("gbk"), "a.txt")
    '华为发布了新的昇腾芯片。'
    >>> decode(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00", "a.txt")
    Traceback (most recent call last):
    ...
    airace.extract.reader.ReadError: a.txt: a binary file (a PNG image), not an article
    """
    for signature, kind, advice in _SIGNATURES:
        if data.startswith(signature):
            raise ReadError(f"{name}: a binary file ({kind}), not an article{advice}")
    for mark, codec, label in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return _text_or_binary(data.decode(codec), name)
            except UnicodeDecodeError as error:
                raise ReadError(f"{name}: starts with a {label} byte-order mark but is not valid {label} "
                                f"(byte {error.start}); save it as UTF-8") from error
    if b"\x00" in data:
        raise ReadError(f"{name}: a binary file (it contains NUL bytes), not an article; "
                        "if it is UTF-16 text without a byte-order mark, save it as UTF-8")
    try:
        return _text_or_binary(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise ReadError(f"{name}: a binary file or an unknown encoding (no text encoding fits its bytes); "
                        "save it as UTF-8")
    # Ties on the mess of the decoded text only: coherence is a guess at the language from letter
    # frequencies, and on a short English text it ranks cp1250's "Ą900" over cp1252's "¥900".
    tied = [match for match in matches if match.chaos == best.chaos]
    for preferred in _PREFERRED_ENCODINGS:
        chosen = next((match for match in tied if preferred in match.could_be_from_charset), None)
        if chosen is not None:
            return _text_or_binary(data.decode(preferred), name)
    return _text_or_binary(str(best), name)


def _text_or_binary(text: str, name: str) -> str:
    controls = len(_CONTROLS.findall(text))
    if text and controls / len(text) > _CONTROL_SHARE:
        raise ReadError(f"{name}: a binary file ({controls / len(text):.0%} of its characters are control "
                        "characters), not an article")
    return text


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe, or FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a file"


def _os_reason(error: OSError, path: Path) -> str:
    """What an operating-system error means for someone who wants this file read."""
    if error.errno == errno.ENOENT:
        return "no such file"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: this process may not read it; check the file's permissions and owner"
    if error.errno == errno.ELOOP:
        return "a symlink loop (the link leads back to itself); point it at a real file"
    if error.errno == errno.EISDIR:
        return "not a regular file (it is a folder)"
    return f"cannot read it ({error.strerror or error})"


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, refused by its kind and size before anything is read."""
    try:
        link = os.lstat(path)
        if stat.S_ISLNK(link.st_mode):
            try:
                os.stat(path)
            except FileNotFoundError:
                raise ReadError(f"{path}: broken symlink to {os.readlink(path)}") from None
        status = os.stat(path)
        if not stat.S_ISREG(status.st_mode):
            raise ReadError(f"{path}: not a regular file (it is {_kind_of(status.st_mode)})")
        if status.st_size > MAX_BYTES:
            raise ReadError(f"{path}: {status.st_size:,} bytes is over the {MAX_BYTES:,}-byte limit for one article")
        # Non-blocking, so a file swapped for a pipe since the check cannot hang the build.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise ReadError(f"{path}: {_os_reason(error, path)}") from error
    with os.fdopen(descriptor, "rb") as file:
        try:
            opened = os.fstat(file.fileno())
            if not stat.S_ISREG(opened.st_mode):
                raise ReadError(f"{path}: not a regular file (it is {_kind_of(opened.st_mode)})")
            data = file.read(MAX_BYTES + 1)  # a file grown since the check is still not read whole
        except OSError as error:
            raise ReadError(f"{path}: {_os_reason(error, path)}") from error
    if len(data) > MAX_BYTES:
        raise ReadError(f"{path}: over the {MAX_BYTES:,}-byte limit for one article")
    return data


def read_article(path: Path) -> Article:
    """Read one article file; :attr:`Article.sha256` is the hash of its bytes.

    Raises
    ------
    ReadError
        When the file is missing, not a regular file, a broken link or a link loop,
        unreadable, empty, too large, binary, or in no encoding that can be detected.
    """
    path = Path(path)
    data = _read_bytes(path)
    if not data.strip():
        raise ReadError(f"{path}: the file is empty")
    text = decode(data, str(path))
    if not text.strip():
        raise ReadError(f"{path}: the file is empty")
    article = parse_article(text, name=path.name, sha256=hashlib.sha256(data).hexdigest())
    if not article.text.strip():
        what = "its markup, menus and scripts" if path.suffix.lower() in (".html", ".htm") else "its front matter"
        raise ReadError(f"{path}: no article text beyond {what}")
    return article
