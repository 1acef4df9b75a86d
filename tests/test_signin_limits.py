"""Signing in under attack (issue 12): host password bursts, revocable host sessions, PIN lockouts
per address that survive a restart, and X-Forwarded-For believed only from trusted proxies."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter

import httpx
import pytest

from app.security import MAX_PASSWORD_CHARS
from app.setup import reset_host_password
from app.signin import LOGIN_OVERALL, LOGIN_PER_ADDRESS, PIN_PER_ADDRESS_AND_JUDGE
from tests.conftest import cookie_header, host_client
from tests.server import HTTP_TIMEOUT, RunningServer


def pins(server: RunningServer) -> dict[str, str]:
    with sqlite3.connect(server.db_path) as conn:
        return dict(conn.execute("SELECT judge, pin FROM judge_tokens").fetchall())


def client_from(server: RunningServer, address: str) -> httpx.AsyncClient:
    """A browser on another machine: connects from `address` (any 127.x.y.z is this host on Linux),
    on at most 16 connections at once (the server allows 32 per address, app/connections.py)."""
    transport = httpx.AsyncHTTPTransport(local_address=address, limits=httpx.Limits(max_connections=16))
    return httpx.AsyncClient(base_url=server.base, transport=transport, headers={"Origin": server.base}, timeout=60)


async def wrong_passwords(http: httpx.AsyncClient, count: int, **headers: str) -> Counter[int]:
    answers = await asyncio.gather(
        *(http.post("/host/login", data={"password": f"wrong-{i}"}, headers=headers) for i in range(count))
    )
    return Counter(a.status_code for a in answers)


async def test_a_burst_of_wrong_passwords_is_limited_before_checking(mini_server: RunningServer) -> None:
    async with client_from(mini_server, "127.0.0.2") as http:
        statuses = await wrong_passwords(http, 60)
    # all 60 arrive at once: only the address's budget of them is checked (401), the rest refused (429)
    assert statuses[401] == LOGIN_PER_ADDRESS.burst
    assert statuses[429] == 60 - LOGIN_PER_ADDRESS.burst
    # the right password from another address still works
    async with client_from(mini_server, "127.0.0.3") as http:
        good = await http.post("/host/login", data={"password": mini_server.password})
        assert good.status_code == 303


async def test_wrong_passwords_from_many_addresses_share_an_overall_limit(mini_server: RunningServer) -> None:
    checked = 0
    for n in range(2, 7):  # 5 addresses x 10 = 50 attempts, more than the overall budget
        async with client_from(mini_server, f"127.0.0.{n}") as http:
            checked += (await wrong_passwords(http, int(LOGIN_PER_ADDRESS.burst)))[401]
    # the overall budget (plus what it refills while the test runs: 1 every 2 s), not all 50
    assert LOGIN_OVERALL.burst <= checked < 50


async def test_forwarded_for_is_not_believed_without_a_trusted_proxy(mini_server: RunningServer) -> None:
    # a client that invents a new X-Forwarded-For per attempt is still one address
    async with client_from(mini_server, "127.0.0.1") as http:
        statuses = Counter()
        for i in range(int(LOGIN_PER_ADDRESS.burst) + 2):
            answer = await http.post("/host/login", data={"password": "x"}, headers={"X-Forwarded-For": f"10.0.0.{i}"})
            statuses[answer.status_code] += 1
    assert statuses[429] == 2


async def test_logout_ends_every_host_session_and_closes_host_sockets(mini_server: RunningServer) -> None:
    captured = cookie_header(mini_server)
    other_device = cookie_header(mini_server)
    socket = await host_client(mini_server)
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        assert (await http.get("/host", headers=captured)).status_code == 200
        out = await http.post("/host/logout", headers=captured | {"Origin": mini_server.base})
        assert out.status_code == 303
        # the copied cookie, and the other device's session, no longer open the console
        for cookie in (captured, other_device):
            again = await http.get("/host", headers=cookie)
            assert again.status_code == 303 and again.headers["location"] == "/host/login"
    await socket.wait_for(lambda view: socket._reader is not None and socket._reader.done(), timeout=10)
    assert socket.closed_code == 4401


async def test_a_new_password_from_the_command_line_logs_hosts_out(mini_server: RunningServer) -> None:
    cookie = cookie_header(mini_server)
    socket = await host_client(mini_server)
    await reset_host_password(mini_server.db_path, "a-new-password")
    await socket.wait_for(lambda view: socket._reader is not None and socket._reader.done(), timeout=15)
    assert socket.closed_code == 4401
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        assert (await http.get("/host", headers=cookie)).status_code == 303


@pytest.mark.parametrize("pin", ["١٢٣٤٥٦", "１２３４５６", "12345é", "²²²²²²"])
async def test_a_pin_that_is_not_six_ascii_digits_is_a_clear_400(mini_server: RunningServer, pin: str) -> None:
    async with client_from(mini_server, "127.0.0.1") as http:
        answer = await http.post("/j", data={"judge": "1", "pin": pin})
    assert answer.status_code == 400
    assert "6 digits" in answer.text


async def test_pin_lockout_is_per_address_and_survives_a_restart(mini_server: RunningServer) -> None:
    right = pins(mini_server)["j3"]
    wrong = "000000" if right != "000000" else "111111"
    async with client_from(mini_server, "127.0.0.2") as attacker:
        for _ in range(int(PIN_PER_ADDRESS_AND_JUDGE.burst)):
            assert (await attacker.post("/j", data={"judge": "3", "pin": wrong})).status_code == 401
        locked = await attacker.post("/j", data={"judge": "3", "pin": right})
        assert locked.status_code == 429
        # the page and Retry-After name the real wait: one attempt comes back every 2 minutes
        assert 100 <= int(locked.headers["retry-after"]) <= 120
        assert "Try again in 2 minutes" in locked.text
    # the real judge 3, on another phone, is not locked out by the attacker
    async with client_from(mini_server, "127.0.0.3") as judge:
        assert (await judge.post("/j", data={"judge": "3", "pin": right})).status_code == 303
    mini_server.restart(hard=True)
    async with client_from(mini_server, "127.0.0.2") as attacker:
        assert (await attacker.post("/j", data={"judge": "3", "pin": right})).status_code == 429


async def test_pin_attempts_are_limited_per_address_across_judge_numbers(mini_server: RunningServer) -> None:
    async with client_from(mini_server, "127.0.0.4") as http:
        statuses = Counter()
        for attempt in range(24):  # 4 wrong PINs for each of 6 judges: under each judge's limit
            answer = await http.post("/j", data={"judge": str(attempt % 6 + 1), "pin": "999999"})
            statuses[answer.status_code] += 1
    assert statuses[429] == 4 and statuses[401] == 20


async def test_a_poll_that_races_a_logout_does_not_bring_the_old_sessions_back() -> None:
    """The watcher reads the stored generation, a logout writes a new one, then the watcher compares:
    the old value it read must not be adopted (it would make every logged-out cookie valid again)."""
    from types import SimpleNamespace

    from app.sessions import end_host_sessions, watch_host_epoch

    meta = {"host_epoch": "old"}
    read_started, logout_done = asyncio.Event(), asyncio.Event()
    polls = 0

    class RacingStore:
        async def get_meta(self, key: str) -> str:
            nonlocal polls
            polls += 1
            value = meta[key]
            if polls == 1:  # the first poll has read "old"; the logout happens before it compares
                read_started.set()
                await logout_done.wait()
            return value

        async def set_meta(self, key: str, value: str) -> None:
            meta[key] = value

    class Live:  # records every generation the server adopts
        def __init__(self) -> None:
            self.store, self.hub, self.adopted = RacingStore(), SimpleNamespace(subscribers_of=lambda _: []), ["old"]

        @property
        def host_epoch(self) -> str:
            return self.adopted[-1]

        @host_epoch.setter
        def host_epoch(self, value: str) -> None:
            self.adopted.append(value)

    live = Live()
    watcher = asyncio.create_task(watch_host_epoch(live, interval=0.01))  # type: ignore[arg-type]
    try:
        await read_started.wait()
        await end_host_sessions(live)  # type: ignore[arg-type]
        new = live.host_epoch
        assert new != "old"
        logout_done.set()
        while polls < 4:  # the racing poll compares, and later polls see the new value
            await asyncio.sleep(0.01)
        assert live.adopted == ["old", new]  # never back to "old", not even for a moment
        meta["host_epoch"] = "from-the-command-line"  # a password set by `roadshow password` is adopted
        while live.host_epoch != "from-the-command-line":
            await asyncio.sleep(0.01)
    finally:
        watcher.cancel()


async def test_a_password_is_checked_on_its_first_200_characters(mini_server: RunningServer) -> None:
    """docs/security.md: a login form's password is cut to MAX_PASSWORD_CHARS before the (costly)
    scrypt check; the longest password that can be set (app/cli.py) is that long."""
    longest = "長" * MAX_PASSWORD_CHARS
    await reset_host_password(mini_server.db_path, longest)
    try:
        async with client_from(mini_server, "127.0.0.9") as http:
            assert (await http.post("/host/login", data={"password": longest})).status_code == 303
            beyond = await http.post("/host/login", data={"password": longest + "x" * 100_000})
            assert beyond.status_code == 303  # what follows the 200th character is not read
            assert (await http.post("/host/login", data={"password": longest[:-1]})).status_code == 401
    finally:
        await reset_host_password(mini_server.db_path, mini_server.password)
