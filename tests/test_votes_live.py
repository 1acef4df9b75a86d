"""The audience vote over the real sockets (docs/protocol.md, "Audience votes"): a server subprocess,
audience phones on /ws/board, the host on /ws/host.

Covered: a vote acknowledged after commit, a changed vote (the latest counts), a resent id stored once,
the closed window, the board's counter without the tally until the reveal, forged and missing voter
ids, votes on a judge's socket, the per-address cap at its limit, one-time tickets (spent on another
phone, reused by the same phone), the per-voter rate limit, and the host's watch panel."""

from __future__ import annotations

import asyncio
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from tests.conftest import DATA, board_client, host_client, judge_client
from tests.server import HTTP_TIMEOUT, LiveClient, RunningServer

VOTE_EVENT = DATA / "vote_event.toml"


def event_file(tmp_path: Path, extra: str = "", mode: str = 'mode = "one_per_event"') -> Path:
    """The vote test event with `extra` lines added to its [audience] table and its `mode` line replaced."""
    path = tmp_path / "vote_event.toml"
    text = VOTE_EVENT.read_text(encoding="utf-8").replace("enabled = true\n", f"enabled = true\n{extra}")
    path.write_text(text.replace('mode = "one_per_event"', mode))
    return path


def serve(tmp_path: Path, extra: str = "", mode: str = 'mode = "one_per_event"') -> Iterator[RunningServer]:
    server = RunningServer(tmp_path / "vote.db", event_file(tmp_path, extra, mode))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def vote_server(tmp_path: Path) -> Iterator[RunningServer]:
    yield from serve(tmp_path)


@pytest.fixture
def capped_server(tmp_path: Path) -> Iterator[RunningServer]:
    yield from serve(tmp_path, "per_address_cap = 3\n")


@pytest.fixture
def ticket_server(tmp_path: Path) -> Iterator[RunningServer]:
    yield from serve(tmp_path, "tickets = true\n")


def new_voter(server: RunningServer) -> str:
    """A phone's signed voter id, as the audience page gives it (and sets its cookie)."""
    response = httpx.get(f"{server.base}/board?audience=1")
    assert response.status_code == 200
    match = re.search(r'data-voter="([^"]+)"', response.text)
    assert match, "the audience page carries no voter id"
    assert response.cookies.get("roadshow_voter") == match.group(1)
    return match.group(1)


async def cast(phone: LiveClient, voter: str, choice: Any, vid: str | None = None, **extra: Any) -> dict[str, Any]:
    vid = vid or f"v-{os.urandom(6).hex()}"
    phone.acks.pop(vid, None)  # a resent id: wait for its new ack
    return await phone.send_for_ack({"type": "vote", "id": vid, "voter": voter, "choice": choice, **extra})


def code(ack: dict[str, Any]) -> str:
    assert not ack["ok"], ack
    return ack["error"]["code"]


async def test_vote_counted_once_latest_wins_tally_hidden_until_reveal(vote_server: RunningServer) -> None:
    host, phone = await host_client(vote_server), await board_client(vote_server)
    a, b = new_voter(vote_server), new_voter(vote_server)
    try:
        assert code(await cast(phone, a, "p1")) == "voting_closed"
        await host.ok("vote_open")
        first = await cast(phone, a, "p1", vid="a-1")
        assert first["ok"] and first["count"] == 1 and not first["duplicate"]
        again = await cast(phone, a, "p1", vid="a-1")  # resent after a lost ack: stored once
        assert again["ok"] and again["duplicate"]
        changed = await cast(phone, a, "p2", vid="a-2")  # a changed mind replaces the vote
        assert changed["ok"] and changed["count"] == 1
        assert (await cast(phone, b, "p2"))["count"] == 2
        assert code(await cast(phone, b, "nope")) == "bad_vote"
        section = await phone.section("vote", lambda v: v.get("count") == 2)
        assert section["open"] and section["revealed"] is None
        assert "p2" not in str(section), "the board must not learn who leads before the reveal"
        assert code(await host.command("vote_reveal")) == "close_vote_first"
        await host.ok("vote_close")
        assert code(await cast(phone, b, "p1")) == "voting_closed"
        await host.ok("vote_reveal")
        revealed = (await phone.section("vote", lambda v: v.get("revealed")))["revealed"]
        rows = [(r["project"], r["votes"], r["points"], r["rank"]) for r in revealed["projects"]]
        assert rows == [("p2", 2, 100.0, 1), ("p1", 0, 0.0, 2), ("p3", 0, 0.0, 2)]
        assert revealed["voters"] == 2
    finally:
        await host.close()
        await phone.close()


async def test_voter_ids_are_checked_and_judges_cannot_vote(vote_server: RunningServer) -> None:
    host, phone, judge = (
        await host_client(vote_server),
        await board_client(vote_server),
        await judge_client(vote_server, "j1"),
    )
    try:
        await host.ok("vote_open")
        voter = new_voter(vote_server)
        forged = voter[:-2] + ("AA" if not voter.endswith("AA") else "BB")
        assert code(await cast(phone, forged, "p1")) == "bad_voter"
        assert code(await cast(phone, "x" * 128, "p1")) == "bad_voter"  # at the length limit: checked, refused
        assert code(await cast(phone, "x" * 129, "p1")) == "bad_voter"  # over it: refused unread
        assert code(await cast(phone, voter, "p" * 65)) == "bad_vote"
        assert code(await cast(judge, voter, "p1")) == "forbidden"
        assert code(await cast(phone, voter, True)) == "bad_vote"
        assert (await cast(phone, voter, "p3"))["ok"]
        assert (await cast(phone, voter, "p2", vid="i" * 64))["ok"]  # an id at its 64-character limit
    finally:
        await host.close()
        await phone.close()
        await judge.close()


async def test_per_address_cap_at_its_limit(capped_server: RunningServer) -> None:
    host, phone = await host_client(capped_server), await board_client(capped_server)
    try:
        await host.ok("vote_open")
        voters = [new_voter(capped_server) for _ in range(4)]
        for voter in voters[:3]:  # every test phone is 127.0.0.1: the cap is 3
            assert (await cast(phone, voter, "p1"))["ok"]
        assert code(await cast(phone, voters[3], "p1")) == "address_cap"
        assert (await cast(phone, voters[0], "p3"))["ok"], "a phone already counted may change its vote"
        watch = await host.section("vote_watch", lambda w: w.get("refused", {}).get("address_cap") == 1)
        assert watch["top_addresses"] == [{"address": "127.0.0.1", "voters": 3}]
    finally:
        await host.close()
        await phone.close()


async def test_one_time_tickets(ticket_server: RunningServer) -> None:
    with httpx.Client(base_url=ticket_server.base, headers={"Origin": ticket_server.base}, timeout=30) as client:
        client.cookies = ticket_server.host_cookies()
        issued = client.post("/host/tickets", data={"count": "3"}, headers={"Accept": "application/json"}).json()
        too_many = client.post("/host/tickets", data={"count": "2001"}, headers={"Accept": "application/json"})
        sheet = client.get("/host/tickets")
    assert issued["ok"] and len(issued["codes"]) == 3
    assert too_many.status_code == 400 and too_many.json()["error"]["code"] == "bad_count"
    assert all(c in sheet.text for c in issued["codes"])
    first, second = issued["codes"][:2]
    host, phone = await host_client(ticket_server), await board_client(ticket_server)
    a, b = new_voter(ticket_server), new_voter(ticket_server)
    try:
        await host.ok("vote_open")
        assert code(await cast(phone, a, "p1")) == "ticket_required"
        assert code(await cast(phone, a, "p1", ticket="ZZZZZZZZ")) == "ticket_unknown"
        assert code(await cast(phone, a, "p1", ticket="Z" * 33)) == "ticket_unknown"
        assert (await cast(phone, a, "p1", ticket=first.lower()))["ok"]  # typed in lower case
        assert (await cast(phone, a, "p2", ticket=first))["ok"], "the same phone changes its vote"
        assert code(await cast(phone, b, "p2", ticket=first)) == "ticket_spent"
        assert (await cast(phone, b, "p2", ticket=second))["ok"]
        watch = await host.section("vote_watch", lambda w: w.get("refused", {}).get("ticket_spent") == 1)
        assert watch["tickets_issued"] == 3 and watch["count"] == 2
    finally:
        await host.close()
        await phone.close()
    with httpx.Client(base_url=ticket_server.base, headers={"Origin": ticket_server.base}, timeout=30) as client:
        client.cookies = ticket_server.host_cookies()
        assert "3 tickets issued, 2 used." in client.get("/host/tickets?lang=en").text
        # at the limits: 2,000 a request, 10,000 an event; 100 slips a printed page
        json_accept = {"Accept": "application/json"}
        for count in ("2000", "2000", "2000", "2000", "1997"):
            assert client.post("/host/tickets", data={"count": count}, headers=json_accept).json()["ok"]
        over = client.post("/host/tickets", data={"count": "1"}, headers=json_accept)
        assert over.status_code == 400 and over.json()["error"]["code"] == "too_many_tickets"
        sheet = client.get("/host/tickets?lang=en").text
        assert "10000 tickets issued" in sheet
        assert sheet.count('class="qr-card ticket-slip') == 100 and "?page=2" in sheet
        last = client.get("/host/tickets?page=100").text
        assert last.count('class="qr-card ticket-slip') == 100 and "?page=101" not in last


async def test_per_voter_rate_limit(vote_server: RunningServer) -> None:
    host, phone = await host_client(vote_server), await board_client(vote_server)
    try:
        await host.ok("vote_open")
        voter = new_voter(vote_server)
        acks = await asyncio.gather(*(cast(phone, voter, "p1") for _ in range(8)))
        # a burst of 5, then about one a second: of 8 votes sent at once, at most 6 pass
        assert sum(a["ok"] for a in acks) in (5, 6)
        assert {a["error"]["code"] for a in acks if not a["ok"]} == {"rate_limited"}
    finally:
        await host.close()
        await phone.close()


async def test_revealed_vote_in_results_workbook_certificates_and_awards(vote_server: RunningServer) -> None:
    host, phone = await host_client(vote_server), await board_client(vote_server)
    try:
        await host.ok("vote_open")
        for choice in ("p3", "p3", "p1"):
            assert (await cast(phone, new_voter(vote_server), choice))["ok"]
        await host.ok("vote_close")
        before = httpx.get(f"{vote_server.base}/api/results").json()["vote"]
        assert before["count"] == 3 and before["revealed"] is None
        await host.ok("vote_reveal")
        preview = await host.section("awards_preview", lambda a: a and a[0]["winners"])
        assert [(w["project"], w["place"]) for w in preview[0]["winners"]] == [("p3", 1)]
        assert (await phone.section("scene"))["scene"] == "people_choice"
    finally:
        await host.close()
        await phone.close()
    public = httpx.get(f"{vote_server.base}/api/results").json()["vote"]["revealed"]
    assert [(r["project"], r["votes"], r["points"]) for r in public["projects"]] == [
        ("p3", 2, 100.0),
        ("p1", 1, 50.0),
        ("p2", 0, 0.0),
    ]
    with httpx.Client(base_url=vote_server.base, timeout=HTTP_TIMEOUT) as client:
        client.cookies = vote_server.host_cookies()
        workbook = client.get("/host/export/results.xlsx")
        certificates = client.get("/host/print/certificates?lang=en")
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content))["大众评审 Audience vote"]
    rows = [[c.value for c in row] for row in sheet.iter_rows() if row[1].value in ("p1", "p2", "p3")]
    assert [r[:5] for r in rows] == [
        [1, "p3", "Repair Café", "Fix Team", 2],
        [2, "p1", "Elder Meals", "Meal Team", 1],
        [3, "p2", "Home Visits", "Visit Team", 0],
    ]
    assert "People&#39;s choice" in certificates.text or "People's choice" in certificates.text
    assert "Fix Team" in certificates.text


@pytest.fixture
def stars_server(tmp_path: Path) -> Iterator[RunningServer]:
    yield from serve(tmp_path, mode='mode = "stars"\nwindow = "per_project"')


async def test_stars_rated_one_project_at_a_time(stars_server: RunningServer) -> None:
    host, phone = await host_client(stars_server), await board_client(stars_server)
    a, b = new_voter(stars_server), new_voter(stars_server)
    try:
        assert code(await host.command("vote_open", {"project": "p1"})) == "not_presented"
        await host.ok("start_project", {"project": "p1"})
        await host.ok("vote_open")  # the project on stage
        assert (await cast(phone, a, 5, project="p1"))["ok"]
        assert (await cast(phone, b, 3))["ok"]  # no project given: the one whose rating is open
        assert code(await cast(phone, a, 4, project="p2")) == "voting_closed"
        assert code(await cast(phone, a, 6, project="p1")) == "bad_vote"
        await host.ok("vote_close")
        await host.ok("start_project", {"project": "p2"})
        await host.ok("vote_open")
        assert (await cast(phone, a, 2, project="p2"))["ok"]
        assert code(await cast(phone, b, 2, project="p1")) == "voting_closed"
        await host.ok("vote_close")
        await host.ok("vote_reveal")
        revealed = (await phone.section("vote", lambda v: v.get("revealed")))["revealed"]
        rows = [(r["project"], r["votes"], r["mean_stars"], r["points"]) for r in revealed["projects"]]
        assert rows == [("p1", 2, 4.0, 80.0), ("p2", 1, 2.0, 40.0), ("p3", 0, None, 0.0)]
    finally:
        await host.close()
        await phone.close()
