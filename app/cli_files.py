"""Checks on the files named on the command line, so a wrong argument gets one clear line.

A directory, a missing file or a file of the wrong kind is reported before anything is opened or
created (`roadshow password missing.db` must not leave an empty database behind), and
`main()` (app/cli.py) prints a CliError as `error: …` with exit code 2, never a traceback.
"""

from __future__ import annotations

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
    return p


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
