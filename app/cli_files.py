"""Checks on the files named on the command line, so a wrong argument gets one clear line.

A directory, a missing file or a file of the wrong kind is reported before anything is opened or
created (`roadshow password missing.db` must not leave an empty database behind), and
`main()` (app/cli.py) prints a CliError as `error: …` with exit code 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file


class CliError(Exception):
    """A mistake on the command line: printed as one line, exit code 2."""


def existing_file(path: str | Path, what: str = "file") -> Path:
    """`path` as a Path if it is an existing regular file; CliError otherwise."""
    p = Path(path)
    if p.is_dir():
        raise CliError(f"{p} is a directory, not {what}")
    if not p.exists():
        raise CliError(f"{p} does not exist")
    if not p.is_file():
        raise CliError(f"{p} is not a regular file")
    return p


def event_database(path: str | Path) -> Path:
    """An existing SQLite file (whether it holds an event is checked when it is opened)."""
    p = existing_file(path, "an event database")
    try:
        with p.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise CliError(f"{p} cannot be read: {exc.strerror or exc}") from None
    if header != SQLITE_HEADER:
        raise CliError(f"{p} is not an event database (not an SQLite file)")
    foreign = foreign_tables(p)
    if foreign:
        raise CliError(f"{p} is another program's SQLite database (tables: {', '.join(foreign[:5])}), not an event")
    return p


def foreign_tables(path: Path) -> list[str]:
    """The tables of an SQLite file that is neither empty nor a Roadshow database (no `journal`
    table): Roadshow must not add its tables to another program's database. `immutable` reads the
    main file only and creates no -wal/-shm beside it; a schema still in the WAL reads as empty
    here and is checked again when the store opens (Store._refuse_foreign)."""
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            names = [str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    except sqlite3.Error as exc:
        raise CliError(f"{path} cannot be read as an SQLite database ({exc})") from None
    return [] if not names or "journal" in names else sorted(names)


def new_database_place(path: str | Path) -> Path:
    """Where a database may be created or reopened: not a directory; its folder must exist."""
    p = Path(path)
    if p.is_dir():
        raise CliError(f"{p} is a directory, not an event database")
    if p.exists():
        return event_database(p)
    if not p.parent.is_dir():
        raise CliError(f"{p.parent} does not exist (the folder for {p.name})")
    return p
