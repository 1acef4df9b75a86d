"""One event, one server: an OS-level lock on a file beside the event database.

Two servers on one database would both append to the journal (sequence collisions, "database is
locked", boards disagreeing). `acquire()` takes an exclusive `flock` on `<database>.lock` and writes
the holder's pid and port into it; a second server finds the lock taken and reads who holds it. The
kernel drops the lock when the holding process dies, however it dies (SIGKILL, power loss of the
process), so a stale file never blocks a restart: the next server takes the lock and rewrites it.
The file itself is left in place (removing it would race with a server that is opening it).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # Windows: no advisory locks here; serving still works, unguarded
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Holder:
    pid: int | None
    port: int | None

    def describe(self) -> str:
        pid = self.pid if self.pid is not None else "?"
        port = self.port if self.port is not None else "?"
        return f"pid {pid}, port {port}"


class ServerRunning(Exception):
    """Another process serves this database."""

    def __init__(self, db: str | Path, holder: Holder) -> None:
        super().__init__(
            f"{db} is already being served by another Roadshow ({holder.describe()}); "
            "stop that server first, or serve a copy (roadshow backup)"
        )
        self.holder = holder


def lock_path(db: str | Path) -> Path:
    """`<database>.lock`, from the resolved path, so every spelling of one database finds one lock."""
    resolved = Path(db).resolve()
    return resolved.with_name(resolved.name + ".lock")


def _read_holder(handle: IO[str]) -> Holder:
    handle.seek(0)
    try:
        data = json.loads(handle.read(4096) or "{}")
    except ValueError:
        data = {}
    pid, port = data.get("pid"), data.get("port")
    return Holder(pid if isinstance(pid, int) else None, port if isinstance(port, int) else None)


class ServerLock:
    """Held for the serving process's lifetime (the open file keeps the lock)."""

    def __init__(self, handle: IO[str] | None) -> None:
        self._handle = handle

    @classmethod
    def acquire(cls, db: str | Path, port: int) -> ServerLock:
        """Take the lock or raise ServerRunning naming the holder."""
        if fcntl is None:
            return cls(None)
        path = lock_path(db)
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - kept open while serving
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(handle)
            handle.close()
            raise ServerRunning(db, holder) from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "port": port, "database": str(Path(db).resolve())}))
        handle.flush()
        return cls(handle)

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # closing the file drops the flock
            self._handle = None


def holder(db: str | Path) -> Holder | None:
    """Who serves `db` right now, or None. Creates nothing."""
    if fcntl is None:
        return None
    try:
        handle = open(lock_path(db), encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError:  # no lock file: never served
        return None
    with handle:
        try:
            # A shared lock is refused only while a server holds the exclusive one.
            fcntl.flock(handle.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(handle)
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        return None
