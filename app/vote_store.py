"""The audience's votes on disk (schema 006): appended in batches, each batch anchored in the journal.

A batch is one transaction: its vote rows, and one journal row `votes_committed` {first, last, count,
sha256} whose hash joins the chain. `check_vote_batches` (run by `Store.verify`, so by `roadshow
verify` and at start-up) recomputes every batch's digest, so a vote changed, added or removed outside
Roadshow is found like a changed journal row (docs/reliability.md). One transaction and one fsync
for many votes is what lets ten thousand phones vote at once (app/vote_intake.py).
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from .store import Store

VOTE_COLUMNS = "seq, voter, vote_id, key, choice, ticket, address, at"
VOTE_INSERT = f"INSERT INTO votes ({VOTE_COLUMNS}, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
BATCH_KIND = "votes_committed"
AUDIENCE_ACTOR = "audience"
TICKET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: typed from a paper slip
TICKET_LENGTH = 8  # 32^8 = 2^40 codes: guessing one of 10,000 printed takes ~10^8 tries (rate-limited)


@dataclass(frozen=True, slots=True)
class VoteRow:
    voter: str
    vote_id: str
    key: str
    choice: str | int
    ticket: str | None
    address: str
    at: float
    seq: int = 0

    def as_tuple(self) -> tuple[Any, ...]:
        return (
            self.seq,
            self.voter,
            self.vote_id,
            self.key,
            orjson.dumps(self.choice).decode(),
            self.ticket,
            self.address,
            self.at,
        )


def batch_digest(rows: list[tuple[Any, ...]]) -> str:
    """SHA-256 of a batch's rows as stored (VOTE_COLUMNS, in seq order), as one JSON array."""
    return hashlib.sha256(orjson.dumps([list(r) for r in rows])).hexdigest()


class VoteStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._last = 0  # the last vote seq on disk

    async def load(self) -> list[VoteRow]:
        """Every vote, in commit order."""
        async with self.store.connection.execute(f"SELECT {VOTE_COLUMNS} FROM votes ORDER BY seq") as cur:
            rows = [
                VoteRow(
                    r["voter"],
                    r["vote_id"],
                    r["key"],
                    orjson.loads(r["choice"]),
                    r["ticket"],
                    r["address"],
                    r["at"],
                    r["seq"],
                )
                for r in await cur.fetchall()
            ]
        self._last = rows[-1].seq if rows else 0
        return rows

    async def commit(
        self, rows: list[VoteRow], at: float, keep: Callable[[VoteRow], bool]
    ) -> tuple[list[VoteRow], list[VoteRow]]:
        """Store the `rows` that `keep` accepts (ids not seen before: the intake checks) and their
        anchor in one transaction, in one trip to the writer thread (Store.write_batch); (stored with
        their seq, refused). `keep` runs once the writer is held, so nothing journalled can come
        between its answer and the commit (the window's close)."""
        refused: list[VoteRow] = []
        stored: list[VoteRow] = []

        def prepare(batch: int) -> tuple[str, list[tuple[Any, ...]], dict[str, Any]] | None:
            kept: list[VoteRow] = []
            for r in rows:
                (kept if keep(r) else refused).append(r)
            if not kept:
                return None
            first = self._last + 1
            stored.extend(
                VoteRow(r.voter, r.vote_id, r.key, r.choice, r.ticket, r.address, r.at, first + i)
                for i, r in enumerate(kept)
            )
            values = [r.as_tuple() for r in stored]
            data = {"first": first, "last": stored[-1].seq, "count": len(stored), "sha256": batch_digest(values)}
            return VOTE_INSERT, [(*v, batch) for v in values], data

        if await self.store.write_batch(prepare, AUDIENCE_ACTOR, BATCH_KIND, at) is None:
            return [], refused
        self._last = stored[-1].seq
        return stored, refused

    # ------------------------------------------------------------------ tickets
    async def tickets(self) -> list[str]:
        async with self.store.connection.execute("SELECT code FROM vote_tickets ORDER BY issued_at, rowid") as cur:
            return [str(r["code"]) for r in await cur.fetchall()]

    async def issue_tickets(self, count: int) -> list[str]:
        """`count` new one-time codes, journalled as their number and digest (not the codes)."""
        existing = set(await self.tickets())
        codes: list[str] = []
        while len(codes) < count:
            code = "".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH))
            if code not in existing:
                existing.add(code)
                codes.append(code)
        now = time.time()
        async with self.store.transaction() as conn:
            await conn.executemany(
                "INSERT INTO vote_tickets (code, issued_at) VALUES (?, ?)", [(c, now) for c in codes]
            )
            digest = hashlib.sha256("\n".join(codes).encode()).hexdigest()
            await self.store.append_in_transaction(
                "host", "vote_tickets_issued", {"count": count, "sha256": digest}, now
            )
        return codes


def check_vote_batches(conn: sqlite3.Connection) -> tuple[int | None, str] | None:
    """(journal seq or None, reason) for the first vote batch that does not match its anchor; None
    when every vote is in a batch whose digest checks out (or the database has no votes table).
    Synchronous, on its own read-only connection: `roadshow verify` (app/chain_check.py) and
    `Store.verify` (in a worker thread) both call it."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'votes'").fetchone() is None:
        return None
    # One read transaction: the batches and the votes as of one commit, while the event goes on.
    in_transaction = conn.in_transaction
    if not in_transaction:
        conn.execute("BEGIN")
    try:
        return _first_bad_batch(conn)
    finally:
        if not in_transaction:
            conn.execute("ROLLBACK")


def _first_bad_batch(conn: sqlite3.Connection) -> tuple[int | None, str] | None:
    anchored = 0
    batches = conn.execute("SELECT seq, data FROM journal WHERE kind = ? ORDER BY seq", (BATCH_KIND,)).fetchall()
    for seq, text in batches:
        data = orjson.loads(text)
        rows = conn.execute(
            f"SELECT {VOTE_COLUMNS}, batch FROM votes WHERE seq BETWEEN ? AND ? ORDER BY seq",
            (data["first"], data["last"]),
        ).fetchall()
        rows = [tuple(r) for r in rows]
        if (
            len(rows) != data["count"]
            or any(r[-1] != seq for r in rows)
            or batch_digest([r[:-1] for r in rows]) != data["sha256"]
        ):
            return (
                seq,
                f"the votes of batch row {seq} (votes {data['first']}-{data['last']}) differ from what it recorded",
            )
        anchored += len(rows)
    total = int(conn.execute("SELECT COUNT(*) FROM votes").fetchone()[0])
    if total != anchored:
        return None, f"{total - anchored} vote rows are in no recorded batch"
    return None


def check_vote_batches_at(path: str) -> tuple[int | None, str] | None:
    """check_vote_batches on a read-only connection of its own to the database file at `path`."""
    if path == ":memory:" or not Path(path).is_file():
        return None  # another connection could not see an in-memory database's votes (tests only)
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return check_vote_batches(conn)
    finally:
        conn.close()
