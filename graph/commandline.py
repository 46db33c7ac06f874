"""Commands registered with their options beside their handlers (sqlite-utils' habit, on argparse).

A command is a handler decorated once with its name, help and example, and once per option:

>>> commands = Commands(prog="demo", description="A demonstration.")
>>> @commands.command("greet", "say hello", example="demo greet World")
... @option("who", help="whom to greet")
... @option("--loud", action="store_true", help="in capitals")
... def greet(args):
...     print(("hello " + args.who).upper() if args.loud else "hello " + args.who)
...     return 0
>>> args = commands.parser().parse_args(["greet", "World", "--loud"])
>>> args.handler(args)
HELLO WORLD
0
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

__all__ = ["Command", "Commands", "option"]

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    """One subcommand: what runs, what it says about itself, and its options in the order shown."""

    name: str
    handler: Handler
    help: str
    example: str
    options: tuple[tuple[tuple[str, ...], dict], ...]


def option(*names: str, **settings) -> Callable[[Handler], Handler]:
    """Declare one argument of the command below, with ``argparse.add_argument``'s parameters."""
    def declare(handler: Handler) -> Handler:
        # Decorators apply bottom-up; keep them in reading order (top to bottom).
        handler.__dict__.setdefault("options", []).insert(0, (names, settings))
        return handler
    return declare


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose errors suggest the closest flag or choice ("did you mean")."""

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}{self._suggestion(message)}\n")

    def _suggestion(self, message: str) -> str:
        unknown = re.match(r"unrecognized arguments: (\S+)", message)
        if unknown and unknown.group(1).startswith("-"):
            flag = unknown.group(1).split("=", 1)[0]
            known = [name for action in self._actions for name in action.option_strings if name.startswith("--")]
            close = difflib.get_close_matches(flag, known, n=1, cutoff=0.75)
            if close:
                return f"; did you mean {close[0]}?"
            owners = [name for name, flags in getattr(self, "flags_of", {}).items() if flag in flags]
            return f" ({flag} is an option of {' and '.join(owners)})" if owners else ""
        choice = re.match(r"argument \S+: invalid choice: '(.*?)' \(choose from (.*)\)$", message)
        if choice:
            options = re.findall(r"'([^']*)'", choice.group(2))
            close = difflib.get_close_matches(choice.group(1), options, n=1, cutoff=0.6)
            return f"; did you mean {close[0]}?" if close else ""
        return ""


class Commands(Mapping):
    """The registry of one program's subcommands, by name, in the order they were registered."""

    def __init__(self, *, prog: str, description: str,
                 common: Callable[[argparse.ArgumentParser], None] | None = None) -> None:
        self.prog = prog
        self.description = description
        self.common = common
        self._commands: dict[str, Command] = {}

    def command(self, name: str, help: str, *, example: str) -> Callable[[Handler], Handler]:
        """Register the decorated handler as the subcommand ``name``."""
        def register(handler: Handler) -> Handler:
            options = tuple(handler.__dict__.get("options", ()))
            self._commands[name] = Command(name, handler, help, example, options)
            return handler
        return register

    def __getitem__(self, name: str) -> Command:
        return self._commands[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._commands)

    def __len__(self) -> int:
        return len(self._commands)

    def parser(self) -> argparse.ArgumentParser:
        """An argument parser with one subparser per command (``subcommands`` maps names to them)."""
        main_parser = _Parser(prog=self.prog, description=self.description)
        main_parser.subcommands = {}
        subparsers = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                                parser_class=_Parser)
        for command in self._commands.values():
            sub = subparsers.add_parser(
                command.name, help=command.help, description=f"{command.help}.\n\nExample: {command.example}",
                formatter_class=argparse.RawDescriptionHelpFormatter)
            main_parser.subcommands[command.name] = sub
            sub.set_defaults(handler=command.handler)
            if self.common:
                self.common(sub)
            for names, settings in command.options:
                sub.add_argument(*names, **settings)
        flags_of = {name: {flag for action in sub._actions for flag in action.option_strings}
                    for name, sub in main_parser.subcommands.items()}
        for sub in main_parser.subcommands.values():
            sub.flags_of = flags_of
        return main_parser

    def parse(self, argv: list[str] | None = None) -> argparse.Namespace:
        """The parsed arguments; on a usage error, the usage of the command it concerns and exit status 2.

        argparse itself reports a subcommand's unknown flag with the program's usage, not the
        subcommand's, and suggests nothing; here the subcommand says it.
        """
        main_parser = self.parser()
        args, unknown = main_parser.parse_known_args(argv)
        if unknown:
            main_parser.subcommands[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
        return args
