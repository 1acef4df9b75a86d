"""The venue laptop, through the real command line: the links phones get, a busy port, one server per
event, --public-url and the Host allowlist on a running server.

The network-namespace test rebuilds a stock Debian/Ubuntu laptop for real: the hostname resolves to
127.0.1.1 (a bind-mounted /etc/hosts), the venue Wi-Fi is a veth interface with the default route,
and a second interface stands for a hotspot. It needs root and `unshare`; elsewhere it is skipped and
tests/test_venue_addresses.py covers the same rules with a faked interface list.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.server import HTTP_TIMEOUT, ROOT
from tests.test_cli import run, serve_and_read_banner, stop, wait_healthy

JUDGE_LINK = r"https?://[^\s/]+/judge/[\w-]+"


def _port_of(banner: str) -> int:
    found = re.search(r"listening on \S+:(\d+)", banner)
    assert found, banner
    return int(found.group(1))


def _demo(tmp_path: Path, *extra: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    args = ["demo", "--host", "127.0.0.1", "--port", "0", "--db", str(tmp_path / "demo.db"), "--backup-every", "0"]
    return serve_and_read_banner([*args, *extra], tmp_path, env=env)


def _netns_available() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        return False
    probe = subprocess.run(
        ["unshare", "-n", "-m", "-u", "sh", "-c", "ip link add v0 type veth peer name v1"],
        capture_output=True,
        timeout=30,
    )
    return probe.returncode == 0


VENUE_NETWORK = """
set -e
mount --bind {hosts} /etc/hosts
hostname venue-laptop
ip link set lo up
ip link add wifi0 type veth peer name hotspot0
ip addr add 10.77.0.5/24 dev wifi0
ip addr add 172.31.9.9/24 dev hotspot0
ip link set wifi0 up
ip link set hotspot0 up
ip route add default via 10.77.0.1
exec "$@"
"""


@pytest.mark.skipif(not _netns_available(), reason="needs root, unshare and veth (network namespaces)")
def test_judge_links_use_the_lan_address_on_a_debian_style_laptop(tmp_path: Path) -> None:
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 localhost\n127.0.1.1 venue-laptop\n", encoding="utf-8")
    script = VENUE_NETWORK.format(hosts=hosts)
    db = str(tmp_path / "demo.db")
    args = ["demo", "--port", "0", "--db", db, "--backup-every", "0"]
    proc, banner = serve_and_read_banner(
        args, tmp_path, wrapper=("unshare", "-n", "-m", "-u", "sh", "-c", script, "sh")
    )
    try:
        port = _port_of(banner)
        links = re.findall(JUDGE_LINK, banner)
        assert len(links) == 7, banner
        assert all(link.startswith(f"http://10.77.0.5:{port}/judge/") for link in links), banner
        assert "127.0.1.1" not in banner and "CANNOT" not in banner
        assert "links use 10.77.0.5 on wifi0" in banner
        assert "172.31.9.9 (hotspot0)" in banner  # the other address is listed
        # inside the namespace: the console opened on the laptop hands out the LAN address too
        fetch = (
            "import httpx,sys;c=httpx.Client(follow_redirects=True);p=sys.argv[2].rsplit(':',1)[1].split('/')[0];"
            "r=c.get(sys.argv[1]);print(r.status_code);"
            "print([httpx.get(f'http://{a}:{p}/board').status_code for a in ('10.77.0.5','172.31.9.9','127.0.0.1')]);"
            "print(httpx.get(f'http://127.0.0.1:{p}/board',headers={'Host':f'venue-laptop:{p}'}).status_code);"
            "print(c.get(sys.argv[2]).text)"
        )
        login = re.search(r"http://\S+/host/login\?key=\S+", banner)
        assert login
        local_login = login.group(0).replace("10.77.0.5", "127.0.0.1")
        inside = subprocess.run(
            ["nsenter", "-t", str(proc.pid), "-n", sys.executable, "-c", fetch, local_login,
             f"http://127.0.0.1:{port}/host/links"],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        status, announced, hostname, sheet = inside.stdout.split("\n", 3)
        assert status == "200", inside.stderr[-2000:]
        assert announced == "[200, 200, 200]"  # every printed address answers
        assert hostname == "400"  # the hostname was not announced (it resolves to loopback anyway)
        assert links[0] in sheet
    finally:
        stop(proc)


@pytest.mark.skipif(not _netns_available(), reason="needs root and unshare (network namespaces)")
def test_only_loopback_is_said_plainly(tmp_path: Path) -> None:
    args = ["demo", "--port", "0", "--db", str(tmp_path / "d.db"), "--backup-every", "0"]
    proc, banner = serve_and_read_banner(args, tmp_path, wrapper=("unshare", "-n"))
    try:
        assert "Only loopback (127.0.0.1) was found: phones CANNOT join." in banner
        assert "--public-url" in banner and "Wi-Fi" in banner
    finally:
        stop(proc)


def test_port_in_use_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("demo", "--host", "127.0.0.1", "--port", str(port), "--db", str(tmp_path / "x.db"), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert f"port {port} is already in use" in result.stderr and "Traceback" not in result.stderr
    assert "password" not in result.stdout and "/judge/" not in result.stdout
    assert list(tmp_path.iterdir()) == []  # no database, lock file, backups folder


def test_a_second_server_on_one_database_is_refused_until_the_first_dies(tmp_path: Path) -> None:
    first, banner = _demo(tmp_path)
    try:
        port = _port_of(banner)
        second = run("demo", "--host", "127.0.0.1", "--port", "0", "--db", str(tmp_path / "demo.db"), cwd=tmp_path)
        assert second.returncode == 2
        assert f"pid {first.pid}, port {port}" in second.stderr, second.stderr
        assert "already being served" in second.stderr and second.stderr.strip().count("\n") == 0
        assert "/judge/" not in second.stdout
        lock = json.loads((tmp_path / "demo.db.lock").read_text(encoding="utf-8"))
        assert lock["pid"] == first.pid and lock["port"] == port
        # the same port too: the message still names the server rather than only the busy port
        same_port = run("demo", "--host", "127.0.0.1", "--port", str(port), "--db", "demo.db", cwd=tmp_path)
        assert same_port.returncode == 2 and f"pid {first.pid}, port {port}" in same_port.stderr
        # the other spelling of the same file finds the same lock
        via = run("serve", "./demo.db", "--host", "127.0.0.1", "--port", "0", cwd=tmp_path)
        assert via.returncode == 2 and f"pid {first.pid}" in via.stderr
    finally:
        first.send_signal(signal.SIGKILL)  # no clean-up code runs: the kernel drops the lock
        first.wait(10)
    again, banner = _demo(tmp_path)
    try:
        assert "(continuing)" in banner
        assert json.loads((tmp_path / "demo.db.lock").read_text(encoding="utf-8"))["pid"] == again.pid
    finally:
        stop(again)


def test_public_url_is_in_every_link_and_qr_code_and_its_host_is_allowed(tmp_path: Path) -> None:
    from app.routes.pages import _qr_svg

    public = "https://roadshow.example.org"
    proc, banner = _demo(tmp_path, "--public-url", public + "/")
    try:
        port = _port_of(banner)
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)
        links = re.findall(JUDGE_LINK, banner)
        assert len(links) == 7 and all(link.startswith(f"{public}/judge/") for link in links)
        assert f"Board        : {public}/board" in banner and f"{public}/host/login?key=" in banner
        key = re.search(r"key=(\S+)", banner)
        assert key
        with httpx.Client(base_url=base, follow_redirects=True, timeout=HTTP_TIMEOUT) as http:
            assert http.get(f"/host/login?key={key.group(1)}").status_code == 200
            console = http.get("/host").text
            assert f"{public}/board" in console and f"{public}/j" in console
            assert links[0] in console and _qr_svg(links[0], 3) in console
            sheet = http.get("/host/links").text
            assert _qr_svg(links[0], 5) in sheet
            board = http.get("/board").text
            assert _qr_svg(f"{public}/board?audience=1", 6) in board  # the board's join QR code
            # a reverse proxy passing the public Host (no port) is answered; a foreign one is not
            proxied = http.get("/board", headers={"Host": "roadshow.example.org"})
            assert proxied.status_code == 200
            # behind the https public URL the page's sockets are wss:// (the proxy terminates TLS)
            assert "connect-src 'self' wss://roadshow.example.org;" in proxied.headers["content-security-policy"]
            refused = http.get("/board", headers={"Host": "rebind.evil.example"})
            assert refused.status_code == 400
    finally:
        stop(proc)
    # the environment variable does the same
    env_run = subprocess.run(
        [sys.executable, "-m", "app", "demo", "--public-url", "not a url", "--db", str(tmp_path / "demo.db")],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert env_run.returncode == 2 and "--public-url" in env_run.stderr and "Traceback" not in env_run.stderr
    proc, seen = _demo(tmp_path, env={"ROADSHOW_PUBLIC_URL": "http://hotspot.lan:8080"})
    try:
        assert "http://hotspot.lan:8080/board" in seen
    finally:
        stop(proc)


def test_host_allowlist_and_csp_on_a_running_server(tmp_path: Path) -> None:
    proc, banner = _demo(tmp_path)
    try:
        port = _port_of(banner)
        base = f"http://127.0.0.1:{port}"
        wait_healthy(base)
        with httpx.Client(base_url=base, timeout=HTTP_TIMEOUT) as http:
            page = http.get("/board", headers={"Host": f"LocalHost:{port}"})
            assert page.status_code == 200
            assert f"connect-src 'self' ws://localhost:{port};" in page.headers["content-security-policy"]
            # a websocket handshake with a foreign Host is refused before it is accepted
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                raw.sendall(
                    b"GET /ws/board HTTP/1.1\r\nHost: rebind.evil.example:%d\r\nUpgrade: websocket\r\n"
                    b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    b"Sec-WebSocket-Version: 13\r\nOrigin: http://rebind.evil.example:%d\r\n\r\n" % (port, port)
                )
                assert raw.recv(64).startswith(b"HTTP/1.1 403")
            for bad in (f"evil.example:{port}", f"127.0.0.1:{port + 1 if port < 65535 else 1}", "127.0.0.1"):
                assert http.get("/board", headers={"Host": bad}).status_code == 400, bad
                assert http.post("/j", headers={"Host": bad}, data={"judge": "1", "pin": "0"}).status_code == 400
    finally:
        stop(proc)


def test_server_lock_names_its_holder_and_creates_nothing_when_only_asked(tmp_path: Path) -> None:
    from app.serverlock import Holder, ServerLock, ServerRunning, holder, lock_path

    db = tmp_path / "ev.db"
    assert holder(db) is None and not lock_path(db).exists()  # asking creates no file
    lock_path(db).write_text("left by a crashed older version", encoding="utf-8")
    lock = ServerLock.acquire(db, 8123)  # a stale file does not block
    try:
        assert holder(db) == Holder(os.getpid(), 8123)
        with pytest.raises(ServerRunning, match=rf"pid {os.getpid()}, port 8123"):
            ServerLock.acquire(tmp_path / "." / "ev.db", 9000)
    finally:
        lock.release()
    assert holder(db) is None
    ServerLock.acquire(db, 9000).release()
