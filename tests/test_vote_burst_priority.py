"""Judges first during a burst of audience votes (docs/performance.md, "Audience vote burst"): a batch of
votes is written in one trip to the SQLite thread and all or nothing, its acknowledgements are handed
out a chunk at a time with a judge's command let in between, and a burst of votes is frozen out of the
collector's way like a storm of connections. Nothing here is about time."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import sqlite3
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from app import gc_policy, gil_handoff, live_votes, vote_intake
from app import store as store_module
from app.domain.models import AudienceRules
from app.hub import Hub
from app.store import Store
from app.vote_intake import VoteAck, VoteIntake
from app.vote_store import BATCH_KIND, VOTE_INSERT, VoteRow, VoteStore
from tests.test_gc_policy import policy  # noqa: F401 - the collector policy installed for a test


def vote(i: int) -> VoteRow:
    return VoteRow(f"v{i}", f"id{i}", "event", "p1", None, f"10.0.{i // 250}.{i % 250}", at=0.0)


async def test_a_batch_is_one_trip_to_the_writer_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async with Store.open(tmp_path / "v.db") as store:
        votes = VoteStore(store)
        await votes.load()
        trips: list[str] = []
        queue = store.connection._execute

        async def counted(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
            trips.append(getattr(fn, "__name__", repr(fn)))
            return await queue(fn, *args, **kwargs)

        monkeypatch.setattr(store.connection, "_execute", counted)
        stored, refused = await votes.commit([vote(i) for i in range(300)], 1.0, lambda row: True)
        monkeypatch.undo()
        assert len(stored) == 300 and refused == []
        # BEGIN, the 300 rows, the journal's anchor and COMMIT in one call on the writer thread: a
        # judge's score waiting for the writer waits for one trip, not four.
        assert trips == ["_write_batch_in_thread"]
        [anchor] = [e for e in await store.journal() if e.kind == BATCH_KIND]
        assert anchor.data["first"] == 1 and anchor.data["last"] == 300
        assert (await store.verify()).ok


async def test_a_batch_that_fails_writes_nothing_and_the_chain_goes_on(tmp_path: Path) -> None:
    async with Store.open(tmp_path / "v.db") as store:
        await store.append("host", "note", {"n": 1})
        tail = store.anchor

        def prepare(seq: int) -> tuple[str, list[tuple[object, ...]], dict[str, object]]:
            row = (1, "v", "id", "event", '"p1"', None, "10.0.0.1", 0.0, seq)
            return VOTE_INSERT, [row, row], {"first": 1, "last": 2, "count": 2}  # the same seq twice

        with pytest.raises(sqlite3.IntegrityError):
            await store.write_batch(prepare, "audience", BATCH_KIND, 1.0)
        assert store.anchor == tail  # nothing journalled
        async with store.connection.execute("SELECT COUNT(*) FROM votes") as cur:
            assert (await cur.fetchone())[0] == 0
        entry = await store.append("host", "note", {"n": 2})
        assert entry.seq == tail.length + 1
        assert (await store.verify()).ok


async def test_acknowledgements_go_out_in_chunks_with_commands_first_in_between(tmp_path: Path) -> None:
    acked_when_yielding: list[int] = []
    acks: list[VoteAck] = []

    async with Store.open(tmp_path / "v.db") as store:

        async def judges_first() -> None:
            # What Hub.yield_to_commands lets through: record how far the batch's acks have got.
            acked_when_yielding.append(len(acks))
            await asyncio.sleep(0)

        intake = VoteIntake(
            VoteStore(store), AudienceRules(enabled=True), lambda rows: len(rows), lambda row: True, judges_first
        )
        await intake.load()

        async def one(i: int) -> None:
            acks.append(await intake.accept(vote(i)))

        n = 3 * vote_intake.ACK_CHUNK + 10  # one batch (queued at once), four chunks of acks
        await asyncio.gather(*(one(i) for i in range(n)))
        await intake.stop()
    assert len(acks) == n and intake.batches == 1
    # once before the commit (nothing acknowledged yet), then between chunks: each time, the votes of
    # the earlier chunks at most have been woken, so a command let in there waits for one chunk, not 202.
    assert acked_when_yielding[0] == 0
    between = acked_when_yielding[1:]
    assert len(between) == 3
    assert all(count <= (k + 1) * vote_intake.ACK_CHUNK for k, count in enumerate(between))
    assert between[-1] < n


@pytest.mark.usefixtures("policy")
async def test_a_burst_of_votes_is_frozen_like_a_storm_of_connections(tmp_path: Path) -> None:
    stats = gc_policy.STATS  # the fixture installed it
    async with Store.open(tmp_path / "v.db") as store:
        intake = VoteIntake(VoteStore(store), AudienceRules(enabled=True), lambda rows: 0, lambda row: True, _no_wait)
        await intake.load()
        task = asyncio.create_task(
            gc_policy.freeze_after_storms(lambda: gc_policy.arrivals(0, votes=intake.accepted), lambda: 0)
        )
        try:
            await asyncio.sleep(0.05)
            freezes, frozen_before = stats.freezes, gc.get_freeze_count()
            n = gc_policy.FREEZE_BATCH * gc_policy.VOTES_PER_ARRIVAL  # no connection arrives
            await asyncio.gather(*(intake.accept(vote(i)) for i in range(n)))
            for _ in range(100):
                await asyncio.sleep(0.01)
                if stats.freezes > freezes:
                    break
            assert stats.freezes > freezes
            assert gc.get_freeze_count() >= frozen_before + 4 * n  # the voters' records are out of the way
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await intake.stop()


async def _no_wait() -> None:
    await asyncio.sleep(0)


@pytest.mark.parametrize(
    ("last_fanout", "interval"),
    [
        (0.0, 0.5),  # before the first fan-out, and a small hall: twice a second
        (0.03, 0.5),  # 1,000 phones (~30 ms a fan-out)
        (0.12, 1.2),  # 10,000 phones (~120 ms): the counter's fan-outs stay at 10% of the loop
        (0.3, 3.0),  # a loaded machine
        (2.0, 5.0),  # never less often than every 5 s while votes arrive
    ],
)
def test_the_vote_counter_is_published_less_often_to_a_large_hall(last_fanout: float, interval: float) -> None:
    assert live_votes.count_interval(last_fanout) == pytest.approx(interval)


class _Phone:
    def __init__(self) -> None:
        self.got: list[bytes] = []

    async def send(self, data: bytes) -> None:
        self.got.append(data)
        await asyncio.sleep(0.001)  # an awaited send that takes a moment

    async def close(self, code: int = 1000, reason: str = "") -> None:
        pass


async def test_the_hub_records_how_long_a_topics_last_fan_out_took() -> None:
    hub = Hub()
    phones = [_Phone() for _ in range(3)]
    for phone in phones:
        hub.add("board", phone)
    assert hub.send_seconds("board") == 0.0 and hub.send_seconds("nobody") == 0.0
    hub.publish("board", {"vote": {"count": 1}})
    for _ in range(200):
        await asyncio.sleep(0.005)
        if all(p.got for p in phones) and hub.send_seconds("board") > 0:
            break
    assert all(p.got for p in phones)
    assert hub.send_seconds("board") > 0  # the fan-out above, awaited sends included
    await hub.close()


async def test_a_batch_cancelled_while_it_commits_leaves_the_chain_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shut-down cancels the intake while the SQLite thread is writing its batch: the thread commits
    anyway, and the journal's tail must follow what is on disk, or the next row would break the chain."""
    started = threading.Event()
    write = store_module._write_batch_in_thread

    def slow_write(*args: object) -> None:
        started.set()
        time.sleep(0.2)  # the commit still in progress when the cancellation arrives
        write(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "_write_batch_in_thread", slow_write)
    async with Store.open(tmp_path / "v.db") as store:
        votes = VoteStore(store)
        await votes.load()
        task = asyncio.create_task(votes.commit([vote(i) for i in range(5)], 1.0, lambda row: True))
        while not started.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        entry = await store.append("host", "note", {"after": "cancel"})
        assert [e.kind for e in await store.journal()][-2:] == [BATCH_KIND, "note"]
        assert entry.seq == len(await store.journal())
        assert (await store.verify()).ok


@pytest.mark.parametrize(
    ("connections", "frames", "votes", "counted"),
    [
        (64, 0, 0, 64),  # a storm of connections
        (0, 320, 0, 64),  # a hall's pings: ~10 objects each, a connection's ~55
        (0, 0, 512, 64),  # a burst of votes: ~6.3 objects each
        (10, 4, 7, 10),  # what does not yet make a whole arrival does not count
    ],
)
def test_frames_and_votes_count_towards_a_freeze(connections: int, frames: int, votes: int, counted: int) -> None:
    assert gc_policy.arrivals(connections, frames, votes) == counted


@pytest.mark.usefixtures("policy")
async def test_a_hall_that_keeps_pinging_is_frozen_without_new_connections() -> None:
    stats = gc_policy.STATS  # the fixture installed it
    frames = [0]
    waiting = []  # what each frame leaves alive until the next one (the receive loop's waiter)
    task = asyncio.create_task(gc_policy.freeze_after_storms(lambda: gc_policy.arrivals(0, frames[0]), lambda: 0))
    try:
        await asyncio.sleep(0.05)
        freezes, frozen_before = stats.freezes, gc.get_freeze_count()
        for _ in range(gc_policy.FREEZE_BATCH * gc_policy.FRAMES_PER_ARRIVAL):
            waiting.append({"waiter": [asyncio.get_running_loop().create_future()]})
            frames[0] += 1
        for _ in range(100):
            await asyncio.sleep(0.01)
            if stats.freezes > freezes:
                break
        assert stats.freezes > freezes
        assert gc.get_freeze_count() >= frozen_before + 2 * len(waiting)  # out of the collector's way
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        for item in waiting:
            item["waiter"][0].cancel()


async def test_background_work_hands_the_gil_over_only_while_a_write_waits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Between the slices of a fan-out the loop sleeps for an instant only while one of the store's
    writes waits for the SQLite thread (app/gil_handoff.py): otherwise a busy loop keeps the GIL from
    it, and at any other time the sleep would only slow the fan-out down. Reads do not count."""
    sleeps: list[float] = []
    monkeypatch.setattr(gil_handoff, "time", SimpleNamespace(sleep=sleeps.append))
    hub = Hub()
    waiting_before = gil_handoff.waiting()
    assert waiting_before == 0  # a count left over by any earlier write would be a leak
    async with Store.open(tmp_path / "h.db") as store:
        read = asyncio.ensure_future(store.get_meta("anything"))
        await asyncio.sleep(0)  # submitted to the SQLite thread: not a write
        await hub.yield_to_commands()
        assert await read is None
        assert sleeps == []
        sleeps.clear()
        write = asyncio.ensure_future(store.append("host", "note", {"n": 1}))
        await asyncio.sleep(0)
        assert gil_handoff.waiting() == waiting_before + 1
        await hub.yield_to_commands()
        assert sleeps == [gil_handoff.HANDOFF_SECONDS]
        await write
        assert gil_handoff.waiting() == waiting_before
        cancelled = asyncio.ensure_future(store.append("host", "note", {"n": 2}))
        await asyncio.sleep(0)
        cancelled.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await cancelled
        assert gil_handoff.waiting() == waiting_before  # nobody waits for a cancelled write
    await hub.close()


async def test_background_work_pauses_while_a_command_is_handled() -> None:
    """Hub.priority(): a fan-out's next slice waits until the command is handled (at most
    PRIORITY_PAUSE), so a judge's command runs about as fast as with no audience."""
    hub = Hub()
    with hub.priority():
        paused = asyncio.ensure_future(hub.yield_to_commands())
        for _ in range(20):
            await asyncio.sleep(0)
        assert not paused.done()  # still waiting for the command
    await asyncio.wait_for(paused, timeout=30)  # released as soon as the command is done
    with hub.priority():
        await asyncio.wait_for(hub.yield_to_commands(), timeout=30)  # a command that takes too long: let go
    await hub.close()
