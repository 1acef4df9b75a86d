"""create_app(): routes, middleware, and the lifespan that opens and closes the Store and the Hub."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import secrets
import sqlite3
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import gc_policy, hostcheck, i18n
from .admission import Admission
from .assets import StaticAssets
from .config import Settings
from .hub import Hub
from .live import LiveEvent
from .routes import api, exports, host_admin, judging, live, media, pages, tickets
from .routes import setup as setup_routes
from .security import content_security_policy, install_log_redaction
from .sessions import watch_host_epoch
from .signin import SignInLimits
from .store import Store
from .voter_ids import VoterIds

log = logging.getLogger("roadshow")


def _asset_dir(name: str) -> Path:
    """Where the `templates` or `static` folder is: inside the package when Roadshow is installed from a
    wheel (pyproject.toml maps the checkout's top-level folders to app/templates and app/static), else
    the checkout's top-level folder (an editable install, or running from the source tree)."""
    packaged = Path(__file__).resolve().parent / name
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / name


TEMPLATES_DIR = _asset_dir("templates")
STATIC_DIR = _asset_dir("static")


def template_environments() -> dict[str, Environment]:
    """One Jinja2 environment per language, each with its gettext installed; autoescape everywhere."""
    envs = {}
    for language in i18n.LANGUAGES:
        env = Environment(
            loader=FileSystemLoader(str(TEMPLATES_DIR)),
            autoescape=select_autoescape(default=True, default_for_string=True),
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.install_gettext_translations(i18n.translations(language), newstyle=True)  # type: ignore[attr-defined]
        env.globals["LANGUAGE_NAMES"] = i18n.LANGUAGE_NAMES
        # plain (revalidated) URLs until create_app installs the long-cached, versioned ones: a page
        # rendered outside the server (a test, a document) still links its files
        env.globals["asset_url"] = lambda name: f"/static/{name}"
        envs[language] = env
    return envs


class RoadshowApp(Starlette):
    """Starlette, except that the board socket (`/ws/board`) is served below the middleware and the
    router, by `board_socket` (app/routes/live.py): it is public and read-only, so it needs no session,
    and each of thousands of idle viewers would otherwise keep a coroutine frame and a `send` wrapper
    per layer alive (docs/performance.md). Everything else takes the ordinary path."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), None)
            allowed = self.state.host_allowlist.match(host)  # DNS rebinding: app/hostcheck.py
            if allowed is None:
                await hostcheck.refuse(scope, send)
                return
            if scope["type"] == "http":  # for the CSP and the links (a board socket keeps nothing extra)
                state = scope.setdefault("state", {})
                state["allowed_host"] = allowed
                state["behind_https"] = self.state.host_allowlist.served_over_https(allowed)
        if scope["type"] == "websocket" and _route_path(scope) == live.BOARD_PATH:
            scope["app"] = self  # as Starlette does: the handler reads app.state
            await live.board_socket(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path below the ASGI root_path, as Starlette's router matches it."""
    path: str = scope["path"]
    root = scope.get("root_path", "")
    if root and path.startswith(root) and path[len(root) : len(root) + 1] == "/":
        return path[len(root) :]
    return path


def _holds_secrets(path: str) -> bool:
    """Pages and files with judge tokens, PINs, the audit log or unrevealed scores: everything under
    /host, a judge's page, the PIN form's answer. Never kept by a browser or proxy cache."""
    return path == "/host" or path.startswith(("/host/", "/judge/")) or path == "/j"


# Scripts and stylesheets are never a document: a frame cannot show one (X-Frame-Options) and what they
# fetch is same-origin under the CSP (Referrer-Policy). Those two headers are left off them, ~55 bytes a
# file of a phone's first load (docs/performance.md "Page weight"); nosniff stays on everything.
_SUBRESOURCE_TYPES = (b"text/javascript", b"text/css")


class SecurityHeaders:
    """Adds a per-request CSP nonce (scope["state"]["csp_nonce"]) and security headers to HTML."""

    def __init__(self, app: ASGIApp, secure: bool = False) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        host = scope["state"].get("allowed_host")  # allowlisted and rebuilt: never the raw Host header
        secure = self.secure or scope["state"].get("behind_https", False)
        path = _route_path(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html") and b"content-security-policy" not in names:
                    policy = content_security_policy(nonce, host, secure)
                    headers.append((b"content-security-policy", policy.encode()))
                if _holds_secrets(path) and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                headers.append((b"x-content-type-options", b"nosniff"))
                if not content_type.startswith(_SUBRESOURCE_TYPES):
                    headers += [(b"referrer-policy", b"same-origin"), (b"x-frame-options", b"DENY")]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: Settings, assets: StaticAssets | None = None) -> Starlette:
    """One event's app. `assets`: the compressed static files, shared by a season's events (app/season/)
    instead of compressed once per event."""
    install_log_redaction()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        hub = Hub(send_timeout=settings.send_timeout)
        async with Store.open(settings.db_path) as store:
            live_event = await LiveEvent.load(store, hub)
            try:
                await store.reserve_wal()
            except sqlite3.Error:  # e.g. a nearly full disk: commits are only a little slower without it
                log.warning("could not reserve space for the write-ahead log", exc_info=True)
            signin = SignInLimits()
            await signin.load(store)
            app.state.signin = signin
            app.state.store = store
            app.state.hub = hub
            app.state.live = live_event
            tasks = []
            if settings.backup_dir and settings.backup_interval > 0:
                tasks.append(asyncio.create_task(_backup_loop(store, settings), name="backups"))
            tasks.append(asyncio.create_task(watch_host_epoch(live_event), name="host-sessions"))
            if settings.idle_timeout > 0:
                tasks.append(asyncio.create_task(live.close_idle(hub, settings.idle_timeout), name="close-idle"))
            # The loaded event out of the collector's way, then each hall of connections (app/gc_policy.py)
            gc_policy.install()
            votes = live_event.votes

            def arrived() -> int:  # connections, their frames, audience votes (app/gc_policy.py)
                votes_accepted = votes.intake.accepted if votes is not None else 0
                return gc_policy.arrivals(hub.arrivals, hub.frames, votes_accepted)

            warm = warm_document_modules(lambda: hub.arrivals)
            tasks.append(asyncio.create_task(warm, name="warm-imports"))
            freezer = gc_policy.StormFreezer(arrived, hub.connected)
            hub.on_arrival = freezer.on_arrival
            tasks.append(asyncio.create_task(freezer.run(), name="gc-freeze"))
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await live_event.settled()
                if live_event.votes is not None:
                    await live_event.votes.stop()
                await hub.close()
                gc_policy.uninstall()

    if assets is None:
        assets = StaticAssets(STATIC_DIR)  # compressed once, long-cached under one version (app/assets.py)
    app = RoadshowApp(
        routes=[
            *pages.routes,
            *api.routes,
            *host_admin.routes,
            *tickets.routes,
            *exports.routes,
            *judging.routes,
            *setup_routes.routes,
            *media.routes,
            *live.routes,
            Mount("/static", app=assets, name="static"),
        ],
        middleware=[
            Middleware(SecurityHeaders, secure=settings.secure_cookies),
            Middleware(
                SessionMiddleware,
                secret_key=settings.secret,
                session_cookie=settings.session_cookie,
                same_site="strict",
                https_only=settings.secure_cookies,
                max_age=7 * 24 * 3600,
            ),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.admission = Admission()
    app.state.host_allowlist = hostcheck.allowlist(settings)
    app.state.templates = template_environments()
    for env in app.state.templates.values():
        env.globals["asset_url"] = assets.url
    app.state.assets = assets
    app.state.voter_ids = VoterIds(settings.secret)
    return app


# Imported on first use by the routes that write documents and read spreadsheets (openpyxl, numpy:
# most of a second), so the server listens sooner; imported in a thread soon after start-up, so the
# first download during the event does not hold the event loop for that long. Not while phones are
# connecting: a server restarted mid-event meets a storm of reconnections at once, and the import
# would compete with it for the interpreter.
DOCUMENT_MODULES = ("app.documents", "app.documents.judging_report", "app.spreadsheets.importing")
WARM_AFTER_QUIET_SECONDS = 2.0  # no connection arrived for this long: the storm, if any, is over
WARM_AT_THE_LATEST_SECONDS = 60.0  # ... or this long after start-up, whatever happens


async def warm_document_modules(arrivals: Callable[[], int] = lambda: 0) -> None:
    """Import DOCUMENT_MODULES in a worker thread once `arrivals()` (connections accepted so far) has
    not moved for WARM_AFTER_QUIET_SECONDS, then freeze what they built."""
    loop = asyncio.get_running_loop()
    started, seen, quiet_since = loop.time(), arrivals(), loop.time()
    while loop.time() - quiet_since < WARM_AFTER_QUIET_SECONDS and loop.time() - started < WARM_AT_THE_LATEST_SECONDS:
        await asyncio.sleep(0.25)
        if arrivals() != seen:
            seen, quiet_since = arrivals(), loop.time()

    def import_all() -> None:
        for name in DOCUMENT_MODULES:
            importlib.import_module(name)

    try:
        await asyncio.to_thread(import_all)
    except Exception:  # a broken install shows up at the first download, with its own error
        log.warning("could not import the document modules ahead of use", exc_info=True)
    gc_policy.freeze()  # what they built lives as long as the server: out of the collector's way


async def _backup_loop(store: Store, settings: Settings) -> None:
    assert settings.backup_dir
    while True:
        await asyncio.sleep(settings.backup_interval)
        try:
            path = Path(settings.backup_dir) / f"{Path(settings.db_path).stem}-auto.db"
            await store.backup(path)
        except Exception:  # a failed backup must never stop the event
            log.exception("automatic backup failed")
