"""What `roadshow serve|demo` announces: the address its links use, the other addresses it found, and
the start-up banner with every link (printed once the socket is listening, app/serving.py)."""

from __future__ import annotations

import io
from dataclasses import dataclass

from .links import links_base, origin
from .netaddr import Addresses, discover, is_loopback_name, is_wildcard
from .setup import PreparedEvent


@dataclass(frozen=True, slots=True)
class Announcement:
    bind_host: str  # what the socket listens on (--host)
    port: int  # the port it listens on (the real one, also when --port 0 let the system pick)
    lan_url: str  # scheme://chosen-address:port
    base: str  # every link's base: --public-url, else lan_url (app/links.py)
    public_url: str | None
    addresses: Addresses | None  # None when listening on one given address

    def names(self) -> tuple[str, ...]:
        """The host names this server answers to (app/hostcheck.py adds loopback and --public-url)."""
        found = [i.address for i in self.addresses.all()] if self.addresses else []
        if not is_wildcard(self.bind_host):
            found.append(self.bind_host.strip("[]").lower())
        return tuple(dict.fromkeys(found))

    def warnings(self) -> list[str]:
        if self.public_url:
            return []  # the operator said where phones reach us (a proxy, a DNS name)
        if self.addresses is not None and self.addresses.loopback_only:
            return [
                "Only loopback (127.0.0.1) was found: phones CANNOT join.",
                "Connect this laptop to the venue Wi-Fi (or turn on its hotspot) and start again,",
                "or pass --public-url with an address the phones can open.",
            ]
        if self.addresses is None and is_loopback_name(self.bind_host):
            return [
                f"Listening on {self.bind_host} only: phones CANNOT join.",
                "Leave out --host (it listens on every interface), or put a reverse proxy in front",
                "and pass --public-url.",
            ]
        return []


def announce(
    bind_host: str, port: int, tls: bool, public_url: str | None, addresses: Addresses | None = None
) -> Announcement:
    """Listening on every interface: the links use the address that routes outward (app/netaddr.py).
    Listening on one address: that one. `addresses` is injectable for tests."""
    scheme = "https" if tls else "http"
    if is_wildcard(bind_host):
        found = addresses if addresses is not None else discover()
        host = found.chosen.address if found.chosen else "127.0.0.1"
    else:
        found = None
        host = bind_host.strip("[]")
    lan_url = origin(scheme, host, port)
    return Announcement(bind_host, port, lan_url, links_base(public_url, lan_url), public_url, found)


def banner(prepared: PreparedEvent, said: Announcement, login_key: str, demo: bool, qr: bool = False) -> str:
    """The start-up text: addresses, warnings, then the host, board and judge links."""
    event = prepared.event
    base = said.base
    out = io.StringIO()
    w = out.write
    w(f"\n  Roadshow · {event.title}  ({event.date})\n")
    w(f"  database: {prepared.db_path}{'  (new)' if prepared.created else '  (continuing)'}\n")
    if prepared.source_changed:
        w("  note: the event file differs from the one stored in the database; the stored one is used.\n")
    listening = f"{said.bind_host}:{said.port}"
    w(f"  listening on {listening}{' (every interface)' if is_wildcard(said.bind_host) else ''}\n")
    if said.public_url:
        w(f"  links use --public-url {said.public_url}\n")
    elif said.addresses is not None and said.addresses.chosen:
        chosen = said.addresses.chosen
        via = f" on {chosen.name}" if chosen.name else ""
        w(f"  links use {chosen.address}{via} (the interface that routes outward)\n")
    if said.addresses is not None and said.addresses.others:
        others = ", ".join(f"{i.address} ({i.name})" if i.name else i.address for i in said.addresses.others)
        w(f"  also reachable at: {others}\n")
        w("    (phones on one of those networks: open the host console through that address)\n")
    for line in said.warnings():
        w(f"  WARNING: {line}\n")
    host_link = f"{base}/host/login?key={login_key}"
    w(f"\n  Host console : {host_link}\n")
    if prepared.host_password:
        label = "demo host password" if demo else "host password (shown once; keep it)"
        w(f"  {label}: {prepared.host_password}\n")
    w(f"  Board        : {base}/board\n")
    w(f"  Audience     : {base}/board?audience=1\n")
    w("\n  Judges' personal links (also as QR codes on the host console):\n")
    for judge in event.judges:
        w(f"    {judge.name:<10} {base}/judge/{prepared.tokens[judge.id]}\n")
    if qr:
        import segno

        w("\n  Host console as a QR code (open it on a tablet; it logs in as host):\n")
        segno.make(host_link, error="m").terminal(out=out, compact=True)
    w("\n  Press Ctrl+C to stop; start again with the same database to continue.\n")
    return out.getvalue()
