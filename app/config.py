"""Server settings, from the command line and ROADSHOW_* environment variables."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field


def _origins_from_env() -> tuple[str, ...]:
    raw = os.environ.get("ROADSHOW_ALLOWED_ORIGINS", "")
    return tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: str
    # Signs the host session cookie. Stored in the event database (created at init), so sessions
    # survive a restart; ROADSHOW_SECRET overrides it.
    secret: str
    # One-time-per-process key for the host login link printed at start-up (never stored).
    host_login_key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    allowed_origins: tuple[str, ...] = field(default_factory=_origins_from_env)
    secure_cookies: bool = field(default_factory=lambda: os.environ.get("ROADSHOW_HTTPS", "") == "1")
    # --public-url / ROADSHOW_PUBLIC_URL (e.g. https://roadshow.example.org): every link and QR code
    # uses it. None: see lan_url (app/links.py decides).
    public_url: str | None = None
    # The LAN address chosen at start (e.g. http://192.168.1.20:8000), for links and QR codes shown on
    # a console opened as localhost. None: use the address the console was opened with.
    lan_url: str | None = None
    # The Host allowlist (app/hostcheck.py): the listening port (None: any port) and the addresses
    # announced at start; loopback and the public_url host are always allowed.
    port: int | None = None
    announced_hosts: tuple[str, ...] = ()
    backup_dir: str | None = None
    backup_interval: float = 0.0  # seconds between automatic backups; 0 = off
    # Close a websocket that sent nothing (the page pings every 10 s) for this long; 0 = never.
    idle_timeout: float = 20.0
    send_timeout: float = 10.0  # drop a viewer whose socket does not take an update within this long
    # The event's permanent prefix in a season folder ("/e/<slug>", app/season/); "" for one event. Printed
    # links and QR codes start with it; the pages themselves follow the request's root_path.
    url_prefix: str = ""
    # The host session cookie's name: each event of a season has its own, so logging into one event's
    # console does not log you out of another's.
    session_cookie: str = "roadshow_session"
