"""The collector policy (app/gc_policy.py): objects alive at start-up and each hall of connections are
frozen out of the collector's way, the hall's leftovers go back once it has emptied, and every pass is
counted per generation. Nothing here measures time."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from app import gc_policy

HALL = 2_000  # connections, well above FREEZE_BATCH


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


@pytest.fixture
def policy(monkeypatch: pytest.MonkeyPatch) -> Iterator[gc_policy.GcStats]:
    thresholds = gc.get_threshold()
    stats = gc_policy.GcStats()
    monkeypatch.setattr(gc_policy, "STATS", stats)
    monkeypatch.setattr(gc_policy, "FREEZE_CHECK_SECONDS", 0.01)
    monkeypatch.setattr(gc_policy, "UNFREEZE_AFTER", 0.1)
    try:
        gc_policy.install()
        yield stats
    finally:
        gc_policy.uninstall()
        gc.set_threshold(*thresholds)


def test_install_freezes_what_is_alive_and_counts_passes_per_generation(policy: gc_policy.GcStats) -> None:
    assert gc.get_threshold() == gc_policy.THRESHOLDS
    assert gc.get_freeze_count() > 0  # the start-up heap is out of the collector's way
    assert policy.freezes == 1
    full_before, young_before = policy.passes[2], policy.passes[0]
    gc.collect(0)
    gc.collect()
    assert policy.passes[0] == young_before + 1
    assert policy.passes[2] == full_before + 1
    assert len(policy.full) >= 1 and policy.full[-1][1] >= 0
    assert policy.as_dict()["frozen_objects"] == gc.get_freeze_count()


def test_uninstall_gives_frozen_objects_back(policy: gc_policy.GcStats) -> None:
    gc_policy.uninstall()
    assert gc.get_freeze_count() == 0
    assert policy.callback not in gc.callbacks


async def test_a_storm_of_connections_is_frozen_and_an_emptied_hall_is_collected(policy: gc_policy.GcStats) -> None:
    arrived = [0]
    hall: list[Node] = []
    task = asyncio.create_task(gc_policy.freeze_after_storms(lambda: arrived[0], lambda: len(hall)))
    try:
        await asyncio.sleep(0.05)
        assert policy.freezes == 1  # nothing arrived: nothing to do
        hall.extend(Node() for _ in range(HALL))
        arrived[0] += HALL
        frozen_before = gc.get_freeze_count()
        for _ in range(100):
            await asyncio.sleep(0.01)
            if policy.freezes == 2:
                break
        assert policy.freezes == 2
        assert gc.get_freeze_count() >= frozen_before + HALL  # the hall is frozen
        # A blip: the hall empties for less than UNFREEZE_AFTER and comes back; nothing is unfrozen.
        saved = hall[:]
        hall.clear()
        await asyncio.sleep(0.03)
        hall.extend(saved)
        del saved
        await asyncio.sleep(0.15)
        assert policy.unfreezes == 0
        # The hall leaves; its cycles are frozen garbage until the policy unfreezes and collects.
        hall.clear()
        for _ in range(100):
            await asyncio.sleep(0.01)
            if policy.unfreezes:
                break
        assert policy.unfreezes == 1
        assert gc.get_freeze_count() < frozen_before + HALL // 2  # its cycles are gone
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def test_a_storm_is_frozen_as_it_arrives_every_batch_of_connections(policy: gc_policy.GcStats) -> None:
    """No clock involved: the hub calls on_arrival as each connection is accepted, and each batch of
    FREEZE_BATCH arrivals is frozen at once, so the young generations never hold a storm's objects."""
    arrived = [0]
    hall: list[Node] = []
    freezer = gc_policy.StormFreezer(lambda: arrived[0], lambda: len(hall))
    freezes = policy.freezes
    for _ in range(gc_policy.FREEZE_BATCH - 1):
        hall.append(Node())
        arrived[0] += 1
        freezer.on_arrival()
    assert policy.freezes == freezes  # one short of a batch
    frozen_before = gc.get_freeze_count()
    hall.append(Node())
    arrived[0] += 1
    freezer.on_arrival()
    assert policy.freezes == freezes + 1
    assert gc.get_freeze_count() >= frozen_before + gc_policy.FREEZE_BATCH  # the batch is frozen
    for _ in range(3 * gc_policy.FREEZE_BATCH):
        hall.append(Node())
        arrived[0] += 1
        freezer.on_arrival()
    assert policy.freezes == freezes + 4  # one freeze per batch, no more


async def test_the_hub_reports_each_arrival() -> None:
    from app.hub import Hub

    class Viewer:
        pass

    hub = Hub()
    seen: list[int] = []
    hub.on_arrival = lambda: seen.append(hub.arrivals)
    hub.add("board", Viewer())
    hub.add("board", Viewer())
    assert seen == [1, 2]  # called after the subscriber is counted
    assert hub.connected() == 2


async def test_survivors_are_frozen_after_every_few_middle_generation_passes(policy: gc_policy.GcStats) -> None:
    """Whatever made them (a storm's handshakes run long before their connections are registered),
    what survives generation-1 passes is frozen after GEN1_PASSES_PER_FREEZE of them, so the oldest
    generation never holds much that a full pass would walk."""
    freezer = gc_policy.StormFreezer(lambda: 0, lambda: 0)
    task = asyncio.create_task(freezer.run())
    try:
        await asyncio.sleep(0)  # run() registers its callback
        assert freezer.after_pass in gc.callbacks
        freezes = policy.freezes
        survivors = [Node() for _ in range(HALL)]
        for _ in range(gc_policy.GEN1_PASSES_PER_FREEZE - 1):
            gc.collect(1)
        await asyncio.sleep(0)
        assert policy.freezes == freezes  # one pass short
        gc.collect(1)
        assert policy.freezes == freezes + 1, "frozen at once, at the end of the pass"
        assert len(gc.get_objects(2)) < HALL, "the survivors left the oldest generation for the permanent one"
        assert survivors
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert freezer.after_pass not in gc.callbacks
