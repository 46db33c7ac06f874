"""Any text at all through the extractor: it never raises, and what it states conforms to the shapes.

Hypothesis throws arbitrary Unicode and adversarial compositions at the chain the build
runs (``parse_article`` → ``extract`` → ``triples``), loads the triples into a store as
the build does (one named graph, then the labels resolved), and checks the union graph
against the project's SHACL shapes. A text that once broke the extractor stays here as
an ``@example``.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from airace.extract.document import extract
from airace.extract.pipeline import load_pipeline
from airace.extract.reader import parse_article
from airace.extract.statements import document_iri, triples
from airace.graph.build import resolve_labels
from airace.graph.store import open_store, union_graph
from airace.ontology import ID, RACE
from airace.ontology.paths import SHAPES_PATH
from airace.ontology.validate import summary, violations
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS

# Hypothesis runs every example inside one test call, so the pipeline is loaded once per
# module here rather than by a function-scoped fixture.
nlp = cache(load_pipeline)
shapes = cache(lambda: Graph().parse(SHAPES_PATH, format="turtle"))

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def check(text: str, name: str) -> Graph:
    """Extract ``text`` as the file ``name``; fail on any violation. The union graph, for more checks."""
    article = parse_article(text, name=name)
    extraction = extract(article, nlp())
    store = open_store(None)
    store.replace_graph(document_iri(article.sha256), triples(extraction))
    resolve_labels(store)
    graph = union_graph(store.quads())
    found = violations(graph, shapes=shapes())
    assert not found, summary(found)
    quoted = [sentence for _, sentence in extraction.mentions] + [fact.sentence for fact in extraction.facts]
    quoted += [sentence for _, sentence in extraction.figures]
    assert all(0 <= sentence.start < sentence.end <= len(article.text) for sentence in quoted)
    return graph


# --- pieces of text our rules react to -------------------------------------------------------

NAMES = [
    "DeepSeek", "DeepSeek-R1", "DeepSeek V3", "OpenAI", "Huawei", "Huawei's", "Ascend 910B", "Ascend 910C", "GPT-4o",
    "GPT-4", "o1-preview", "Qwen 2.5-Max", "Qwen2.5-72B", "Alibaba", "Alibaba Cloud", "Baidu", "Ernie 4.0", "Tencent",
    "ByteDance", "Doubao", "Moonshot AI", "Kimi k1.5", "Zhipu", "GLM-4", "SMIC", "TSMC", "Nvidia", "H100", "H20",
    "A100", "Blackwell", "Anthropic", "Claude 3.5 Sonnet", "Google DeepMind", "Gemini 1.5 Pro", "Meta", "Llama 3.1 405B",
    "Mistral", "Tsinghua University", "Peking University", "Stanford", "MIT", "the Chinese Academy of Sciences",
    "China", "Chinese", "the United States", "US", "U.S.", "America", "the EU", "Taiwan", "Beijing", "Shenzhen",
    "Hangzhou", "Ulanqab", "Guizhou", "Liang Wenfeng", "Jensen Huang", "Sam Altman", "the Commerce Department",
    "华为", "深度求索", "阿里巴巴", "昇腾910B", "通义千问", "百度", "清华大学",
]
WORDS = [
    "released", "launched", "developed", "developed by", "made by", "designed by", "manufactured by", "trained on",
    "is a Chinese company", "an American firm", "founded in", "based in", "headquartered in", "invested", "acquired",
    "partnered with", "operates a data centre in", "leads", "trails", "outperforms", "beats", "ranks first on",
    "scored", "costs", "spent", "raised", "accounted for", "share of", "compared with", "versus", "vs.", "than",
    "cheaper than", "faster than", "open-weights", "open-source", "export controls on", "banned", "the model",
    "the chip", "a 7nm process", "on", "of", "and", "in", "by", "with", "its", "the", "a", ",", ".", ";", ":", "—", "-",
]
FIGURES = [
    "74.2%", "0%", "-3.5%", "100%", "250 percent", "12 per cent", "$1.2 billion", "$593bn", "US$6m", "$5.6 million",
    "¥", "¥500 million", "RMB 3 trillion", "€40bn", "£2", "30x cheaper", "27.3x", "10 times", "half", "a third",
    "Elo 1350", "an Elo score of 1,337", "1,337", "MMLU 88.5", "88.5 on MMLU", "7nm", "5 nm", "2024", "2025", "1999",
    "0", "0nm", "0.0 nm", "9999", "January 2025", "Jan. 20, 2025", "March", "Q3 2024", "FY2023", "2019–2024", "2019-2024", "2030s",
    "1e9", "½", "١٢٣", "²", "−5", "NaN", "inf", "$", "%", "x", "1" * 5000, "0." + "9" * 400, "10^30",
    "3.2 exaflops", "640 TOPS", "$2 per million tokens", "¥1 per million tokens",
]
MARKS = [
    "|", "||", "| --- | --- |", "|:--|--:|", "\t", "\t\t", "---", "---\ntitle: ", "[12]", "[^3]", "[^3]:", "¹²", "⁶",
    "^{34 35}", "(", ")", "((", "\"", "“", "”", "'", "’", "[", "]", "{", "}", "<", ">", "**", "*", "_", "\\", "#", "# ",
    "- ", "> ", "• ", "hxxps://example[.]com/a", "https://x.org/(a", "example[.]com", "www.site[.]cn/p/q", "[link](http://a",
    "[text](#)", "<https://archive.is/x>", "Read More:", "Also read", "Table 1:", "Source:", "Figure 2.", "Ibid.",
    "3 days ago", "Background\t5", "By Jane Roe", "May 8, 2025", "AI Research", "THREAT ANALYSIS",
]
ODD = [
    "\u200d", "\u200b", "\u200c", "\u2060", "\u202e", "\u202d", "\u200f", "\u200e", "\u061c", "\ufeff", "\x00", "\x07",
    "\x1b[31m", "\x7f", "\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\r", "\r\n", "\x1c", "\x1d", "\x1e", "😀", "👩‍💻",
    "🇨🇳", "🇺🇸", "e\u0301", "\u0301", "ﬁ", "Ａ", "Ｈｕａｗｅｉ", "İ", "ß", "ǅ", "ﬃ", "\ufffd", "\U0001d400", "𝐃𝐞𝐞𝐩𝐒𝐞𝐞𝐤",
    "A" * 3000, "DeepSeek" * 200, "-" * 500, "。", "，", "“华为”", "（", "）", "\u3000",
]
SEPARATORS = [" ", " ", " ", "", "\n", "\n\n", "\t", " | ", "\r\n", "\r", ". ", ", "]

piece = st.one_of(
    st.sampled_from(NAMES), st.sampled_from(WORDS), st.sampled_from(FIGURES), st.sampled_from(MARKS),
    st.sampled_from(ODD), st.integers(-10**6, 10**12).map(str), st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str), st.text(max_size=12),
)


@st.composite
def sentences(draw) -> str:
    """Sentences shaped like the ones the rules read ("Huawei's Ascend 910B costs $1.2 billion in 2024."),
    with odd characters slipped between their words."""
    built = []
    for _ in range(draw(st.integers(1, 6))):
        words = [draw(st.sampled_from(NAMES)), draw(st.sampled_from(WORDS)),
                 draw(st.sampled_from(FIGURES + NAMES)), draw(st.sampled_from(["", "in", "than", "of", "by"])),
                 draw(st.sampled_from(NAMES + FIGURES + [""]))]
        if draw(st.booleans()):
            words.insert(draw(st.integers(0, len(words))), draw(st.sampled_from(ODD + MARKS)))
        built.append(" ".join(word for word in words if word) + draw(st.sampled_from([".", ".", "", "!", " [3].", "…"])))
    return draw(st.sampled_from([" ", "\n", " ", "\n\n"])).join(built)


@st.composite
def compositions(draw) -> str:
    """Fragments and rule-shaped sentences joined by spaces, breaks, tabs and pipes, sometimes under a
    front matter that may not close."""
    pieces = draw(st.lists(st.one_of(piece, sentences()), min_size=1, max_size=40))
    text = "".join(part + draw(st.sampled_from(SEPARATORS)) for part in pieces)
    front = draw(st.sampled_from(["", "---\ntitle: A fuzzed page\n---\n", "---\ntitle: \"half open\n", "---\n",
                                  "---\n---\n", "---\ndate: 2025-13-45\npublisher: \n---\n"]))
    return front + text


# Table headers the reader gives roles to, each with cells of the kind it expects.
NAME_HEADERS = ["Model", "Developer", "Company", "Organisation", "Country", "Chip", "GPU", "Data centre", "Cluster"]
DATE_HEADERS = ["Release date", "Launched", "Year", "Month", "Quarter"]
PLACE_HEADERS = ["Location", "City"]
NUMBER_HEADERS = ["Price (USD per million tokens)", "Cost ($)", "RMB", "Share (%)", "MMLU", "Score", "Elo", "Rank",
                  "Gap", "Lead", "China", "United States", "US", "Servers", ""]
DATES = ["January 20, 2025", "December 17, 2024 (34 days)", "February 31, 2025", "January 0, 2024", "2025-13-45",
         "2024-02-29", "2023-02-29", "9999-99-99", "0000-00-00", "March 2024", "2024-00", "2024", "Q3 2024", "FY2023"]
PLACES = ["Ulanqab", "Guizhou", "Beijing", "Shenzhen (Guangdong)", "(Inner Mongolia)", "Virginia", "Hohhot", "(", ""]


def cells_under(header: str):
    pool = (NAMES if header in NAME_HEADERS else DATES if header in DATE_HEADERS
            else PLACES if header in PLACE_HEADERS else FIGURES)
    return st.sampled_from(pool)


@st.composite
def markdown_tables(draw) -> str:
    """Tables under headers the reader understands, rows ragged, cells missing, pipes stray, prose around them."""
    separator = draw(st.sampled_from(["|", "\t", "\t", " | "]))
    # A name column first, as in most tables the reader meets, then any others.
    header = [draw(st.sampled_from(NAME_HEADERS))] + draw(st.lists(
        st.sampled_from(DATE_HEADERS + PLACE_HEADERS + NUMBER_HEADERS + NAME_HEADERS), min_size=1, max_size=5))
    loose = st.one_of(st.sampled_from(["", " ", "—", "n/a", "(", "|"]), st.text(max_size=8))
    rows = [header]
    for _ in range(draw(st.integers(1, 8))):
        row = [draw(st.one_of(cells_under(column), cells_under(column), loose)) for column in header]
        cut = draw(st.integers(0, 2))  # rows short of cells, or with cells past the header
        rows.append(row[:len(row) - cut] if draw(st.booleans()) else row + draw(st.lists(loose, max_size=cut)))
    lines = []
    for row in rows:
        line = separator.join(row)
        if draw(st.booleans()):
            line = separator + line + separator
        lines.append(line)
    if separator == "|" and draw(st.booleans()):
        lines.insert(1, "|" + "---|" * draw(st.integers(0, 7)))
    caption = draw(st.sampled_from(["", "Table 2: Prices in 2024", "Source: a survey", "Figure 1."]))
    before = draw(st.sampled_from(["", "The table below compares models.", "DeepSeek leads in 2025."]))
    return "\n".join([before, *lines, caption])


TAGS = [
    "<p>", "</p>", "<article>", "</article>", "<main>", "</main>", "<nav>", "</nav>", "<script>", "</script>",
    "<style>", "</style>", "<div hidden>", "<div aria-hidden=\"true\">", "<span style=\"display:none\">", "</div>",
    "</span>", "<div id=\"cookie-consent\">", "<header>", "</header>", "<footer>", "<aside>", "<form>", "</form>",
    "<table>", "</table>", "<tr>", "</tr>", "<td>", "</td>", "<th>", "<br>", "<br/>", "<hr>", "<pre>", "</pre>",
    "<li>", "<ul>", "</ul>", "<h1>", "</h1>", "<title>", "</title>", "<![x[", "<![CDATA[", "]]>", "<!--", "-->",
    "<!DOCTYPE html>", "<svg>", "</svg>", "<", ">", "</", "<a href=\"", "\">", "&amp;", "&#0;", "&#xD800;", "&#1114112;",
    "&nbsp;", "&", "&lt;p&gt;", "<b>", "</b>", "<img alt=\"Huawei\">", "<meta charset=\"gbk\">", "<textarea>",
]


@st.composite
def html_pages(draw) -> str:
    """Tags, half tags, entities and comments mixed with fragments and sentences the rules read."""
    parts = draw(st.lists(st.one_of(st.sampled_from(TAGS), st.sampled_from(TAGS), piece, sentences()), min_size=1, max_size=50))
    return "".join(part + draw(st.sampled_from(["", " ", "\n"])) for part in parts)


# --- the properties --------------------------------------------------------------------------

@settings(max_examples=150, **SETTINGS)
@given(text=st.text(), name=st.sampled_from(["fuzz.txt", "fuzz.md"]))
def test_any_text_extracts_and_conforms(text, name):
    check(text, name)


@settings(max_examples=200, **SETTINGS)
@given(text=compositions(), name=st.sampled_from(["fuzz.txt", "fuzz.md"]))
# Digits past a float's range read as infinity, which decimal() could not quantize.
@example(text="1" * 400 + " DeepSeek", name="fuzz.txt")
@example(text="Huawei's Ascend 910B is made by SMIC on a " + "1" * 400 + "nm process.", name="fuzz.txt")
# A finite figure of 40 digits: quantizing it needed more than the decimal context's 28 digits.
@example(text="In 2024, China accounted for " + "9" * 40 + "% of AI patents.", name="fuzz.md")
def test_adversarial_compositions_extract_and_conform(text, name):
    check(text, name)


@settings(max_examples=150, **SETTINGS)
@given(text=sentences(), name=st.sampled_from(["fuzz.txt", "fuzz.md"]))
@example(text="H100 released 0nm DeepSeek.", name="fuzz.txt")  # processNodeNm 0.0: the shapes want it positive
def test_rule_shaped_sentences_extract_and_conform(text, name):
    check(text, name)


@settings(max_examples=150, **SETTINGS)
@given(text=markdown_tables())
# An impossible release date in a cell became an ill-typed xsd:date "2025-02-31".
@example(text="\nModel\tRelease date\nDeepSeek-R1\tFebruary 31, 2025\n")
# A location cell with nothing before its parenthesis gave the data centre an empty skos:altLabel.
@example(text="Company\tLocation\nHuawei\t(Guangdong)\nAlibaba\tUlanqab\n")
def test_ragged_tables_extract_and_conform(text):
    check(text, "table.md")


@settings(max_examples=100, **SETTINGS)
@given(text=html_pages(), name=st.sampled_from(["fuzz.html", "fuzz.htm"]))
@example(text="1" * 5000 + "&#0;DeepSeek", name="fuzz.html")  # the first crash found: digits past a float's range
@example(text="<p>Before</p><![x[ DeepSeek ]]><p>After</p>", name="fuzz.html")  # the standard parser's AssertionError
def test_html_fragments_extract_and_conform(text, name):
    check(text, name)


def test_an_article_with_fuzz_in_it_still_yields_its_facts():
    # The properties above hold of an empty graph too; this shows the same check reads real facts
    # through a footnote marker, a defanged address, a right-to-left mark and an emoji.
    graph = check("---\ntitle: Half a page\n---\n"
                  "Chinese AI company DeepSeek released DeepSeek-R1 in January 2025 [12]. See hxxps://example[.]com/r1\u200f\n"
                  "In 2024, China accounted for 74.2% of global AI patents \U0001F600.\n", "page.md")
    assert (ID.term("model/deepseek-r1"), RACE.developedBy, ID.term("org/deepseek")) in graph
    assert (ID.term("org/deepseek"), RACE.country, ID.term("country/china")) in graph
    [share] = graph.subjects(RACE.quote, Literal("74.2%"))
    assert (graph.value(share, RACE.subject), graph.value(share, RACE.value).toPython(), str(graph.value(share, RACE.period))) \
        == (ID.term("country/china"), Decimal("74.2"), "2024")
    assert {str(title) for title in graph.objects(None, DCTERMS.title)} == {"Half a page"}
