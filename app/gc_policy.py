"""The garbage collector and thousands of long-lived connections (docs/performance.md, "Garbage
collection").

CPython's cyclic collector walks every tracked object of the generations it collects, and nothing else
runs meanwhile. The oldest generation holds everything that lives long: the event, the views, and
every connected viewer's objects (uvicorn's protocol, the websockets parser, the ASGI scope, the task,
our `Connection`: a few dozen tracked objects per viewer). With 10,000 viewers a full pass took
~275–450 ms, landed at random moments (when enough new objects survived, e.g. during a reconnect
storm) and stopped a judge's acknowledgement for that long.

What Roadshow does about it:
- after start-up (the event is loaded) it collects once and `gc.freeze()`s: those objects move to the
  permanent generation, which no collection walks;
- `StormFreezer` runs for the server's lifetime: as soon as FREEZE_BATCH connections have arrived
  since the last freeze (checked as each one is accepted, and every quarter of a second), it freezes
  again, so a hall's connections are walked by at most a few young collections before they are out
  of the way. Freezing is a list splice: it costs microseconds whatever the heap size;
- it also freezes at the end of every GEN1_PASSES_PER_FREEZE-th generation-1 pass (a gc callback),
  whatever made the survivors: a reconnect storm's upgrade requests are handled long after their
  connections were accepted, in one turn of the event loop;
- the traffic of a connected hall counts like a storm too (FRAMES_PER_ARRIVAL frames, e.g. the page's
  pings, or VOTES_PER_ARRIVAL audience votes as one connection): what each frame leaves waiting for
  the next one, and the record each vote leaves for the event, are frozen in the same way instead of
  being walked by every generation-1 pass (10,000 phones pinging every 10 s renew ~100,000 such
  objects every 10 s);
- between storms it collects the youngest generation itself, every FREEZE_CHECK_SECONDS: CPython
  triggers that pass when allocations minus deallocations pass 700, and while old objects are being
  freed the young generation grows far past that (~20,000 objects, ~10 ms of walking, measured at
  2,000 viewers); on a clock it holds a quarter of a second's objects;
- the oldest generation is collected ten times less often than CPython's default (THRESHOLDS);
  what is left in it between two freezes is small, so a full pass is short when it comes.

What it costs: a frozen object that becomes unreachable is still freed by reference counting at once
(most of a closed connection); only garbage in reference cycles among frozen objects stays until the
next `gc.unfreeze()`. `StormFreezer` unfreezes and collects once the server has held far
fewer connections than at its last freeze for a minute (the audience has gone, not just blinked in a
Wi-Fi blip: the pass is short then, since it walks only what is still alive), which returns those
cycles. The benchmark measures what closed connections leave frozen.

`GcStats` records every pass (count, total and longest duration per generation, in wall-clock time and
in this thread's CPU time, which a busy machine does not inflate) through `gc.callbacks`: four clock
reads per collection. The benchmark server reads it; nothing public does.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Any

log = logging.getLogger("roadshow.gc")

# CPython 3.11's default is (700, 10, 10). Young passes stay as frequent (they are small and catch
# short-lived cycles early); the oldest generation is collected after 100 passes of the middle one
# instead of 10, and still only once 25% more objects have survived into it since its last pass.
THRESHOLDS = (700, 10, 100)
FREEZE_BATCH = 64  # connections arrived since the last freeze that make the next one worth doing
FREEZE_CHECK_SECONDS = 0.25  # how often StormFreezer.run looks (between storms: collects generation 0)
UNFREEZE_BELOW = 0.25  # unfreeze (and collect) once the connections stay below this share of the last freeze's
UNFREEZE_AFTER = 60.0  # ... for this long (seconds): a reconnect storm empties the hall for a few seconds only
SLOW_PASS_SECONDS = 0.1  # a pass longer than this is logged
# What else leaves objects that live long, weighed against a connection's ~55 tracked objects:
# - every frame a connection receives (the page's ping every 10 s, a vote, a command) replaces the
#   chain that waits for its next frame (uvicorn's queue getter, its future, the coroutines of the
#   receive loop): ~10 new tracked objects per frame that live until the next one (measured), i.e.
#   10,000 objects a second with 10,000 phones pinging, each walked by a generation-1 pass;
# - an accepted audience vote keeps ~6.3 more (the intake's record of its voter, id and address, the
#   tally).
# Neither leaves reference cycles (measured: 0 objects of garbage after 9,000 pings, or after a
# 3,000-vote burst frozen every 50 ms), so freezing them costs no memory that is not in use anyway.
# Survivors enter the oldest generation only through a generation-1 pass. Freezing after every few
# of them keeps what is not frozen there small, whatever created it (a storm's handshakes run long
# after their connections were accepted, and before they are registered: in a diagnostic run at
# 10,000 viewers, 8,100 half-done handshakes' ~500,000 objects reached it between two arrival-driven
# freezes, and the full pass that followed took 220 ms). Right after a generation-1 pass both young
# generations are empty, so such a freeze takes only survivors, no young garbage.
GEN1_PASSES_PER_FREEZE = 4
FRAMES_PER_ARRIVAL = 5
VOTES_PER_ARRIVAL = 8


def arrivals(connections: int, frames: int = 0, votes: int = 0) -> int:
    """What StormFreezer counts: connections accepted since start-up, and the frames they sent
    and the audience votes accepted, weighed by the objects they keep."""
    return connections + frames // FRAMES_PER_ARRIVAL + votes // VOTES_PER_ARRIVAL


class GcStats:
    """Count, total and longest duration of the collector's passes, per generation, and the last full
    passes (start, duration), from gc.callbacks."""

    def __init__(self, history: int = 512) -> None:
        self.passes = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self.longest = [0.0, 0.0, 0.0]
        self.longest_cpu = [0.0, 0.0, 0.0]  # thread CPU time: what the pass cost, without the waits
        self.full: deque[tuple[float, float]] = deque(maxlen=history)  # (started, seconds), monotonic
        self.freezes = 0
        self.unfreezes = 0
        self._started = 0.0
        self._started_cpu = 0.0

    def callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started, self._started_cpu = time.monotonic(), time.thread_time()
            return
        generation = info.get("generation", 2)
        elapsed = time.monotonic() - self._started
        cpu = time.thread_time() - self._started_cpu
        self.longest_cpu[generation] = max(self.longest_cpu[generation], cpu)
        self.passes[generation] += 1
        self.seconds[generation] += elapsed
        self.longest[generation] = max(self.longest[generation], elapsed)
        if generation == 2:
            self.full.append((self._started, elapsed))
        if elapsed > SLOW_PASS_SECONDS:
            log.warning("a garbage collection of generation %d took %.0f ms", generation, elapsed * 1e3)

    def as_dict(self) -> dict[str, Any]:
        return {
            "passes": list(self.passes),
            "seconds": list(self.seconds),
            "longest_seconds": list(self.longest),
            "longest_cpu_seconds": list(self.longest_cpu),
            "full_passes": list(self.full),
            "freezes": self.freezes,
            "unfreezes": self.unfreezes,
            "frozen_objects": gc.get_freeze_count(),
            "thresholds": list(gc.get_threshold()),
        }


STATS = GcStats()


def install() -> None:
    """At start-up, once the event is loaded: tuned thresholds, the statistics, and a first freeze."""
    gc.set_threshold(*THRESHOLDS)
    if STATS.callback not in gc.callbacks:
        gc.callbacks.append(STATS.callback)
    gc.collect()
    freeze()


def uninstall() -> None:
    """At shut-down (tests start and stop many apps in one process): the callback goes, the frozen
    objects go back to the collector."""
    if STATS.callback in gc.callbacks:
        gc.callbacks.remove(STATS.callback)
    gc.unfreeze()


def freeze() -> None:
    """Move every tracked object to the permanent generation, without collecting first: a young
    collection walks every object made since the last freeze (about 0.5 µs each: tens of ms after a
    second of a connection storm), which is the pause this module avoids. A cycle that was already
    garbage is frozen with the rest and stays until the next unfreeze."""
    gc.freeze()
    STATS.freezes += 1


class StormFreezer:
    """Freezes each storm of arrivals, and gives a departed hall's frozen garbage back.

    `arrived()`: connections accepted since start-up, weighed with their frames and votes (`arrivals`; a
    counter that only grows: a reconnect storm counts in full though the number connected stays the
    same); `connected()`: connections open now.

    Two triggers share one count. `on_arrival` runs synchronously as each connection is registered (the
    hub calls it): within a storm the hall is frozen every FREEZE_BATCH connections, so no young
    generation ever holds more than about FREEZE_BATCH connections' objects. When a quarter-second
    clock was the only trigger, a storm of ~5,000 connections a second filled the middle generation
    with 30,000–59,000 objects between two ticks, and its passes took 17–40 ms of CPU, the longest
    pause left in a judge's acknowledgement at 10,000 viewers (docs/performance.md). `after_pass`
    freezes after every few generation-1 passes, whatever made the objects that survive them (see
    GEN1_PASSES_PER_FREEZE). `run` is the clock: it freezes what frames and votes brought, unfreezes
    once the hall has gone, and otherwise collects the youngest generation."""

    def __init__(self, arrived: Callable[[], int], connected: Callable[[], int]) -> None:
        self._arrived = arrived
        self._connected = connected
        self._last_arrived = arrived()
        self._at_freeze = connected()
        self._low_since: float | None = None  # since when the hall has been mostly empty
        self._gen1_passes = 0  # since the last freeze

    def _freeze(self) -> None:
        freeze()
        self._last_arrived, self._at_freeze, self._low_since = self._arrived(), self._connected(), None
        self._gen1_passes = 0

    def after_pass(self, phase: str, info: dict[str, Any]) -> None:
        """A gc.callbacks entry: after every GEN1_PASSES_PER_FREEZE generation-1 passes, freeze, at once.
        Not later from the event loop: one turn of the loop can run thousands of handshakes (a
        reconnect storm's upgrade requests all readable at once; measured: 8,100 of them, 101
        generation-1 passes and a 230 ms full pass before the loop came round). At the end of a pass
        the collector's lists are consistent and both young generations are empty; freezing splices
        the oldest generation's list into the permanent one."""
        if phase != "stop" or info.get("generation") != 1:
            return
        self._gen1_passes += 1
        if self._gen1_passes >= GEN1_PASSES_PER_FREEZE:
            self._gen1_passes = 0
            freeze()

    def on_arrival(self) -> None:
        """After each accepted connection: freeze at once if a batch has arrived since the last freeze
        (an integer comparison otherwise)."""
        if self._arrived() - self._last_arrived >= FREEZE_BATCH:
            self._freeze()

    async def run(self) -> None:
        """Runs for the server's lifetime, every FREEZE_CHECK_SECONDS; freezes after generation-1
        passes (after_pass) meanwhile."""
        gc.callbacks.append(self.after_pass)
        try:
            await self._run()
        finally:
            with contextlib.suppress(ValueError):
                gc.callbacks.remove(self.after_pass)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(FREEZE_CHECK_SECONDS)
            now, now_connected = time.monotonic(), self._connected()
            emptied = self._at_freeze >= FREEZE_BATCH and now_connected < self._at_freeze * UNFREEZE_BELOW
            self._low_since = (self._low_since or now) if emptied else None
            if self._arrived() - self._last_arrived >= FREEZE_BATCH:
                self._freeze()
            elif self._low_since is not None and now - self._low_since >= UNFREEZE_AFTER:
                # The hall has gone: what the closed connections left in cycles can go, and the pass
                # walks only what is still alive, a fraction of what it was.
                gc.unfreeze()
                gc.collect()
                STATS.unfreezes += 1
                self._freeze()
            else:
                # Between storms, the youngest generation on a clock too, so it never holds more than a
                # tick's objects (CPython's trigger lets it grow to tens of thousands while old objects
                # die, e.g. while a hall's connections close).
                gc.collect(0)


async def freeze_after_storms(arrived: Callable[[], int], connected: Callable[[], int]) -> None:
    """The clock of a StormFreezer without the per-arrival trigger (see StormFreezer)."""
    await StormFreezer(arrived, connected).run()
