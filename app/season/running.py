"""Each event of a season folder as its own running app: create_app with its own Settings (prefix
/e/<slug>, its own session cookie, secret, backups) and its own lifespan (Store, Hub, audit chain,
background tasks), behind the per-database server lock (app/serverlock.py).

Every event is started when the server starts (and a new one when it is created), not on its first
request: a broken database is listed at once, the first judge of the day does not wait for a journal
to be replayed, and the open-files limit is checked up front. The cost per idle event, measured in
docs/performance.md ("Several events in one folder"): one SQLite connection and its thread, 5 file
descriptors (the database, its WAL and shared memory, the lock file, the connection's own) and about
4 MiB for the demo's state, measured by bench/season_cost.py.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import sqlite3
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from ..assets import StaticAssets
from ..config import Settings
from ..eventfile import EventFileError
from ..live import LiveEvent
from ..serverlock import ServerLock, ServerRunning
from ..setup import prepare, read_event_source
from .folder import FolderEntry

log = logging.getLogger("roadshow.season")


@dataclass(slots=True)
class RunningEvent:
    slug: str
    db: Path
    app: Starlette
    settings: Settings
    lock: ServerLock
    stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)

    @property
    def live(self) -> LiveEvent:
        live: LiveEvent = self.app.state.live
        return live


@dataclass(frozen=True, slots=True)
class BrokenEvent:
    slug: str
    file: str
    error: str
    error_zh: str = ""


def event_settings(base: Settings, slug: str, db: Path, secret: str) -> Settings:
    """One event's settings in the season: the folder server's, with the event's own prefix, cookie,
    secret and database."""
    return replace(
        base,
        db_path=str(db),
        secret=secret,
        url_prefix=f"/e/{slug}",
        host_login_key=secrets.token_urlsafe(24),  # each event's own (the event list hands it over)
        session_cookie=f"roadshow_{slug.replace('-', '_')}",
    )


async def start_event(entry: FolderEntry, base: Settings, assets: StaticAssets, folder: Path) -> RunningEvent:
    """Lock, prepare (creating the database from an event file if needed) and start one event.
    Raises StartFailed with the message the event list shows."""
    from ..web import create_app  # the web layer is above this one only at run time

    port = base.port or 0
    try:  # a broken event file is reported before any file (lock, database) is made for it
        text = read_event_source(entry.source) if entry.source is not None else None
    except EventFileError as exc:
        raise StartFailed(exc.report("en"), exc.report("zh")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StartFailed(f"{entry.source}: {exc}") from None
    try:
        lock = ServerLock.acquire(entry.db, port)
    except ServerRunning as exc:
        raise StartFailed(str(exc)) from None
    try:
        prepared = await prepare(entry.db, text, base_dir=folder)
        settings = event_settings(base, entry.slug, entry.db, prepared.secret)
        app = create_app(settings, assets=assets)
        running = RunningEvent(entry.slug, entry.db, app, settings, lock)
        await running.stack.enter_async_context(app.router.lifespan_context(app))
    except EventFileError as exc:
        lock.release()
        raise StartFailed(exc.report("en"), exc.report("zh")) from None
    except (OSError, sqlite3.Error, RuntimeError, ValueError) as exc:
        lock.release()
        raise StartFailed(f"{entry.db.name}: {type(exc).__name__}: {exc}") from None
    return running


async def stop_event(running: RunningEvent) -> None:
    try:
        await running.stack.aclose()
    except Exception:  # one event's shutdown must not keep the others open
        log.exception("stopping %s failed", running.slug)
    finally:
        running.lock.release()


class StartFailed(Exception):
    """An event of the folder could not be started; the message is listed with it (and, for an event
    file, the same problems in Chinese: `roadshow check --lang zh`)."""

    def __init__(self, message: str, message_zh: str = "") -> None:
        super().__init__(message)
        self.message_zh = message_zh


def describe(running: RunningEvent) -> dict[str, Any]:
    """What the event list shows of a running event: title, date, round, state."""
    live = running.live
    event = live.event
    state = live.state
    scored = bool(state.sheets)
    finished = state.ceremony is not None
    status = "archived" if live.archived else "finished" if finished else "live" if scored else "draft"
    return {
        "slug": running.slug,
        "file": running.db.name,
        "title": event.title,
        "date": getattr(event, "date", "") or "",
        "round": _round_name(event),
        "status": status,
        "archived": live.archived,
        "finished": finished or live.archived,
        "projects": len(event.projects),
        "judges": len(event.judges),
    }


def _round_name(event: Any) -> str:
    """The round's name when the event is a round of a competition (app/rounds.py, `[round]`)."""
    round_info = getattr(event, "round", None)
    name = getattr(round_info, "name", None) if round_info is not None else None
    return str(name) if name else ""
