"""The store: migrations, the append-only hash-chained journal, idempotent commands, backups, replay."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.domain.state import Change, EventState
from app.hub import Hub
from app.live import LiveEvent
from app.protocol import Command
from app.setup import prepare
from app.store import ChainError, DuplicateCommand, Store, StoreError
from tests.conftest import MINI_EVENT

SCORES = {"impact": 50, "pitch": 30}


async def make_db(tmp_path: Path) -> Path:
    db = tmp_path / "event.db"
    await prepare(db, MINI_EVENT.read_text(encoding="utf-8"), host_password="pw")
    return db


async def test_journal_is_append_only_and_chained(tmp_path: Path) -> None:
    db = await make_db(tmp_path)
    async with Store.open(db) as store:
        a = await store.append("host", "start", {"project": "p1"}, command_id="c1")
        b = await store.append("host", "open", {"project": "p1"}, command_id="c2")
        assert b.prev_hash == a.hash and b.seq == a.seq + 1
        assert await store.verify_chain() == 3  # row 1 records the event definition
        with pytest.raises(DuplicateCommand):
            await store.append("host", "open", {"project": "p1"}, command_id="c2")
        # the same id from another actor is a different command
        await store.append("judge:j1", "score", {"project": "p1"}, command_id="c2")
    with sqlite3.connect(db) as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE journal SET data = '{}' WHERE seq = 1")
    with sqlite3.connect(db) as conn, pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM journal WHERE seq = 1")


async def test_tampering_is_detected_on_start(tmp_path: Path) -> None:
    db = await make_db(tmp_path)
    async with Store.open(db) as store:
        await store.append("host", "start", {"project": "p1"})
        await store.append("host", "open", {"project": "p1"})
        await store.append("judge:j1", "score", {"project": "p1", "judge": "j1", "values": SCORES, "total": 80.0})
    with sqlite3.connect(db) as conn:  # someone edits a score behind Roadshow's back
        conn.execute("DROP TRIGGER journal_no_update")
        conn.execute("UPDATE journal SET data = replace(data, '80.0', '99.0') WHERE seq = 4")
    async with Store.open(db) as store:
        with pytest.raises(ChainError, match="row 4"):
            await store.verify_chain()
        with pytest.raises(ChainError):
            await LiveEvent.load(store, Hub())


async def test_migrations_are_numbered_and_run_once(tmp_path: Path) -> None:
    db = await make_db(tmp_path)
    for _ in range(2):
        async with Store.open(db):
            pass
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_another_programs_database_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    foreign = tmp_path / "contacts.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
    before = foreign.read_bytes()
    with pytest.raises(StoreError, match="another program"):
        async with Store.open(foreign):
            pass
    with sqlite3.connect(foreign) as conn:  # none of our tables was added
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"contacts"} and foreign.read_bytes()[:100] == before[:100]


async def test_replay_rebuilds_the_same_state(tmp_path: Path) -> None:
    db = await make_db(tmp_path)
    async with Store.open(db) as store:
        live = await LiveEvent.load(store, Hub())
        await live.execute("host", None, Command("a", "start_project", {"project": "p1"}), "c")
        await live.execute("host", None, Command("b", "timer", {"timer": "presentation", "action": "start"}), "c")
        await live.execute("host", None, Command("c", "open_scoring", {}), "c")
        for judge in ("j1", "j2", "j3"):
            await live.execute(
                "judge", judge, Command(f"s-{judge}", "submit_score", {"project": "p1", "scores": SCORES}), "c"
            )
        recusal = {"judge": "j3", "project": "p1", "reason": "advised p1"}  # a recusal needs a reason
        await live.execute("host", None, Command("d", "recuse", recusal), "c")
        await live.execute("host", None, Command("e", "close_scoring", {}), "c")
        await live.execute("host", None, Command("f", "reveal", {"project": "p1"}), "c")
        before = live.state
        await live.hub.close()
    async with Store.open(db) as store:
        after = (await LiveEvent.load(store, Hub())).state
    assert after.order == before.order and after.status == before.status
    assert after.current == before.current and after.revealed == before.revealed
    assert after.sheets == before.sheets and after.recused == before.recused
    assert after.timers["presentation"].as_dict() == before.timers["presentation"].as_dict()
    assert after.results()["p1"].panel == before.results()["p1"].panel == 80.0


async def test_backup_reproduces_the_standings(tmp_path: Path) -> None:
    db = await make_db(tmp_path)
    async with Store.open(db) as store:
        live = await LiveEvent.load(store, Hub())
        await live.execute("host", None, Command("a", "start_project", {"project": "p1"}), "c")
        await live.execute("host", None, Command("b", "open_scoring", {}), "c")
        for n, judge in enumerate(("j1", "j2", "j3", "j4", "j5")):
            scores = {"impact": 40 + n, "pitch": 30}
            await live.execute(
                "judge", judge, Command(f"s{n}", "submit_score", {"project": "p1", "scores": scores}), "c"
            )
        copy = await store.backup(tmp_path / "backups" / "copy.db")
        expected = live.state.results()["p1"]
        await live.hub.close()
    async with Store.open(copy) as restored:
        assert await restored.integrity_check() == "ok"
        state = (await LiveEvent.load(restored, Hub())).state
    got = state.results()["p1"]
    assert (got.panel, got.composite, got.counted, got.dropped) == (
        expected.panel,
        expected.composite,
        expected.counted,
        expected.dropped,
    )


async def test_prepare_reopens_without_rewriting(tmp_path: Path) -> None:
    db = await make_db(tmp_path)
    again = await prepare(db, MINI_EVENT.read_text(encoding="utf-8").replace("Mini", "Changed"))
    assert again.created is False and again.source_changed is True
    assert again.event.title.startswith("Mini")  # the stored definition is used
    assert again.host_password is None


async def test_malformed_event_file_writes_nothing(tmp_path: Path) -> None:
    from app.eventfile import EventFileError

    db = tmp_path / "bad.db"
    broken = MINI_EVENT.read_text(encoding="utf-8").replace('category = "care"', 'category = "nowhere"')
    with pytest.raises(EventFileError, match=r"projects\[1\]\.category"):
        await prepare(db, broken)
    assert not db.exists()


def test_state_apply_ignores_unknown_kinds() -> None:
    from app.eventfile import load_event_file

    state = EventState.new(load_event_file(MINI_EVENT))
    state.apply(Change("from_the_future", {"x": 1}), 0.0)
    assert state.current is None


async def test_event_edits_before_and_after_scoring(tmp_path: Path) -> None:
    from app.domain.errors import DomainError
    from app.eventfile import EventFileError

    db = await make_db(tmp_path)
    source = MINI_EVENT.read_text(encoding="utf-8")
    async with Store.open(db) as store:
        live = await LiveEvent.load(store, Hub())
        # before the event: anything goes, including a new project and a new rubric maximum
        edited = source.replace('title = "Repair Café"', 'title = "Repair Café (renamed)"').replace(
            "max = 40", "max = 50"
        )
        await live.update_event(edited)
        assert live.event.project("p3").title == "Repair Café (renamed)"
        assert live.event.panel_max == 110
        with pytest.raises(EventFileError):
            await live.update_event(edited.replace('category = "care"', 'category = "nowhere"'))
        await live.execute("host", None, Command("a", "start_project", {"project": "p1"}), "c")
        await live.execute("host", None, Command("b", "open_scoring", {}), "c")
        command = Command("s", "submit_score", {"project": "p1", "scores": {"impact": 50, "pitch": 45}})
        await live.execute("judge", "j1", command, "c")
        # after scoring started: the rubric and weights are fixed; names can still be corrected
        with pytest.raises(DomainError) as locked:
            await live.update_event(edited.replace("max = 50", "max = 40"))
        assert locked.value.code == "scoring_started" and "rubric" in str(locked.value)
        with pytest.raises(DomainError, match="weights"):
            await live.update_event(edited.replace("panel_weight = 60", "panel_weight = 70"))
        without_p1 = edited.replace('id = "p1"', 'id = "p9"')
        with pytest.raises(DomainError) as in_use:
            await live.update_event(without_p1)
        assert in_use.value.code == "in_use" and "p1" in str(in_use.value)
        with pytest.raises(DomainError) as no_reason:
            await live.update_event(edited.replace("Lee", "Lee Wen"))
        assert no_reason.value.code == "reason_required"
        await live.update_event(edited.replace("Lee", "Lee Wen"), reason="leader's full name")
        assert live.event.project("p1").leader == "Lee Wen"
        assert live.state.sheets[("p1", "j1")].total == 95.0  # the score survived the edit
        await live.hub.close()
    async with Store.open(db) as store:  # and a restart reads the edited definition
        again = await LiveEvent.load(store, Hub())
        assert again.event.project("p1").leader == "Lee Wen" and again.state.current == "p1"


async def test_the_write_ahead_log_is_reserved_once_and_then_reused(tmp_path: Path) -> None:
    db = await make_db(tmp_path)
    wal = Path(f"{db}-wal")
    async with Store.open(db) as store:
        before = await store.append("host", "start", {"project": "p1"}, command_id="c1")
        size = 1024 * 1024
        await store.reserve_wal(size)
        reserved = wal.stat().st_size
        assert reserved >= size
        for i in range(40):  # ~40 commits of a few pages each fit in the reserved log
            await store.append("judge:j1", "score", {"project": "p1", "n": i}, command_id=f"s{i}")
        assert wal.stat().st_size == reserved, "commits overwrite the reserved log instead of growing it"
        assert await store.verify_chain() == 42  # and row 1, the event definition
        entries = await store.journal()
        assert entries[1] == before and [e.data.get("n") for e in entries[2:]] == list(range(40))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM wal_reserve").fetchone()[0] == 0
