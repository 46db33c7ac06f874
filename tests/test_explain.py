"""``airace explain``: everything the graph says about one entity, sentence by sentence.

Most tests run the command on a real on-disk store holding tests/fixtures/tiny_graph.trig
(hand-written, so the exact sentences, rules and figures are known); one builds a small
article with ``airace build`` to check the whole way from text to explanation.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from airace.extract.reader import read_article
from airace.graph.cli import main
from airace.graph.explain import (
    EntityNotFound,
    close_names,
    explain,
    known_entities,
    render_text,
)
from airace.graph.store import open_store
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

FIXTURES = Path(__file__).parent / "fixtures"
ID = "https://w3id.org/airace/id/"
DOC_A = ID + "doc/3f6c0a9e81d2b475"
DOC_B = ID + "doc/c2d94e17a0b85f36"
DEEPSEEK_1 = "DeepSeek, a Hangzhou start-up, released DeepSeek-R1 in January 2025 and published its weights openly."
FOUNDERS = "Deep Seek's founders say they value research over revenue."
HOSTILE = 'x" } ; DROP ALL #'


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory) -> str:
    """The folder of an on-disk store holding tiny_graph.trig (closed, ready for the command)."""
    path = tmp_path_factory.mktemp("explain") / "store"
    store = open_store(path)
    store.load((FIXTURES / "tiny_graph.trig").read_bytes(), format="trig")
    store.flush()
    del store  # closes the database, so the command can open it
    return str(path)


def flat(text: str) -> str:
    """``text`` with every run of whitespace as one space: the facts, whatever the line wrapping."""
    return " ".join(text.split())


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run ``airace ARGV...``; return the exit status, standard output and standard error."""
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- the text for reading -------------------------------------------------------------------


def test_header_names_the_entity_its_names_and_counts(tiny_store, capsys):
    status, out, err = run(capsys, "explain", "DeepSeek", "--store", tiny_store)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"DeepSeek  (Company)  {ID}org/deepseek"
    assert lines[1] == "  also called: Deep Seek"
    # two relations in A (country, R1's developer) and one in B (the H800) name DeepSeek; so
    # does V3's developer in A; the founders' sentence states nothing
    assert lines[2] == "  2 documents: 4 statements, 0 measurements, 1 sentence that only mentions it"


def test_sentences_come_with_offsets_and_the_statements_read_from_them(tiny_store, capsys):
    _, out, _ = run(capsys, "explain", "DeepSeek", "--store", tiny_store)
    # the sentence with its offsets, then what was read from it, relations sorted by subject
    assert (f"[0-101] {DEEPSEEK_1} - DeepSeek —country→ China [rule: org_city_country]"
            " - DeepSeek-R1 —developedBy→ DeepSeek [rule: model_released_by_org]") in flat(out)
    assert "\n    - DeepSeek —usesChip→ H800  [rule: trained_on_chip]\n" in out


def test_sentences_that_only_mention_the_entity_are_marked(tiny_store, capsys):
    _, out, _ = run(capsys, "explain", "DeepSeek", "--store", tiny_store)
    lines = out.splitlines()
    at = lines.index(f"  [714-772] {FOUNDERS}")
    assert lines[at + 1] == "    - (mention only)"
    assert out.count("(mention only)") == 1


def test_documents_are_headed_by_title_source_and_iri_and_sentences_follow_the_text(tiny_store, capsys):
    _, out, _ = run(capsys, "explain", "DeepSeek", "--store", tiny_store)
    lines = out.splitlines()
    a = lines.index("== Open models narrow the Chatbot Arena gap")
    b = lines.index("== Patents, prices and the chip squeeze")
    assert lines[a + 1] == f"   tiny-open-models.md  {DOC_A}"
    assert lines[b + 1] == f"   tiny-chip-squeeze.md  {DOC_B}"
    offsets = [line.split("]")[0].strip() for line in lines[a:b] if line.startswith("  [")]
    assert offsets == ["[0-101", "[102-202", "[714-772"]
    assert [line for line in lines[b:] if line.startswith("  [")] == [
        "  [263-313] DeepSeek trained its models on a cluster of H800s."]


def test_measurements_show_figure_period_model_quote_and_rule(tiny_store, capsys):
    _, out, _ = run(capsys, "explain", "o1", "--store", tiny_store)
    assert ("- measurement: United States · top Chatbot Arena Elo (US model) = 1372 Elo · period 2024-12"
            " · model o1 “top US model o1 at 1372” [rule: elo_table_row]") in flat(out)
    assert ("- measurement: o1 · input token price = 15 USD per million tokens “o1 charges $15”"
            " [rule: price_per_million_tokens]") in flat(out)
    assert "\n      [rule: price_per_million_tokens]\n" in out  # a rule tag is never split by wrapping
    assert "  2 documents: 1 statement, 3 measurements, 0 sentences that only mention it\n" in out


def test_a_measurement_compared_with_another_subject_says_so(tiny_store, capsys):
    _, out, _ = run(capsys, "explain", "chatbot arena elo gap", "--store", tiny_store)
    assert out.startswith(f"Chatbot Arena Elo gap  (Metric, skos:Concept)  {ID}metric/chatbot-arena-elo-gap\n")
    assert ("- measurement: United States · Chatbot Arena Elo gap = 22 Elo · period 2024-12"
            " · compared with China “a gap of 22” [rule: elo_table_row]") in flat(out)


def test_an_attribute_shows_its_value(tiny_store, capsys):
    _, out, _ = run(capsys, "explain", "H800", "--store", tiny_store)
    assert "    - H800 —exportRestricted→ true  [rule: export_restriction]" in out
    # under one sentence relations come before attributes
    lines = out.splitlines()
    assert lines.index("    - H800 —designedBy→ Nvidia  [rule: possessive_chip]") < lines.index(
        "    - H800 —exportRestricted→ true  [rule: export_restriction]")


def test_any_surface_form_in_any_case_finds_the_same_entity(tiny_store, capsys):
    _, canonical, _ = run(capsys, "explain", "DeepSeek", "--store", tiny_store)
    _, alternative, _ = run(capsys, "explain", "  DEEP SEEK ", "--store", tiny_store)
    assert alternative == canonical


def test_every_entity_that_goes_by_the_name_is_explained(tmp_path, capsys):
    # "DS" is made another name of both DeepSeek and DeepSeek-R1
    path = tmp_path / "store"
    store = open_store(path)
    store.load((FIXTURES / "tiny_graph.trig").read_bytes(), format="trig")
    store.replace_graph(URIRef(ID + "graph/extra-names"), [
        (URIRef(ID + "org/deepseek"), SKOS.altLabel, Literal("DS")),
        (URIRef(ID + "model/deepseek-r1"), SKOS.altLabel, Literal("DS")),
    ])
    del store
    status, out, _ = run(capsys, "explain", "ds", "--store", str(path))
    assert status == 0
    assert out.splitlines()[:3] == [
        "2 entities go by this name:",
        f"  DeepSeek  (Company)  {ID}org/deepseek",
        f"  DeepSeek-R1  (AIModel)  {ID}model/deepseek-r1",
    ]
    assert f"\nDeepSeek  (Company)  {ID}org/deepseek\n  also called: DS, Deep Seek\n" in out
    assert f"\nDeepSeek-R1  (AIModel)  {ID}model/deepseek-r1\n  also called: DS\n" in out
    # R1's own statements appear under R1 only: its price is not about DeepSeek the company
    r1 = out.index("\nDeepSeek-R1  (AIModel)")
    assert "input token price = 0.55 USD per million tokens" in out[r1:]
    assert "input token price" not in out[:r1]


# --- a name that is not there ---------------------------------------------------------------------


def test_an_unknown_name_is_one_line_with_close_names(tiny_store, capsys):
    status, out, err = run(capsys, "explain", "Deepsek", "--store", tiny_store)
    assert (status, out) == (1, "")
    assert err == "airace explain: no entity is named 'Deepsek'; did you mean DeepSeek, DeepSeek-V3 or DeepSeek-R1?\n"


def test_a_hostile_name_is_only_not_found(tiny_store, capsys):
    size = len(open_store(tiny_store, read_only=True))
    status, out, err = run(capsys, "explain", HOSTILE, "--store", tiny_store)
    assert (status, out) == (1, "")
    assert err.count("\n") == 1 and err.startswith(f"airace explain: no entity is named {HOSTILE!r}")
    assert len(open_store(tiny_store, read_only=True)) == size


def test_the_command_exits_1_without_a_traceback(tiny_store):
    # a real process: what a user at a shell sees
    result = subprocess.run(
        [sys.executable, "-m", "airace.graph.cli", "explain", HOSTILE, "--store", tiny_store],
        capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert "no entity is named" in result.stderr


def test_a_reader_that_stops_early_gets_no_error(tiny_store):
    # "airace explain China | head -1": the pipe closes before the output ends
    process = subprocess.Popen(
        [sys.executable, "-m", "airace.graph.cli", "explain", "China", "--store", tiny_store],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # before the command writes: every write it makes meets a closed pipe
    error = process.stderr.read().decode()
    assert process.wait() == 0
    assert error == ""


@pytest.mark.parametrize("name, message", [
    ("   ", "airace explain: give the name of an entity, for example DeepSeek\n"),
    ("a\nb", "airace explain: no entity is named 'a\\nb'; "),  # a line break in a name stays on one line
])
def test_odd_names_are_one_line(tiny_store, capsys, name, message):
    status, _, err = run(capsys, "explain", name, "--store", tiny_store)
    assert status == 1 and err.startswith(message) and err.count("\n") == 1


def test_an_empty_store_says_to_build_first(tmp_path, capsys):
    path = tmp_path / "empty"
    del_me = open_store(path)
    del del_me
    status, _, err = run(capsys, "explain", "DeepSeek", "--store", str(path))
    assert status == 1
    assert err == ("airace explain: no entity is named 'DeepSeek'; "
                   "the store holds no entities yet (run `airace build` first)\n")


def test_close_names_include_names_that_contain_the_given_one(tiny_store):
    store = open_store(tiny_store, read_only=True)
    known = known_entities(store)
    assert "DeepSeek-R1" in close_names("r1", known)  # too short for difflib, but a word of it
    assert close_names("Stamford University", known)[0] == "Stanford University"  # the closest first
    assert close_names("united", known) == ["United States"]
    assert close_names(HOSTILE, known) == []
    with pytest.raises(EntityNotFound) as error:
        explain(store, "r1")
    assert error.value.name == "r1" and "DeepSeek-R1" in error.value.suggestions


# --- JSON for tools ---------------------------------------------------------------------------------


def test_json_holds_the_same_statements_as_the_text(tiny_store, capsys):
    _, text, _ = run(capsys, "explain", "o1", "--store", tiny_store)
    status, out, _ = run(capsys, "explain", "o1", "--store", tiny_store, "--format", "json")
    assert status == 0
    data = json.loads(out)
    [entity] = data["entities"]
    assert (entity["iri"], entity["label"], entity["classes"]) == (
        ID + "model/o1", "o1", ["https://w3id.org/airace/ontology#AIModel"])
    assert entity["counts"] == {"documents": 2, "sentences": 3, "statements": 1, "measurements": 3, "mentions": 0}
    statements = [s for d in entity["documents"] for sentence in d["sentences"] for s in sentence["statements"]]
    assert [s["rule"] for s in statements] == re.findall(r"\[rule: (\w+)\]", text)
    relation = statements[0]
    assert relation == {
        "kind": "relation",
        "iri": ID + "claim/a08",
        "subject": {"iri": ID + "model/o1", "label": "o1"},
        "predicate": "https://w3id.org/airace/ontology#developedBy",
        "object": {"iri": ID + "org/openai", "label": "OpenAI"},
        "rule": "org_answered_with_model",
    }
    price = next(s for s in statements if s["iri"] == ID + "measurement/b-price-in-o1")
    assert price == {
        "kind": "measurement",
        "iri": ID + "measurement/b-price-in-o1",
        "subject": {"iri": ID + "model/o1", "label": "o1"},
        "metric": "input token price",
        "value": 15,
        "unit": "USD per million tokens",
        "period": None,
        "compared_with": None,
        "model": None,
        "quote": "o1 charges $15",
        "rule": "price_per_million_tokens",
    }


def test_json_keeps_exact_text_offsets_and_sources(tiny_store, capsys):
    _, out, _ = run(capsys, "explain", "deep seek", "--store", tiny_store, "--format", "json")
    [entity] = json.loads(out)["entities"]
    assert [(d["title"], d["source"], d["iri"]) for d in entity["documents"]] == [
        ("Open models narrow the Chatbot Arena gap", "tiny-open-models.md", DOC_A),
        ("Patents, prices and the chip squeeze", "tiny-chip-squeeze.md", DOC_B),
    ]
    founders = entity["documents"][0]["sentences"][-1]
    assert founders == {"start": 714, "end": 772, "text": FOUNDERS, "mention_only": True, "statements": []}
    attribute = json.loads(run(capsys, "explain", "h800", "--store", tiny_store, "--format", "json")[1])
    banned = [s for d in attribute["entities"][0]["documents"] for sentence in d["sentences"]
              for s in sentence["statements"] if s["kind"] == "attribute"]
    assert [s["object"] for s in banned] == [{"value": True, "datatype": "http://www.w3.org/2001/XMLSchema#boolean"}]


def test_json_key_order_is_stable(tiny_store, capsys):
    _, out, _ = run(capsys, "explain", "DeepSeek", "--store", tiny_store, "--format", "json")
    assert out == json.dumps(json.loads(out), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    assert run(capsys, "explain", "DeepSeek", "--store", tiny_store, "--format", "json")[1] == out


# --- from an article to its explanation ------------------------------------------------------------

ONE_ARTICLE = (
    "---\ntitle: One article\n---\n"
    "Chinese AI company DeepSeek released DeepSeek-R1 in January 2025.\n"
    "In 2024, China accounted for 74.2% of global AI patents.\n"
)


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> tuple[str, Path]:
    """A store built by ``airace build`` from one small article; its folder and the article."""
    folder = tmp_path_factory.mktemp("built")
    article = folder / "one.md"
    article.write_text(ONE_ARTICLE, encoding="utf-8")
    assert main(["build", str(article), "--store", str(folder / "store"), "--quiet"]) == 0
    return str(folder / "store"), article


def test_a_built_article_is_explained_sentence_by_sentence(built_store, capsys):
    store, _ = built_store
    status, out, _ = run(capsys, "explain", "deepseek-r1", "--store", store)
    assert status == 0
    assert "Chinese AI company DeepSeek released DeepSeek-R1 in January 2025." in out
    assert any(line.startswith("    - DeepSeek-R1 —developedBy→ DeepSeek  [rule: ") for line in out.splitlines())
    status, out, _ = run(capsys, "explain", "China", "--store", store)
    assert status == 0
    assert "In 2024, China accounted for 74.2% of global AI patents." in out
    assert "= 74.2 percent · period 2024  “74.2%”" in out


def test_the_offsets_point_at_the_sentence_in_the_article(built_store, capsys):
    store, article = built_store
    text = read_article(article).text
    _, out, _ = run(capsys, "explain", "China", "--store", store, "--format", "json")
    sentences = [s for e in json.loads(out)["entities"] for d in e["documents"] for s in d["sentences"]]
    assert sentences
    for sentence in sentences:
        assert text[sentence["start"]:sentence["end"]] == sentence["text"]


def test_render_text_is_the_library_behind_the_command(tiny_store, capsys):
    _, out, _ = run(capsys, "explain", "DeepSeek", "--store", tiny_store)
    assert render_text(explain(open_store(tiny_store, read_only=True), "DeepSeek")) + "\n" == out
