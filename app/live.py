"""The live event service: command handling (decode -> domain -> store -> hub).

One LiveEvent per running server. It owns the in-memory EventState, rebuilt from the journal at
start-up and kept in step with every committed change; it publishes the sections that changed to the
board, the host and each judge (LiveViews, app/live_views.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .audit_chain import Anchor
from .domain.definition_changes import definition_changes
from .domain.errors import DomainError, Refusal
from .domain.models import Event
from .domain.state import Change, EventState
from .domain.touched import EVERYTHING, NOTHING, PRESENCE, Touched, touched_by
from .eventfile import parse_event
from .hub import Hub
from .i18n import N_
from .live_views import HOST_TOPIC, LiveViews
from .live_votes import AudienceVote
from .protocol import Command
from .store import JournalEntry, Store

log = logging.getLogger("roadshow.live")

ARCHIVED_MESSAGE = (
    "This event is finished and archived, so it is read-only: nothing can be changed or scored. Its "
    "documents and exports still work; the host can reopen it from the event list."
)


def fold(state: EventState, entry: JournalEntry) -> None:
    """Apply a journalled change; a reveal also records the chain's anchor at its row (the board
    shows it with the result, so a photo of the projector is an anchor too)."""
    state.apply(Change(entry.kind, entry.data), entry.at)
    if entry.kind == "reveal":
        state.reveal_anchor = Anchor.of(entry.seq, entry.hash).as_dict()


class LiveEvent(LiveViews):
    """The views it publishes: LiveViews (app/live_views.py)."""

    def __init__(
        self,
        store: Store,
        hub: Hub,
        event: Event,
        state: EventState,
        tokens: dict[str, str],
        command_ids: set[tuple[str, str]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.hub = hub
        self.event = event
        self.state = state
        self.clock = clock
        self._tokens = tokens  # judge -> token
        self._judge_by_token = {t: j for j, t in tokens.items()}
        self._command_ids = command_ids
        self._lock = asyncio.Lock()  # decide + append + apply run as one step
        self._published: dict[str, dict[str, bytes]] = {}  # topic -> section -> last bytes sent
        self.presence: dict[str, dict[str, Any]] = {}  # judge -> {"connections": n, "activity": str}
        self.host_epoch = "1"  # host sessions carry it; changing it logs every host out
        self.pins: dict[str, str] = {}  # judge -> PIN (the typing fallback for the link)
        self.judge_sockets: dict[str, set[Any]] = {}  # judge -> open connections (closed on revoke)
        self._later: Touched | None = None  # touched since the ranked sections were last recomputed
        self._later_task: asyncio.Task[None] | None = None  # recomputing them (see refresh)
        self.votes: AudienceVote | None = None  # the audience vote (app/live_votes.py), set by load()
        # A finished event archived on a season's event list (app/season/): every change is refused, the
        # documents and exports still work. Kept in the database (meta "archived"), so it stays read-only
        # when served alone too (docs/event-file.md, "Folder layout").
        self.archived = False

    @classmethod
    async def load(cls, store: Store, hub: Hub, clock: Callable[[], float] = time.time) -> LiveEvent:
        """Rebuild the state from the journal (after verifying its hash chain)."""
        source = await store.get_meta("event_toml")
        if source is None:
            raise RuntimeError("the database holds no event: create one with `roadshow init`")
        event = parse_event(source, stored=True)  # an older version may have stored longer text
        await store.verify_chain()
        state = EventState.new(event)
        for entry in await store.journal():
            fold(state, entry)
        tokens = await store.ensure_judge_tokens([j.id for j in event.judges])
        live = cls(store, hub, event, state, tokens, await store.command_ids(), clock)
        live.host_epoch = await store.get_meta("host_epoch") or "1"
        live.pins = await store.judge_pins()
        live.archived = await store.get_meta("archived") == "1"
        live.votes = await AudienceVote.attach(live)
        live._remember(live._sections(EVERYTHING) | {HOST_TOPIC: live.host_sections()})
        return live

    # ------------------------------------------------------------------ judges and tokens
    def judge_for_token(self, token: str) -> str | None:
        judge = self._judge_by_token.get(token)
        return judge if judge is not None and self.event.judge(judge) is not None else None

    def token_for(self, judge: str) -> str | None:
        return self._tokens.get(judge)

    @property
    def tokens(self) -> dict[str, str]:
        return dict(self._tokens)

    def judge_for_pin(self, number: int, pin: str) -> str | None:
        """The judge at 1-based position `number` in the panel, if `pin` is theirs."""
        if not 1 <= number <= len(self.event.judges):
            return None
        judge = self.event.judges[number - 1].id
        expected = self.pins.get(judge, "")
        return judge if expected and hmac.compare_digest(expected, pin) else None

    def refuse_if_archived(self) -> None:
        """Raise while the event is archived (read-only); every way of changing it calls this first."""
        if self.archived:
            raise DomainError("archived", ARCHIVED_MESSAGE)

    async def set_archived(self, archived: bool) -> None:
        """Archive (read-only) or reopen the event; pages see it at their next request or snapshot."""
        async with self._lock:
            await self.store.set_meta("archived", "1" if archived else "0")
            self.archived = archived
        self.refresh()

    async def revoke_link(self, judge: str) -> str:
        """Issue a new link and PIN for a judge; the old ones stop working and open sockets close."""
        self.refuse_if_archived()
        if self.event.judge(judge) is None:
            raise DomainError("unknown_judge", "There is no such judge.")
        token, pin = await self.store.reissue_token(judge)
        old = self._tokens.get(judge)
        if old:
            self._judge_by_token.pop(old, None)
        self._tokens[judge] = token
        self._judge_by_token[token] = judge
        self.pins[judge] = pin
        await self.store.append("host", "link_reissued", {"judge": judge}, at=self.clock())
        for conn in list(self.judge_sockets.get(judge, ())):
            with contextlib.suppress(Exception):
                await conn.close(4401, "this judge link was replaced")
        return token

    # ------------------------------------------------------------------ commands
    async def execute(self, role: str, judge: str | None, command: Command, connection: str) -> dict[str, Any]:
        """Apply one command; return the ack fields. DomainError means nothing changed."""
        actor = "host" if role == "host" else f"judge:{judge}"
        # While a command is handled, audience fan-outs pause at their next slice (Hub.priority): the
        # judge or host waiting for the acknowledgement goes first.
        with self.hub.priority():
            return await self._execute(actor, role, judge, command, connection)

    async def _execute(
        self, actor: str, role: str, judge: str | None, command: Command, connection: str
    ) -> dict[str, Any]:
        async with self._lock:
            if (actor, command.id) in self._command_ids:
                return {"ok": True, "duplicate": True}
            self.refuse_if_archived()
            now = self.clock()
            try:
                changes = self.state.decide(role, judge or "", command.name, command.args, now)
            except Refusal as refusal:
                # Refused, but the refusal is a fact for the host (a score that came after close). Not
                # recorded under the command's id: a resend is refused again, never acknowledged as done.
                touched, _ = await self._commit(actor, refusal.changes, None, connection, now)
                if refusal.changes:
                    self.refresh(touched)
                raise
            touched, seq = await self._commit(actor, changes, command.id, connection, now)
            if changes:
                self._command_ids.add((actor, command.id))
        self.refresh(touched)
        # No changes: e.g. the same score sheet again (app/domain/state.py); nothing was journalled.
        return {"ok": True, "duplicate": False, "seq": seq} | ({} if changes else {"unchanged": True})

    async def _commit(
        self, actor: str, changes: list[Change], command_id: str | None, connection: str, now: float
    ) -> tuple[Touched, int | None]:
        """Journal and apply `changes` (the caller holds the lock); what they touched, the last seq."""
        seq = None
        touched = NOTHING
        for change in changes:
            entry = await self.store.append(
                actor, change.kind, change.data, command_id=command_id, connection=connection, at=now
            )
            fold(self.state, entry)
            touched |= touched_by(change)
            seq = entry.seq
        return touched, seq

    async def system_change(self, kind: str, data: dict[str, Any]) -> None:
        """A change made outside the live protocol (e.g. a recusal from the command line)."""
        self.refuse_if_archived()
        async with self._lock:
            entry = await self.store.append("system", kind, data, at=self.clock())
            fold(self.state, entry)
        self.refresh(touched_by(Change(kind, data)))

    async def set_picture(self, slot: str, picture: Any, connection: str | None = None) -> None:
        """Store (or with None remove) a picture (app/media.py) and journal it with its digest; the
        views then carry its new URL."""
        data: dict[str, Any] = {"slot": slot}
        if picture is not None:
            data |= {
                "sha256": picture.sha256,
                "bytes": len(picture.data),
                "width": picture.width,
                "height": picture.height,
            }
        self.refuse_if_archived()
        async with self._lock:
            entry = await self.store.set_media(slot, picture, "host", connection, data)
            fold(self.state, entry)
        self.refresh()

    # ------------------------------------------------------------------ editing the event
    async def update_event(self, source: str, connection: str | None = None, reason: str = "") -> Event:
        """Replace the event definition (the setup area, an import). Raises EventFileError for a
        malformed definition and DomainError for a change the running event cannot take: once
        scoring has started the rubric, the weights and the scoring rule are fixed, nothing that
        already took part in the event (a started project, a judge who scored) can be removed, and
        an edit needs a reason; once the ceremony has started (the final lock) an edit waits for the
        host to reopen the results. What changed is journalled with the reason (app/domain/
        definition_changes.py)."""
        self.refuse_if_archived()
        new_event = parse_event(source)
        reason = reason.strip() if isinstance(reason, str) else ""
        async with self._lock:
            entries = await self.store.journal()
            scoring_started = any(e.kind in ("score", "correction") for e in entries)
            if scoring_started:
                locked = structure_changes(self.event, new_event)
                if locked:
                    raise DomainError("scoring_started", LOCKED_MESSAGES[locked[0]])
            used_projects = {e.data["project"] for e in entries if isinstance(e.data.get("project"), str)}
            used_judges = {e.data["judge"] for e in entries if isinstance(e.data.get("judge"), str)}
            gone = sorted(used_projects - {p.id for p in new_event.projects}) + sorted(
                used_judges - {j.id for j in new_event.judges}
            )
            if gone:
                raise DomainError(
                    "in_use", "{ids} already took part in the event and cannot be removed.", ids=", ".join(gone)
                )
            self.state.check_definition_edit(scoring_started, reason)
            facts = definition_changes(self.event, new_event) | {"reason": reason, "scoring_started": scoring_started}
            entry = await self.store.replace_event(source, "host", facts, connection=connection)
            state = EventState.new(new_event)
            for e in [*entries, entry]:
                fold(state, e)
            state.ballots = self.state.ballots  # the audience's votes are not journal rows
            self.event, self.state = new_event, state
            if self.votes is not None:
                self.votes.rules_changed()
            # A removed judge's link and PIN die with it, so an id added again later gets new ones
            # and nobody inherits an old card or an open socket (docs/security.md).
            removed = await self.store.drop_judge_tokens([j.id for j in new_event.judges])
            self._tokens = await self.store.ensure_judge_tokens([j.id for j in new_event.judges])
            self._judge_by_token = {t: j for j, t in self._tokens.items()}
            self.pins = await self.store.judge_pins()
        for judge in removed:
            self.presence.pop(judge, None)
            for conn in list(self.judge_sockets.pop(judge, ())):
                with contextlib.suppress(Exception):
                    await conn.close(4401, "this judge was removed from the event")
        self.refresh()
        return new_event

    # ------------------------------------------------------------------ presence
    def judge_connected(self, judge: str, conn: Any = None) -> None:
        if conn is not None:
            self.judge_sockets.setdefault(judge, set()).add(conn)
        seen = self.presence.setdefault(judge, {"connections": 0, "activity": "idle"})
        seen["connections"] += 1
        seen["offline_since"] = None
        self.refresh(PRESENCE)

    def judge_disconnected(self, judge: str, conn: Any = None) -> None:
        if conn is not None:
            self.judge_sockets.get(judge, set()).discard(conn)
        seen = self.presence.setdefault(judge, {"connections": 0, "activity": "idle"})
        seen["connections"] = max(0, seen["connections"] - 1)
        if not seen["connections"]:
            seen["activity"] = "idle"
            seen["offline_since"] = self.clock()  # the host is told for how long (judges section)
        self.refresh(PRESENCE)

    def judge_activity(self, judge: str, activity: str) -> None:
        seen = self.presence.setdefault(judge, {"connections": 0, "activity": "idle"})
        if seen.get("activity") != activity:
            seen["activity"] = activity
            self.refresh(PRESENCE)


LOCKED_MESSAGES = {
    "rubric": N_("Scoring has started, so the rubric can no longer be changed."),
    "weights": N_("Scoring has started, so the composite weights can no longer be changed."),
    "rule": N_("Scoring has started, so the scoring rule can no longer be changed."),
    "audience": N_("Scoring has started, so how the audience vote counts can no longer be changed."),
}


def structure_changes(old: Event, new: Event) -> list[str]:
    """Which of the parts that fix how scores are computed differ between two definitions."""
    changed = []
    if [(c.id, c.max, c.weight, c.step) for c in old.criteria] != [
        (c.id, c.max, c.weight, c.step) for c in new.criteria
    ]:
        changed.append("rubric")
    if (old.panel_weight, [(i.id, i.weight, i.max) for i in old.indicators]) != (
        new.panel_weight,
        [(i.id, i.weight, i.max) for i in new.indicators],
    ):
        changed.append("weights")
    # Publishing the judges' totals changes no number: the host may decide it during the event.
    if replace(old.scoring, publish_judge_scores="never") != replace(new.scoring, publish_judge_scores="never"):
        changed.append("rule")
    # How the audience vote counts and what it decides (its caps and tickets may still be adjusted).
    if (old.audience.enabled, old.audience.mode, old.audience.use, old.audience.weight) != (
        new.audience.enabled,
        new.audience.mode,
        new.audience.use,
        new.audience.weight,
    ):
        changed.append("audience")
    return changed
