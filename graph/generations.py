"""A store folder on disk: generations of the database, switched in one atomic step.

::

    airace-store/
      active -> generation-000003     a symbolic link, replaced by one rename
      generation-000003/              the Oxigraph database that readers open
      generation-000002/              the one before, kept for readers that still hold it
      lock                            held by the one process writing

A build writes a new generation, a copy of the active one that Oxigraph's backup
makes with hard links (so it costs almost nothing), and only once that has been
written and flushed does ``active`` point at it. Killed at any moment, even by
SIGKILL, a build leaves the previous generation active and intact; the next
writer sweeps the half-written one away.

A folder from before generations (the database files in the folder itself) is
read as it is, and becomes ``generation-000001`` on its first write.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp()) / "store"
>>> with new_generation(folder) as path:
...     ox.Store(str(path)).add(ox.Quad(ox.NamedNode("https://example.org/a"),
...         ox.NamedNode("https://example.org/b"), ox.Literal("c")))
>>> database(folder).name, len(ox.Store.read_only(str(database(folder))))
('generation-000001', 1)
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox

__all__ = ["ACTIVE", "GenerationError", "database", "new_generation"]

ACTIVE = "active"
_LOCK = "lock"
_GENERATION = re.compile(r"generation-(\d{6})")
# Names of the files that Oxigraph's RocksDB keeps in a database folder.
_DATABASE_FILE = re.compile(r"\d+\.(?:sst|log|blob)|CURRENT|IDENTITY|LOCK|LOG(?:\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+")


class GenerationError(OSError):
    """A store folder cannot be written now (another writer holds it) or at all."""


def _is_legacy(folder: Path) -> bool:
    return (folder / "CURRENT").is_file() and not (folder / ACTIVE).exists()


def database(folder: Path) -> Path | None:
    """The database folder that readers of ``folder`` open, or None when there is none yet."""
    folder = Path(folder)
    link = folder / ACTIVE
    if link.is_symlink():
        return folder / os.readlink(link)
    if _is_legacy(folder):
        return folder
    return None


def _generations(folder: Path) -> list[tuple[int, Path]]:
    found = []
    for child in folder.iterdir():
        match = _GENERATION.fullmatch(child.name)
        if match and child.is_dir():
            found.append((int(match.group(1)), child))
    return sorted(found)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    # flock is released by the kernel when the process dies, however it dies.
    with open(folder / _LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise GenerationError(f"{folder}: another build or load is writing to this store; "
                                  "wait for it to finish and try again") from None
        yield


def _sweep(folder: Path, active: Path | None) -> None:
    """Remove what killed writers left, and generations older than the one before the active one."""
    for child in folder.iterdir():
        if child.name.startswith(ACTIVE + ".new-"):
            child.unlink(missing_ok=True)
    generations = _generations(folder)
    if active is None or active == folder:
        keep = set()
    else:
        number = int(_GENERATION.fullmatch(active.name).group(1))
        previous = [n for n, _ in generations if n < number]
        keep = {number, max(previous)} if previous else {number}
    for number, path in generations:
        if number not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _switch(folder: Path, target: Path) -> None:
    temporary = folder / f"{ACTIVE}.new-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    os.symlink(target.name, temporary)
    os.replace(temporary, folder / ACTIVE)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _retire_legacy(folder: Path) -> None:
    """Once a generation is active, the database files of a pre-generation folder are unused."""
    for child in folder.iterdir():
        if child.is_file() and _DATABASE_FILE.fullmatch(child.name):
            child.unlink(missing_ok=True)


@contextmanager
def new_generation(folder: Path) -> Iterator[Path]:
    """Yield the folder of a new generation, a copy of the active one; make it active on success.

    When the body raises, the new generation is removed and the active one stays.

    Raises
    ------
    GenerationError
        When another process is writing to ``folder``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder):
        active = database(folder)
        _sweep(folder, active)
        numbers = [number for number, _ in _generations(folder)]
        target = folder / f"generation-{max(numbers, default=0) + 1:06d}"
        if active is not None:
            ox.Store.read_only(str(active)).backup(str(target))
            # The backup copies the database; the files the product keeps beside it follow.
            for extra in active.glob("*.json"):
                shutil.copy2(extra, target / extra.name)
        try:
            yield target
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        if not target.exists():
            ox.Store(str(target)).flush()
        _switch(folder, target)
        if active == folder:
            _retire_legacy(folder)
        _sweep(folder, target)
