"""The hostile uploads against the real server: each gets a clear answer, the server's memory stays
where it was (the file is read in a child process), and a judge's command is acknowledged after each.
The files are made by tests/test_upload_bounds.py's helpers."""

from __future__ import annotations

import httpx

from app.spreadsheets.bounds import MAX_UPLOAD_BYTES
from tests.conftest import host_client, judge_client
from tests.server import HTTP_TIMEOUT, RunningServer
from tests.test_setup import XLSX, host_http, upload
from tests.test_upload_bounds import HEADER, MIB, billion_laughs, csv_line, far_cell_workbook, zip_of

CSV = "text/csv"


def peak_rss_kib(server: RunningServer) -> int:
    """The server process's high-water mark of resident memory (VmHWM), in KiB."""
    assert server.proc is not None
    status = open(f"/proc/{server.proc.pid}/status", encoding="ascii").read()  # noqa: SIM115
    return int(status.split("VmHWM:")[1].split()[0])


ROW = {"id": "p1", "order": "1", "category": "care", "title": "T", "team": "T", "summary": "S", "sat": "50"}
CONTROLS = ROW | {"title": "Ti\x00t\x0ble", "team": "Te\x01am"}
HUGE_CELL = ROW | {"summary": "x" * 140_000}  # past the csv module's own field limit
HOSTILE = [
    ("far.xlsx", far_cell_workbook(), XLSX, "reaches cell XFD1048576"),
    ("wide.csv", (",".join(f"c{i}" for i in range(300)) + "\n" * 10_000).encode(), CSV, "more than 64 columns"),
    ("blank.csv", (HEADER + "\n" + "," * 299 + "\n").encode() * 1 + ("," * 299 + "\n").encode() * 10_000, CSV, ""),
    ("bomb.xlsx", zip_of({"xl/worksheets/sheet1.xml": b" " * (64 * MIB)}), XLSX, "unpacks to more than 20 MB"),
    ("laughs.xlsx", billion_laughs(), XLSX, "EntitiesForbidden"),
    ("cell.csv", f"{HEADER}\n{csv_line(**HUGE_CELL)}\n".encode(), CSV, "cannot be read as CSV"),
    ("controls.csv", f"{HEADER}\n{csv_line(**CONTROLS)}\n".encode(), CSV, ""),
]


async def test_hostile_uploads_get_clear_answers_and_leave_the_event_running(mini_server: RunningServer) -> None:
    host = await host_client(mini_server)
    judge = await judge_client(mini_server, "j1")
    await host.ok("start_project", {"project": "p1"})
    await host.ok("open_scoring")
    before = peak_rss_kib(mini_server)
    async with host_http(mini_server) as http:
        for n, (name, data, media_type, expected) in enumerate(HOSTILE):
            answer = await http.post("/host/setup/import", **upload(name, data, media_type))
            assert answer.status_code == 200, (name, answer.text)
            body = answer.json()
            text = " | ".join(p["message"] for p in body["problems"])
            assert expected in text, (name, text)
            assert bool(expected) != body["ok"] or name == "blank.csv", (name, text)
            # the event carries on: a judge's command is acknowledged after each file
            scores = {"impact": 40, "pitch": 20 + n}
            await judge.ok("submit_score", {"project": "p1", "scores": scores})
        # the upload limit: a file of exactly MAX_UPLOAD_BYTES is read; one byte more is refused
        exact = (HEADER + "\n").encode()
        exact += b"\n" * (MAX_UPLOAD_BYTES - len(exact))
        answer = await http.post("/host/setup/import", **upload("exact.csv", exact, CSV))
        assert answer.status_code == 200, answer.text
        answer = await http.post("/host/setup/import", **upload("over.csv", exact + b"\n", CSV))
        assert answer.status_code == 413 and "5 MB" in answer.json()["error"]["message"]
    after = peak_rss_kib(mini_server)
    # the body of a 5 MB upload and its multipart copy are the only cost; the parse is elsewhere
    assert after - before < 48 * 1024, (before, after)
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        assert (await http.get("/healthz")).status_code == 200
    await judge.close()
    await host.close()
