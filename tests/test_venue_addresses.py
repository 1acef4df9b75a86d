"""Which address the links use, the one base-URL rule, and the Host allowlist (no server needed).

The machines here are fakes: `discover()` takes its probe (the route outward) and its interface list as
parameters. The hostname is made to resolve to 127.0.1.1, as /etc/hosts does on Debian and Ubuntu,
to show that the old way (resolving the hostname) no longer matters.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest

from app.banner import announce
from app.config import Settings
from app.hostcheck import HOST_HEADER_MAX_LENGTH, HostAllowlist, parse_host
from app.links import PublicUrlError, links_base, origin, parse_public_url
from app.netaddr import Addresses, Interface, discover
from app.web import create_app

VENUE_LAPTOP = [("lo", "127.0.0.1"), ("wlan0", "10.20.30.40"), ("docker0", "172.17.0.1")]


@pytest.fixture
def hostname_is_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """/etc/hosts: `127.0.1.1 venue-laptop`, as on a stock Debian/Ubuntu laptop."""
    monkeypatch.setattr(socket, "gethostname", lambda: "venue-laptop")
    monkeypatch.setattr(socket, "gethostbyname", lambda name: "127.0.1.1")

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.1.1", 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_links_use_the_interface_that_routes_outward_not_the_hostname(hostname_is_loopback: None) -> None:
    found = discover(probe=lambda: "10.20.30.40", adapters=lambda: VENUE_LAPTOP)
    assert found.chosen == Interface("wlan0", "10.20.30.40")
    assert [i.address for i in found.others] == ["172.17.0.1"]
    said = announce("0.0.0.0", 8000, False, None, found)
    assert said.lan_url == said.base == "http://10.20.30.40:8000"
    assert said.warnings() == []
    assert set(said.names()) == {"10.20.30.40", "172.17.0.1"}


def test_the_only_routable_address_is_not_the_hostnames(monkeypatch: pytest.MonkeyPatch) -> None:
    # the hostname resolves to an address no interface has (a stale /etc/hosts entry)
    monkeypatch.setattr(socket, "gethostbyname", lambda name: "192.168.50.50")
    adapters = [("lo", "127.0.0.1"), ("eth0", "169.254.7.7"), ("wlan0", "10.0.0.7")]
    found = discover(probe=lambda: "10.0.0.7", adapters=lambda: adapters)
    assert found.chosen is not None and found.chosen.address == "10.0.0.7"
    assert "192.168.50.50" not in announce("0.0.0.0", 8000, False, None, found).names()


def test_without_a_route_outward_a_private_address_beats_link_local() -> None:
    adapters = [("eth0", "169.254.7.7"), ("wlan0", "192.168.137.1"), ("lo", "127.0.0.1")]
    found = discover(probe=lambda: None, adapters=lambda: adapters)
    assert found.chosen == Interface("wlan0", "192.168.137.1")  # e.g. the laptop's own hotspot, offline
    assert [i.address for i in found.others] == ["169.254.7.7"]


def test_only_loopback_says_phones_cannot_join(hostname_is_loopback: None) -> None:
    found = discover(probe=lambda: None, adapters=lambda: [("lo", "127.0.0.1")])
    assert found.loopback_only and found.all() == ()
    said = announce("0.0.0.0", 8000, False, None, found)
    assert said.lan_url == "http://127.0.0.1:8000"
    assert "phones CANNOT join" in " ".join(str(w.translate("en")) for w in said.warnings())
    # the operator who passes --public-url knows where phones reach us: no warning
    assert announce("0.0.0.0", 8000, False, "https://rs.example.org", found).warnings() == []
    # listening on loopback on purpose (behind a proxy) is said plainly too
    assert "CANNOT" in " ".join(w.translate("en") for w in announce("127.0.0.1", 8000, False, None).warnings())


def test_the_probe_sends_nothing_and_never_answers_loopback() -> None:
    from app.netaddr import udp_probe

    address = udp_probe()
    assert address is None or not address.startswith("127.")


@pytest.mark.parametrize(
    ("public", "lan", "request_origin", "expected"),
    [
        ("https://rs.example.org", "http://10.0.0.7:8000", None, "https://rs.example.org"),
        ("https://rs.example.org", "http://10.0.0.7:8000", "http://10.0.0.7:8000", "https://rs.example.org"),
        (None, "http://10.0.0.7:8000", None, "http://10.0.0.7:8000"),  # the banner
        (None, "http://10.0.0.7:8000", "http://127.0.0.1:8000", "http://10.0.0.7:8000"),  # console on the laptop
        (None, "http://10.0.0.7:8000", "http://localhost:8000", "http://10.0.0.7:8000"),
        (None, "http://10.0.0.7:8000", "http://[::1]:8000", "http://10.0.0.7:8000"),
        (None, "http://10.0.0.7:8000", "http://172.17.0.1:8000", "http://172.17.0.1:8000"),  # another network
        (None, None, "http://127.0.0.1:8000", "http://127.0.0.1:8000"),
    ],
)
def test_one_rule_for_every_link_base(
    public: str | None, lan: str | None, request_origin: str | None, expected: str
) -> None:
    assert links_base(public, lan, request_origin) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://Roadshow.Example.org/", "https://roadshow.example.org"),
        ("http://10.0.0.7:8000", "http://10.0.0.7:8000"),
        ("https://rs.example.org:443", "https://rs.example.org"),
        ("http://[fd00::7]:8000", "http://[fd00::7]:8000"),
        ("https://" + "a" * 63 + ".example", "https://" + "a" * 63 + ".example"),
    ],
)
def test_public_url_accepted(raw: str, expected: str) -> None:
    assert parse_public_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "roadshow.example.org",  # no scheme
        "ftp://rs.example.org",
        "https://rs.example.org/roadshow",  # pages link from the root: no sub-path
        "https://rs.example.org/?x=1",
        "https://user:pw@rs.example.org",
        "https://rs.example.org:99999",
        "https://bad_name.example",
        "https://" + "a" * 64 + ".example",  # a DNS label is at most 63
        "https://" + "a" * 200 + ".org",  # longer than 200 characters
    ],
)
def test_public_url_refused(raw: str) -> None:
    with pytest.raises(PublicUrlError):
        parse_public_url(raw)


def test_origin_leaves_out_default_ports_and_brackets_ipv6() -> None:
    assert origin("http", "10.0.0.7", 80) == "http://10.0.0.7"
    assert origin("https", "fd00::7", 8443) == "https://[fd00::7]:8443"


def _allowlist(**overrides: Any) -> HostAllowlist:
    return HostAllowlist(names=frozenset({"10.0.0.7", "172.17.0.1"}), port=8000, **overrides)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("10.0.0.7:8000", "10.0.0.7:8000"),
        ("172.17.0.1:8000", "172.17.0.1:8000"),
        ("127.0.0.1:8000", "127.0.0.1:8000"),
        ("LOCALHOST:8000", "localhost:8000"),  # rebuilt from the parsed parts, lower case
        ("[::1]:8000", "[::1]:8000"),
        ("10.0.0.7:8001", None),  # the wrong port
        ("10.0.0.7", None),  # no port: 80, not ours
        ("10.0.0.8:8000", None),  # not an address of this machine
        ("evil.example:8000", None),  # DNS rebinding
        ("evil.example", None),
        ("10.0.0.7:8000\r\nX-Injected: 1", None),
        ("10.0.0.7:8000; script-src *", None),
        ("10.0.0.7:0", None),
        ("10.0.0.7:65536", None),
        ("", None),
        (None, None),
    ],
)
def test_host_allowlist_boundaries(header: str | None, expected: str | None) -> None:
    assert _allowlist().match(header) == expected


def test_host_header_length_limit() -> None:
    allow = HostAllowlist(names=frozenset({"a" * 60 + ".example"}), port=None)
    at_limit = "a" * (HOST_HEADER_MAX_LENGTH - 5) + ":8000"
    assert len(at_limit) == HOST_HEADER_MAX_LENGTH and parse_host(at_limit) is not None
    too_long = "a" * (HOST_HEADER_MAX_LENGTH - 4) + ":8000"
    assert len(too_long) == HOST_HEADER_MAX_LENGTH + 1 and parse_host(too_long) is None
    assert allow.match("a" * 60 + ".example:1234") == "a" * 60 + ".example:1234"  # no port announced: any


def test_public_url_host_is_allowed_with_or_without_its_port() -> None:
    allow = _allowlist(public_host="rs.example.org", public_port=None)
    assert allow.match("rs.example.org") == "rs.example.org"  # a proxy passing the public Host
    assert allow.match("rs.example.org:443") == "rs.example.org:443"
    assert allow.match("rs.example.org:8000") == "rs.example.org:8000"  # the name pointed straight at us
    assert allow.match("rs.example.org:9999") is None
    assert allow.match("other.example.org") is None


def test_a_new_interface_address_is_found_again_but_names_are_not() -> None:
    calls: list[int] = []

    def now_on_a_new_lease() -> list[str]:
        calls.append(1)
        return ["10.0.0.99"]

    allow = _allowlist(local_addresses=now_on_a_new_lease)
    assert allow.match("10.0.0.99:8000") == "10.0.0.99:8000"  # DHCP gave the laptop a new address
    assert allow.match("10.0.0.98:8000") is None
    assert allow.match("evil.example:8000") is None  # a name never triggers a look-up
    assert len(calls) == 1  # looked up once per interval, however many bad Hosts arrive


async def _asgi(app: Any, kind: str, path: str, host: str, origin: str | None = None) -> list[dict[str, Any]]:
    scope: dict[str, Any] = {
        "type": kind,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", host.encode()), (b"accept-language", b"zh-CN")]
        + ([(b"origin", origin.encode())] if origin else []),
        "scheme": "ws" if kind == "websocket" else "http",
        "method": "GET",
        "http_version": "1.1",
        "server": ("10.0.0.7", 8000),
        "client": ("10.0.0.50", 50000),
        "subprotocols": [],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"} if kind == "websocket" else {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


@pytest.mark.parametrize("path", ["/board", "/j", "/host/login", "/static/live.js"])
async def test_an_unknown_host_gets_400_before_any_route(path: str) -> None:
    app = create_app(Settings(db_path=":memory:", secret="s", port=8000, announced_hosts=("10.0.0.7",)))
    sent = await _asgi(app, "http", path, "rebind.evil.example:8000")
    assert sent[0]["status"] == 400
    assert "未知的主机名" in sent[1]["body"].decode() or "Unknown host" in sent[1]["body"].decode()


@pytest.mark.parametrize("path", ["/ws/board", "/ws/host", "/ws/judge/abc"])
async def test_an_unknown_host_cannot_open_a_socket(path: str) -> None:
    app = create_app(Settings(db_path=":memory:", secret="s", port=8000, announced_hosts=("10.0.0.7",)))
    sent = await _asgi(app, "websocket", path, "rebind.evil.example:8000")
    assert [(m["type"], m.get("code")) for m in sent] == [("websocket.close", 4400)]
    # an announced address goes on to the socket's own checks (here: the Origin check, 4403)
    sent = await _asgi(app, "websocket", path, "10.0.0.7:8000", origin="http://evil.example")
    assert [(m["type"], m.get("code")) for m in sent] == [("websocket.close", 4403)]


def test_addresses_all_lists_the_chosen_first() -> None:
    found = Addresses(Interface("wlan0", "10.0.0.7"), (Interface("docker0", "172.17.0.1"),))
    assert [i.address for i in found.all()] == ["10.0.0.7", "172.17.0.1"]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL wins, as for every tool
        ({"LC_MESSAGES": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_banner_speaks_the_terminals_language(environ: dict[str, str], expected: str) -> None:
    from app.banner import terminal_language

    assert terminal_language(environ) == expected


def test_banner_lists_addresses_warnings_and_links_in_either_language() -> None:
    from app.banner import banner
    from app.eventfile import parse_event
    from app.setup import PreparedEvent, demo_event_text

    event = parse_event(demo_event_text())
    tokens = {j.id: f"token-{j.id}" for j in event.judges}
    prepared = PreparedEvent("ev.db", event, "s", tokens, created=True, host_password="pw-1")
    found = discover(probe=lambda: "10.20.30.40", adapters=lambda: VENUE_LAPTOP)
    text = banner(prepared, announce("0.0.0.0", 8000, False, None, found), "KEY", demo=False, qr=True)
    assert "links use 10.20.30.40 on wlan0" in text and "also reachable at: 172.17.0.1 (docker0)" in text
    assert "http://10.20.30.40:8000/host/login?key=KEY" in text and "(shown once; keep it): pw-1" in text
    assert all(f"http://10.20.30.40:8000/judge/token-{j.id}" in text for j in event.judges)
    assert "▄" in text or "█" in text  # the host console's QR code, drawn with block characters
    alone = discover(probe=lambda: None, adapters=lambda: [("lo", "127.0.0.1")])
    chinese = banner(prepared, announce("0.0.0.0", 8000, False, None, alone), "KEY", demo=False, language="zh")
    assert "警告：只找到回环地址（127.0.0.1）：手机无法加入。" in chinese
    assert "主持人控制台：http://127.0.0.1:8000/host/login?key=KEY" in chinese
