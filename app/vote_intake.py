"""Vote intake: the one narrow interface the rest of Roadshow uses for audience votes.

    intake.accept(vote) -> VoteAck        answered only after the vote is committed (or refused)
    intake.count                           votes that count now (one per voter and key)

Behind it, in this process: the layered checks (a vote id seen before, the per-voter rate, the
per-voter total, the per-address cap, one-time tickets, capacity), all in memory and answered at
once; then a queue that one background task drains, committing up to MAX_BATCH votes in one
transaction and one fsync (app/vote_store.py) and acknowledging each vote only after that commit.
Before each batch it lets judges' and the host's commands go first (`yield_first`, the hub's
yield_to_commands), and a batch is small enough to hold the writer for a few milliseconds.

A deployment whose vote spans several server processes would put a broker or database behind the
same two calls (docs/scale-out.md); nothing else reads the votes' storage.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from .domain.errors import DomainError
from .domain.models import AudienceRules
from .ratelimit import KeyedLimiter, Rate
from .vote_store import VoteRow, VoteStore

log = logging.getLogger("roadshow.votes")

MAX_BATCH = 500  # votes per transaction: ~5 ms of the writer on this machine (docs/performance.md)
# A batch's commit starts at most this long after the previous one started. A commit costs mostly its
# fsync and its trip to the SQLite thread, whatever its size: committing whatever has queued at once
# made ~700 commits a second of one or two votes each in a 10,000-vote burst, and kept the one writer
# busy a third of the time, so a judge's score often queued behind a vote batch. Paced, a burst makes
# at most 50 commits a second of ~20 votes, and a lone vote after a quiet spell is committed at once.
COMMIT_EVERY = 0.02
ACK_CHUNK = 64  # committed votes woken per turn of the event loop (a judge's command may go in between)
MAX_QUEUE = 20_000  # votes waiting for a commit; beyond it a vote is refused "busy" (the page retries)
MAX_VOTERS = 50_000  # distinct voter ids in one event (docs/security.md)
MAX_VOTES_PER_VOTER = 100  # stored votes per voter over the event (changes of mind included)
VOTES_PER_VOTER = Rate(1.0, 5.0)  # a voter's votes: one a second sustained, bursts of 5


@dataclass(frozen=True, slots=True)
class VoteAck:
    duplicate: bool  # the same (voter, id) was already stored: not stored again
    count: int  # votes that count now


@dataclass(slots=True)
class _Voter:
    stored: int = 0  # votes stored or waiting
    ticket: str | None = None
    ids: dict[str, asyncio.Future[VoteAck] | None] = field(default_factory=dict)  # None: committed


class VoteIntake:
    def __init__(
        self,
        store: VoteStore,
        rules: AudienceRules,
        committed: Callable[[list[VoteRow]], int],
        still_open: Callable[[VoteRow], bool],
        yield_first: Callable[[], Awaitable[None]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.rules = rules
        self._committed = committed  # folds committed votes into the state; returns the votes that count
        self._still_open = still_open  # checked inside the commit: the window may have closed since
        self._yield_first = yield_first
        self._clock = clock
        self._voters: dict[str, _Voter] = {}
        self._by_address: dict[str, set[str]] = {}
        self._ticket_owner: dict[str, str] = {}
        self._issued: set[str] = set()
        self._rate = KeyedLimiter(VOTES_PER_VOTER, max_keys=MAX_VOTERS)
        self._queue: asyncio.Queue[tuple[VoteRow, asyncio.Future[VoteAck]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.count = 0
        self.batches = 0  # commits made (the benchmark and the host's panel)
        self.accepted = 0  # votes queued since start-up (app/gc_policy.py counts them like arrivals)

    # ------------------------------------------------------------------ start and stop
    async def load(self) -> list[VoteRow]:
        """Rebuild the checks from the votes on disk; returns them (the caller folds the tally)."""
        rows = await self.store.load()
        for row in rows:
            self._remember(row)
        self._issued = set(await self.store.tickets())
        return rows

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="vote-intake")

    async def stop(self) -> None:
        """Stop the writer. Votes still queued (waiting for the next batch) are refused "internal",
        nothing stored: their phones keep them in their outboxes and send them again."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        queued: list[tuple[VoteRow, asyncio.Future[VoteAck]]] = []
        while not self._queue.empty():
            queued.append(self._queue.get_nowait())
        self._forget(queued)
        _not_saved(queued)

    def _remember(self, row: VoteRow) -> None:
        voter = self._voters.setdefault(row.voter, _Voter())
        voter.stored += 1
        voter.ids[row.vote_id] = None
        self._by_address.setdefault(row.address, set()).add(row.voter)
        if row.ticket:
            voter.ticket = row.ticket
            self._ticket_owner.setdefault(row.ticket, row.voter)

    # ------------------------------------------------------------------ the interface
    async def accept(self, request: VoteRow) -> VoteAck:
        """The vote's acknowledgement after it is committed; DomainError (nothing stored) when refused."""
        voter = self._voters.get(request.voter)
        if voter is not None and request.vote_id in voter.ids:
            pending = voter.ids[request.vote_id]
            if pending is not None:  # the same vote resent while its batch commits: one row, two acks
                ack = await asyncio.shield(pending)
                return VoteAck(True, ack.count)
            return VoteAck(True, self.count)
        ticket = self._check(request, voter)
        if self._queue.qsize() >= MAX_QUEUE:
            raise DomainError("busy", "Many people are voting; your phone will try again.")
        if voter is None:
            voter = self._voters[request.voter] = _Voter()
        self._by_address.setdefault(request.address, set()).add(request.voter)
        if ticket:
            voter.ticket = ticket
            self._ticket_owner[ticket] = request.voter
        if self._task is None:  # started by the first vote: a server nobody votes on runs no writer
            self.start()
        row = replace(request, ticket=ticket, at=self._clock())  # the time it was accepted
        future: asyncio.Future[VoteAck] = asyncio.get_running_loop().create_future()
        voter.ids[request.vote_id] = future
        voter.stored += 1
        self.accepted += 1
        self._queue.put_nowait((row, future))
        return await asyncio.shield(future)

    def _check(self, request: VoteRow, voter: _Voter | None) -> str | None:
        """Every layer the organiser chose, in memory; the ticket the vote is cast with."""
        if voter is None and len(self._voters) >= MAX_VOTERS:
            raise DomainError("votes_full", "This vote has reached its number of voters.")
        if not self._rate.take(request.voter):
            raise DomainError("rate_limited", "Too many messages; slow down.")
        if voter is not None and voter.stored >= MAX_VOTES_PER_VOTER:
            raise DomainError("vote_limit", "This phone has changed its vote too many times.")
        cap = self.rules.per_address_cap
        here = self._by_address.get(request.address, ())
        if cap and request.voter not in here and len(here) >= cap:
            raise DomainError("address_cap", "Too many phones have voted from this network address.")
        if not self.rules.tickets:
            return None
        if voter is not None and voter.ticket:
            return voter.ticket  # this phone's ticket: it changes its vote with it
        code = (request.ticket or "").strip().upper()
        if not code:
            raise DomainError("ticket_required", "Enter the code on your ticket to vote.")
        if code not in self._issued:
            raise DomainError("ticket_unknown", "That ticket code is not valid.")
        owner = self._ticket_owner.get(code)
        if owner is not None and owner != request.voter:
            raise DomainError("ticket_spent", "That ticket has already been used on another phone.")
        return code

    def ticket_in_use(self, code: str) -> bool:
        return code in self._ticket_owner

    def add_tickets(self, codes: list[str]) -> None:
        self._issued.update(codes)

    @property
    def tickets_issued(self) -> int:
        return len(self._issued)

    def addresses(self, top: int = 5) -> list[tuple[str, int]]:
        """The addresses with the most voters (the host's suspicious patterns)."""
        return sorted(((a, len(v)) for a, v in self._by_address.items()), key=lambda x: (-x[1], x[0]))[:top]

    @property
    def waiting(self) -> int:
        return self._queue.qsize()

    # ------------------------------------------------------------------ the writer
    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        last_commit = float("-inf")
        while True:
            batch = [await self._queue.get()]
            committing = False
            try:
                wait = last_commit + COMMIT_EVERY - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)  # more votes join this batch meanwhile
                while len(batch) < MAX_BATCH and not self._queue.empty():
                    batch.append(self._queue.get_nowait())
                await self._yield_first()  # a judge's command waiting goes first
                last_commit, committing = loop.time(), True
                acks = await self._commit(batch)
            except asyncio.CancelledError:
                if not committing:  # stopped before its commit: nothing stored, the ids may come again
                    self._forget(batch)
                _not_saved(batch)
                raise
            except Exception:
                log.exception("committing %d votes failed", len(batch))
                self._forget(batch)
                _not_saved(batch)
                continue
            await self._acknowledge(acks)

    async def _acknowledge(self, futures: list[asyncio.Future[VoteAck]]) -> None:
        """Wake the votes of a committed batch ACK_CHUNK at a time, letting a judge's command go
        first in between: each woken vote writes its ack on the next turn of the event loop, and
        500 of them in one turn (~0.1 ms each) would hold a judge's frame that long. Once committed,
        a vote is acknowledged as stored even if the server is stopping."""
        ack = VoteAck(False, self.count)
        try:
            for start in range(0, len(futures), ACK_CHUNK):
                if start:
                    await self._yield_first()
                for future in futures[start : start + ACK_CHUNK]:
                    if not future.done():
                        future.set_result(ack)
        finally:
            for future in futures:
                if not future.done():
                    future.set_result(ack)

    async def _commit(self, batch: list[tuple[VoteRow, asyncio.Future[VoteAck]]]) -> list[asyncio.Future[VoteAck]]:
        """Commit the batch; the futures of the votes stored (to acknowledge), the rest refused."""
        by_id = {(row.voter, row.vote_id): future for row, future in batch}
        stored, closed = await self.store.commit([row for row, _ in batch], self._clock(), self._still_open)
        if stored:
            self.batches += 1
            for row in stored:
                self._voters[row.voter].ids[row.vote_id] = None
            self.count = self._committed(stored)
        refused = [(row, by_id[(row.voter, row.vote_id)]) for row in closed]
        self._forget(refused)
        for _, future in refused:
            future.set_exception(DomainError("voting_closed", "Voting is closed."))
        return [by_id[(row.voter, row.vote_id)] for row in stored]

    def _forget(self, items: list[tuple[VoteRow, asyncio.Future[VoteAck]]]) -> None:
        """Votes not stored: their ids may be sent again, and they no longer count against the voter."""
        for row, _ in items:
            voter = self._voters.get(row.voter)
            if voter is not None and voter.ids.get(row.vote_id) is not None:
                del voter.ids[row.vote_id]
                voter.stored -= 1


def _not_saved(items: list[tuple[VoteRow, asyncio.Future[VoteAck]]]) -> None:
    """Answer the votes not yet answered: not saved (their pages keep them and send them again)."""
    for _, future in items:
        if not future.done():
            future.set_exception(DomainError("internal", "The server could not save this; please try again."))
