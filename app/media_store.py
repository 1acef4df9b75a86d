"""The pictures table (app/schema/007_media.sql) of the Store: one row per slot, written together
with the journal row that records it (media_set / media_removed), in one transaction."""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiosqlite

    from .media import Picture
    from .store import JournalEntry


class MediaTable:
    """A mixin of Store (app/store.py): it shares the Store's connection and writer lock."""

    _conn: aiosqlite.Connection
    _write_lock: asyncio.Lock
    _last_seq: int
    _last_hash: str

    async def _append_unlocked(self, *args: Any, **kw: Any) -> JournalEntry:  # Store's
        raise NotImplementedError

    async def get_media(self, slot: str) -> tuple[str, str, bytes] | None:
        """(mime, sha256, data) of the picture in `slot`, or None."""
        async with self._conn.execute("SELECT mime, sha256, data FROM media WHERE slot = ?", (slot,)) as cur:
            row = await cur.fetchone()
        return (str(row["mime"]), str(row["sha256"]), bytes(row["data"])) if row else None

    async def all_media(self) -> dict[str, Picture]:
        """slot -> every stored picture whose bytes still match their digest (a copied event takes
        them: app/season/creating.py); the digests are checked in a worker thread."""
        async with self._conn.execute("SELECT slot, mime, width, height, sha256, data FROM media") as cur:
            rows = [tuple(row) for row in await cur.fetchall()]
        return await asyncio.to_thread(_intact_pictures, rows)

    async def media_digests(self) -> dict[str, str]:
        """slot -> sha256 of every stored picture."""
        async with self._conn.execute("SELECT slot, sha256 FROM media") as cur:
            return {str(r["slot"]): str(r["sha256"]) for r in await cur.fetchall()}

    async def set_media(
        self, slot: str, picture: Picture | None, actor: str, connection: str | None, data: dict[str, Any]
    ) -> JournalEntry:
        """Store (or with None remove) the picture of `slot` and journal it, atomically."""
        async with self._write_lock:
            seq, head = self._last_seq, self._last_hash
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                if picture is None:
                    await self._conn.execute("DELETE FROM media WHERE slot = ?", (slot,))
                else:
                    await self._conn.execute(
                        "INSERT INTO media (slot, mime, width, height, sha256, data, at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT(slot) DO UPDATE SET mime = excluded.mime, width = excluded.width,"
                        " height = excluded.height, sha256 = excluded.sha256, data = excluded.data, at = excluded.at",
                        (slot, picture.mime, picture.width, picture.height, picture.sha256, picture.data, time.time()),
                    )
                kind = "media_removed" if picture is None else "media_set"
                entry = await self._append_unlocked(actor, kind, data, None, connection)
                await self._conn.execute("COMMIT")
            except BaseException:
                await self._conn.execute("ROLLBACK")
                self._last_seq, self._last_hash = seq, head  # the journal row was rolled back with it
                raise
            return entry


def _intact_pictures(rows: list[tuple[Any, ...]]) -> dict[str, Picture]:
    """(slot, mime, width, height, sha256, data) rows -> the pictures whose data matches its digest."""
    from .media import Picture

    pictures = {}
    for slot, mime, width, height, sha256, data in rows:
        if hashlib.sha256(bytes(data)).hexdigest() == sha256:
            pictures[str(slot)] = Picture(str(mime), int(width), int(height), bytes(data), str(sha256))
    return pictures
