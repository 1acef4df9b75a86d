"""SQLite storage: numbered migrations, the append-only hash-chained journal, judge tokens, backups.

One connection, one writer: every write goes through `_write_lock`, so coroutines never interleave
inside each other's transactions. WAL with synchronous=FULL: a journal row is on disk before
`append()` returns, which is what lets the live layer acknowledge a score as safe.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite
import orjson

from . import gil_handoff
from .audit_chain import (
    CHAIN_RULE,
    DEFINITION_KINDS,
    GENESIS_HASH,
    JOURNAL_COLUMNS,
    Anchor,
    ChainVerifier,
    Verdict,
    definition_digest,
    entry_hash,
)
from .credentials_store import CredentialsTables, new_token
from .media_store import MediaTable
from .vote_store import check_vote_batches_at  # the votes' own table, anchored in the journal (006)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    seq: int
    at: float
    actor: str
    kind: str
    data: dict[str, Any]
    command_id: str | None
    connection: str | None
    prev_hash: str
    hash: str


def anchor_of(entries: list[JournalEntry]) -> Anchor:
    """The anchor at the end of `entries` (the whole journal as read): what an export made from
    them carries, so it names exactly the rows it was made from."""
    return Anchor.of(entries[-1].seq, entries[-1].hash) if entries else Anchor.of(0, GENESIS_HASH)


# Store.write_batch's `prepare(seq)`: (INSERT statement, its rows, the anchor's data), or None
PrepareBatch = Callable[[int], tuple[str, list[tuple[Any, ...]], dict[str, Any]] | None]
JOURNAL_INSERT = f"INSERT INTO journal ({JOURNAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def _write_batch_in_thread(
    conn: sqlite3.Connection, sql: str, rows: list[tuple[Any, ...]], journal_row: tuple[Any, ...]
) -> None:
    """Store.write_batch's transaction, on the SQLite thread: all or nothing."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany(sql, rows)
        conn.execute(JOURNAL_INSERT, journal_row)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


class StoreError(RuntimeError):
    pass


class ChainError(StoreError):
    """The journal's hash chain does not verify: a row was changed or removed outside Roadshow."""


def _migrations() -> list[tuple[int, str]]:
    found = []
    for item in resources.files("app.schema").iterdir():
        name = item.name
        if name.endswith(".sql") and name[:3].isdigit():
            found.append((int(name[:3]), item.read_text(encoding="utf-8")))
    return sorted(found)


async def _refuse_foreign(conn: aiosqlite.Connection, path: str | Path) -> None:
    """Another program's database (tables, none of them our journal): adding our tables to it, or
    switching it to WAL, would change a file that is not ours."""
    async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
        tables = [str(row[0]) for row in await cur.fetchall()]
    if tables and "journal" not in tables:
        raise StoreError(f"{path} is another program's SQLite database, not a Roadshow event")


WAL_RESERVE_BYTES = 4 * 1024 * 1024  # Store.reserve_wal: about 1,000 pages, one automatic checkpoint


class Store(CredentialsTables, MediaTable):
    """Use `async with Store.open(path) as store:`; the connection closes on exit. Judges' tokens and
    PINs, sign-in attempts: CredentialsTables (app/credentials_store.py); pictures: MediaTable
    (app/media_store.py)."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._write_lock = asyncio.Lock()
        self._last_seq = 0
        self._last_hash = GENESIS_HASH

    @classmethod
    @asynccontextmanager
    async def open(cls, path: str | Path) -> AsyncIterator[Store]:
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            await _refuse_foreign(conn, path)  # before WAL mode changes the file's header
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA synchronous=FULL")
            await conn.execute("PRAGMA foreign_keys=ON")
            await conn.execute("PRAGMA busy_timeout=5000")
            store = cls(conn, str(path))
            await store._migrate()
            await store._load_tail()
            await store._record_definition()
            yield store
        finally:
            await conn.close()

    async def _migrate(self) -> None:
        async with self._conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        version = int(row[0]) if row else 0
        for number, sql in _migrations():
            if number <= version:
                continue
            # executescript commits on its own; user_version is set inside the same script so a
            # crash between the two cannot leave a half-applied migration marked as done.
            await self._conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version={number};\nCOMMIT;")

    async def _load_tail(self) -> None:
        self._last_seq, self._last_hash = 0, GENESIS_HASH
        async with self._conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1") as cur:
            row = await cur.fetchone()
        if row:
            self._last_seq, self._last_hash = int(row["seq"]), str(row["hash"])

    async def _record_definition(self) -> None:
        """A database from before chain rule 2 has its event definition outside the chain: record the
        definition it holds now, once, so later changes to it are detected (docs/reliability.md)."""
        source = await self.get_meta("event_toml")
        if source is None:
            return
        kinds = ", ".join(f"'{k}'" for k in sorted(DEFINITION_KINDS))
        async with self._conn.execute(f"SELECT 1 FROM journal WHERE kind IN ({kinds}) LIMIT 1") as cur:
            if await cur.fetchone() is not None:
                return
        await self.append("system", "event_defined", {"sha256": definition_digest(source), "recorded": "upgrade"})

    async def reserve_wal(self, size: int = WAL_RESERVE_BYTES) -> None:
        """Grow the write-ahead log to its working size before the event, not during it.

        A fresh log grows with every commit, and the fsync of a commit that grows the file must also
        flush its new size (a second, metadata write on most file systems). One large row written and
        deleted, then a checkpoint, leaves a log file of about 2 x `size` that SQLite reuses from its
        start; `size` is about one automatic checkpoint's worth (1,000 pages), so the log stays within
        it. On this machine it takes a judge's commit from 0.49 to 0.33 ms (p50; docs/performance.md).
        The journal is not touched."""
        async with self._write_lock:
            await self._conn.execute("INSERT INTO wal_reserve (b) VALUES (zeroblob(?))", (size,))
            await self._conn.execute("DELETE FROM wal_reserve")
            await self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    # ---------------------------------------------------------------- meta
    async def get_meta(self, key: str) -> str | None:
        async with self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return None if row is None else str(row["value"])

    async def set_meta(self, key: str, value: str) -> None:
        async with self._write_lock:
            await self._conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    async def has_event(self) -> bool:
        return await self.get_meta("event_toml") is not None

    async def create_event(self, event_toml: str, judge_ids: list[str], extra_meta: dict[str, str]) -> dict[str, str]:
        """Store a new event definition and issue each judge a fresh token, in one transaction."""
        tokens = {jid: new_token() for jid in judge_ids}
        now = time.time()
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                if await self._get_meta_unlocked("event_toml") is not None:
                    raise StoreError("this database already holds an event")
                rows = [("event_toml", event_toml), ("created_at", repr(now)), *extra_meta.items()]
                await self._conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", rows)
                await self._conn.executemany(
                    "INSERT INTO judge_tokens (judge, token, issued_at) VALUES (?, ?, ?)",
                    [(jid, tok, now) for jid, tok in tokens.items()],
                )
                defined = {"sha256": definition_digest(event_toml)}
                await self._append_unlocked("system", "event_defined", defined, at=now)
                await self._conn.execute("COMMIT")
            except BaseException:
                await self._conn.execute("ROLLBACK")
                await self._load_tail()
                raise
        return tokens

    async def replace_event(
        self, event_toml: str, actor: str, data: dict[str, Any], connection: str | None = None
    ) -> JournalEntry:
        """Store a new event definition and journal it (its SHA-256 joins `data`) in one transaction,
        so the definition in force is always the one the chain names last."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                await self._conn.execute("UPDATE meta SET value = ? WHERE key = 'event_toml'", (event_toml,))
                entry = await self._append_unlocked(
                    actor, "event_updated", {"sha256": definition_digest(event_toml), **data}, connection=connection
                )
                await self._conn.execute("COMMIT")
            except BaseException:
                await self._conn.execute("ROLLBACK")
                await self._load_tail()
                raise
        return entry

    async def _get_meta_unlocked(self, key: str) -> str | None:
        async with self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return None if row is None else str(row["value"])

    # ---------------------------------------------------------------- other writers (app/vote_store.py)
    @property
    def connection(self) -> aiosqlite.Connection:
        """For reads by the modules that keep their own tables (app/vote_store.py)."""
        return self._conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction on the one writer (BEGIN IMMEDIATE .. COMMIT, rolled back on any
        error); `append_in_transaction` adds journal rows to it. Counted as a write waiting for the
        SQLite thread until it is over (app/gil_handoff.py)."""
        with gil_handoff.waiting_for_a_write():
            async with self._write_lock:
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    await self._conn.execute("COMMIT")
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    await self._load_tail()
                    raise

    @property
    def next_seq(self) -> int:
        """The seq the next journal row will get (inside `transaction`: the row about to be appended)."""
        return self._last_seq + 1

    async def append_in_transaction(self, actor: str, kind: str, data: dict[str, Any], at: float) -> JournalEntry:
        """A journal row inside `transaction()` (the caller holds the writer)."""
        return await self._append_unlocked(actor, kind, data, at=at)

    # ---------------------------------------------------------------- journal
    async def append(
        self,
        actor: str,
        kind: str,
        data: dict[str, Any],
        *,
        command_id: str | None = None,
        connection: str | None = None,
        at: float | None = None,
    ) -> JournalEntry:
        """Append one row, durably. Raises DuplicateCommand if (actor, command_id) was seen. A judge's
        or the host's command waits for this: counted (app/gil_handoff.py) from the moment it waits
        for the writer."""
        with gil_handoff.waiting_for_a_write():
            async with self._write_lock:
                return await self._append_unlocked(actor, kind, data, command_id, connection, at)

    async def _append_unlocked(
        self,
        actor: str,
        kind: str,
        data: dict[str, Any],
        command_id: str | None = None,
        connection: str | None = None,
        at: float | None = None,
    ) -> JournalEntry:
        entry, row = self._next_entry(actor, kind, data, command_id, connection, at)
        try:
            await self._conn.execute(JOURNAL_INSERT, row)
        except sqlite3.IntegrityError as exc:
            if "journal.actor" in str(exc) or "journal_command" in str(exc) or "UNIQUE" in str(exc):
                raise DuplicateCommand(actor, command_id) from exc
            raise
        self._last_seq, self._last_hash = entry.seq, entry.hash
        return entry

    def _next_entry(
        self, actor: str, kind: str, data: dict[str, Any], command: str | None, connection: str | None, at: float | None
    ) -> tuple[JournalEntry, tuple[Any, ...]]:
        """The next journal row (chained to the last one) and its values for JOURNAL_INSERT; the
        tail moves only once the row is written."""
        data_json = orjson.dumps(data).decode()
        seq = self._last_seq + 1
        when = time.time() if at is None else at
        digest = entry_hash(self._last_hash, seq, when, actor, kind, data_json, command, connection, CHAIN_RULE)
        row = (seq, when, actor, kind, data_json, command, connection, self._last_hash, digest, CHAIN_RULE)
        return JournalEntry(seq, when, actor, kind, data, command, connection, self._last_hash, digest), row

    async def write_batch(self, prepare: PrepareBatch, actor: str, kind: str, at: float) -> JournalEntry | None:
        """Many rows and their journal anchor in one transaction and ONE trip to the writer thread
        (app/vote_store.py). `prepare(seq)` runs once the writer is held, with the seq the anchor
        will get; it returns (INSERT statement, its rows, the anchor's data), or None: nothing to write.

        Why one trip: a transaction made of separate awaited statements (BEGIN, INSERT, INSERT,
        COMMIT) holds the writer for four round trips between the event loop and the SQLite thread,
        each waiting for a busy loop and for the GIL; a judge's score waiting for the writer waited
        for all four (docs/performance.md, "Audience vote burst")."""
        with gil_handoff.waiting_for_a_write():  # a vote batch holds the writer a judge may be waiting for
            async with self._write_lock:
                prepared = prepare(self._last_seq + 1)
                if prepared is None:
                    return None
                sql, rows, data = prepared
                entry, journal_row = self._next_entry(actor, kind, data, None, None, at)
                # aiosqlite runs every call on its one thread; `_execute` queues a plain function there
                # (the statements below then run back to back, without returning to the loop in between).
                try:
                    await self._conn._execute(_write_batch_in_thread, self._conn._conn, sql, rows, journal_row)
                except BaseException:
                    # Rolled back; or cancelled (shut-down) while the thread went on and may have committed:
                    # the tail is read again (queued after the batch), as `transaction()` does.
                    await self._load_tail()
                    raise
                self._last_seq, self._last_hash = entry.seq, entry.hash
                return entry

    @property
    def anchor(self) -> Anchor:
        """The chain's head and length now: what printed documents and exports carry."""
        return Anchor.of(self._last_seq, self._last_hash)

    async def journal(self, after: int = 0) -> list[JournalEntry]:
        return await self.journal_page(after=after)

    async def journal_page(self, after: int = 0, limit: int = -1, newest_first: bool = False) -> list[JournalEntry]:
        """Rows with seq > `after` (oldest first), or with seq <= `after` newest first when
        `newest_first` (after = 0: from the newest row); at most `limit` rows (-1: all)."""
        if newest_first:
            where, order, bound = "seq <= ?", "DESC", after if after > 0 else self._last_seq
        else:
            where, order, bound = "seq > ?", "", after
        async with self._conn.execute(
            f"SELECT {JOURNAL_COLUMNS} FROM journal WHERE {where} ORDER BY seq {order} LIMIT ?", (bound, limit)
        ) as cur:
            rows = await cur.fetchall()
        return [
            JournalEntry(
                int(r["seq"]),
                float(r["at"]),
                str(r["actor"]),
                str(r["kind"]),
                orjson.loads(r["data"]),
                r["command_id"],
                r["connection"],
                str(r["prev_hash"]),
                str(r["hash"]),
            )
            for r in rows
        ]

    async def verify(self, anchor: Anchor | None = None) -> Verdict:
        """Check every row's hash and link, the event definition and, if given, an anchor."""
        checker = ChainVerifier()
        if anchor is not None:
            checker.watch(anchor.length)
        async with self._conn.execute(f"SELECT {JOURNAL_COLUMNS} FROM journal ORDER BY seq") as cur:
            async for r in cur:
                if not checker.feed(r):
                    break
        verdict = checker.finish(await self.get_meta("event_toml"), anchor)
        if verdict.ok:
            problem = await asyncio.to_thread(check_vote_batches_at, self.path)
            if problem is not None:
                verdict.ok, verdict.first_bad_seq, verdict.reason = False, problem[0], problem[1]
        return verdict

    async def verify_chain(self) -> int:
        """The number of rows, once they verify; raise ChainError at the first problem."""
        verdict = await self.verify()
        if not verdict.ok:
            raise ChainError(verdict.reason)
        return verdict.length

    async def command_ids(self) -> set[tuple[str, str]]:
        async with self._conn.execute("SELECT actor, command_id FROM journal WHERE command_id IS NOT NULL") as cur:
            return {(str(r["actor"]), str(r["command_id"])) for r in await cur.fetchall()}

    # ---------------------------------------------------------------- maintenance
    async def integrity_check(self) -> str:
        async with self._conn.execute("PRAGMA integrity_check") as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else "no answer"

    async def backup(self, destination: str | Path) -> Path:
        """A consistent copy through SQLite's online backup API (safe while the event runs)."""
        dest = Path(destination)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_suffix(dest.suffix + ".partial")
        async with self._write_lock:
            target = sqlite3.connect(str(tmp))
            try:
                await self._conn.backup(target)
            finally:
                target.close()
        tmp.replace(dest)
        return dest


class DuplicateCommand(StoreError):
    def __init__(self, actor: str, command_id: str | None) -> None:
        super().__init__(f"command {command_id!r} from {actor} was already applied")
        self.actor = actor
        self.command_id = command_id
