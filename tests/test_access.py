"""Who may do what over HTTP: PIN fallback with lockout, link reissue, audit log, CSRF."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from tests.conftest import cookie_header, judge_client
from tests.server import HTTP_TIMEOUT, LiveClient, RunningServer


def pins(server: RunningServer) -> dict[str, str]:
    with sqlite3.connect(server.db_path) as conn:
        return dict(conn.execute("SELECT judge, pin FROM judge_tokens").fetchall())


def origin(server: RunningServer) -> dict[str, str]:
    return {"Origin": server.base}


async def test_pin_fallback_signs_in_and_locks_out(mini_server: RunningServer) -> None:
    pin = pins(mini_server)["j2"]
    assert len(pin) == 6 and pin.isdigit()
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        assert (await http.get("/j")).status_code == 200
        good = await http.post("/j", data={"judge": "2", "pin": pin}, headers=origin(mini_server))
        assert good.status_code == 303
        assert good.headers["location"] == f"/judge/{mini_server.judge_tokens()['j2']}"

        wrong = "000000" if pin != "000000" else "111111"
        for _ in range(5):
            response = await http.post("/j", data={"judge": "3", "pin": wrong}, headers=origin(mini_server))
            assert response.status_code == 401
        right_but_locked = await http.post(
            "/j", data={"judge": "3", "pin": pins(mini_server)["j3"]}, headers=origin(mini_server)
        )
        assert right_but_locked.status_code == 429
        # another judge number is not affected by judge 3's lockout
        other = await http.post("/j", data={"judge": "2", "pin": pin}, headers=origin(mini_server))
        assert other.status_code == 303
        cross_site = await http.post("/j", data={"judge": "2", "pin": pin}, headers={"Origin": "http://evil.example"})
        assert cross_site.status_code == 403


async def test_reissue_revokes_the_old_link(mini_server: RunningServer) -> None:
    old_token = mini_server.judge_tokens()["j1"]
    old_pin = pins(mini_server)["j1"]
    judge = await judge_client(mini_server, "j1")
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        anonymous = await http.post("/host/judges/j1/reissue", headers=origin(mini_server))
        assert anonymous.status_code == 401
        host = cookie_header(mini_server)
        forged = await http.post("/host/judges/j1/reissue", headers=host | {"Origin": "http://evil.example"})
        assert forged.status_code == 403
        done = await http.post(
            "/host/judges/j1/reissue", headers=host | origin(mini_server) | {"Accept": "application/json"}
        )
        assert done.status_code == 200 and done.json()["ok"] is True
        assert (await http.get(f"/judge/{old_token}")).status_code == 404
        new_token = mini_server.judge_tokens()["j1"]
        assert new_token != old_token and (await http.get(f"/judge/{new_token}")).status_code == 200
        assert pins(mini_server)["j1"] != old_pin
    # the phone that had the old link is disconnected and cannot come back with it
    await judge.wait_for(lambda v: judge._reader is not None and judge._reader.done(), timeout=5)
    assert judge.closed_code == 4401
    with pytest.raises(AssertionError, match="4401"):
        await LiveClient(f"{mini_server.ws_base}/ws/judge/{old_token}").connect()
    await judge.close()


async def test_audit_log_view_and_csv(mini_server: RunningServer) -> None:
    from tests.conftest import host_client

    host = await host_client(mini_server)
    await host.ok("start_project", {"project": "p1"})
    await host.ok("open_scoring")
    j1 = await judge_client(mini_server, "j1")
    await j1.ok("submit_score", {"project": "p1", "scores": {"impact": 50, "pitch": 30}, "comment": "=1+1"})
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        assert (await http.get("/host/audit")).status_code == 303  # not for the public
        page = await http.get("/host/audit", headers=cookie_header(mini_server))
        assert page.status_code == 200 and "start" in page.text and "verifies" in page.text
        csv_response = await http.get("/host/audit.csv", headers=cookie_header(mini_server))
    text = csv_response.text.lstrip("\ufeff")
    lines = text.strip().splitlines()
    assert lines[0].startswith("seq,time,actor,kind,data")
    assert len(lines) == 6  # header; the event definition, start, open, score; the anchor
    assert lines[-1].startswith("# audit anchor: length 4, head ")
    assert "Judge One (judge:j1)" in text and ",score," in text
    await host.close()
    await j1.close()


async def test_backup_on_demand_is_host_only(mini_server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        assert (await http.post("/host/backup", headers=origin(mini_server))).status_code == 401
        host = cookie_header(mini_server)
        assert (await http.post("/host/backup", headers=host | {"Origin": "http://evil.example"})).status_code == 403
        made = await http.post("/host/backup", headers=host | origin(mini_server))
    assert made.status_code == 200
    copy = made.json()["path"]
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM judge_tokens").fetchone()[0] == 6


async def test_printable_links_carry_number_and_pin(mini_server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        page = await http.get("/host/links", headers=cookie_header(mini_server))
    assert page.status_code == 200
    pin = pins(mini_server)["j2"]
    assert f"{mini_server.base}/j" in page.text and pin in page.text and "<svg" in page.text
