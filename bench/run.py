"""The benchmarks: what the product costs as its work grows, as ratios measured in one run.

    python bench/run.py                      # everything, about nine minutes on two cores
    python bench/run.py --sizes 100,1000     # a quicker look
    python bench/run.py --write BENCHMARKS.md

Every figure compares two things timed in the same run on the same input, so the
ratios hold on a busy or a slower machine where seconds would not:

- extraction: our whole build (read, extract, write the store) against bare spaCy's
  ``nlp.pipe`` of the same model over the same texts; two workers against one;
- the store: bulk load and the competency queries on the graph of the largest
  corpus (about a million triples) against raw pyoxigraph and rdflib's memory store;
- analysis and view: ``analyze`` on a 10,000-organisation, 100,000-tie network, and
  the interactive page for 10,000 nodes (written, and drawn in headless Chromium);
- growth: time, peak memory and store size of ``airace build`` at each corpus size.

The corpora are synthetic articles made of the built-in corpus's sentences (the
project's own words), drawn with a fixed seed.
"""

from __future__ import annotations

import argparse
import math
import os
import queue
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

SIZES = (100, 1_000, 10_000)
SENTENCES_PER_ARTICLE = 4
SEED = 2026


# --- the synthetic corpus ---------------------------------------------------------------


def corpus_sentences() -> list[str]:
    """The sentences of the built-in corpus (headings and short fragments left out)."""
    from airace.extract.reader import read_article

    found = []
    for path in sorted((ROOT / "corpus").glob("*.md")):
        for block in re.split(r"\n\s*\n", read_article(path).text):
            block = " ".join(block.split())
            if block.startswith(("#", "|", "-")):
                continue
            found.extend(sentence for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", block)
                         if len(sentence.split()) >= 6)
    return found


def write_corpus(folder: Path, count: int, sentences: list[str]) -> int:
    """Write ``count`` articles of a few sentences each into ``folder``; return the words written."""
    folder.mkdir(parents=True, exist_ok=True)
    draw = random.Random(SEED)
    words = 0
    for number in range(count):
        body = " ".join(draw.sample(sentences, SENTENCES_PER_ARTICLE))
        text = f"Brief {number}: the race in four sentences\n\n{body}\n"
        (folder / f"brief-{number:05d}.txt").write_text(text, encoding="utf-8")
        words += len(text.split())
    return words


# --- measuring --------------------------------------------------------------------------


def run_measured(command: list[str], **kwargs) -> tuple[float, int]:
    """Run ``command``; return its seconds and the peak resident memory of it and its children."""
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(member.memory_info().rss for member in tree if member.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed: {process.stderr.read().decode()[-500:]}")
    return seconds, peak


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def best_of(function, rounds: int = 3, slow: float = 2.0) -> float:
    """The best of ``rounds`` timings; a call slower than ``slow`` seconds is timed once."""
    first = timed(function)[0]
    return first if first > slow else min([first, *(timed(function)[0] for _ in range(rounds - 1))])


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def airace(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "airace.graph.cli", *arguments]


# --- the benchmarks ---------------------------------------------------------------------


def extraction(folder: Path, rounds: int = 3) -> dict:
    """Our extraction (articles to N-Quads) and our whole build of ``folder`` into a store in
    memory, against bare spaCy over the same texts."""
    import spacy

    from airace.extract.pipeline import DEFAULT_MODEL, MODEL_SETTING
    from airace.extract.reader import read_article
    from airace.graph.build import build, discover
    from airace.graph.engines import BATCH, extract_batch, pipeline
    from airace.graph.store import open_store

    files = discover([folder])
    articles = [read_article(path) for path in files]
    texts = [article.text for article in articles]

    def extract_all():
        return [extract_batch(tuple(articles[start:start + BATCH])) for start in range(0, len(articles), BATCH)]

    words = sum(len(text.split()) for text in texts)
    bare = spacy.load(os.environ.get(MODEL_SETTING) or DEFAULT_MODEL)
    pipeline()  # loaded once, as a build does; loading is not extraction
    list(bare.pipe(texts[:10]))
    build(files[:10], open_store(None))
    spacy_seconds, extract_seconds, our_seconds = [], [], []
    for _ in range(rounds):  # interleaved, so a busy moment slows all
        spacy_seconds.append(timed(lambda: list(bare.pipe(texts)))[0])
        extract_seconds.append(timed(extract_all)[0])
        our_seconds.append(timed(build, files, open_store(None))[0])
    spacy_rate, our_rate = words / statistics.median(spacy_seconds), words / statistics.median(our_seconds)
    extract_rate = words / statistics.median(extract_seconds)
    return {"articles": len(files), "words": words, "spacy_words_per_second": spacy_rate,
            "extract_words_per_second": extract_rate, "extract_ratio": extract_rate / spacy_rate,
            "our_words_per_second": our_rate, "ratio": our_rate / spacy_rate}


def spacy_processes(folder: Path, articles: int = 400) -> float:
    """spaCy's own gain from ``n_process=2`` on the first ``articles`` of the same corpus: the
    ceiling for our two workers."""
    import spacy

    from airace.extract.pipeline import DEFAULT_MODEL, MODEL_SETTING
    from airace.extract.reader import read_article
    from airace.graph.build import discover

    texts = [read_article(path).text for path in discover([folder])[:articles]]
    nlp = spacy.load(os.environ.get(MODEL_SETTING) or DEFAULT_MODEL)
    one = timed(lambda: list(nlp.pipe(texts, n_process=1)))[0]
    two = timed(lambda: list(nlp.pipe(texts, n_process=2)))[0]
    return one / two


def builds(corpora: dict[int, Path], work: Path) -> dict:
    """``airace build --workers 2`` at each size (time, peak memory, store), and one worker at the middle size."""
    rows = {}
    for size, folder in corpora.items():
        store = work / f"store-{size}"
        seconds, peak = run_measured(airace("build", str(folder), "--store", str(store), "--workers", "2", "--quiet"))
        rows[size] = {"seconds": seconds, "peak_bytes": peak, "store_bytes": folder_bytes(store)}
    middle = sorted(corpora)[len(corpora) // 2]
    store = work / f"store-{middle}-one-worker"
    seconds, peak = run_measured(airace("build", str(corpora[middle]), "--store", str(store), "--workers", "1",
                                        "--quiet"))
    return {"by_size": rows, "one_worker": {"size": middle, "seconds": seconds, "peak_bytes": peak}}


def _rdflib_queries(data: bytes, queries: dict[str, str], budget: float, answers) -> None:
    """In a child process: rdflib loads the N-Quads and runs the queries, reporting each time."""
    from rdflib import Dataset

    dataset = Dataset(default_union=True)
    answers.put(("load", timed(dataset.parse, data=data, format="nquads")[0]))
    for name, text in queries.items():
        try:
            answers.put((name, timed(lambda: len(list(dataset.query(text))))[0]))
        except Exception as error:  # rdflib's SPARQL lacks some of what Oxigraph takes (\\p{...} in REGEX)
            answers.put((name, f"fails ({type(error).__module__}.{type(error).__name__})"))


def _named_graphs(store_folder: Path) -> bytes:
    """The named graphs of a store as N-Quads, by Oxigraph's own writer: `airace export` gives
    canonical, sorted bytes through rdflib, which takes two minutes at a million quads and is not
    what is measured here."""
    import pyoxigraph as ox

    from airace.graph.store import open_store

    database = ox.Store.read_only(str(open_store(store_folder, read_only=True).database))
    return ox.serialize((quad for quad in database if not isinstance(quad.graph_name, ox.DefaultGraph)),
                        format=ox.RdfFormat.N_QUADS)


def _load_seconds(dump: Path, store_folder: Path) -> float:
    """Seconds `airace load` takes to load ``dump`` into a new store at ``store_folder``."""
    from airace.graph.load import load_file
    from airace.graph.store import writing

    def load():
        with writing(store_folder) as target:
            load_file(dump, target)
    return timed(load)[0]


def store(store_folder: Path, small_folder: Path, work: Path, rdflib_budget: float = 20.0) -> dict:
    """Bulk load and the competency queries: our store against raw pyoxigraph on the graph of
    ``store_folder`` (the largest corpus), and against rdflib on that of ``small_folder`` (rdflib
    takes minutes and gigabytes to parse a million quads, and some queries for hours)."""
    import multiprocessing

    import pyoxigraph as ox
    from rdflib import Literal

    from airace import queries as query_files
    from airace.graph.store import bind, open_store

    dump, small_dump = work / "graph.nq", work / "small.nq"
    data, small_data = _named_graphs(store_folder), _named_graphs(small_folder)
    dump.write_bytes(data)
    small_dump.write_bytes(small_data)
    triples = data.count(b"\n")
    small = open_store(small_folder, read_only=True)
    texts = {path.stem: path.read_text(encoding="utf-8") for path in sorted(Path(query_files.__file__).parent.glob("*.rq"))}
    bindings = {"explain": {"name": Literal("DeepSeek")}}

    raw_loaded = ox.Store(str(work / "raw-store"))
    raw_load = timed(raw_loaded.bulk_load, data, format=ox.RdfFormat.N_QUADS)[0]
    del raw_loaded

    our_load_seconds = _load_seconds(dump, work / "our-store")
    ours = open_store(work / "our-store", read_only=True)
    # Raw queries run on the same database, so the ratio is the cost of our layer (bindings,
    # rdflib terms). Oxigraph's own union of named graphs is no baseline: it repeats a triple
    # once per graph (oxigraph#1919), and joins over facts many documents state explode.
    raw = ox.Store.read_only(str(ours.database))

    rows = {}
    for name, text in texts.items():
        bound = bind(text, bindings.get(name))
        raw_seconds = best_of(lambda: len(list(raw.query(bound))))
        answers = []
        our_seconds = best_of(lambda: answers.append(len(ours.select(text, bindings=bindings.get(name)).rows)))
        small_seconds = best_of(lambda: small.select(text, bindings=bindings.get(name)))
        rows[name] = {"ours": our_seconds, "raw": raw_seconds, "answers": answers[0], "ours_small": small_seconds}
    small_load_seconds = _load_seconds(small_dump, work / "small-store")

    context = multiprocessing.get_context("spawn")
    answers = context.Queue()
    # fastest first (by our time), so the budget goes to as many queries as it can
    by_cost = sorted(texts, key=lambda name: rows[name]["ours_small"])
    child = context.Process(target=_rdflib_queries,
                            args=(small_data, {name: bind(texts[name], bindings.get(name)) for name in by_cost},
                                  rdflib_budget, answers))
    child.start()
    deadline = time.monotonic() + rdflib_budget
    rdflib_times = {}
    while len(rdflib_times) < len(texts) + 1 and time.monotonic() < deadline:
        try:
            name, seconds = answers.get(timeout=1)
            rdflib_times[name] = seconds
        except queue.Empty:
            if not child.is_alive():
                break
    child.kill()
    child.join()
    for name, row in rows.items():
        row["rdflib"] = rdflib_times.get(name)
    return {"triples": triples, "small_triples": small_data.count(b"\n"),
            "load": {"ours": our_load_seconds, "raw": raw_load, "ours_small": small_load_seconds,
                     "rdflib": rdflib_times.get("load")},
            "queries": rows, "rdflib_budget": rdflib_budget}


def analysis_and_view(work: Path, organisations: int = 10_000, ties: int = 100_000) -> dict:
    """``analyze`` on a synthetic network, and the page of 10,000 nodes written and drawn."""
    from network import synthetic_network  # bench/network.py

    from airace.graph.analysis import analyze, statistics
    from airace.graph.network import organisation_network
    from airace.graph.store import open_store
    from airace.graph.view import write_html

    network_store = open_store(None)
    network_store.load(synthetic_network(organisations=organisations, ties=ties), format="nq")
    out = work / "analysis"
    out.mkdir()
    analyze_seconds = timed(analyze, network_store, out_dir=out)[0]
    # where analyze's time goes: reading the network (with its evidence) and the algorithms
    network_seconds, network = timed(organisation_network, network_store, mentions=False)
    statistics_seconds = timed(statistics, network)[0]
    page = work / "graph.html"
    view_seconds = timed(write_html, network_store, page, show_all=True)[0]
    from view import ready_in_a_fresh_process, write_page  # bench/view.py

    small_page, _ = write_page(2_000, work)
    return {"organisations": organisations, "ties": ties, "analyze_seconds": analyze_seconds,
            "network_seconds": network_seconds, "statistics_seconds": statistics_seconds,
            "view_seconds": view_seconds, "page_bytes": page.stat().st_size, "draw_seconds": draw_in_a_fresh_process(page),
            "ready_2000_seconds": ready_in_a_fresh_process(small_page)}


def draw_in_a_fresh_process(page: Path) -> float | None:
    """:func:`draw_seconds` in a process of its own: the browser driver hands the browser
    descriptors 3 and 4, which must not be taken by what this process has open by now."""
    answer = subprocess.run([sys.executable, __file__, "--draw", str(page)], capture_output=True, text=True,
                            check=True)
    return None if answer.stdout.strip() == "None" else float(answer.stdout)


def draw_seconds(page: Path) -> float | None:
    """Seconds from opening ``page`` in headless Chromium until the network has drawn on its canvas."""
    chromium = Path(os.environ.get("AIRACE_CHROMIUM", "/usr/bin/chromium"))
    if not chromium.exists():
        return None
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import COUNT_INK, DevTools, Page  # the browser driver of the tests

    with tempfile.TemporaryDirectory() as profile:
        tools = DevTools(Path(profile) / "profile", Path(profile) / "log")
        try:
            tools.send("Browser.getVersion")
            started = time.perf_counter()
            opened = Page(tools, page)
            ink = opened.evaluate(COUNT_INK, timeout=120)
            seconds = time.perf_counter() - started
            opened.close()
        finally:
            tools.close()
    return seconds if ink else None


# --- the report -------------------------------------------------------------------------


def growth_exponent(small: tuple[int, float], large: tuple[int, float]) -> float:
    """The k in cost ∝ size^k between two sizes: 1 is linear."""
    return math.log(large[1] / small[1]) / math.log(large[0] / small[0])


def megabytes(count: int) -> str:
    return f"{count / 1e6:,.0f} MB"


def report(results: dict, command: str) -> str:
    lines = ["# Benchmarks", "", f"Made by `{command}` on {results['machine']}, {results['date']}.",
             "Each ratio compares two things timed in the same run on the same input.", ""]
    extraction_row = results["extraction"]
    lines += ["## Extraction against bare spaCy", "",
              f"{extraction_row['articles']:,} articles, {extraction_row['words']:,} words, median of three "
              "interleaved rounds. spaCy's is `nlp.pipe` of the same model over the same texts; our extraction "
              "is articles to the N-Quads of their graphs (the pipeline's pipes we use, rules, resolution, "
              "triples), batch by batch as a worker does; our build is all of `build()` (read the files, "
              "extract, write the store, the final label pass) into a store in memory.", "",
              "| | words per second | against bare spaCy |", "|---|---|---|",
              f"| bare spaCy | {extraction_row['spacy_words_per_second']:,.0f} | |",
              f"| airace extraction | {extraction_row['extract_words_per_second']:,.0f} | "
              f"**{extraction_row['extract_ratio']:.2f}×** (target ≥ 0.9×) |",
              f"| airace build, whole | {extraction_row['our_words_per_second']:,.0f} | "
              f"**{extraction_row['ratio']:.2f}×** |", ""]
    built = results["builds"]
    one = built["one_worker"]
    two = built["by_size"][one["size"]]
    lines += ["## Two workers against one", "",
              f"`airace build --workers N` of {one['size']:,} articles, whole command (start-up and model loading "
              "included):", "",
              f"| workers | seconds |", "|---|---|", f"| 1 | {one['seconds']:.1f} |", f"| 2 | {two['seconds']:.1f} |",
              f"| **speed-up** | **{one['seconds'] / two['seconds']:.2f}×** (target ≥ 1.5×; spaCy's own "
              f"`n_process=2` gives {results['spacy_processes']:.2f}× on the first {min(400, one['size']):,} of the same articles) |", ""]
    store_row = results["store"]
    load = store_row["load"]

    def against(ours, other):
        return "—" if other is None or isinstance(other, str) else f"{other / ours:.1f}×"

    def seconds(value, digits):
        return value if isinstance(value, str) else "—" if value is None else f"{value:.{digits}f}"

    rdflib_load = load["rdflib"]
    lines += ["## The store", "",
              f"Against raw pyoxigraph: the graph of the largest corpus, {store_row['triples']:,} quads. Load: ours "
              "is `airace load` of its N-Quads export into a new store generation, with the merge of the named "
              "graphs that queries read (a second copy of every triple, kept because Oxigraph's union of named "
              "graphs repeats a triple once per graph, oxigraph#1919); raw is pyoxigraph's `bulk_load` alone. "
              "Queries: ours is `LocalStore.select` (bindings, rdflib terms); raw is pyoxigraph's `query` on the "
              "same database. Best of three; a query slower than 2 s is timed once. `explain` is asked about "
              "DeepSeek; the others are unbound.", "",
              f"Against rdflib's memory store (`Dataset.parse`, queries on its union graph): the graph of the "
              f"middle corpus, {store_row['small_triples']:,} quads, one run each within a "
              f"{store_row['rdflib_budget']:.0f} s budget for its load and all queries, fastest first (— where it "
              "ran out). rdflib takes minutes to parse a million quads.", "",
              "| | answers | ours (s) | raw (s) | **ours / raw** | ours, middle graph (s) | rdflib (s) | **rdflib / ours** |",
              "|---|---|---|---|---|---|---|---|",
              f"| load | {store_row['triples']:,} quads | {load['ours']:.2f} | {load['raw']:.2f} | "
              f"**{load['ours'] / load['raw']:.2f}** | {load['ours_small']:.2f} | {seconds(rdflib_load, 1)} | "
              f"**{against(load['ours_small'], rdflib_load)}** |"]
    for name, row in store_row["queries"].items():
        rdflib_seconds = row["rdflib"]
        lines.append(f"| `{name}` | {row['answers']:,} | {row['ours']:.3f} | {row['raw']:.3f} | "
                     f"**{row['ours'] / max(row['raw'], 1e-9):.2f}** | {row['ours_small']:.3f} | "
                     f"{seconds(rdflib_seconds, 2)} | **{against(row['ours_small'], rdflib_seconds)}** |")
    lines.append("")
    network = results["analysis"]
    drawn = network["draw_seconds"]
    drawn = "not measured (no Chromium)" if drawn is None else f"{drawn:.1f} s"
    lines += ["## Analysis and view", "",
              f"A synthetic network of {network['organisations']:,} organisations and {network['ties']:,} ties "
              "(bench/network.py).", "",
              "| | |", "|---|---|",
              f"| `analyze` (network, statistics, report, plots) | {network['analyze_seconds']:.1f} s |",
              f"| of which: the network read from the store, with its evidence | {network['network_seconds']:.1f} s |",
              f"| of which: the statistics (PageRank, betweenness, communities, components) | "
              f"{network['statistics_seconds']:.1f} s (target ≤ 5 s) |",
              f"| `viz --all`: page written | {network['view_seconds']:.1f} s, {megabytes(network['page_bytes'])} |",
              f"| page drawn in headless Chromium | {drawn} |",
              f"| a 2,000-node page ready to use (bench/view.py) | "
              f"{'not measured' if network['ready_2000_seconds'] is None else format(network['ready_2000_seconds'], '.2f') + ' s'}"
              " (target ≤ 3 s) |",
              ""]
    sizes = sorted(built["by_size"])
    lines += [f"## Growth: `airace build --workers 2` from {sizes[0]:,} to {sizes[-1]:,} articles", "",
              "| articles | words | seconds | words per second | peak memory | store on disk |", "|---|---|---|---|---|---|"]
    for size in sizes:
        row = built["by_size"][size]
        words = results["words"][size]
        lines.append(f"| {size:,} | {words:,} | {row['seconds']:.1f} | {words / row['seconds']:,.0f} | "
                     f"{megabytes(row['peak_bytes'])} | {megabytes(row['store_bytes'])} |")
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        time_growth = growth_exponent((small, built["by_size"][small]["seconds"]), (large, built["by_size"][large]["seconds"]))
        memory_growth = growth_exponent((small, built["by_size"][small]["peak_bytes"]), (large, built["by_size"][large]["peak_bytes"]))
        lines += ["", f"From {small:,} to {large:,} articles time grows as size^{time_growth:.2f} (1 is linear; start-up "
                  f"weighs on the smallest size) and peak memory as size^{memory_growth:.2f} (0 is flat)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--draw"]:
        print(draw_seconds(Path(argv[1])))
        return 0
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", default=",".join(map(str, SIZES)), help="corpus sizes, in articles")
    options.add_argument("--write", type=Path, help="also write the report to this Markdown file")
    options.add_argument("--rdflib-seconds", type=float, default=20.0,
                         help="the time rdflib gets to load the middle corpus's graph and run the queries (default: 20)")
    options.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    arguments = options.parse_args(argv)
    sizes = sorted(int(size) for size in arguments.sizes.split(","))
    work = arguments.keep or Path(tempfile.mkdtemp(prefix="airace-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        sentences = corpus_sentences()
        corpora, words = {}, {}
        for size in sizes:
            corpora[size] = work / f"corpus-{size}"
            words[size] = write_corpus(corpora[size], size, sentences)
        results = {"machine": f"{os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
                              f"Python {sys.version.split()[0]}",
                   "date": time.strftime("%Y-%m-%d"), "words": words}

        def step(name, function, *args):
            print(f"… {name}", file=sys.stderr, flush=True)
            seconds, results[name] = timed(function, *args)
            print(f"  {name}: {seconds:.0f} s", file=sys.stderr, flush=True)

        step("extraction", extraction, corpora[sizes[0]])
        step("spacy_processes", spacy_processes, corpora[sizes[len(sizes) // 2]])
        step("builds", builds, corpora, work)
        step("store", store, work / f"store-{sizes[-1]}", work / f"store-{sizes[len(sizes) // 2]}", work,
             arguments.rdflib_seconds)
        step("analysis", analysis_and_view, work)
        command = "python bench/run.py" + ("" if arguments.sizes == ",".join(map(str, SIZES)) else f" --sizes {arguments.sizes}")
        text = report(results, command)
        print(text)
        if arguments.write:
            arguments.write.write_text(text, encoding="utf-8")
        print(f"(all benchmarks: {time.perf_counter() - started:.0f} s)", file=sys.stderr)
    finally:
        if not arguments.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
