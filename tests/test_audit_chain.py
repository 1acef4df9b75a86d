"""The audit chain against a printed anchor (app/audit_chain.py, `roadshow verify`, docs/reliability.md).

One event is run on a real server and scored; the anchor is read from the rendered score sheets the
chief judge would sign; then copies of its database are tampered with the ways a person with the
file and a text editor or sqlite3 could, and `roadshow verify` must say so (exit 1), or not (exit 0).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest

from app.audit_chain import GENESIS_HASH, Anchor, entry_hash
from app.cli import main
from tests.conftest import MINI_EVENT, board_client, cookie_header, host_client, judge_client
from tests.server import HTTP_TIMEOUT, RunningServer

SCORES = {"impact": 50, "pitch": 30}
EXPORTS = ("/host/export/scores.csv", "/host/export/event-inputs.csv", "/host/audit.csv", "/host/export/results.xlsx")
ANCHOR_RE = re.compile(r'data-testid="chain-anchor" data-head="([0-9a-f]+)" data-length="(\d+)"')


@dataclass
class ScoredEvent:
    db: Path  # a copy of the database, taken after the server stopped
    pages: dict[str, str]  # rendered documents, by path


def printed_anchor(html: str) -> Anchor:
    found = ANCHOR_RE.findall(html)
    assert found, "the page carries no audit anchor"
    assert len(set(found)) == 1, "every sheet of one printing carries the same anchor"
    head, length = found[0]
    return Anchor(int(length), head)


async def _run_event(server: RunningServer) -> dict[str, str]:
    board = await board_client(server)
    host = await host_client(server)
    judges = [await judge_client(server, j) for j in ("j1", "j2", "j3")]
    for project in ("p1", "p2"):
        await host.ok("start_project", {"project": project})
        await host.ok("open_scoring")
        for judge in judges:
            await judge.ok("submit_score", {"project": project, "scores": SCORES})
        await host.ok("close_scoring")
        await host.ok("reveal")
    await board.wait_for(lambda v: (v.get("result") or {}).get("project") == "p2" and v["result"].get("anchor"))
    pages = {"board": orjson.dumps(board.view["result"]["anchor"]).decode()}
    for client in [board, host, *judges]:
        await client.close()
    async with httpx.AsyncClient(base_url=server.base, headers=cookie_header(server), timeout=HTTP_TIMEOUT) as http:
        for path in ("/host/print/scoresheets", "/host/print/results", "/host/print/certificates", *EXPORTS):
            response = await http.get(path)
            assert response.status_code == 200
            pages[path] = response.text if path.endswith((".csv", "s")) else response.content.hex()
    return pages


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScoredEvent]:
    folder = tmp_path_factory.mktemp("scored")
    server = RunningServer(folder / "event.db", MINI_EVENT)
    server.start()
    try:
        pages = asyncio.run(_run_event(server))
    finally:
        server.stop()
    yield ScoredEvent(folder / "event.db", pages)


def copy_db(scored: ScoredEvent, tmp_path: Path) -> Path:
    target = tmp_path / "copy.db"
    with contextlib.closing(sqlite3.connect(scored.db)) as src, contextlib.closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def tamper(db: Path, *statements: str) -> None:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("DROP TRIGGER IF EXISTS journal_no_update")
        conn.execute("DROP TRIGGER IF EXISTS journal_no_delete")
        for sql in statements:
            conn.execute(sql)
        conn.commit()


def verify(capsys: pytest.CaptureFixture[str], db: Path, anchor: Anchor | None = None) -> tuple[int, str]:
    args = ["verify", str(db)]
    if anchor is not None:
        args += ["--head", anchor.head, "--length", str(anchor.length)]
    code = main(args)
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).strip()


def recompute_chain(db: Path, from_seq: int) -> None:
    """What a careful forger does after editing row `from_seq`: recompute every later hash."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.row_factory = sqlite3.Row
        conn.execute("DROP TRIGGER IF EXISTS journal_no_update")
        prev = GENESIS_HASH
        for r in conn.execute("SELECT * FROM journal ORDER BY seq").fetchall():
            if r["seq"] >= from_seq:
                digest = entry_hash(
                    prev,
                    r["seq"],
                    r["at"],
                    r["actor"],
                    r["kind"],
                    r["data"],
                    r["command_id"],
                    r["connection"],
                    r["rule"],
                )
                conn.execute("UPDATE journal SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, r["seq"]))
                prev = digest
            else:
                prev = r["hash"]
        conn.commit()


def score_rows(db: Path) -> list[int]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return [r[0] for r in conn.execute("SELECT seq FROM journal WHERE kind = 'score' ORDER BY seq")]


# ------------------------------------------------------------------------------------------- tests
def test_every_printed_document_carries_the_same_anchor(scored: ScoredEvent) -> None:
    anchors = {path: printed_anchor(html) for path, html in scored.pages.items() if path.startswith("/host/print/")}
    assert len(set(anchors.values())) == 1
    with contextlib.closing(sqlite3.connect(scored.db)) as conn:
        length, last = conn.execute("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1").fetchone()
    assert anchors["/host/print/scoresheets"] == Anchor(length, last[:16])


def test_every_export_carries_the_anchor(scored: ScoredEvent) -> None:
    from openpyxl import load_workbook

    anchor = printed_anchor(scored.pages["/host/print/scoresheets"])
    line = f"# audit anchor: length {anchor.length}, head {anchor.head}"
    for path in EXPORTS[:3]:
        assert scored.pages[path].rstrip("\r\n").rsplit("\r\n", 1)[-1] == line, path
    workbook = load_workbook(io.BytesIO(bytes.fromhex(scored.pages[EXPORTS[3]])))
    for sheet in workbook.worksheets:
        assert f"Audit anchor: length {anchor.length}, head {anchor.head}" in str(sheet["A2"].value), sheet.title


def test_the_board_shows_the_anchor_at_the_reveal(scored: ScoredEvent) -> None:
    with contextlib.closing(sqlite3.connect(scored.db)) as conn:
        reveal = conn.execute("SELECT seq, hash FROM journal WHERE kind = 'reveal' ORDER BY seq DESC").fetchone()
    assert orjson.loads(scored.pages["board"]) == {"length": reveal[0], "head": reveal[1][:16]}


def test_an_untouched_database_verifies_against_its_anchor(scored, tmp_path, capsys) -> None:
    db = copy_db(scored, tmp_path)
    anchor = printed_anchor(scored.pages["/host/print/scoresheets"])
    assert verify(capsys, db) == (0, f"ok: {anchor.length} rows, head {anchor.head}")
    code, out = verify(capsys, db, anchor)
    assert code == 0 and "matches the anchor" in out
    # an older anchor (the database grew since it was printed) still matches
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (old,) = conn.execute("SELECT hash FROM journal WHERE seq = 5").fetchone()
    assert verify(capsys, db, Anchor(5, old[:10]))[0] == 0


def test_a_deleted_tail_is_detected_against_the_anchor(scored, tmp_path, capsys) -> None:
    db = copy_db(scored, tmp_path)
    anchor = printed_anchor(scored.pages["/host/print/scoresheets"])
    tamper(db, f"DELETE FROM journal WHERE seq > {anchor.length - 10}")
    assert verify(capsys, db)[0] == 0, "without an anchor a shorter chain is still a valid chain"
    code, out = verify(capsys, db, anchor)
    assert code == 1
    assert out == (
        f"FAILED: the journal has {anchor.length - 10} rows but the anchor says {anchor.length}: "
        f"rows {anchor.length - 9}-{anchor.length} were removed"
    )


def test_a_rewritten_row_with_recomputed_hashes_is_detected_against_the_anchor(scored, tmp_path, capsys) -> None:
    db = copy_db(scored, tmp_path)
    anchor = printed_anchor(scored.pages["/host/print/scoresheets"])
    target = score_rows(db)[0]
    tamper(db, f"UPDATE journal SET data = replace(data, '\"total\":', '\"total\":1') WHERE seq = {target}")
    code, out = verify(capsys, db)
    assert code == 1 and out == f"FAILED: row {target} was changed after it was written (its hash does not match)"
    recompute_chain(db, target)
    assert verify(capsys, db)[0] == 0, "an unkeyed chain recomputed end to end is consistent in itself"
    code, out = verify(capsys, db, anchor)
    assert code == 1 and out.startswith(f"FAILED: row {anchor.length} has hash ")
    assert out.endswith(f"the anchor says {anchor.head}: rows up to {anchor.length} were rewritten")


def test_a_modified_event_definition_is_detected(scored, tmp_path, capsys) -> None:
    db = copy_db(scored, tmp_path)
    tamper(db, "UPDATE meta SET value = replace(value, 'weight = 40', 'weight = 45') WHERE key = 'event_toml'")
    with contextlib.closing(sqlite3.connect(db)) as conn:
        (source,) = conn.execute("SELECT value FROM meta WHERE key = 'event_toml'").fetchone()
    assert "weight = 45" in source, "the test edits a value the definition has"
    code, out = verify(capsys, db)
    assert (code, out) == (1, "FAILED: the event definition differs from the one recorded at row 1")


def test_a_modified_connection_column_is_detected(scored, tmp_path, capsys) -> None:
    db = copy_db(scored, tmp_path)
    target = score_rows(db)[-1]
    tamper(db, f"UPDATE journal SET connection = 'someone-else' WHERE seq = {target}")
    code, out = verify(capsys, db)
    assert (code, out) == (1, f"FAILED: row {target} was changed after it was written (its hash does not match)")


def test_a_removed_middle_row_is_a_broken_chain(scored, tmp_path, capsys) -> None:
    db = copy_db(scored, tmp_path)
    target = score_rows(db)[1]
    tamper(db, f"DELETE FROM journal WHERE seq = {target}")
    assert verify(capsys, db) == (1, f"FAILED: row {target} is missing (the next row is {target + 1})")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--head", "abcdef12"], "give both --head and --length"),
        (["--head", "xyz", "--length", "3"], "hexadecimal"),
        (["--head", "abc", "--length", "3"], "hexadecimal"),
        (["--head", "abcdef12", "--length", "-1"], "whole number"),
    ],
)
def test_verify_refuses_half_or_malformed_anchors(scored, tmp_path, capsys, args, message) -> None:
    db = copy_db(scored, tmp_path)
    assert main(["verify", str(db), *args]) == 2
    assert message in capsys.readouterr().err


def test_verify_a_missing_or_foreign_file(tmp_path, capsys) -> None:
    assert main(["verify", str(tmp_path / "nothing.db")]) == 2
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE t (x)")
    assert main(["verify", str(other)]) == 2
    assert "not a Roadshow event database" in capsys.readouterr().err


async def test_an_old_chain_is_verified_under_its_rule_and_continued_under_the_new(tmp_path, capsys) -> None:
    """A database from before schema 004: its rows stay under rule 1 (connection outside the hash),
    the definition is recorded once on upgrade, new rows are under rule 2."""
    from importlib import resources

    from app.store import Store

    db = tmp_path / "old.db"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        for name in ("001_init.sql", "002_judge_pins.sql", "003_wal_reserve.sql"):
            conn.executescript(resources.files("app.schema").joinpath(name).read_text(encoding="utf-8"))
        conn.execute("PRAGMA user_version = 3")
        conn.execute("INSERT INTO meta VALUES ('event_toml', ?)", (MINI_EVENT.read_text(encoding="utf-8"),))
        prev = GENESIS_HASH
        for seq, kind in enumerate(("start", "open", "close"), start=1):
            data = '{"project":"p1"}'
            digest = entry_hash(prev, seq, 100.0 + seq, "host", kind, data, f"c{seq}", rule=1)
            conn.execute(
                "INSERT INTO journal VALUES (?, ?, 'host', ?, ?, ?, 'conn-1', ?, ?)",
                (seq, 100.0 + seq, kind, data, f"c{seq}", prev, digest),
            )
            prev = digest
        conn.commit()
    assert verify(capsys, db)[0] == 0  # read-only: verify does not migrate
    async with Store.open(db) as store:
        await store.append("host", "reveal", {"project": "p1"}, connection="conn-2")
        assert (await store.verify()).ok
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT seq, kind, rule FROM journal ORDER BY seq").fetchall()
    assert rows == [(1, "start", 1), (2, "open", 1), (3, "close", 1), (4, "event_defined", 2), (5, "reveal", 2)]
    assert verify(capsys, db)[0] == 0
    tamper(db, "UPDATE journal SET connection = 'forged' WHERE seq = 2")
    assert verify(capsys, db)[0] == 0, "rule 1 rows never covered their connection (docs/reliability.md)"
    tamper(db, "UPDATE journal SET connection = 'forged' WHERE seq = 5")
    assert verify(capsys, db)[0] == 1


def test_a_chain_cannot_fall_back_to_the_old_rule() -> None:
    """Rows under rule 2 followed by a row under rule 1 (a downgrade to leave the connection outside
    the hash) are refused, even with a correct rule-1 hash."""
    from app.audit_chain import ChainVerifier

    def row(seq: int, prev: str, rule: int) -> dict[str, object]:
        digest = entry_hash(prev, seq, 1.0, "host", "scene", "{}", None, "c", rule)
        return {"seq": seq, "at": 1.0, "actor": "host", "kind": "scene", "data": "{}", "command_id": None,
                "connection": "c", "prev_hash": prev, "hash": digest, "rule": rule}  # fmt: skip

    first = row(1, GENESIS_HASH, 2)
    checker = ChainVerifier().feed_all([first, row(2, str(first["hash"]), 1)])
    verdict = checker.finish(None)
    assert (verdict.ok, verdict.first_bad_seq) == (False, 2)
    assert verdict.reason == "row 2 is under chain rule 1 after rule 2"
