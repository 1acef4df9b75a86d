"""What a LiveEvent publishes: each role's sections, recomputed for what a change touched and sent
only where they differ (the board's at once, each role's own and the ranked ones in short steps after
the command's acknowledgement), and the snapshots that reconnecting screens get.

A mixin of LiveEvent (app/live.py), which holds the state it reads.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

import orjson

from .domain.touched import EVERYTHING, Touched
from .views import (
    HOST_OWN_SECTIONS,
    RANKED_SECTIONS,
    SHARED_SECTIONS,
    Part,
    board_sections,
    host_sections,
    judge_sections,
)

if TYPE_CHECKING:
    from .domain.models import Event
    from .domain.state import EventState
    from .hub import Hub
    from .live_votes import AudienceVote

log = logging.getLogger("roadshow.live")

BOARD_TOPIC = "board"
HOST_TOPIC = "host"


def judge_topic(judge: str) -> str:
    return f"judge:{judge}"


class LiveViews:
    # Held by LiveEvent (app/live.py).
    state: EventState
    event: Event
    hub: Hub
    presence: dict[str, dict[str, Any]]
    votes: AudienceVote | None
    _published: dict[str, dict[str, bytes]]
    _later: Touched | None
    _later_task: asyncio.Task[None] | None

    def host_sections(self) -> dict[str, Any]:
        sections = host_sections(self.state, self.presence)
        if self.votes is not None:
            sections["vote_watch"] = self.votes.watch()
        return sections

    def publish_host(self, sections: dict[str, Any]) -> None:
        """Sections of the host's own that the state does not hold (the vote's watch panel)."""
        self._publish({HOST_TOPIC: sections})

    def sections_for(self, role: str, judge: str | None = None) -> dict[str, Any]:
        if role == "host":
            return self.host_sections()
        if role == "judge" and judge:
            return judge_sections(self.state, judge)
        return board_sections(self.state)

    def snapshot(self, role: str, judge: str | None = None) -> bytes:
        """The whole view of a role as one message. Assembled from the sections as last published
        (already serialised), so a storm of reconnecting screens costs no recomputation."""
        topic = self.topic_for(role, judge)
        head = {"type": "snapshot", "seq": self.hub.seq(topic), "role": role, "server_now": time.time()}
        published = self._published.get(topic)
        if published is None:  # not a topic this event has (e.g. a judge removed by an edit)
            return orjson.dumps(head | {"sections": self.sections_for(role, judge)})
        body = b",".join(b'"%s":%s' % (name.encode(), encoded) for name, encoded in published.items())
        return orjson.dumps(head)[:-1] + b',"sections":{' + body + b"}}"

    @staticmethod
    def topic_for(role: str, judge: str | None) -> str:
        if role == "host":
            return HOST_TOPIC
        if role == "judge" and judge:
            return judge_topic(judge)
        return BOARD_TOPIC

    def _sections(self, touched: Touched, part: Part = "all", host_own: bool = True) -> dict[str, dict[str, Any]]:
        """Every topic's sections that read something `touched` (app/views.py says what each reads).
        The board comes first: the pumps are woken in this order, and the audience is the one waiting."""
        shared = board_sections(self.state, touched, part)
        out: dict[str, dict[str, Any]] = {BOARD_TOPIC: shared}
        for judge in self.event.judges:  # a judge added by an edit gets a topic; one removed keeps none
            out[judge_topic(judge.id)] = judge_sections(self.state, judge.id, shared, touched, part)
        out[HOST_TOPIC] = host_sections(self.state, self.presence, shared, touched, part) if host_own else dict(shared)
        return out

    def _remember(self, by_topic: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Record what each topic now shows; return only the sections that differ from before. A
        section shared by several topics (the same object) is serialised once."""
        changed: dict[str, dict[str, Any]] = {}
        encoded_by_id: dict[int, bytes] = {}
        for topic, sections in by_topic.items():
            last = self._published.setdefault(topic, {})
            for name, value in sections.items():
                encoded = encoded_by_id.get(id(value))
                if encoded is None:
                    encoded = encoded_by_id[id(value)] = orjson.dumps(value)
                if last.get(name) != encoded:
                    last[name] = encoded
                    changed.setdefault(topic, {})[name] = value
        return changed

    def refresh(self, touched: Touched = EVERYTHING) -> None:
        """Publish every section that changed: those that read what `touched` says changed are
        recomputed and compared with what each topic last received. Now, the board's (the audience's)
        sections; in a moment, in short steps after the command's acknowledgement has been written and
        the board's fan-out has started, each role's own sections and then the rankings, together for
        everything touched until then (app/views.py, Part)."""
        self._publish(self._sections(touched, "now"))
        self._later = touched if self._later is None else self._later | touched
        if self._later_task is not None:
            return  # the running task picks this up
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script using the service directly): all at once
            for step in LATER_STEPS:
                self._later_step(self._later, step)
            self._later = None
            return
        self._later_task = loop.create_task(self._refresh_later(), name="refresh-later")

    async def _refresh_later(self) -> None:
        # Each step holds the event loop for well under a millisecond or two (30 judges, 18
        # projects); between steps a judge's command goes first (Hub.yield_to_commands).
        try:
            while self._later is not None:
                # Commands in flight go first, and what they touch joins this round.
                await self.hub.yield_to_commands()
                touched, self._later = self._later, None
                for index, step in enumerate(LATER_STEPS):
                    if index:
                        await self.hub.yield_to_commands()
                    self._later_step(touched, step)
        except Exception:  # never leave the task slot taken: the next refresh starts a new one
            log.exception("recomputing the rankings failed")
        finally:
            self._later_task = None

    def _later_step(self, touched: Touched, step: str) -> None:
        if step == "own":  # the host's and each judge's own sections
            self._publish(self._sections(touched, "own"))
            return
        if not touched.aspects & RANKED_READS:
            return
        if step == "results":
            self.state.results()  # the scores aggregated: the costly part, cached for the steps after
        elif step == "shared":  # the board's (and so the host's copy of the) result and leaderboard
            self._publish(self._sections(touched, "later", host_own=False))
        else:  # one of the host's own ranked sections
            reads, build = HOST_OWN_SECTIONS[step]
            if reads & touched.aspects:
                self._publish({HOST_TOPIC: {step: build(self.state, self.presence)}})

    async def settled(self) -> None:
        """Wait until the ranked sections are up to date (tests, shutdown)."""
        while self._later_task is not None:
            await asyncio.shield(self._later_task)

    def _publish(self, by_topic: dict[str, dict[str, Any]]) -> None:
        for topic, sections in self._remember(by_topic).items():
            self.hub.publish(topic, sections)


# The deferred recomputation, one step at a time (LiveEvent._refresh_later): each role's own sections,
# then the ranked ones.
LATER_STEPS = ("own", "results", "shared", "standings", "awards_preview", "final_lock")
RANKED_READS: frozenset[str] = frozenset().union(
    *(reads for name, (reads, _) in (SHARED_SECTIONS | HOST_OWN_SECTIONS).items() if name in RANKED_SECTIONS)
)
