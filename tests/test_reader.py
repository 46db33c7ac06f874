"""Reading articles from real files: every bad file is one clear ReadError, every good one reads right.

Each bad input is a small real file made in ``tmp_path`` (a FIFO, a symlink loop, a
sparse file past the size limit...), and each test checks the message: the file's
path, then the reason a user can act on.
"""

from __future__ import annotations

import hashlib
import os
import random
import socket
import stat
import threading

import pytest
from airace.extract.reader import MAX_BYTES, ReadError, html_to_text, read_article


def refusal(path) -> str:
    with pytest.raises(ReadError) as caught:
        read_article(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    return message[len(f"{path}: "):]


# --- files that are no article ---------------------------------------------------------------

def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert os.stat(path).st_size == 0
    assert refusal(path) == "the file is empty"


def test_a_file_of_only_whitespace_is_empty(tmp_path):
    path = tmp_path / "blank.md"
    path.write_bytes(b"  \r\n\t\n   \n")
    assert refusal(path) == "the file is empty"


def test_a_file_of_only_a_byte_order_mark_is_empty(tmp_path):
    path = tmp_path / "mark.txt"
    path.write_bytes(" \n".encode("utf-16"))
    assert refusal(path) == "the file is empty"


def test_front_matter_without_text_is_refused(tmp_path):
    path = tmp_path / "only-metadata.md"
    path.write_text("---\ntitle: Nothing follows\n---\n", encoding="utf-8")
    assert refusal(path) == "no article text beyond its front matter"


def test_a_page_of_only_menus_and_scripts_is_refused(tmp_path):
    path = tmp_path / "shell.html"
    path.write_text("<html><nav>Home | News</nav><script>track()</script><div hidden>Sign in</div></html>")
    assert refusal(path) == "no article text beyond its markup, menus and scripts"


def test_a_file_over_the_limit_is_refused_by_its_size_before_reading(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: no disk used, and reading it whole would take 20 MB
    assert refusal(path) == f"{MAX_BYTES + 1:,} bytes is over the {MAX_BYTES:,}-byte limit for one article"


def test_a_terabyte_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "terabyte.md"
    try:
        with open(path, "wb") as file:
            file.truncate(1 << 40)  # sparse; reading it whole would exhaust memory, so a pass shows it was not read
    except OSError:
        pytest.skip("this file system has no sparse terabyte files")
    assert refusal(path) == f"{1 << 40:,} bytes is over the {MAX_BYTES:,}-byte limit for one article"


def test_a_file_at_the_limit_is_read(tmp_path):
    path = tmp_path / "long.txt"
    line = b"Huawei ships more chips this year.\n"
    path.write_bytes(line * (MAX_BYTES // len(line)))
    assert read_article(path).text.count("Huawei") == MAX_BYTES // len(line)


def test_random_bytes_with_nul_bytes_are_binary(tmp_path):
    path = tmp_path / "noise.txt"
    generator = random.Random(7)
    noise = bytes(generator.randrange(256) for _ in range(4096))
    assert b"\x00" in noise
    path.write_bytes(noise)
    assert refusal(path) == ("a binary file (it contains NUL bytes), not an article; "
                             "if it is UTF-16 text without a byte-order mark, save it as UTF-8")


def test_one_nul_byte_in_text_makes_it_binary(tmp_path):
    path = tmp_path / "nul.md"
    path.write_bytes(b"DeepSeek released a model.\x00\n")
    assert refusal(path).startswith("a binary file (it contains NUL bytes)")


def test_utf16_without_a_byte_order_mark_is_refused_with_advice(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes("OpenAI and Baidu".encode("utf-16-le"))
    assert refusal(path).endswith("if it is UTF-16 text without a byte-order mark, save it as UTF-8")


def test_random_bytes_without_nul_bytes_fit_no_encoding(tmp_path):
    path = tmp_path / "noise.md"
    generator = random.Random(3)
    path.write_bytes(bytes(generator.randrange(1, 256) for _ in range(2000)))
    assert refusal(path) == ("a binary file or an unknown encoding (no text encoding fits its bytes); "
                             "save it as UTF-8")


def test_a_png_image_named_like_an_article_is_refused(tmp_path):
    path = tmp_path / "chart.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    assert refusal(path) == "a binary file (a PNG image), not an article"


def test_a_pdf_is_refused_with_how_to_convert_it(tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    assert refusal(path) == "a binary file (a PDF document), not an article; convert it to text first, for example with pdftotext"


def test_text_of_control_characters_is_binary(tmp_path):
    path = tmp_path / "controls.txt"
    path.write_bytes(bytes(range(1, 9)) * 10 + b"a few words")
    assert refusal(path) == "a binary file (88% of its characters are control characters), not an article"


def test_a_broken_byte_order_marked_file_is_refused(tmp_path):
    path = tmp_path / "half.txt"
    path.write_bytes(b"\xff\xfeA\x00\x00\xd8")  # a lone high surrogate after "A"
    assert refusal(path) == "starts with a UTF-16 byte-order mark but is not valid UTF-16 (byte 4); save it as UTF-8"


def test_a_missing_file_is_refused(tmp_path):
    assert refusal(tmp_path / "gone.txt") == "no such file"


def test_a_broken_symlink_names_its_target(tmp_path):
    path = tmp_path / "link.md"
    os.symlink(tmp_path / "moved-away.md", path)
    assert refusal(path) == f"broken symlink to {tmp_path / 'moved-away.md'}"


def test_a_symlink_loop_is_refused_even_for_root(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    os.symlink(second, first)
    os.symlink(first, second)
    assert refusal(first) == "a symlink loop (the link leads back to itself); point it at a real file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_a_file_the_process_may_not_read_is_refused(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("Tencent and Baidu.")
    path.chmod(0)
    try:
        assert refusal(path) == "permission denied: this process may not read it; check the file's permissions and owner"
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_a_folder_named_like_an_article_is_not_a_regular_file(tmp_path):
    path = tmp_path / "chapter.md"
    path.mkdir()
    assert refusal(path) == "not a regular file (it is a folder)"


def test_a_fifo_is_refused_without_opening_it(tmp_path):
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    outcome = []
    # Opening a FIFO with no writer blocks forever; a thread keeps a regression from hanging the suite.
    reader = threading.Thread(target=lambda: outcome.append(refusal(path)), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert outcome == ["not a regular file (it is a named pipe, or FIFO)"]


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s.txt"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert refusal(path) == "not a regular file (it is a socket)"
    finally:
        server.close()


def test_a_link_to_a_device_is_refused(tmp_path):
    path = tmp_path / "null.txt"
    os.symlink("/dev/null", path)
    assert refusal(path) == "not a regular file (it is a character device)"


# --- files that are articles ------------------------------------------------------------------

def test_a_utf8_byte_order_mark_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "marked.txt"
    data = "\ufeffBaidu trained Ernie on Kunlun chips.\n".encode("utf-8")
    path.write_bytes(data)
    article = read_article(path)
    assert article.text == "Baidu trained Ernie on Kunlun chips.\n"
    assert article.title == "Baidu trained Ernie on Kunlun chips."
    assert article.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_read(tmp_path, codec):
    path = tmp_path / "wide.md"
    path.write_bytes("华为 and Alibaba build data centres.".encode(codec))
    assert read_article(path).text == "华为 and Alibaba build data centres."


def test_a_cp1252_file_reads_its_quotes_and_accents(tmp_path):
    path = tmp_path / "windows.txt"
    text = "The “Ascend” chip costs ¥900 — a café’s monthly rent, said the analyst."
    data = text.encode("cp1252")
    path.write_bytes(data)
    article = read_article(path)
    assert article.text == text
    assert article.sha256 == hashlib.sha256(data).hexdigest()  # the bytes on disk, not the decoded text


def test_a_short_cp1252_file_is_not_read_as_central_european(tmp_path):
    path = tmp_path / "short.txt"
    path.write_bytes("Naïve “forecasts” – Zoë".encode("cp1252"))
    assert read_article(path).text == "Naïve “forecasts” – Zoë"


def test_a_gbk_file_reads_its_chinese(tmp_path):
    path = tmp_path / "gbk.md"
    text = "2025年，华为发布了新的昇腾芯片，价格比以前便宜。"
    path.write_bytes(text.encode("gbk"))
    assert read_article(path).text == text


def test_mixed_line_endings_become_newlines(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"First line.\r\nSecond line.\rThird line.\nFourth.\r\n")
    assert read_article(path).text == "First line.\nSecond line.\nThird line.\nFourth.\n"


def test_a_symlink_to_an_article_is_read(tmp_path):
    (tmp_path / "real.md").write_text("Zhipu released GLM-4.\n")
    os.symlink(tmp_path / "real.md", tmp_path / "alias.md")
    assert read_article(tmp_path / "alias.md").text == "Zhipu released GLM-4.\n"


PAGE = """<!DOCTYPE html>
<html><head><title>Chips and models | Example News</title>
<style>p { color: red }</style><script>var tracking = "SCRIPT-JUNK";</script></head>
<body>
<header><a href="/">Example News</a> <a href="/world">World</a></header>
<nav><ul><li>Home</li><li>NAV-JUNK</li></ul></nav>
<div id="cookie-banner">We use cookies. COOKIE-JUNK <button>Accept</button></div>
<form><input name="q"> SEARCH-JUNK</form>
<div class="promo">Unrelated promo PROMO-JUNK</div>
<article>
  <header><h1>Huawei ships the Ascend 910C</h1></header>
  <!-- COMMENT-JUNK -->
  <p>Huawei began shipping the Ascend 910C
     to Chinese cloud firms in 2025.</p>
  <p style="display: none">HIDDEN-STYLE-JUNK</p>
  <p hidden>HIDDEN-ATTRIBUTE-JUNK</p>
  <span aria-hidden="true">ARIA-JUNK</span>
  <p>Analysts put its output at 60&nbsp;percent of an H100.</p>
  <table><tr><th>Chip</th><th>Maker</th></tr>
         <tr><td>Ascend 910C</td><td>Huawei</td></tr></table>
</article>
<aside>Most read: ASIDE-JUNK</aside>
<footer>Copyright FOOTER-JUNK</footer>
</body></html>
"""


def test_an_html_page_keeps_its_article_and_drops_the_rest(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    article = read_article(path)
    assert article.title == "Chips and models | Example News"
    assert article.text == (
        "Huawei ships the Ascend 910C\n\n"
        "Huawei began shipping the Ascend 910C to Chinese cloud firms in 2025.\n\n"
        "Analysts put its output at 60\u00a0percent of an H100.\n\n"
        "Chip\tMaker\nAscend 910C\tHuawei"
    )
    assert "JUNK" not in article.text
    assert "Example News" not in article.text


def test_an_html_page_in_gbk_declares_and_reads_its_encoding(tmp_path):
    path = tmp_path / "cn.htm"
    page = '<html><head><meta charset="gbk"><title>芯片</title></head><body><p>华为和百度在人工智能方面竞争。</p></body></html>'
    path.write_bytes(page.encode("gbk"))
    article = read_article(path)
    assert (article.title, article.text) == ("芯片", "华为和百度在人工智能方面竞争。")


def test_a_page_without_article_or_main_keeps_its_visible_text():
    text, title = html_to_text("<title>T</title><nav>Menu</nav><div class='story'><p>SMIC makes 7nm chips.</p></div>"
                               "<div style='visibility:hidden'>Gone</div>")
    assert (text, title) == ("SMIC makes 7nm chips.", "T")


def test_an_unknown_marked_section_does_not_stop_the_page():
    # the standard library's parser raises AssertionError on "<![word["
    assert html_to_text("<p>Before</p><![junk[ ignored ]]><p>After</p>") == ("Before\n\nAfter", "")
