"""The final lock over the live protocol: refused corrections and edits, the host's reopening with a
reason, the preview of the awards that would change, and the journalled re-decision."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

import httpx
import orjson

from tests.conftest import board_client, cookie_header, host_client, judge_client
from tests.server import HTTP_TIMEOUT, RunningServer


def sheet(total: float) -> dict[str, float]:
    return {"impact": min(60.0, total), "pitch": max(0.0, total - 60.0)}


def journal(server: RunningServer, kind: str) -> list[dict[str, Any]]:
    with contextlib.closing(sqlite3.connect(server.db_path)) as conn:
        rows = conn.execute("SELECT actor, data, connection FROM journal WHERE kind = ? ORDER BY seq", (kind,))
        return [{"actor": a, "data": orjson.loads(d), "connection": c} for a, d, c in rows.fetchall()]


async def test_reopen_preview_and_redecide(mini_server: RunningServer) -> None:
    host = await host_client(mini_server)
    board = await board_client(mini_server)
    judges = {j: await judge_client(mini_server, j) for j in ("j1", "j2", "j3")}
    # p1: panel 100 -> composite 60 + 0.4 * 90 = 96; p2: panel 50 -> 30 + 38 = 68. Top one: p1.
    for project, total in (("p1", 100), ("p2", 50)):
        await host.ok("start_project", {"project": project})
        await host.ok("open_scoring")
        for client in judges.values():
            await client.ok("submit_score", {"project": project, "scores": sheet(total)})
        await host.ok("close_scoring")
        await host.ok("reveal", {"project": project})
    await host.ok("start_ceremony", {"skip": True, "remaining": 1})  # p3 never presented
    await host.ok("ceremony_step")
    await host.wait_for(lambda v: (v.get("final_lock") or {}).get("locked") is True)

    def correction(judge: str, reason: str = "the sheet was misread") -> dict[str, Any]:
        return {"judge": judge, "project": "p1", "scores": sheet(0), "reason": reason}

    refused = await host.command("correct_score", correction("j1"))
    assert refused["ok"] is False and refused["error"]["code"] == "final_locked"
    assert journal(mini_server, "correction") == []

    reopened = await host.command("reopen_results", {"reason": ""})
    assert reopened["error"]["code"] == "reason_required"
    await host.ok("reopen_results", {"reason": "Judge One's appeal"})
    await host.wait_for(lambda v: (v["final_lock"].get("reopened") or {}).get("reason") == "Judge One's appeal")
    assert host.view["final_lock"]["changes"] == []
    for judge in judges:
        await host.ok("correct_score", correction(judge))
    # p1 now 0 -> composite 36: the preview shows both awards moving to p2, before anything is decided
    await host.wait_for(lambda v: len(v["final_lock"]["changes"]) == 2)
    team, leader = host.view["final_lock"]["changes"]
    assert (team["award"], team["before"], team["after"]) == ("team", ["Roof Team"], ["Care Team"])
    assert (leader["award"], leader["before"], leader["after"]) == ("leader", ["Lee"], ["Kim"])
    assert (await host.command("ceremony_step"))["error"]["code"] == "reopened"
    assert board.view["ceremony"]["awards"][0]["winners"][0]["project"] == "p1", "the board waits"

    await host.ok("redecide_awards")
    await host.wait_for(lambda v: v["final_lock"]["locked"] is True)
    await board.wait_for(lambda v: v["ceremony"]["awards"][0]["winners"][0]["project"] == "p2")
    await host.wait_for(lambda v: v["host_ceremony"]["awards"][1]["winners"][0]["name"] == "Kim")

    [reopening] = journal(mini_server, "results_reopened")
    assert reopening["actor"] == "host" and reopening["connection"]
    assert reopening["data"] == {"reason": "Judge One's appeal"}
    [decision] = journal(mini_server, "awards_redecided")
    assert decision["data"]["changed"] == [team, leader]
    assert decision["data"]["previous"][0]["winners"][0]["project"] == "p1"
    assert decision["data"]["reason"] == "Judge One's appeal"

    # locked again: an edit of the event definition is refused, even with a reason
    headers = cookie_header(mini_server) | {"Origin": mini_server.base}
    async with httpx.AsyncClient(base_url=mini_server.base, headers=headers, timeout=HTTP_TIMEOUT) as http:
        definition = (await http.get("/host/setup/event.json")).json()["definition"]
        definition["projects"][1]["indicators"]["sat"] = 20
        answer = await http.post("/host/setup/save", json={"definition": definition, "reason": "typo"})
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "final_locked"
    for client in (host, board, *judges.values()):
        await client.close()


async def test_a_definition_edit_after_scoring_is_journalled_with_its_reason(mini_server: RunningServer) -> None:
    host = await host_client(mini_server)
    judge = await judge_client(mini_server, "j1")
    await host.ok("start_project", {"project": "p1"})
    await host.ok("open_scoring")
    await judge.ok("submit_score", {"project": "p1", "scores": sheet(80)})
    headers = cookie_header(mini_server) | {"Origin": mini_server.base}
    async with httpx.AsyncClient(base_url=mini_server.base, headers=headers, timeout=HTTP_TIMEOUT) as http:
        definition = (await http.get("/host/setup/event.json")).json()["definition"]
        definition["projects"][0]["indicators"]["sat"] = 85
        refused = await http.post("/host/setup/save", json={"definition": definition})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "reason_required"
        too_long = await http.post("/host/setup/save", json={"definition": definition, "reason": "x" * 501})
        assert too_long.status_code == 409 and too_long.json()["error"]["code"] == "bad_reason"
        at_limit = "r" * 500
        saved = await http.post("/host/setup/save", json={"definition": definition, "reason": at_limit})
        assert saved.status_code == 200, saved.text
        verdict = (await http.get("/host/audit/verify")).json()
    [edit] = journal(mini_server, "event_updated")
    assert edit["actor"] == "host" and edit["connection"] == "http:setup"
    assert edit["data"]["reason"] == at_limit and edit["data"]["scoring_started"] is True
    assert edit["data"]["changes"] == [
        {"what": "project", "id": "p1", "field": "indicator:sat", "old": 90.0, "new": 85.0}
    ]
    assert edit["data"]["more"] == 0 and len(edit["data"]["sha256"]) == 64
    assert verdict["ok"] is True, verdict  # the definition in force is the one the chain names
    await host.close()
    await judge.close()
