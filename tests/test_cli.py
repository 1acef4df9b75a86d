"""The command line as a user runs it: demo, serve, init, check, backup, password."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import MINI_EVENT
from tests.server import HTTP_TIMEOUT, ROOT, free_port


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


# How long a server may take to start (a demo event built, the banner printed, /healthz answered): seconds
# on a quiet machine, but a loaded 2-core one running the suite in parallel has taken over 30 s.
STARTUP_SECONDS = 120


def serve_and_read_banner(
    args: list[str], cwd: Path, wrapper: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[str], str]:
    """Start `python -m app ARGS` (inside `wrapper`, e.g. a network namespace) and read its banner."""
    proc = subprocess.Popen(
        [*wrapper, sys.executable, "-m", "app", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"} | (env or {}),
    )
    lines: list[str] = []
    assert proc.stdout is not None
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Ctrl+C" in line:
            break
    return proc, "".join(lines)


def stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_healthy(base: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("server did not come up")


def test_demo_prints_every_link_and_serves_them(tmp_path: Path) -> None:
    port = free_port()
    proc, banner = serve_and_read_banner(
        ["demo", "--host", "127.0.0.1", "--port", str(port), "--db", str(tmp_path / "demo.db"), "--backup-every", "0"],
        tmp_path,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert f"{base}/host/login?key=" in banner
        assert f"{base}/board" in banner
        judge_links = re.findall(rf"{re.escape(base)}/judge/[\w-]+", banner)
        assert len(judge_links) == 7
        assert "demo host password:" in banner
        wait_healthy(base)
        login = re.search(rf"{re.escape(base)}/host/login\?key=\S+", banner)
        assert login
        with httpx.Client(timeout=HTTP_TIMEOUT) as http:
            assert http.get(f"{base}/board").status_code == 200
            assert http.get(judge_links[0]).status_code == 200
            response = http.get(login.group(0), follow_redirects=True)
            assert response.status_code == 200 and response.url.path == "/host"
    finally:
        stop(proc)
    # reopening the demo continues the same event with the same judge links
    port = free_port()
    proc, banner2 = serve_and_read_banner(
        ["demo", "--host", "127.0.0.1", "--port", str(port), "--db", str(tmp_path / "demo.db"), "--backup-every", "0"],
        tmp_path,
    )
    try:
        assert "(continuing)" in banner2
        assert sorted(re.findall(r"/judge/([\w-]+)", banner2)) == sorted(re.findall(r"/judge/([\w-]+)", banner))
    finally:
        stop(proc)


def test_new_writes_a_valid_starter_event(tmp_path: Path) -> None:
    made = run("new", str(tmp_path / "starter.toml"), cwd=tmp_path)
    assert made.returncode == 0
    checked = run("check", str(tmp_path / "starter.toml"), cwd=tmp_path)
    assert checked.returncode == 0 and checked.stdout.startswith("ok:")
    again = run("new", str(tmp_path / "starter.toml"), cwd=tmp_path)
    assert again.returncode == 1


def test_check_init_backup_password(tmp_path: Path) -> None:
    ok = run("check", str(MINI_EVENT), cwd=tmp_path)
    assert ok.returncode == 0 and "3 projects" in ok.stdout

    broken = tmp_path / "broken.toml"
    broken.write_text(MINI_EVENT.read_text(encoding="utf-8").replace("max = 60", "max = -60"), encoding="utf-8")
    bad = run("check", str(broken), cwd=tmp_path)
    assert bad.returncode == 2 and "criteria[0].max" in bad.stderr and "line" in bad.stderr
    assert "Invalid event file:" in bad.stderr and "must be greater than 0" in bad.stderr  # English by default
    chinese = run("check", str(broken), "--lang", "zh", cwd=tmp_path)
    assert chinese.returncode == 2 and chinese.stderr.startswith("活动文件有误：")
    assert "criteria[0].max（第 " in chinese.stderr and "行）：须大于 0" in chinese.stderr

    db = tmp_path / "ev.db"
    created = run("init", str(MINI_EVENT), "--db", str(db), cwd=tmp_path)
    assert created.returncode == 0 and "host password" in created.stdout
    again = run("init", str(MINI_EVENT), "--db", str(db), cwd=tmp_path)
    assert again.returncode == 1

    backup = run("backup", str(db), str(tmp_path / "copy.db"), cwd=tmp_path)
    assert backup.returncode == 0 and (tmp_path / "copy.db").exists()

    reset = run("password", str(db), "--password", "new-secret-pw", cwd=tmp_path)
    assert reset.returncode == 0 and "new-secret-pw" in reset.stdout

    missing = run("serve", str(tmp_path / "nothing.db"), cwd=tmp_path)
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_serve_from_event_file_then_from_database(tmp_path: Path) -> None:
    event = tmp_path / "my-event.toml"
    event.write_text(MINI_EVENT.read_text(encoding="utf-8"), encoding="utf-8")
    port = free_port()
    proc, banner = serve_and_read_banner(
        [
            "serve",
            str(event),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--password",
            "pw-for-test",
            "--backup-every",
            "0",
        ],
        tmp_path,
    )
    try:
        assert (tmp_path / "my-event.db").exists()
        assert "(new)" in banner
        wait_healthy(f"http://127.0.0.1:{port}")
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=HTTP_TIMEOUT) as http:
            origin = {"Origin": f"http://127.0.0.1:{port}"}
            wrong = http.post("/host/login", data={"password": "nope"}, headers=origin)
            assert wrong.status_code == 401
            right = http.post("/host/login", data={"password": "pw-for-test"}, headers=origin)
            assert right.status_code == 303 and right.headers["location"] == "/host"
            cross_site = httpx.post(
                f"http://127.0.0.1:{port}/host/login",
                data={"password": "pw-for-test"},
                headers={"Origin": "http://evil.example"},
            )
            assert cross_site.status_code == 403
    finally:
        stop(proc)
    port = free_port()
    proc, banner = serve_and_read_banner(
        ["serve", str(tmp_path / "my-event.db"), "--host", "127.0.0.1", "--port", str(port), "--backup-every", "0"],
        tmp_path,
    )
    try:
        assert "(continuing)" in banner and "Mini" in banner
    finally:
        stop(proc)


def test_serve_over_https(tmp_path: Path) -> None:
    import shutil

    if shutil.which("openssl") is None:
        import pytest

        pytest.skip("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    port = free_port()
    proc, banner = serve_and_read_banner(
        [
            "serve",
            str(MINI_EVENT),
            "--db",
            str(tmp_path / "tls.db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--password",
            "pw",
            "--backup-every",
            "0",
            "--ssl-certfile",
            str(cert),
            "--ssl-keyfile",
            str(key),
        ],
        tmp_path,
    )
    try:
        base = f"https://127.0.0.1:{port}"
        assert f"{base}/board" in banner
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", verify=False, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(base_url=base, verify=False, timeout=HTTP_TIMEOUT) as http:
            page = http.get("/board")
            assert "wss://127.0.0.1" in page.headers["content-security-policy"]
            login = http.post("/host/login", data={"password": "pw"}, headers={"Origin": base})
            assert login.status_code == 303
            assert "secure" in login.headers["set-cookie"].lower()
    finally:
        stop(proc)
