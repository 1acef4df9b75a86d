"""What `roadshow serve|demo` announces: the address its links use, the other addresses it found, and
the start-up banner with every link (printed once the socket is listening, app/serving.py)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass

from . import i18n
from .i18n import N_, Message
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

    def warnings(self) -> list[Message]:
        if self.public_url:
            return []  # the operator said where phones reach us (a proxy, a DNS name)
        if self.addresses is not None and self.addresses.loopback_only:
            return [
                Message(N_("Only loopback (127.0.0.1) was found: phones CANNOT join.")),
                Message(N_("Connect this laptop to the venue Wi-Fi (or turn on its hotspot) and start again,")),
                Message(N_("or pass --public-url with an address the phones can open.")),
            ]
        if self.addresses is None and is_loopback_name(self.bind_host):
            return [
                Message(N_("Listening on {host} only: phones CANNOT join."), {"host": self.bind_host}),
                Message(N_("Leave out --host (it listens on every interface), or put a reverse proxy in front")),
                Message(N_("and pass --public-url.")),
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


def terminal_language(environ: Mapping[str, str]) -> str:
    """The terminal's language, as command-line tools choose it (LC_ALL, LC_MESSAGES, LANG); English
    when none of them names Chinese or English (e.g. C.UTF-8)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return i18n.normalize_language(value.split(".")[0]) or "en"
    return "en"


def banner(
    prepared: PreparedEvent, said: Announcement, login_key: str, demo: bool, qr: bool = False, language: str = "en"
) -> str:
    """The start-up text: addresses, warnings, then the host, board and judge links."""

    def line(template: str, indent: int = 2, **params: object) -> None:
        out.write(" " * indent + Message(template, params).translate(language) + "\n")

    event = prepared.event
    base = said.base
    out = io.StringIO()
    out.write(f"\n  Roadshow · {event.title}  ({event.date})\n")
    if prepared.created:
        line(N_("database: {path}  (new)"), path=prepared.db_path)
    else:
        line(N_("database: {path}  (continuing)"), path=prepared.db_path)
    if prepared.source_changed:
        line(N_("note: the event file differs from the one stored in the database; the stored one is used."))
    listening = f"{said.bind_host}:{said.port}"
    if is_wildcard(said.bind_host):
        line(N_("listening on {address} (every interface)"), address=listening)
    else:
        line(N_("listening on {address}"), address=listening)
    chosen = said.addresses.chosen if said.addresses is not None else None
    if said.public_url:
        line(N_("links use --public-url {url}"), url=said.public_url)
    elif chosen and chosen.name:
        line(N_("links use {address} on {interface} (the interface that routes outward)"), address=chosen.address,
             interface=chosen.name)  # fmt: skip
    elif chosen:
        line(N_("links use {address} (the interface that routes outward)"), address=chosen.address)
    if said.addresses is not None and said.addresses.others:
        others = ", ".join(f"{i.address} ({i.name})" if i.name else i.address for i in said.addresses.others)
        line(N_("also reachable at: {addresses}"), addresses=others)
        line(N_("(phones on one of those networks: open the host console through that address)"), indent=4)
    for warning in said.warnings():
        line(N_("WARNING: {text}"), text=warning.translate(language))
    host_link = f"{base}/host/login?key={login_key}"
    out.write("\n")
    line(N_("Host console : {url}"), url=host_link)
    if prepared.host_password and demo:
        line(N_("demo host password: {password}"), password=prepared.host_password)
    elif prepared.host_password:
        line(N_("host password (shown once; keep it): {password}"), password=prepared.host_password)
    line(N_("Board        : {url}"), url=f"{base}/board")
    line(N_("Audience     : {url}"), url=f"{base}/board?audience=1")
    out.write("\n")
    line(N_("Judges' personal links (also as QR codes on the host console):"))
    for judge in event.judges:
        out.write(f"    {judge.name:<10} {base}/judge/{prepared.tokens[judge.id]}\n")
    if qr:
        import segno

        out.write("\n")
        line(N_("Host console as a QR code (open it on a tablet; it logs in as host):"))
        segno.make(host_link, error="m").terminal(out=out, compact=True)
    out.write("\n")
    line(N_("Press Ctrl+C to stop; start again with the same database to continue."))
    return out.getvalue()
