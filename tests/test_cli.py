"""The command line's manners: suggestions, usage, bindings, prefixes, whole messages, the default store."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from airace import queries
from airace.graph.cli import main
from airace.graph.query_text import STANDARD_PREFIXES, headline
from conftest import REPO

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def tiny_store(tmp_path_factory):
    """A store folder holding tests/fixtures/tiny_graph.trig, loaded by the command line."""
    folder = tmp_path_factory.mktemp("tiny") / "store"
    assert main(["load", str(FIXTURES / "tiny_graph.trig"), "--store", str(folder)]) == 0
    return str(folder)


def run(capsys, *argv) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


# --- names, flags and usage -----------------------------------------------------------------


def test_a_misspelt_query_name_gets_the_close_one_and_the_whole_list(capsys, tiny_store):
    status, out, err = run(capsys, "query", "models-by-organization", "--store", tiny_store)
    assert (status, out) == (1, "")
    assert err == (f"airace query: no query named 'models-by-organization'; known queries: "
                   f"{', '.join(queries.names())}; did you mean models-by-organisation?\n")
    assert err.count("\n") == 1


def test_a_misspelt_flag_gets_the_subcommands_usage_and_a_suggestion(capsys):
    status, out, err = run(capsys, "query", "explain", "--formt", "csv")
    assert status == 2 and out == ""
    assert err.startswith("usage: airace query ")
    assert err.rstrip().endswith("airace query: error: unrecognized arguments: --formt csv; did you mean --format?")


def test_a_wrong_choice_and_a_misspelt_command_get_suggestions(capsys):
    status, _, err = run(capsys, "export", "--format", "turtel")
    assert status == 2 and err.startswith("usage: airace export ") and err.rstrip().endswith("did you mean turtle?")
    status, _, err = run(capsys, "biuld")
    assert status == 2 and err.rstrip().endswith("did you mean build?")


def test_a_flag_of_another_command_is_refused_by_this_ones_usage(capsys):
    status, _, err = run(capsys, "stats", "--workers", "2")
    assert status == 2 and err.startswith("usage: airace stats ")
    assert err.rstrip().endswith("unrecognized arguments: --workers 2 (--workers is an option of build)")


def test_query_list_gives_every_query_with_its_question(capsys):
    status, out, err = run(capsys, "query", "--list")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == queries.names()
    for line, name in zip(lines, queries.names()):
        assert line.split(None, 1)[1] == headline(queries.read(name))
    assert "explain" in out and "What does the corpus say about a given entity" in out
    assert "Q7." not in out


# --- bindings -------------------------------------------------------------------------------


def test_a_required_binding_is_asked_for(capsys, tiny_store):
    status, out, err = run(capsys, "query", "explain", "--store", tiny_store)
    assert (status, out) == (1, "")
    assert err.startswith("airace query: explain needs --bind name=VALUE (the entity's name:")


def test_a_misspelt_binding_is_refused_with_the_close_variable(capsys, tiny_store):
    status, out, err = run(capsys, "query", "explain", "--bind", "nmae=DeepSeek", "--store", tiny_store)
    assert (status, out, err) == (1, "", "airace query: explain has no variable ?nmae to bind; did you mean ?name?\n")
    status, _, err = run(capsys, "query", "models-by-organisation", "--bind", "x=1", "--store", tiny_store)
    assert (status, err) == (1, "airace query: models-by-organisation has no variable ?x to bind; "
                                "it takes no bindings\n")


def test_an_optional_binding_may_be_left_out_and_a_variable_may_be_bound(capsys, tiny_store):
    status, out, _ = run(capsys, "query", "entity-names", "--format", "csv", "--store", tiny_store)
    assert status == 0 and "SMIC" in out
    smic = "--bind=organisation=<https://w3id.org/airace/id/org/smic>"
    status, out, _ = run(capsys, "query", "models-by-organisation", smic, "--format", "csv", "--store", tiny_store)
    assert (status, out.splitlines()[1:]) == (0, [])  # bound, not ignored: SMIC developed no model
    deepseek = "--bind=organisation=<https://w3id.org/airace/id/org/deepseek>"
    status, out, _ = run(capsys, "query", "models-by-organisation", deepseek, "--format", "csv", "--store", tiny_store)
    assert [line.split(",")[4] for line in out.splitlines()[1:]] == ["DeepSeek-R1", "DeepSeek-V3"]


# --- prefixes and messages ------------------------------------------------------------------


def test_standard_prefixes_need_no_declaration(capsys, tiny_store):
    uses = " ".join(f"OPTIONAL {{ ?chip {name}:nothing ?x{index} }}" for index, name in enumerate(STANDARD_PREFIXES))
    text = f"SELECT ?name WHERE {{ ?chip a race:Chip ; rdfs:label ?name . {uses} }} ORDER BY ?name"
    status, out, err = run(capsys, "query", "--sparql", text, "--format", "csv", "--store", tiny_store)
    assert (status, err) == (0, "")
    assert out.splitlines() == ["name", "Ascend 910B", "H800"]


def test_an_own_prefix_declaration_wins(capsys, tiny_store):
    text = "PREFIX race: <https://example.org/not-race#> SELECT ?c WHERE { ?c a race:Chip }"
    status, out, _ = run(capsys, "query", "--sparql", text, "--format", "csv", "--store", tiny_store)
    assert (status, out.splitlines()) == (0, ["c"])


def test_an_undeclared_prefix_is_told_in_one_whole_line(capsys, tiny_store):
    status, _, err = run(capsys, "query", "--sparql", "SELECT ?c WHERE { ?c a nope:Chip }", "--store", tiny_store)
    assert status == 1
    assert err == ("airace query: the query is not valid SPARQL: line 1, column 33: the prefix nope: "
                   "is not declared (add PREFIX nope: <…>)\n")


def test_a_syntax_error_is_told_in_the_users_own_lines(capsys, tiny_store):
    text = "SELECT ?c\nWHERE { ?c a race:Chip ;\n  rdfs:label }"
    status, _, err = run(capsys, "query", "--sparql", text, "--store", tiny_store)
    assert status == 1 and err.count("\n") == 1
    assert re.fullmatch(r"airace query: the query is not valid SPARQL: line 3, column \d+ \(near '\}'\): "
                        r"expected one of .*\n", err), err
    assert "['" not in err and "\\u{" not in err  # no character classes of the engine's grammar


def test_a_table_shows_masked_runs_of_spaces_as_one(capsys, tmp_path):
    article = tmp_path / "linked.md"
    article.write_text("# Links\n\nDeepSeek released [the R1 model](https://example.org/r1) in January 2025.\n",
                       encoding="utf-8")
    store = str(tmp_path / "store")
    assert main(["build", str(article), "--store", store, "--quiet"]) == 0
    capsys.readouterr()
    text = "SELECT ?text WHERE { ?s race:text ?text ; race:startChar ?start } ORDER BY ?start"
    status, out, _ = run(capsys, "query", "--sparql", text, "--store", store, "--format", "csv")
    exact = [line for line in out.splitlines() if "DeepSeek" in line]
    assert status == 0 and len(exact) == 1 and "  " in exact[0]  # the store keeps the masked text
    status, out, _ = run(capsys, "query", "--sparql", text, "--store", store)
    shown = [line.strip() for line in out.splitlines() if "DeepSeek" in line]
    assert shown == [" ".join(exact[0].split())]


# --- the store, the build bar, analyze ------------------------------------------------------


def test_airace_store_names_the_default_store(capsys, tiny_store, monkeypatch, tmp_path):
    monkeypatch.setenv("AIRACE_STORE", tiny_store)
    monkeypatch.chdir(tmp_path)  # no ./airace-store here
    status, out, _ = run(capsys, "stats")
    assert status == 0 and re.search(r"^documents\s+3$", out, re.MULTILINE)
    monkeypatch.delenv("AIRACE_STORE")
    status, _, err = run(capsys, "stats")
    assert status == 1 and "airace-store" in err


def test_make_demo_says_how_to_use_its_store():
    done = subprocess.run(["make", "-n", "demo"], cwd=REPO, capture_output=True, text=True, check=True)
    assert "export AIRACE_STORE=out/store" in done.stdout


def test_the_build_bar_has_the_total_and_says_when_the_model_loads(tmp_path):
    for number in range(3):
        (tmp_path / f"a{number}.md").write_text(f"# A{number}\n\nDeepSeek built model number {number}.\n",
                                                encoding="utf-8")
    leader, follower = pty.openpty()  # a terminal of 120 columns: the bar is drawn only for one
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    child = subprocess.Popen([sys.executable, "-m", "airace.graph.cli", "build", str(tmp_path),
                              "--store", str(tmp_path / "store")], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    screen = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 120)
        try:
            chunk = os.read(leader, 1 << 16) if ready else b""
        except OSError:  # the child closed the terminal
            chunk = b""
        if not chunk:
            break
        screen += chunk
    out, _ = child.communicate(timeout=120)
    os.close(leader)
    text = screen.decode("utf-8", "replace")
    assert child.returncode == 0 and out.decode().startswith("3 documents (built 3")
    assert "loading the language model…" in text and "0/3" in text
    assert re.search(r"building: 100%\S* *\S* 3/3 \[", text), text
    assert text.index("loading the language model…") < text.index("building")


def test_analyze_says_which_plots_it_skipped_and_why(capsys, tiny_store, tmp_path):
    from airace.graph.analysis import SKIPPED_BECAUSE

    store = str(tmp_path / "no-elo")
    article = tmp_path / "one.md"
    article.write_text("# Ties\n\nMicrosoft collaborates with Tsinghua University.\n", encoding="utf-8")
    assert main(["build", str(article), "--store", store, "--quiet"]) == 0
    capsys.readouterr()
    status, out, _ = run(capsys, "analyze", "--store", store, "-o", str(tmp_path / "out"))
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"wrote pagerank.png, report.json, report.md in {tmp_path / 'out'}"
    assert lines[1:] == [f"skipped elo-race.png: {SKIPPED_BECAUSE['elo-race.png']}",
                         f"skipped country-matrix.png: {SKIPPED_BECAUSE['country-matrix.png']}"]
    status, out, _ = run(capsys, "analyze", "--store", tiny_store, "-o", str(tmp_path / "tiny"))
    assert out.splitlines() == [f"wrote country-matrix.png, elo-race.png, pagerank.png, report.json, report.md "
                                f"in {tmp_path / 'tiny'}"]


LONG_NAMES = ["Semiconductor Manufacturing International Corporation",
              "Intelligent Science and Technology Academy of China Aerospace Science and Industry Corporation",
              "DeepSeek", "Beijing Academy of Artificial Intelligence"]


def _fits(figure) -> bool:
    """Whether everything ``figure`` draws (titles, tick labels, names, legend) lies inside it."""
    figure.canvas.draw()
    drawn = figure.get_tightbbox(figure.canvas.get_renderer())  # in inches
    width, height = figure.get_size_inches()
    return drawn.x0 >= -0.01 and drawn.y0 >= -0.01 and drawn.x1 <= width + 0.01 and drawn.y1 <= height + 0.01


def test_titles_and_labels_fit_in_the_plots():
    from airace.graph.plots import (ELO_TITLE, MATRIX_TITLE, PAGERANK_TITLE, country_matrix_figure,
                                    elo_race_figure, pagerank_figure)

    organisations = [{"label": name, "country": country, "pagerank": 0.1 / (rank + 1)}
                     for rank, (name, country) in enumerate(zip(LONG_NAMES * 4, ["China", "United States", None,
                                                                                  "United Kingdom"] * 4))]
    figure = pagerank_figure({"organisations": organisations})
    assert PAGERANK_TITLE in [text.get_text() for text in figure.findobj(lambda a: hasattr(a, "get_text"))]
    assert _fits(figure)
    rows = [(f"2024-{month:02d}", 1200.0 + 10 * month, f"us-model-with-a-long-name-{month}",
             1150.0 + 12 * month, f"chinese-model-{month}", 50.0 - 2 * month) for month in range(1, 13)]
    figure = elo_race_figure(rows)
    assert ELO_TITLE in [text.get_text() for text in figure.findobj(lambda a: hasattr(a, "get_text"))]
    assert _fits(figure)
    matrix = {"countries": {"matrix": [{"a": "China", "b": "United States", "ties": 3},
                                       {"a": "United Kingdom", "b": "European Union", "ties": 1}]}}
    figure = country_matrix_figure(matrix)
    assert MATRIX_TITLE in [text.get_text() for text in figure.findobj(lambda a: hasattr(a, "get_text"))]
    assert _fits(figure)
