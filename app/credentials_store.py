"""The judges' credentials and the PIN sign-in's attempt buckets, in the Store's database (tables
`judge_tokens`, `signin_attempts`): a mixin of Store (app/store.py) sharing its connection and writer
lock."""

from __future__ import annotations

import asyncio
import secrets
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import aiosqlite


def new_pin() -> str:
    """A 6-digit PIN: short enough to type, safe only because attempts are limited per client address
    and per (address, judge number), across restarts (app/signin.py)."""
    return f"{secrets.randbelow(10**6):06d}"


def new_token() -> str:
    """An unguessable judge token: 128 bits from the OS's CSPRNG, URL-safe."""
    return secrets.token_urlsafe(16)


class CredentialsTables:
    """A mixin of Store (app/store.py): it shares the Store's connection and writer lock."""

    _conn: aiosqlite.Connection
    _write_lock: asyncio.Lock

    # ---------------------------------------------------------------- judges
    async def judge_tokens(self) -> dict[str, str]:
        async with self._conn.execute("SELECT judge, token FROM judge_tokens") as cur:
            return {str(r["judge"]): str(r["token"]) for r in await cur.fetchall()}

    async def ensure_judge_tokens(self, judge_ids: list[str]) -> dict[str, str]:
        """Issue tokens for judges that have none (a judge added to the event later)."""
        existing = await self.judge_tokens()
        missing = [j for j in judge_ids if j not in existing]
        if missing:
            now = time.time()
            async with self._write_lock:
                await self._conn.executemany(
                    "INSERT INTO judge_tokens (judge, token, issued_at) VALUES (?, ?, ?)",
                    [(j, new_token(), now) for j in missing],
                )
        return await self.judge_tokens()

    async def drop_judge_tokens(self, keep: list[str]) -> list[str]:
        """Delete the token and PIN of every judge not in `keep` (removed from the event); returns who.
        A judge added later under the same id is issued a new token and PIN (ensure_judge_tokens)."""
        existing = await self.judge_tokens()
        gone = [j for j in existing if j not in set(keep)]
        if gone:
            async with self._write_lock:
                await self._conn.executemany("DELETE FROM judge_tokens WHERE judge = ?", [(j,) for j in gone])
        return gone

    async def reissue_token(self, judge: str) -> tuple[str, str]:
        """Revoke a judge's link and PIN by issuing new ones; returns (token, pin)."""
        token, pin = new_token(), new_pin()
        async with self._write_lock:
            await self._conn.execute(
                "UPDATE judge_tokens SET token = ?, pin = ?, issued_at = ? WHERE judge = ?",
                (token, pin, time.time(), judge),
            )
        return token, pin

    async def judge_pins(self) -> dict[str, str]:
        """Every judge's PIN, issuing one to judges that have none yet."""
        async with self._conn.execute("SELECT judge, pin FROM judge_tokens") as cur:
            rows = {str(r["judge"]): r["pin"] for r in await cur.fetchall()}
        missing = [j for j, pin in rows.items() if not pin]
        if missing:
            async with self._write_lock:
                for judge in missing:
                    rows[judge] = new_pin()
                    await self._conn.execute("UPDATE judge_tokens SET pin = ? WHERE judge = ?", (rows[judge], judge))
        return {j: str(p) for j, p in rows.items()}

    # ---------------------------------------------------------------- sign-in attempts
    async def signin_attempts(self) -> list[tuple[str, float, float]]:
        """Every saved PIN-attempt bucket: (key, tokens left, when last updated)."""
        async with self._conn.execute("SELECT key, tokens, updated FROM signin_attempts") as cur:
            return [(str(r["key"]), float(r["tokens"]), float(r["updated"])) for r in await cur.fetchall()]

    async def save_signin_attempts(self, buckets: list[tuple[str, float, float]], older_than: float) -> None:
        """Save buckets (key, tokens, updated) and drop the ones not touched since `older_than`."""
        async with self._write_lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                await self._conn.executemany(
                    "INSERT INTO signin_attempts (key, tokens, updated) VALUES (?, ?, ?) ON CONFLICT(key)"
                    " DO UPDATE SET tokens = excluded.tokens, updated = excluded.updated",
                    buckets,
                )
                await self._conn.execute("DELETE FROM signin_attempts WHERE updated < ?", (older_than,))
                await self._conn.execute("COMMIT")
            except BaseException:
                await self._conn.execute("ROLLBACK")
                raise
