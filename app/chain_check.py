"""Check an event database's audit chain from outside the running server: `roadshow verify` and the
host's verify endpoint (in a worker thread). Read-only: a verification never writes, migrates or
repairs anything, so it can be run on the event laptop's database or on a copy of it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .audit_chain import JOURNAL_COLUMNS, Anchor, ChainVerifier, Verdict
from .vote_store import check_vote_batches


class NotAnEventDatabase(ValueError):
    pass


def verify_database(path: str | Path, anchor: Anchor | None = None) -> Verdict:
    """Verify the journal of the database at `path` (and, if given, against `anchor`)."""
    db = Path(path)
    if not db.is_file():
        raise FileNotFoundError(f"{db} does not exist")
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.row_factory = sqlite3.Row
        try:
            columns = {str(r["name"]) for r in conn.execute("PRAGMA table_info(journal)")}
            meta = conn.execute("SELECT value FROM meta WHERE key = 'event_toml'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise NotAnEventDatabase(f"{db} is not a Roadshow event database ({exc})") from exc
        if not columns:
            raise NotAnEventDatabase(f"{db} is not a Roadshow event database (no journal)")
        # A database from before schema 004 has no rule column: all its rows are rule 1.
        select = JOURNAL_COLUMNS if "rule" in columns else JOURNAL_COLUMNS.replace(", rule", ", 1 AS rule")
        checker = ChainVerifier()
        if anchor is not None:
            checker.watch(anchor.length)
        checker.feed_all(conn.execute(f"SELECT {select} FROM journal ORDER BY seq"))
        verdict = checker.finish(None if meta is None else str(meta["value"]), anchor)
        if verdict.ok:  # the audience's votes, anchored in the journal by batch (schema 006)
            conn.row_factory = None
            problem = check_vote_batches(conn)
            if problem is not None:
                verdict.ok, verdict.first_bad_seq, verdict.reason = False, problem[0], problem[1]
        return verdict
    finally:
        conn.close()
