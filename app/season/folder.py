"""Which files of a season folder are events, and the slug each is served under (/e/<slug>/).

An event is a database (`NAME.db`) or an event file without a database yet (`NAME.toml`; the database
`NAME.db` is created beside it at start, as `roadshow serve NAME.toml` does). Only the folder's own
files count (not subfolders such as backups/). The slug is the file name without its extension, in
lower case, when that is 1 to MAX_SLUG_LENGTH ASCII letters, digits, "-" or "_"; any other name (初赛.db,
a very long one) gets a stable slug from its name's digest ("e-" and 10 hex digits), so every file
can be served without renaming it. docs/event-file.md, "Folder layout".
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

MAX_SLUG_LENGTH = 40  # docs/security.md
MAX_EVENTS = 50  # events served from one folder; the rest are listed with an error (docs/security.md)
SLUG = re.compile(rf"[a-z0-9][a-z0-9_-]{{0,{MAX_SLUG_LENGTH - 1}}}")
_PLAIN_NAME = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_-]{{0,{MAX_SLUG_LENGTH - 1}}}")
RESERVED = frozenset({"static", "ws", "events", "host", "api"})  # never a slug: reads like a page


@dataclass(frozen=True, slots=True)
class FolderEntry:
    slug: str
    db: Path  # the database (it may not exist yet when `source` is an event file)
    source: Path | None  # an event file to create the database from, or None
    error: str | None = None  # why it cannot be served (listed on the event list)


def slug_for(stem: str) -> str:
    """The slug of a file name without its extension (see the module docstring)."""
    if _PLAIN_NAME.fullmatch(stem) and stem.lower() not in RESERVED:
        return stem.lower()
    return "e-" + hashlib.sha256(stem.encode("utf-8")).hexdigest()[:10]


def valid_slug(text: str) -> bool:
    """A slug typed by the host for a new event: the plain form only."""
    return bool(SLUG.fullmatch(text)) and text not in RESERVED


def scan(folder: Path) -> list[FolderEntry]:
    """The folder's events in file-name order; duplicates and those past MAX_EVENTS carry an error."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in (".db", ".toml"))
    dbs = {p.stem for p in files if p.suffix.lower() == ".db"}
    entries: list[FolderEntry] = []
    seen: dict[str, Path] = {}
    for path in files:
        is_db = path.suffix.lower() == ".db"
        if not is_db and path.stem in dbs:
            continue  # the event file a database was created from: the database is the event
        slug = slug_for(path.stem)
        db = path if is_db else path.with_suffix(".db")
        error = None
        if slug in seen:
            error = f"{path.name}: the same address (/e/{slug}/) as {seen[slug].name}; rename one of them"
        elif sum(1 for e in entries if e.error is None) >= MAX_EVENTS:
            error = f"{path.name}: a folder serves at most {MAX_EVENTS} events; move some to another folder"
        seen.setdefault(slug, path)
        entries.append(FolderEntry(slug, db, None if is_db else path, error))
    return entries
