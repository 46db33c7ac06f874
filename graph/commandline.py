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
        """An argument parser with one subparser per command."""
        main_parser = argparse.ArgumentParser(prog=self.prog, description=self.description)
        subparsers = main_parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
        for command in self._commands.values():
            sub = subparsers.add_parser(
                command.name, help=command.help, description=f"{command.help}.\n\nExample: {command.example}",
                formatter_class=argparse.RawDescriptionHelpFormatter)
            sub.set_defaults(handler=command.handler)
            if self.common:
                self.common(sub)
            for names, settings in command.options:
                sub.add_argument(*names, **settings)
        return main_parser
