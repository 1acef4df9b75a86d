"""The one place that decides the base URL of every link and QR code Roadshow hands out.

The terminal banner, the host console, /host/links, the judges' cards, the board's join QR code and
the audience link all call `links_base()`:

1. `--public-url` (or ROADSHOW_PUBLIC_URL) wins everywhere: a reverse proxy, a hotspot's DNS name.
2. Otherwise a page opened on the laptop itself (localhost) hands out the LAN address chosen at
   start (app/netaddr.py), because a phone cannot open "localhost".
3. Otherwise the address the page was opened with: it is one this server announced (the Host
   allowlist, app/hostcheck.py, refused any other), and the phones are on that same network.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from .netaddr import is_loopback_name

PUBLIC_URL_MAX_LENGTH = 200  # docs/security.md
DEFAULT_PORTS = {"http": 80, "https": 443}


class PublicUrlError(ValueError):
    """--public-url is not an http(s) origin Roadshow can serve under."""


def origin(scheme: str, host: str, port: int | None) -> str:
    """scheme://host[:port], with IPv6 in brackets and the scheme's default port left out."""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    if port is None or DEFAULT_PORTS.get(scheme) == port:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def parse_public_url(raw: str) -> str:
    """Validate --public-url and return it as scheme://host[:port] (no trailing slash)."""
    text = raw.strip()
    if len(text) > PUBLIC_URL_MAX_LENGTH:
        raise PublicUrlError(f"--public-url is longer than {PUBLIC_URL_MAX_LENGTH} characters")
    parts = urlsplit(text)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise PublicUrlError(f"--public-url {raw!r} must look like http://name:port or https://name")
    # Every page links to /static/... and /ws/... from the root, so Roadshow cannot live below a path.
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise PublicUrlError(f"--public-url {raw!r} must be an origin only (no path, query or user)")
    try:
        port = parts.port
    except ValueError as exc:
        raise PublicUrlError(f"--public-url {raw!r} has an invalid port") from exc
    host = parts.hostname.lower()
    _check_host(host, raw)
    return origin(parts.scheme, host, port)


def _check_host(host: str, raw: str) -> None:
    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    labels = host.rstrip(".").split(".")
    if not all(label and len(label) <= 63 and all(c.isalnum() or c == "-" for c in label) for label in labels):
        raise PublicUrlError(f"--public-url {raw!r}: {host!r} is not a host name")


def links_base(public_url: str | None, lan_url: str | None, request_origin: str | None = None) -> str:
    """The base of every link phones get (see the module's docstring). `request_origin` is the
    allowlisted scheme://host:port a page was opened with, or None for the terminal banner."""
    if public_url:
        return public_url
    opened_on_laptop = request_origin is None or is_loopback_name(urlsplit(request_origin).hostname or "")
    if opened_on_laptop and lan_url:
        return lan_url
    return request_origin or "http://127.0.0.1"
