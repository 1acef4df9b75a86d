"""Host allowlist: answer only to the addresses this server announced.

A DNS-rebinding page (evil.example resolving first to the attacker, then to the venue laptop) is
same-origin with itself, so Origin checks pass; only the Host header gives it away. Every HTTP
request and websocket handshake — the lean board socket included — is checked here first
(`RoadshowApp.__call__`, app/web.py). Allowed:

- loopback: `localhost`, 127.0.0.0/8, `::1` (a rebinding attack needs a name of its own);
- the addresses announced at start (the chosen LAN address and every other interface address);
- an IPv4 literal that is an interface address *now* (the laptop's DHCP lease changed mid-event),
  looked up again at most every `RECHECK_SECONDS`;
- the `--public-url` host (a reverse proxy may pass it without a port).

The port must be the listening port, unless the allowlist was built without one (tests, benchmark).
The matched value is re-formatted from the parsed parts (`match()`), so nothing of the raw header
reaches a response header such as the Content-Security-Policy.
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from . import i18n
from .config import Settings
from .i18n import N_
from .netaddr import discover, is_loopback_name

RECHECK_SECONDS = 5.0
UNKNOWN_HOST = N_("Unknown host: open Roadshow with an address it printed when it started.")
HOST_HEADER_MAX_LENGTH = 260  # a 253-character DNS name and a port; docs/security.md

# host name (letters, digits, dots, dashes), IPv4, or [IPv6]; then an optional :port
_HOST_RE = re.compile(r"^(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9.-]+))(?::(?P<port>[0-9]{1,5}))?$")


def parse_host(header: str) -> tuple[str, int | None] | None:
    """(host, port or None) from a Host header, or None if it is not a plain host[:port]."""
    if not header or len(header) > HOST_HEADER_MAX_LENGTH:
        return None
    found = _HOST_RE.match(header.lower())
    if not found:
        return None
    host = found.group("v6") or found.group("name")
    if found.group("v6"):
        try:
            host = str(ipaddress.IPv6Address(host))
        except ValueError:
            return None
    port = int(found.group("port")) if found.group("port") else None
    if port is not None and not 0 < port < 65536:
        return None
    return host, port


def _netloc(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port is None else f"{shown}:{port}"


def _is_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


@dataclass
class HostAllowlist:
    names: frozenset[str]  # announced addresses/names, lower case, IPv6 without brackets
    port: int | None = None  # the listening port; None: any port
    public_host: str | None = None  # from --public-url
    public_port: int | None = None  # its explicit port, if it has one
    public_https: bool = False  # --public-url is https: a TLS proxy in front, so sockets are wss://
    local_addresses: Callable[[], Iterable[str]] | None = None  # current interface addresses
    _recent: frozenset[str] = field(default=frozenset(), repr=False)
    _recent_at: float = field(default=float("-inf"), repr=False)

    def match(self, header: str | None) -> str | None:
        """The allowed host[:port], rebuilt from its parts; None when the Host is not ours."""
        parsed = parse_host(header or "")
        if parsed is None:
            return None
        host, port = parsed
        if host == self.public_host:
            # behind a proxy the Host may come with or without the public port
            return _netloc(host, port) if port in (None, 80, 443, self.public_port, self.port) else None
        if self.port is not None and port != self.port and not (port is None and self.port in (80, 443)):
            return None
        if is_loopback_name(host) or host in self.names or (_is_ipv4(host) and host in self._current()):
            return _netloc(host, port)
        return None

    def served_over_https(self, allowed: str) -> bool:
        """Whether a page opened as `allowed` (a match() result) is behind the https --public-url."""
        parsed = parse_host(allowed)
        return self.public_https and parsed is not None and parsed[0] == self.public_host

    def _current(self) -> frozenset[str]:
        if self.local_addresses is None:
            return frozenset()
        now = time.monotonic()
        if now - self._recent_at >= RECHECK_SECONDS:  # a flood of bad Hosts costs one look per interval
            self._recent_at = now
            self._recent = frozenset(self.local_addresses())
        return self._recent


def allowlist(settings: Settings) -> HostAllowlist:
    """The allowlist of a server started with these settings."""
    public = urlsplit(settings.public_url) if settings.public_url else None
    return HostAllowlist(
        names=frozenset(name.lower() for name in settings.announced_hosts),
        port=settings.port,
        public_host=public.hostname if public else None,
        public_port=public.port if public else None,
        public_https=bool(public and public.scheme == "https"),
        # only a real server (it announced a port) looks at this machine's interfaces again
        local_addresses=(lambda: [i.address for i in discover().all()]) if settings.port is not None else None,
    )


async def refuse(scope: dict[str, Any], send: Callable[[dict[str, Any]], Any]) -> None:
    """400 for HTTP; a websocket handshake is closed before it is accepted (the client sees 403)."""
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 4400})
        return
    accept = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"accept-language"), None)
    language = i18n.from_accept_language(accept) or i18n.DEFAULT_LANGUAGE
    text = i18n.translations(language).gettext(UNKNOWN_HOST)
    body = f"400 Bad Request\n{text}\n".encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 400, "headers": headers})
    await send({"type": "http.response.body", "body": body})
