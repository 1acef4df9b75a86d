"""Commentary over the real server: judges' points, the host's choice, what the board receives, a
restart, and the journal (tests/data/mini_event.toml)."""

from __future__ import annotations

import httpx

from tests.conftest import board_client, cookie_header, host_client, judge_client
from tests.server import HTTP_TIMEOUT, RunningServer


def point(pid: str, text: str, kind: str = "highlight", shared: bool = False) -> dict:
    return {"project": "p1", "point": pid, "kind": kind, "text": text, "shared": shared}


async def test_a_shared_chosen_point_reaches_the_board_and_a_private_one_never_does(mini_server: RunningServer) -> None:
    host = await host_client(mini_server)
    board = await board_client(mini_server)
    j1 = await judge_client(mini_server, "j1")
    j2 = await judge_client(mini_server, "j2")

    await j1.ok("save_point", point("a1", "Residents co-design every step", shared=True))
    await j1.ok("save_point", point("a2", "SECRET budget worry", "suggestion"))
    await j2.ok("save_point", point("b1", "Add an outcome survey", "suggestion", shared=True))
    await j1.wait_for(lambda v: [p["id"] for p in v["my_points"].get("p1", [])] == ["a1", "a2"])
    assert "p1" not in j2.view["my_points"] or [p["id"] for p in j2.view["my_points"]["p1"]] == ["b1"]
    await host.wait_for(lambda v: [p["id"] for p in v["host_commentary"]["shared"]["j1"]] == ["a1"])

    await host.ok("start_commentary", {"judge": "j1", "project": "p1"})
    await board.wait_for(lambda v: v["scene"]["scene"] == "commentary" and v["commentary"] is not None)
    assert board.view["commentary"]["judge"]["name"] == "Judge One"
    refused = await host.command("commentary_points", {"points": ["a2"]})
    assert refused["ok"] is False and refused["error"]["code"] == "not_shared"
    await host.ok("commentary_points", {"points": ["a1"]})
    await board.wait_for(lambda v: [p["text"] for p in v["commentary"]["points"]] == ["Residents co-design every step"])
    for client in (board, host, j2):
        assert "SECRET" not in repr(client.view)

    # the judge unshares it: it leaves the board
    await j1.ok("save_point", point("a1", "Residents co-design every step", shared=False))
    await board.wait_for(lambda v: v["commentary"]["points"] == [])
    await j1.ok("save_point", point("a1", "Residents co-design every step", shared=True))
    await board.wait_for(lambda v: len(v["commentary"]["points"]) == 1)

    for client in (host, board, j1, j2):
        await client.close()
    mini_server.restart(hard=True)
    board = await board_client(mini_server)
    j1 = await judge_client(mini_server, "j1")
    assert board.view["scene"]["scene"] == "commentary"
    assert [p["id"] for p in board.view["commentary"]["points"]] == ["a1"]
    assert [p["id"] for p in j1.view["my_points"]["p1"]] == ["a1", "a2"]

    # the audit log (the journal) has the commentary with its actors
    async with httpx.AsyncClient(
        base_url=mini_server.base, headers=cookie_header(mini_server), timeout=HTTP_TIMEOUT
    ) as http:
        text = (await http.get("/host/audit.csv")).text
        report = (await http.get("/host/print/results?lang=en")).text
    assert "point_saved" in text and "commentary_started" in text and "commentary_points" in text
    # the chief judge's report lists the commentary with the point the board showed, never the private one
    assert "Expert commentary" in report and "Residents co-design every step" in report
    assert "SECRET" not in report
    await board.close()
    await j1.close()
