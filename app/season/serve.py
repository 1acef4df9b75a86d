"""`roadshow serve FOLDER` and `roadshow password FOLDER`: build the season's app and serve it.

The order is the single event's (app/cli.py): listen first (a busy port stops before anything is
created), then each event's lifespan opens it under its own server lock; the banner with the folder
host's one-time login link comes once it is serving.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import Mount, Route

from ..assets import StaticAssets
from ..config import Settings
from ..signin import SignInLimits
from . import host_file, pages, round_form
from .dispatch import Season, SeasonApp

SEASON_COOKIE = "roadshow_season"


def create_season_app(folder: Path, base: Settings, login_key: str | None = None) -> SeasonApp:
    """The folder server's ASGI app (events start in its lifespan). `base`: the server's settings
    (port, addresses, cookies, backups); each event gets its own from them (app/season/running.py)."""
    from ..web import STATIC_DIR, SecurityHeaders, template_environments

    held, _ = host_file.ensure_host(folder)
    assets = StaticAssets(STATIC_DIR)  # shared by every event: compressed once
    season = Season(folder, base, assets)
    events = Starlette(
        routes=[
            *pages.routes,
            *round_form.routes,
            Mount("/static", app=assets, name="static"),
            Route("/{path:path}", pages.no_live_event),
        ],
        middleware=[
            Middleware(SecurityHeaders, secure=base.secure_cookies),
            Middleware(
                SessionMiddleware,
                secret_key=held.secret,
                session_cookie=SEASON_COOKIE,
                same_site="strict",
                https_only=base.secure_cookies,
                max_age=7 * 24 * 3600,
            ),
        ],
    )
    events.state.season = season
    events.state.settings = base
    events.state.assets = assets
    events.state.templates = template_environments()
    events.state.signin = SignInLimits()
    events.state.login_key = login_key or secrets.token_urlsafe(24)
    return SeasonApp(season, events)


def serve_folder(args: argparse.Namespace, folder: Path) -> None:
    """`roadshow serve FOLDER` (the same server options as for one event)."""
    from .. import i18n
    from ..admission import raise_open_files_limit
    from ..banner import announce, terminal_language
    from ..cli import UVICORN_OPTIONS, check_serving_options
    from ..serving import listen, run

    tls, public = check_serving_options(args)
    sock = listen(args.host, args.port)  # first: a busy port stops before any file is written
    try:
        held, new_password = host_file.ensure_host(folder, getattr(args, "password", None))
        port = int(sock.getsockname()[1])
        said = announce(args.host, port, tls, public)
        base = Settings(
            db_path="",
            secret=held.secret,
            public_url=public,
            lan_url=said.lan_url,
            port=port,
            announced_hosts=said.names(),
            backup_dir=str(folder / "backups") if args.backup_dir == "backups" else args.backup_dir,
            backup_interval=args.backup_every,
            secure_cookies=tls or os.environ.get("ROADSHOW_HTTPS", "") == "1",
        )
        raise_open_files_limit()
        app = create_season_app(folder, base)
        key = app.events_app.state.login_key
        _ = i18n.gettext_for(terminal_language(os.environ))
        lines = [
            _("Roadshow: serving the events in {folder}").format(folder=folder),
            "  " + _("Event list (host): {url}").format(url=f"{said.base}/events/login?key={key}"),
            "  " + _("Live event (board): {url}").format(url=f"{said.base}/board"),
        ]
        if new_password:
            shown = _("Folder host password (shown once; change it with `roadshow password {folder}`): {password}")
            lines.append("  " + shown.format(folder=folder, password=new_password))
        options: dict[str, Any] = dict(UVICORN_OPTIONS)
        run(
            app,
            sock,
            on_ready=lambda: print("\n".join(lines), flush=True),
            log_level=os.environ.get("ROADSHOW_LOG_LEVEL", "warning"),
            ssl_certfile=args.ssl_certfile,
            ssl_keyfile=args.ssl_keyfile,
            **options,
        )
    finally:
        sock.close()


def password_folder(folder: Path, password: str | None) -> int:
    """`roadshow password FOLDER`: a new folder password; every folder host is logged out."""
    from ..security import new_password

    chosen = password or new_password()
    host_file.set_password(folder, chosen)
    print(f"new folder host password for {folder}: {chosen}", file=sys.stdout)
    return 0
