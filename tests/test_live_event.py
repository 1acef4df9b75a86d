"""A whole mini event against the real server: websockets, SQLite, a SIGKILL restart mid-event.

Hand computation (tests/data/mini_event.toml: criteria impact/60 + pitch/40, weight 1 → panel max 100;
composite = (60 × panel + 40 × satisfaction) / 100; trimmed mean drops 1 high + 1 low from 5+ judges):

p1: j1 80, j2 70 → amended 85, j3 90, j4 60, j5 75, j6 100 then recused.
    counted j1..j5 = [80, 85, 90, 60, 75] → drop j4 (60) and j3 (90) → mean(80, 85, 75) = 80.00
    composite = (60 × 80 + 40 × 90) / 100 = 48 + 36 = 84.00
p2: j1..j6 all 70 → 6 judges, drop one low and one high (all equal) → 70.00
    composite = (60 × 70 + 40 × 95) / 100 = 42 + 38 = 80.00
Ranks: p1 first (84), p2 second (80); by category green: p1 1; care: p2 1.
Awards: team → Roof Team (p1); leader → Lee; volunteers → Vol A, Vol B, Vol C.
"""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import board_client, cookie_header, host_client, judge_client
from tests.server import HTTP_TIMEOUT, LiveClient, RunningServer


def sheet(total: float) -> dict[str, float]:
    """Split a total into the two criteria (impact ≤ 60, pitch ≤ 40)."""
    impact = min(60.0, total)
    return {"impact": impact, "pitch": total - impact}


async def score(judge: LiveClient, project: str, total: float) -> dict:
    return await judge.ok("submit_score", {"project": project, "scores": sheet(total), "comment": f"total {total}"})


async def test_whole_mini_event_with_restart(mini_server: RunningServer) -> None:
    host = await host_client(mini_server)
    board = await board_client(mini_server)
    judges = {j: await judge_client(mini_server, j) for j in ("j1", "j2", "j3", "j4", "j5", "j6")}

    assert board.view["scene"]["scene"] == "welcome"
    assert host.view["judges"][0]["connected"] is True

    # --- p1: start, timer, open, scores, amend, recusal, close, reveal
    await host.ok("start_project", {"project": "p1"})
    await board.wait_for(lambda v: v["current"]["project"] == "p1" and v["scene"]["scene"] == "presenting")
    await judges["j1"].wait_for(lambda v: v["current"]["project"] == "p1")
    await host.ok("timer", {"timer": "presentation", "action": "start"})
    await board.wait_for(lambda v: v["timer"]["presentation"]["running"] is True)

    early = await judges["j1"].command("submit_score", {"project": "p1", "scores": sheet(80)})
    assert early["ok"] is False and early["error"]["code"] == "not_open"

    await host.ok("open_scoring")
    for j, total in (("j1", 80), ("j2", 70), ("j3", 90), ("j4", 60), ("j5", 75), ("j6", 100)):
        await score(judges[j], "p1", total)
    await score(judges["j2"], "p1", 85)  # amendment: the latest counts
    await board.wait_for(lambda v: v["progress"] == {"project": "p1", "submitted": 6, "expected": 6})
    # the board never sees a score before the reveal
    assert board.view["result"] is None and board.view["leaderboard"]["overall"] == []

    await host.ok("recuse", {"judge": "j6", "project": "p1", "reason": "advised this team"})
    await board.wait_for(lambda v: v["progress"]["expected"] == 5 and v["progress"]["submitted"] == 5)
    # a judge's own sections follow the board's (docs/protocol.md)
    await judges["j2"].wait_for(lambda v: v["my_scores"].get("p1", {}).get("total") == 85)
    assert judges["j2"].view["my_scores"]["p1"]["version"] == 2
    assert "p1" not in judges["j1"].view["my_scores"] or judges["j1"].view["my_scores"]["p1"]["total"] == 80
    assert all(
        set(j.view) == {"event", "projects", "current", "timer", "scene", "progress", "me", "my_scores", "my_points"}
        for j in judges.values()
    )

    await host.ok("close_scoring")
    late = await judges["j1"].command("submit_score", {"project": "p1", "scores": sheet(10)})
    # refused with its own code (the phone says it was not counted), and shown to the host with the numbers
    assert late["ok"] is False and late["error"]["code"] == "scoring_closed"
    await host.wait_for(lambda v: [(r["judge"], r["project"], r["total"]) for r in v["refused"]] == [("j1", "p1", 10)])
    again = await judges["j1"].command("submit_score", {"project": "p1", "scores": sheet(10)})
    assert again["error"]["code"] == "scoring_closed"

    await host.ok("reveal", {"project": "p1"})
    await board.wait_for(lambda v: v["result"] is not None and v["scene"]["scene"] == "result")
    assert board.view["result"]["panel"] == 80.0
    assert board.view["result"]["composite"] == 84.0
    assert board.view["result"]["counted"] == 3 and board.view["result"]["dropped"] == 2
    assert [r["project"] for r in board.view["leaderboard"]["overall"]] == ["p1"]

    # the host's standings follow the board's result (docs/protocol.md)
    await host.wait_for(lambda v: any(r["project"] == "p1" and r["revealed"] for r in v["standings"]["overall"]))
    explained = next(r for r in host.view["standings"]["overall"] if r["project"] == "p1")
    assert sorted(explained["counted"]) == ["j1", "j2", "j5"]
    assert sorted(explained["dropped"]) == ["j3", "j4"]
    assert explained["recused"] == ["j6"]

    # --- p2: start, open, two judges score, then the server is killed mid-scoring
    await host.ok("start_project", {"project": "p2"})
    await host.ok("open_scoring")
    await score(judges["j1"], "p2", 70)
    await score(judges["j2"], "p2", 70)
    for client in (host, board, *judges.values()):
        await client.close()

    mini_server.restart(hard=True)

    host = await host_client(mini_server)
    board = await board_client(mini_server)
    judges = {j: await judge_client(mini_server, j) for j in ("j1", "j2", "j3", "j4", "j5", "j6")}
    assert board.view["current"]["project"] == "p2"
    assert board.view["current"]["status"] == "scoring"
    assert board.view["progress"] == {"project": "p2", "submitted": 2, "expected": 6}
    assert board.view["result"]["project"] == "p1" and board.view["result"]["composite"] == 84.0
    assert judges["j2"].view["my_scores"]["p1"]["total"] == 85
    assert judges["j2"].view["my_scores"]["p2"]["total"] == 70

    for j in ("j3", "j4", "j5", "j6"):
        await score(judges[j], "p2", 70)
    await host.ok("close_scoring")
    await host.ok("reveal", {"project": "p2"})
    await host.ok("scene", {"scene": "leaderboard"})
    await board.wait_for(lambda v: len(v["leaderboard"]["overall"]) == 2 and v["scene"]["scene"] == "leaderboard")
    rows = board.view["leaderboard"]["overall"]
    assert [(r["project"], r["rank"], r["composite"], r["panel"]) for r in rows] == [
        ("p1", 1, 84.0, 80.0),
        ("p2", 2, 80.0, 70.0),
    ]

    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        public = (await http.get("/api/results")).json()
    assert public["scope"] == "revealed"
    assert [(r["project"], r["rank"], r["composite"], r["panel"]) for r in public["overall"]] == [
        ("p1", 1, 84.0, 80.0),
        ("p2", 2, 80.0, 70.0),
    ]
    p1 = public["overall"][0]
    assert {c["id"]: c["contribution"] for c in p1["components"]} == {"panel": 48.0, "sat": 36.0}
    assert public["by_category"]["green"][0]["project"] == "p1"
    assert public["by_category"]["care"][0]["category_rank"] == 1
    assert public["unranked"] == [] and public["awards"] is None  # p3 is not revealed: not even listed

    # --- ceremony: one award at a time
    await host.ok("start_ceremony", {"skip": True, "remaining": 1})  # p3 is skipped, explicitly
    await board.wait_for(lambda v: v["ceremony"] is not None and v["scene"]["scene"] == "ceremony")
    await host.wait_for(lambda v: v["host_ceremony"] is not None)
    # the team with its leader (one step), the leaders' recap, the honour roll (all at once)
    assert host.view["host_ceremony"]["total_steps"] == 3
    # the board learns nothing it could count before a reveal: no placeholders, totals or tie flags
    assert "total_steps" not in board.view["ceremony"]
    for award in board.view["ceremony"]["awards"]:
        assert award["winners"] == [] and award["revealed"] == 0 and award["complete"] is False
        assert "total" not in award and "tie_at_cut" not in award
    await host.ok("ceremony_step", {"direction": "next"})
    await board.wait_for(lambda v: v["ceremony"]["step"] == 1)
    team = board.view["ceremony"]["awards"][0]
    assert team["winners"][0]["name"] == "Roof Team" and team["complete"] is True and team["tie_at_cut"] is False
    # the team's leader comes on the same step (app/domain/ceremony.py)
    assert [w["name"] for w in board.view["ceremony"]["awards"][1]["winners"]] == ["Lee"]
    assert board.view["ceremony"]["current"] == {"award": 0, "winner": 0, "with": [{"award": 1, "winner": 0}]}
    await host.ok("ceremony_step", {"direction": "next"})
    await host.ok("ceremony_step", {"direction": "next"})
    await board.wait_for(lambda v: v["ceremony"]["step"] == 3)
    names = [w["name"] for w in board.view["ceremony"]["awards"][2]["winners"]]
    assert names == ["Vol A", "Vol B", "Vol C"]
    assert board.view["ceremony"]["awards"][1]["winners"][0]["name"] == "Lee"
    beyond = await host.command("ceremony_step", {"direction": "next"})
    assert beyond["ok"] is False and beyond["error"]["code"] == "ceremony_bounds"

    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        awarded = (await http.get("/api/results")).json()["awards"]
        full = (await http.get("/api/results", headers=cookie_header(mini_server))).json()
    assert [(a["id"], [w["name"] for w in a["winners"]]) for a in awarded] == [
        ("team", ["Roof Team"]),
        ("leader", ["Lee"]),
        ("vol", ["Vol A", "Vol B", "Vol C"]),
    ]
    assert full["scope"] == "all" and full["unranked"] == ["p3"]

    for client in (host, board, *judges.values()):
        await client.close()


async def test_reorder_before_start(mini_server: RunningServer) -> None:
    host = await host_client(mini_server)
    board = await board_client(mini_server)
    await host.ok("reorder", {"order": ["p3", "p1", "p2"]})
    await board.wait_for(lambda v: [p["id"] for p in v["projects"]] == ["p3", "p1", "p2"])
    await host.ok("start_project", {"project": "p3"})
    moved = await host.command("reorder", {"order": ["p1", "p3", "p2"]})
    assert moved["ok"] is False and moved["error"]["code"] == "order_locked"
    await host.ok("reorder", {"order": ["p3", "p2", "p1"]})
    assert board.view["current"]["next"] in ("p1", "p2")
    await board.wait_for(lambda v: v["current"]["next"] == "p2")
    await host.close()
    await board.close()


@pytest.mark.parametrize("lang, expected", [("zh", "不是"), ("en", "not")])
async def test_errors_are_translated_per_connection(mini_server: RunningServer, lang: str, expected: str) -> None:
    token = mini_server.judge_tokens()["j1"]
    judge = await LiveClient(f"{mini_server.ws_base}/ws/judge/{token}?lang={lang}").connect()
    ack = await judge.command("submit_score", {"project": "p1", "scores": sheet(50)})
    assert ack["ok"] is False and ack["error"]["code"] == "not_open"
    assert expected in ack["error"]["message"]
    await judge.close()
