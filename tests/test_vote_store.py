"""The audience vote's storage and intake (app/vote_store.py, app/vote_intake.py): group commit, the
journal anchor that `verify` checks, idempotency across a restart, the bounds at their limits, and a
server killed with SIGKILL in the middle of a burst of votes losing none it acknowledged."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from app import vote_intake
from app.domain.errors import DomainError
from app.domain.models import AudienceRules
from app.store import Store
from app.vote_intake import VoteIntake
from app.vote_store import VoteRow, VoteStore
from tests.conftest import board_client, host_client
from tests.server import HTTP_TIMEOUT, RunningServer
from tests.test_votes_live import event_file


async def _no_wait() -> None:
    await asyncio.sleep(0)


def intake_for(
    store: Store, rules: AudienceRules | None = None, still_open: Callable[[VoteRow], bool] | None = None
) -> VoteIntake:
    folded: list[VoteRow] = []
    return VoteIntake(
        VoteStore(store),
        rules or AudienceRules(enabled=True),
        committed=lambda rows: len(folded.extend(rows) or folded),
        still_open=still_open or (lambda row: True),
        yield_first=_no_wait,
    )


def request(
    voter: str, vid: str = "1", choice: str = "p1", address: str = "10.0.0.1", ticket: str | None = None
) -> VoteRow:
    return VoteRow(voter, vid, "event", choice, ticket, address, at=0.0)


async def test_many_votes_one_transaction_each_batch_anchored_in_the_journal(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "v.db") as store:
        intake = intake_for(store)
        await intake.load()
        acks = await asyncio.gather(
            *(intake.accept(request(f"v{i}", address=f"10.0.{i // 250}.{i % 250}")) for i in range(600))
        )
        await intake.stop()
        assert all(not a.duplicate for a in acks)
        batches = [e for e in await store.journal() if e.kind == "votes_committed"]
        # queued at once: the writer takes MAX_BATCH (500) votes per transaction
        assert [b.data["count"] for b in batches] == [500, 100]
        assert intake.batches == 2
        assert (await store.verify()).ok
    # a vote changed behind Roadshow's back (the triggers dropped) is found by verify
    with contextlib.closing(sqlite3.connect(tmp_path / "v.db")) as conn:
        conn.execute("DROP TRIGGER votes_no_update")
        conn.execute("UPDATE votes SET choice = '\"p2\"' WHERE seq = 7")
        conn.commit()
    async with Store.open(tmp_path / "v.db") as store:
        verdict = await store.verify()
        assert not verdict.ok and "votes 1-500" in verdict.reason


async def test_votes_arriving_one_by_one_are_committed_together_at_a_paced_rate(tmp_path: Path) -> None:
    """A burst's votes arrive a few at a time: the writer starts a commit at most every COMMIT_EVERY,
    so they share transactions instead of one fsync each, and the first vote after a quiet spell is
    not held back for a batch."""
    async with Store.open(tmp_path / "v.db") as store:
        intake = intake_for(store)
        await intake.load()
        loop = asyncio.get_running_loop()
        started = loop.time()
        pending = []
        for i in range(60):
            pending.append(asyncio.ensure_future(intake.accept(request(f"v{i}", address=f"10.1.0.{i}"))))
            await asyncio.sleep(0.002)
        await asyncio.gather(*pending)
        elapsed = loop.time() - started
        # at most one commit per COMMIT_EVERY (the first at once), whatever the machine's speed
        assert intake.batches <= elapsed / vote_intake.COMMIT_EVERY + 1
        assert intake.batches < 60
        counts = [e.data["count"] for e in await store.journal() if e.kind == "votes_committed"]
        assert sum(counts) == 60 and counts[0] == 1  # the first vote went alone, at once
        await intake.stop()


async def test_votes_waiting_for_their_batch_when_the_intake_stops_are_refused_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A vote queued while the writer waits for its next batch (COMMIT_EVERY) gets an answer when the
    intake stops: refused, nothing stored, its id free to be sent again; none waits forever."""
    monkeypatch.setattr(vote_intake, "COMMIT_EVERY", 600.0)  # the next batch waits, however slow the machine
    async with Store.open(tmp_path / "v.db") as store:
        intake = intake_for(store)
        await intake.load()
        await intake.accept(request("v0", address="10.2.0.1"))  # commits at once; the next batch waits
        waiting = [asyncio.ensure_future(intake.accept(request(f"v{i}", address=f"10.2.0.{i}"))) for i in (1, 2)]
        for _ in range(3):
            await asyncio.sleep(0)  # the writer has taken the first into its batch and waits for more
        assert intake.waiting == 1
        await intake.stop()
        answers = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), timeout=30)
        assert all(isinstance(a, DomainError) and a.code == "internal" for a in answers)
        assert [e.data["count"] for e in await store.journal() if e.kind == "votes_committed"] == [1]
        again = await intake.accept(request("v1", address="10.2.0.1"))  # the phone resends: stored once
        assert not again.duplicate
        await intake.stop()


async def test_a_vote_resent_after_restart_is_stored_once(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "v.db") as store:
        intake = intake_for(store)
        await intake.load()
        assert not (await intake.accept(request("a", "x1"))).duplicate
        await intake.stop()
    async with Store.open(tmp_path / "v.db") as store:
        intake = intake_for(store)
        assert len(await intake.load()) == 1
        assert (await intake.accept(request("a", "x1"))).duplicate
        assert not (await intake.accept(request("a", "x2", "p3"))).duplicate
        await intake.stop()
        assert [r.vote_id for r in await VoteStore(store).load()] == ["x1", "x2"]


async def test_a_vote_that_meets_a_closed_window_at_commit_is_refused_and_not_stored(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "v.db") as store:
        intake = intake_for(store, still_open=lambda row: row.choice != "p2")
        await intake.load()
        ok, closed = await asyncio.gather(
            intake.accept(request("a", choice="p1")), intake.accept(request("b", choice="p2")), return_exceptions=True
        )
        await intake.stop()
        assert not isinstance(ok, BaseException)
        assert isinstance(closed, DomainError) and closed.code == "voting_closed"
        assert [r.voter for r in await VoteStore(store).load()] == ["a"]


@pytest.mark.parametrize("cap", [1, 3])
async def test_per_address_cap_at_the_limit(tmp_path: Path, cap: int) -> None:
    async with Store.open(tmp_path / "v.db") as store:
        intake = intake_for(store, AudienceRules(enabled=True, per_address_cap=cap))
        await intake.load()
        for i in range(cap):
            await intake.accept(request(f"v{i}"))
        with pytest.raises(DomainError) as info:
            await intake.accept(request("one-more"))
        assert info.value.code == "address_cap"
        await intake.accept(request("elsewhere", address="10.9.9.9"))
        await intake.stop()


async def test_votes_per_voter_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vote_intake, "VOTES_PER_VOTER", vote_intake.Rate(1000.0, 1000.0))
    async with Store.open(tmp_path / "v.db") as store:
        intake = intake_for(store)
        await intake.load()
        for i in range(vote_intake.MAX_VOTES_PER_VOTER):
            await intake.accept(request("busy", f"id{i}"))
        with pytest.raises(DomainError) as info:
            await intake.accept(request("busy", "one-more"))
        assert info.value.code == "vote_limit"
        assert (await intake.accept(request("busy", "id0"))).duplicate, "a resend of a stored vote is still answered"
        await intake.stop()


async def test_number_of_voters_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vote_intake, "MAX_VOTERS", 5)
    async with Store.open(tmp_path / "v.db") as store:
        intake = intake_for(store)
        await intake.load()
        for i in range(5):
            await intake.accept(request(f"v{i}"))
        with pytest.raises(DomainError) as info:
            await intake.accept(request("v5"))
        assert info.value.code == "votes_full"
        assert not (await intake.accept(request("v0", "again", "p2"))).duplicate
        await intake.stop()


async def test_waiting_votes_at_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vote_intake, "MAX_QUEUE", 3)
    async with Store.open(tmp_path / "v.db") as store:
        gate = asyncio.Event()

        async def held() -> None:  # the writer waits, as behind a long judge's commit
            await gate.wait()

        intake = intake_for(store)
        intake._yield_first = held
        await intake.load()
        first = asyncio.ensure_future(intake.accept(request("v0")))  # taken by the writer, which waits
        await asyncio.sleep(0.05)
        queued = [asyncio.ensure_future(intake.accept(request(f"v{i}"))) for i in range(1, 4)]
        await asyncio.sleep(0.05)
        with pytest.raises(DomainError) as info:
            await intake.accept(request("v4"))
        assert info.value.code == "busy"
        gate.set()
        await asyncio.gather(first, *queued)
        await intake.stop()


async def test_tickets_are_issued_and_journalled_as_a_digest(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "v.db") as store:
        codes = await VoteStore(store).issue_tickets(20)
        assert len(set(codes)) == 20 and all(len(c) == 8 for c in codes)
        [entry] = [e for e in await store.journal() if e.kind == "vote_tickets_issued"]
        assert entry.data["count"] == 20 and codes[0] not in str(entry.data)
        assert await VoteStore(store).tickets() == codes


async def test_sigkill_mid_burst_loses_no_acknowledged_vote(tmp_path: Path) -> None:
    server = RunningServer(tmp_path / "burst.db", event_file(tmp_path))
    server.start()
    phones = []
    try:
        host = await host_client(server)
        await host.ok("vote_open")
        await host.close()
        voters = []
        with httpx.Client(base_url=server.base, timeout=HTTP_TIMEOUT) as client:
            for _ in range(300):
                page = client.get("/board?audience=1")
                voters.append(page.cookies["roadshow_voter"])
                client.cookies.clear()
        phones = [await board_client(server) for _ in range(15)]  # 20 votes each: within a socket's burst
        votes = [(phones[i % 15], voter, f"burst-{i}") for i, voter in enumerate(voters)]
        acked: list[tuple[str, str]] = []

        async def one(phone, voter: str, vid: str, index: int) -> None:
            await asyncio.sleep(index * 0.005)  # a burst over ~1.5 s, so the kill lands inside it
            ack = await phone.send_for_ack({"type": "vote", "id": vid, "voter": voter, "choice": "p1"}, timeout=15)
            if ack["ok"]:
                acked.append((voter, vid))

        async def kill_mid_burst() -> None:
            while len(acked) < 60:
                await asyncio.sleep(0.001)
            server.kill()

        results = await asyncio.gather(
            kill_mid_burst(), *(one(*v, i) for i, v in enumerate(votes)), return_exceptions=True
        )
        assert results[0] is None
        assert 60 <= len(acked) < len(votes), "the kill was meant to land mid-burst"
        for phone in phones:
            with contextlib.suppress(Exception):
                await phone.close()
        with contextlib.closing(sqlite3.connect(server.db_path)) as conn:
            stored = set(conn.execute("SELECT voter, vote_id FROM votes").fetchall())
        ids = {server_voter(v) for v, _ in acked}
        assert {(server_voter(v), vid) for v, vid in acked} <= stored, "an acknowledged vote was lost"
        assert len(ids) == len(acked)

        server.start()  # the phones resend every vote without an ack, and the acked ones too
        phones = [await board_client(server) for _ in range(15)]
        again = await asyncio.gather(
            *(
                phones[i % 15].send_for_ack({"type": "vote", "id": vid, "voter": v, "choice": "p1"}, timeout=30)
                for i, (_, v, vid) in enumerate(votes)
            )
        )
        assert all(a["ok"] for a in again), [a for a in again if not a["ok"]][:3]
        assert all(a["duplicate"] for a, (_, v, vid) in zip(again, votes, strict=True) if (v, vid) in set(acked))
        with contextlib.closing(sqlite3.connect(server.db_path)) as conn:
            assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT voter || ' ' || vote_id) FROM votes").fetchone() == (
                300,
                300,
            )
        async with Store.open(server.db_path) as store:
            assert (await store.verify()).ok
    finally:
        for phone in phones:
            with contextlib.suppress(Exception):
                await phone.close()
        server.stop()


def server_voter(signed: str) -> str:
    """The voter id inside a signed value, as the server stores it."""
    return signed.rsplit(".", 1)[0]


def test_roadshow_verify_checks_the_votes(tmp_path: Path) -> None:
    from app.chain_check import verify_database

    async def cast_three() -> None:
        async with Store.open(tmp_path / "v.db") as store:
            intake = intake_for(store)
            await intake.load()
            await asyncio.gather(*(intake.accept(request(f"v{i}")) for i in range(3)))
            await intake.stop()

    asyncio.run(cast_three())
    assert verify_database(tmp_path / "v.db").ok
    with contextlib.closing(sqlite3.connect(tmp_path / "v.db")) as conn:  # a vote slipped in, outside any batch
        conn.execute(
            "INSERT INTO votes (seq, voter, vote_id, key, choice, ticket, address, at, batch) "
            "VALUES (99, 'x', 'x', 'event', '\"p1\"', NULL, 'a', 0, 1)"
        )
        conn.commit()
    verdict = verify_database(tmp_path / "v.db")
    assert not verdict.ok and "1 vote rows are in no recorded batch" in verdict.reason
