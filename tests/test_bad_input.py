"""Bad input never crashes the server, never changes state, and is answered to its sender only."""

from __future__ import annotations

import sqlite3

import httpx
import orjson
import pytest
import websockets

from tests.conftest import board_client, host_client, judge_client
from tests.server import HTTP_TIMEOUT, LiveClient, RunningServer

GOOD = {"impact": 50, "pitch": 30}


def journal_rows(server: RunningServer) -> int:
    with sqlite3.connect(server.db_path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM journal").fetchone()[0])


@pytest.mark.parametrize(
    "args, code",
    [
        ({"project": "p1", "scores": {"impact": 61, "pitch": 30}}, "above_max"),
        ({"project": "p1", "scores": {"impact": -1, "pitch": 30}}, "below_zero"),
        ({"project": "p1", "scores": {"impact": 50.25, "pitch": 30}}, "off_step"),
        ({"project": "p1", "scores": {"impact": "50", "pitch": 30}}, "not_a_number"),
        ({"project": "p1", "scores": {"impact": True, "pitch": 30}}, "not_a_number"),
        ({"project": "p1", "scores": {"impact": 50}}, "missing_criterion"),
        ({"project": "p1", "scores": {"impact": 50, "pitch": 30, "bonus": 5}}, "unknown_criterion"),
        ({"project": "p1", "scores": [50, 30]}, "bad_scores"),
        ({"project": "nope", "scores": GOOD}, "unknown_project"),
        ({"project": ["p1"], "scores": GOOD}, "unknown_project"),
        ({"project": "p2", "scores": GOOD}, "not_open"),
        ({"project": "p1", "scores": GOOD, "comment": 12}, "bad_comment"),
        ({"project": "p1", "scores": GOOD, "comment": "x" * 1001}, "comment_too_long"),
    ],
)
async def test_invalid_scores_are_refused_to_the_sender_only(mini_server: RunningServer, args: dict, code: str) -> None:
    host = await host_client(mini_server)
    board = await board_client(mini_server)
    await host.ok("start_project", {"project": "p1"})
    await host.ok("open_scoring")
    j1 = await judge_client(mini_server, "j1")
    j2 = await judge_client(mini_server, "j2")
    before = journal_rows(mini_server)
    board_updates = len(board.updates)

    ack = await j1.command("submit_score", args)
    assert ack["ok"] is False and ack["error"]["code"] == code
    assert ack["error"]["message"]
    assert journal_rows(mini_server) == before
    assert "p1" not in j1.view["my_scores"]

    # everyone else carries on: another judge's score lands and the board counts it
    await j2.ok("submit_score", {"project": "p1", "scores": GOOD})
    await board.wait_for(lambda v: v["progress"]["submitted"] == 1)
    assert len(board.updates) > board_updates
    assert all(e["type"] != "error" for e in board.errors) and not j2.errors
    for c in (host, board, j1, j2):
        await c.close()


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[1, 2, 3]",
        '"a string"',
        "{}",
        '{"type": "launch"}',
        '{"type": "cmd"}',
        '{"type": "cmd", "id": "", "cmd": "submit_score"}',
        '{"type": "cmd", "id": "x", "cmd": "submit_score", "args": [1]}',
        '{"type": "presence", "state": "dancing"}',
        b"\xff\xfe\x00binary junk",
    ],
)
async def test_malformed_frames_get_an_error_and_change_nothing(mini_server: RunningServer, frame) -> None:
    j1 = await judge_client(mini_server, "j1")
    before = journal_rows(mini_server)
    await j1.send_raw(frame)
    await j1.wait_for(lambda v: bool(j1.errors) or bool(j1.acks), timeout=5)
    reply = j1.errors[0] if j1.errors else next(iter(j1.acks.values()))
    error = reply["error"]
    assert error["code"] in {"bad_message", "bad_args", "unknown_command"}
    assert journal_rows(mini_server) == before
    # the connection still works
    pong_ack = await j1.command("submit_score", {"project": "p1", "scores": GOOD})
    assert pong_ack["error"]["code"] == "not_open"
    await j1.close()


async def test_oversized_frame_closes_only_that_connection(mini_server: RunningServer) -> None:
    j1 = await judge_client(mini_server, "j1")
    board = await board_client(mini_server)
    await j1.send_raw(orjson.dumps({"type": "ping", "t": "x" * (70 * 1024)}).decode())
    await j1.wait_for(lambda v: j1._reader is not None and j1._reader.done(), timeout=5)
    assert j1.closed_code == 1009  # message too big
    host = await host_client(mini_server)
    await host.ok("start_project", {"project": "p1"})
    await board.wait_for(lambda v: v["current"]["project"] == "p1")
    await host.close()
    await board.close()


async def test_roles_come_from_the_connection_not_the_message(mini_server: RunningServer) -> None:
    board = await board_client(mini_server)
    j1 = await judge_client(mini_server, "j1")
    before = journal_rows(mini_server)
    for client in (board, j1):
        for cmd, args in (
            ("start_project", {"project": "p1", "role": "host"}),
            ("open_scoring", {}),
            ("reveal", {"project": "p1"}),
        ):
            ack = await client.command(cmd, args)
            assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    ack = await board.command("submit_score", {"project": "p1", "scores": GOOD, "judge": "j1"})
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert journal_rows(mini_server) == before
    # and every refusal is logged with the connection it came from
    log = mini_server.log_path.read_text(encoding="utf-8", errors="replace")
    assert "refused start_project from a board connection" in log
    assert "refused start_project from c" in log and ":judge:j1" in log
    assert "refused submit_score from a board connection" in log
    await board.close()
    await j1.close()


async def test_a_judge_cannot_score_as_another_judge(mini_server: RunningServer) -> None:
    host = await host_client(mini_server)
    await host.ok("start_project", {"project": "p1"})
    await host.ok("open_scoring")
    j1 = await judge_client(mini_server, "j1")
    await j1.ok("submit_score", {"project": "p1", "scores": GOOD, "judge": "j2"})
    judges = {j["id"]: j for j in (await host_client(mini_server)).view["judges"]}
    assert judges["j1"]["submitted"] is True and judges["j2"]["submitted"] is False
    await host.close()
    await j1.close()


async def test_unknown_judge_token_is_refused(mini_server: RunningServer) -> None:
    client = LiveClient(f"{mini_server.ws_base}/ws/judge/not-a-real-token")
    with pytest.raises(AssertionError, match="4401"):
        await client.connect()
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        page = await http.get("/judge/not-a-real-token")
    assert page.status_code == 404


async def test_host_socket_needs_the_host_session(mini_server: RunningServer) -> None:
    client = LiveClient(f"{mini_server.ws_base}/ws/host")
    with pytest.raises(AssertionError, match="4401"):
        await client.connect()
    forged = LiveClient(f"{mini_server.ws_base}/ws/host", {"Cookie": "roadshow_session=forged.value.here"})
    with pytest.raises(AssertionError, match="4401"):
        await forged.connect()


async def test_hostile_origin_is_refused(mini_server: RunningServer) -> None:
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(f"{mini_server.ws_base}/ws/board", origin="http://evil.example")
    assert refused.value.response.status_code == 403
    ok = await websockets.connect(f"{mini_server.ws_base}/ws/board", origin=f"http://127.0.0.1:{mini_server.port}")
    await ok.close()


async def test_duplicate_command_ids_apply_once(mini_server: RunningServer) -> None:
    host = await host_client(mini_server)
    await host.ok("start_project", {"project": "p1"})
    await host.ok("open_scoring")
    j1 = await judge_client(mini_server, "j1")
    first = await j1.command("submit_score", {"project": "p1", "scores": GOOD}, cid="same-id")
    before = journal_rows(mini_server)
    j1.acks.clear()
    again = await j1.command("submit_score", {"project": "p1", "scores": {"impact": 10, "pitch": 10}}, cid="same-id")
    assert first["ok"] and first["duplicate"] is False
    assert again["ok"] and again["duplicate"] is True
    assert journal_rows(mini_server) == before
    # the first submission's own sections follow its ack; the duplicate changed nothing
    assert (await j1.section("my_scores", lambda s: "p1" in s))["p1"]["total"] == 80
    await host.close()
    await j1.close()


async def test_untrusted_text_is_escaped_in_pages(mini_server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        for path in ("/", "/board", f"/judge/{mini_server.judge_tokens()['j1']}", "/host/login"):
            page = await http.get(path)
            assert page.status_code == 200
            assert "<b>Roadshow</b>" not in page.text
            assert "&lt;b&gt;Roadshow&lt;/b&gt;" in page.text
            assert "script-src 'self' 'nonce-" in page.headers["content-security-policy"]
