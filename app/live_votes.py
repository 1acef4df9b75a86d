"""The audience vote in the live service: votes from the board socket through the intake into the state,
the board's coalesced counter, the host's watch panel, and the tickets.

One per LiveEvent (`live.votes`). The window itself (open, close, reveal) is host commands handled like
every other (app/domain/state.py -> app/domain/votes.py); this module handles what comes from the
audience, which never goes through LiveEvent's command lock: a vote never waits for a judge's command
to be decided, and a judge's command never waits for a vote (the intake yields to commands first).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

from .domain.errors import DomainError
from .domain.touched import BALLOTS
from .domain.votes import read_ballot
from .protocol import Vote
from .vote_intake import VoteIntake
from .vote_store import VoteRow, VoteStore

if TYPE_CHECKING:
    from .live import LiveEvent

log = logging.getLogger("roadshow.votes")

COUNT_INTERVAL = 0.5  # the board's vote counter is published at most this often (latest wins) ...
COUNT_LOOP_SHARE = 0.1  # ... and, with a large audience, so that its fan-outs take at most this share of the loop
COUNT_INTERVAL_MAX = 5.0  # ... but at least this often while votes arrive


def count_interval(last_fanout_seconds: float) -> float:
    """Seconds until the next publication of the vote counter, given how long the last fan-out to the
    board's sockets took. Every publication goes to every phone of the hall: at 10,000 phones a
    fan-out is ~120 ms of the event loop (docs/performance.md), and twice a second that would be a
    quarter of it during a vote burst, time the judges' commands and the votes' acks wait for."""
    return min(COUNT_INTERVAL_MAX, max(COUNT_INTERVAL, last_fanout_seconds / COUNT_LOOP_SHARE))


MAX_TICKETS = 10_000  # tickets in one event (docs/security.md)
MAX_TICKETS_AT_ONCE = 2_000  # tickets issued by one request
WATCH_REFUSALS = ("ticket_spent", "ticket_unknown", "address_cap", "rate_limited", "vote_limit")


class AudienceVote:
    def __init__(self, live: LiveEvent) -> None:
        self.live = live
        self.intake = VoteIntake(
            VoteStore(live.store),
            live.event.audience,
            committed=self._committed,
            still_open=self._still_open,
            yield_first=live.hub.yield_to_commands,
        )
        self.refusals: Counter[str] = Counter()  # refused votes by reason (the host's watch panel)
        self._pending: asyncio.TimerHandle | None = None

    @classmethod
    async def attach(cls, live: LiveEvent) -> AudienceVote:
        votes = cls(live)
        for row in await votes.intake.load():
            live.state.ballots.record(row.voter, row.key, row.choice)
        votes.intake.count = live.state.ballots.count
        return votes

    async def stop(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
        await self.intake.stop()

    def rules_changed(self) -> None:
        """The event definition was edited (the setup area): the intake follows its [audience]."""
        self.intake.rules = self.live.event.audience

    # ------------------------------------------------------------------ votes
    async def cast(self, voter: str, address: str, vote: Vote) -> dict[str, Any]:
        """The ack fields for one vote, after it is committed; DomainError when refused."""
        try:
            self.live.refuse_if_archived()
            key, choice = read_ballot(self.live.event, self.live.state.vote, vote.choice, vote.project)
            ack = await self.intake.accept(VoteRow(voter, vote.id, key, choice, vote.ticket, address, at=0.0))
        except DomainError as refusal:
            if refusal.code in WATCH_REFUSALS:
                self.refusals[refusal.code] += 1
                self._schedule()
            raise
        return {"ok": True, "duplicate": ack.duplicate, "count": ack.count, "key": key, "choice": choice}

    def _still_open(self, row: VoteRow) -> bool:
        try:
            read_ballot(self.live.event, self.live.state.vote, row.choice, row.key)
        except DomainError:
            return False
        return True

    def _committed(self, rows: list[VoteRow]) -> int:
        ballots = self.live.state.ballots
        for row in rows:
            ballots.record(row.voter, row.key, row.choice)
        self._schedule()
        return ballots.count

    def _schedule(self) -> None:
        """Publish the counter and the host's watch panel in a moment: one update for many votes."""
        if self._pending is None:
            delay = count_interval(self.live.hub.send_seconds(self.live.topic_for("board", None)))
            self._pending = asyncio.get_running_loop().call_later(delay, self._publish)

    def _publish(self) -> None:
        self._pending = None
        self.live.refresh(BALLOTS)
        self.live.publish_host({"vote_watch": self.watch()})

    # ------------------------------------------------------------------ the host
    def watch(self) -> dict[str, Any]:
        """What the host watches for: how many voted, the addresses with the most phones, refusals
        (a ticket tried on a second phone, a full address, a phone voting too fast)."""
        return {
            "count": self.live.state.ballots.count,
            "voters": self.live.state.ballots.voters(),
            "waiting": self.intake.waiting,
            "batches": self.intake.batches,
            "tickets_issued": self.intake.tickets_issued,
            "top_addresses": [{"address": a, "voters": n} for a, n in self.intake.addresses() if n > 1],
            "refused": {code: self.refusals[code] for code in WATCH_REFUSALS},
        }

    async def issue_tickets(self, count: int) -> list[str]:
        if not 1 <= count <= MAX_TICKETS_AT_ONCE:
            raise DomainError("bad_count", "Issue 1 to {limit} tickets at a time.", limit=MAX_TICKETS_AT_ONCE)
        if self.intake.tickets_issued + count > MAX_TICKETS:
            raise DomainError("too_many_tickets", "An event has at most {limit} tickets.", limit=MAX_TICKETS)
        codes = await self.intake.store.issue_tickets(count)
        self.intake.add_tickets(codes)
        self._schedule()
        return codes

    async def tickets(self) -> list[tuple[str, bool]]:
        """Every ticket code issued, with whether it has been used."""
        return [(code, self.intake.ticket_in_use(code)) for code in await self.intake.store.tickets()]
