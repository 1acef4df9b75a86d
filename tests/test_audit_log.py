"""The host's audit log over HTTP: pages of bounded size, the JSON verify endpoint, the streamed CSV
(app/routes/host_admin.py; limits in docs/security.md)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.routes.host_admin import AUDIT_PAGE_SIZE, MAX_AUDIT_PAGE_SIZE
from app.setup import prepare
from app.store import Store
from tests.conftest import MINI_EVENT, cookie_header
from tests.server import HTTP_TIMEOUT, RunningServer

EXTRA_ROWS = 700  # more than the largest page


async def _long_journal(db: Path) -> int:
    await prepare(db, MINI_EVENT.read_text(encoding="utf-8"), host_password="pw")
    async with Store.open(db) as store:
        for i in range(EXTRA_ROWS):
            scene = "welcome" if i % 2 else "leaderboard"
            await store.append("host", "scene", {"scene": scene}, command_id=f"s{i}", connection="test")
        # a cell a spreadsheet would run as a formula once the leading tab is skipped
        await store.append("host", "scene", {"scene": "welcome"}, command_id="\t=1+1", connection="=HYPERLINK()")
        return store.anchor.length


@pytest.fixture(scope="module")
def long_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, int]]:
    db = tmp_path_factory.mktemp("audit") / "event.db"
    rows = asyncio.run(_long_journal(db))
    server = RunningServer(db, MINI_EVENT)
    server.start()
    try:
        yield server, rows
    finally:
        server.stop()


def seqs(html: str) -> list[int]:
    return [int(s) for s in re.findall(r"<tr><td>(\d+)</td>", html)]


def link(html: str, testid: str) -> str | None:
    found = re.search(rf'href="([^"]+)" rel="\w+" data-testid="{testid}"', html)
    return found.group(1).replace("&amp;", "&") if found else None


async def test_audit_pages_are_bounded_and_newest_first(long_server) -> None:
    server, rows = long_server
    async with httpx.AsyncClient(base_url=server.base, headers=cookie_header(server), timeout=HTTP_TIMEOUT) as http:
        first = await http.get("/host/audit")
        assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
        assert seqs(first.text) == list(range(rows, rows - AUDIT_PAGE_SIZE, -1))
        assert 'data-testid="chain-status"' in first.text and "verifies" in first.text
        assert link(first.text, "audit-newer") is None
        assert link(first.text, "audit-older") == f"/host/audit?from={rows - AUDIT_PAGE_SIZE}&size={AUDIT_PAGE_SIZE}"
        # the largest page, at the limit and past it
        at_limit = seqs((await http.get(f"/host/audit?size={MAX_AUDIT_PAGE_SIZE}")).text)
        assert len(at_limit) == MAX_AUDIT_PAGE_SIZE
        assert seqs((await http.get("/host/audit?size=1000000")).text) == at_limit
        assert len(seqs((await http.get("/host/audit?size=0")).text)) == 1
        assert len(seqs((await http.get("/host/audit?size=lots")).text)) == AUDIT_PAGE_SIZE
        # a page in the middle links both ways, and does not re-verify the chain
        middle = (await http.get("/host/audit?from=10&size=5")).text
        assert seqs(middle) == [10, 9, 8, 7, 6]
        assert 'data-testid="chain-status"' not in middle
        assert link(middle, "audit-older") == "/host/audit?from=5&size=5"
        assert link(middle, "audit-newer") == "/host/audit?from=15&size=5"
        last = (await http.get("/host/audit?from=3&size=5")).text
        assert seqs(last) == [3, 2, 1] and link(last, "audit-older") is None
        assert seqs((await http.get("/host/audit?from=-4")).text)[-1] == 1  # clamped, not an error


async def test_verify_endpoint(long_server) -> None:
    server, rows = long_server
    async with httpx.AsyncClient(base_url=server.base, timeout=HTTP_TIMEOUT) as http:
        assert (await http.get("/host/audit/verify")).status_code == 401
        host = cookie_header(server)
        verdict = (await http.get("/host/audit/verify", headers=host)).json()
        assert verdict["ok"] is True and verdict["length"] == rows and verdict["first_bad_seq"] is None
        page = (await http.get("/host/audit", headers=host)).text
        assert f'data-head="{verdict["head"]}" data-length="{rows}"' in page
        anchor = {"head": verdict["head"], "length": rows}
        assert (await http.get("/host/audit/verify", params=anchor, headers=host)).json()["ok"] is True
        longer = (await http.get("/host/audit/verify", params=anchor | {"length": rows + 3}, headers=host)).json()
        assert longer["ok"] is False and f"rows {rows + 1}-{rows + 3} were removed" in longer["reason"]
        other = (
            await http.get("/host/audit/verify", params=anchor | {"head": "0123456789abcdef"}, headers=host)
        ).json()
        assert other["ok"] is False and "rewritten" in other["reason"]
        for bad in ({"head": "zz", "length": 3}, {"head": "abcdef12"}, {"length": "x", "head": "abcdef12"}):
            assert (await http.get("/host/audit/verify", params=bad, headers=host)).status_code == 400


async def test_audit_csv_is_streamed_whole_with_its_anchor(long_server) -> None:
    server, rows = long_server
    async with httpx.AsyncClient(base_url=server.base, headers=cookie_header(server), timeout=HTTP_TIMEOUT) as http:
        response = await http.get("/host/audit.csv")
        verdict = (await http.get("/host/audit/verify")).json()
    assert response.status_code == 200 and "content-length" not in response.headers  # sent in chunks
    text = response.text.lstrip("\ufeff")
    lines = text.splitlines()
    assert lines[-1] == f"# audit anchor: length {rows}, head {verdict['head']}"
    table = list(csv.DictReader(io.StringIO("\n".join(lines[:-1]))))
    assert [int(r["seq"]) for r in table] == list(range(1, rows + 1))
    assert table[-1]["command_id"] == "'\t=1+1" and table[-1]["connection"] == "'=HYPERLINK()"
