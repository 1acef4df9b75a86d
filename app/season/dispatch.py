"""The folder server's ASGI app: /e/<slug>/... to that event's own app (root_path /e/<slug>),
/events... to the host's event list, and every other path (/, /board, /j, /ws/board, /static, /media,
a judge page) to the live event's app on the short URLs, or a "no live event" page.

Switching the live event closes the board sockets that came in on the short URL with CLOSE_RELOAD:
their pages load /board again and show the new live event (static/live.js). Per-event URLs never move.
Archiving or reopening an event closes its host consoles the same way, so they show its new state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any

from starlette.responses import PlainTextResponse, RedirectResponse
from starlette.types import Receive, Scope, Send

from .. import hostcheck
from ..assets import StaticAssets
from ..config import Settings
from ..live_views import BOARD_TOPIC, HOST_TOPIC
from . import host_file
from .folder import scan
from .running import BrokenEvent, RunningEvent, StartFailed, start_event, stop_event

log = logging.getLogger("roadshow.season")

CLOSE_RELOAD = 4300  # static/live.js: load the page again (docs/protocol.md)


class Season:
    """The folder's events: running ones by slug, broken ones with their error, and the live choice."""

    def __init__(self, folder: Path, base: Settings, assets: StaticAssets) -> None:
        self.folder = folder
        self.base = base
        self.assets = assets
        self.running: dict[str, RunningEvent] = {}
        self.broken: list[BrokenEvent] = []
        self.live_slug: str | None = None
        self.changing = asyncio.Lock()  # creating an event: the slug check and the new file in one step

    async def start(self) -> None:
        for entry in scan(self.folder):
            if entry.error is not None:
                self.broken.append(BrokenEvent(entry.slug, (entry.source or entry.db).name, entry.error))
                continue
            try:
                self.running[entry.slug] = await start_event(entry, self.base, self.assets, self.folder)
            except StartFailed as exc:
                log.warning("%s is not served: %s", (entry.source or entry.db).name, exc)
                self.broken.append(BrokenEvent(entry.slug, (entry.source or entry.db).name, str(exc), exc.message_zh))
        chosen = host_file.read_live(self.folder)
        self.live_slug = chosen if chosen in self.running else None

    async def stop(self) -> None:
        for running in list(self.running.values()):
            await stop_event(running)
        self.running.clear()

    async def add(self, running: RunningEvent) -> None:
        self.running[running.slug] = running

    def taken(self) -> set[str]:
        return set(self.running) | {b.slug for b in self.broken}

    @property
    def live(self) -> RunningEvent | None:
        return self.running.get(self.live_slug) if self.live_slug else None

    async def set_live(self, slug: str | None) -> None:
        """Put `slug` on the short URLs (None: none), remember it, and send the short-URL boards of the
        previous live event to the new one."""
        previous = self.live
        host_file.write_live(self.folder, slug)
        self.live_slug = slug
        if previous is not None and previous.slug != slug:
            await close_short_url_boards(previous)


async def reload_host_consoles(running: RunningEvent, why: str) -> None:
    """Close the event's host sockets with CLOSE_RELOAD: an open console loads itself again and shows
    what changed (archived: the read-only banner and its controls refused; reopened: live again)."""
    for subscriber in running.live.hub.subscribers_of(HOST_TOPIC):
        with contextlib.suppress(Exception):
            await subscriber.close(CLOSE_RELOAD, why)


async def close_short_url_boards(running: RunningEvent) -> None:
    """Close the board sockets that came in on the short URL (root_path ""), not /e/<slug>/board."""
    for subscriber in running.live.hub.subscribers_of(BOARD_TOPIC):
        websocket = getattr(subscriber, "websocket", None)
        if websocket is None or websocket.scope.get("root_path", "") != "":
            continue
        with contextlib.suppress(Exception):
            await subscriber.close(CLOSE_RELOAD, "the live event changed")


class SeasonApp:
    """ASGI entry of `roadshow serve FOLDER`."""

    def __init__(self, season: Season, events_app: Any) -> None:
        self.season = season
        self.events_app = events_app  # app/season/pages.py: the event list, its forms, "no live event"
        self.allowlist = hostcheck.allowlist(season.base)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), None)
        if self.allowlist.match(host) is None:  # DNS rebinding (app/hostcheck.py), for the list too
            await hostcheck.refuse(scope, send)
            return
        path: str = scope["path"]
        if path.startswith("/e/"):
            slug, slash, _ = path[3:].partition("/")
            running = self.season.running.get(slug)
            if running is None:
                await self._not_found(scope, receive, send)
            elif not slash:  # /e/semi -> /e/semi/
                await RedirectResponse(f"/e/{slug}/", status_code=308)(scope, receive, send)
            else:
                await running.app(dict(scope, root_path=f"/e/{slug}"), receive, send)
            return
        if path == "/events" or path.startswith("/events/"):
            await self.events_app(scope, receive, send)
            return
        live = self.season.live
        if live is None:
            await self.events_app(scope, receive, send)  # "/" and the short URLs: no live event page
        else:
            await live.app(scope, receive, send)

    async def _not_found(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4404})
            return
        await PlainTextResponse("No such event in this folder.", status_code=404)(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        message = await receive()
        assert message["type"] == "lifespan.startup"
        try:
            await self.season.start()
        except Exception as exc:
            log.exception("the season folder could not be opened")
            await send({"type": "lifespan.startup.failed", "message": str(exc)})
            return
        await send({"type": "lifespan.startup.complete"})
        message = await receive()
        await self.season.stop()
        await send({"type": "lifespan.shutdown.complete"})
