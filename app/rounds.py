"""The next round of a competition, created from the previous round's database (docs/event-file.md,
"Rounds"; `roadshow advance`).

One SQLite file per event stays true: the new round is an ordinary event database whose definition is
the previous one's with the advancing projects only, its `[round]` provenance and, if asked, the
previous composite frozen as a carried component (app/domain/next_round.py). The new round never
opens the old file again.

The previous database is only read, in one read transaction, and may be being served: it is opened
read-only through SQLite (`mode=ro`; `immutable=1` when it has no write-ahead log, so not even the
-wal/-shm side files appear), never through the store or the server lock. Its hash chain is verified
on the same rows the results are computed from; the anchor recorded is the chain at that read.

The new database is written under a temporary name and linked into place only when complete (an
existing file is never replaced). Its first journal rows are `event_defined` and `round_advanced`
(the rule, the reason, who advanced and the previous round's anchor), so its own chain carries the
previous one's anchor.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import orjson

from .audit_chain import JOURNAL_COLUMNS, Anchor, ChainVerifier
from .domain.advancement import Advancement, advance
from .domain.errors import DomainError
from .domain.facts import Change
from .domain.final_lock import clean_reason
from .domain.models import Event
from .domain.next_round import Provenance, next_round_event, round_names
from .domain.state import EventState
from .eventfile import EventFileError, parse_event
from .eventfile_export import event_to_toml
from .media import Picture
from .vote_store import check_vote_batches


class RoundError(DomainError):
    """The next round cannot be made as asked (nothing was written): `code`, a translatable message."""


@dataclass(frozen=True, slots=True)
class AdvancementRule:
    kind: Literal["top_overall", "top_per_category", "pick"]
    count: int = 0  # N for the two top rules
    picks: tuple[str, ...] = ()  # project ids for "pick"
    reason: str = ""  # required for "pick"; optional note otherwise


@dataclass(frozen=True, slots=True)
class NextRound:
    db_path: Path
    title: str
    advanced: tuple[str, ...]
    left_out: tuple[str, ...]
    anchor_length: int  # the previous round's audit anchor at advancement
    anchor_head: str
    tied_at_cut: tuple[str, ...] = ()
    host_password: str | None = None  # the new round's host password (shown once)


@dataclass(frozen=True, slots=True)
class RoundPreview:
    """What `create_next_round` would do with the same inputs (nothing written): for a guard dialog."""

    title: str
    round_name: str
    previous_round: str
    advanced: tuple[str, ...]
    left_out: tuple[str, ...]
    tied_at_cut: tuple[str, ...]  # advanced beyond N because they tie at the cut
    unranked: tuple[str, ...]  # no valid result: never advance by a top rule
    final: bool  # the previous round's results are final (else `force` is needed)
    anchor_length: int
    anchor_head: str
    event: Event  # the new round's definition

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for a guard dialog: what the button will do (each project id with its title)."""
        titles = {p.id: p.title for p in self.event.projects}
        carried = next((i for i in self.event.indicators if i.from_round), None)
        return {
            "title": self.title,
            "round_name": self.round_name,
            "previous_round": self.previous_round,
            "advanced": [{"project": pid, "title": titles.get(pid, "")} for pid in self.advanced],
            "left_out": list(self.left_out),
            "tied_at_cut": list(self.tied_at_cut),
            "unranked": list(self.unranked),
            "final": self.final,
            "anchor": {"length": self.anchor_length, "head": self.anchor_head},
            "carried": None if carried is None else {"name": carried.name, "weight": carried.weight},
            "panel_weight": self.event.panel_weight,
        }


@dataclass(slots=True)
class _Previous:
    state: EventState
    anchor: Anchor
    pictures: dict[str, Picture]  # slot -> picture (when asked for): carried into the next round


def results_are_final(state: EventState) -> bool:
    """Final: the award ceremony has started and the results are not reopened (the final lock of
    app/domain/final_lock.py is in force). Before that, a correction could still change who advances."""
    return state.ceremony is not None and state.reopened is None


def read_previous(path: Path, pictures: bool = False) -> _Previous:
    """The previous round's state and anchor (and, if asked, its pictures), from one read-only
    transaction (see the module doc)."""
    if not path.is_file():
        raise RoundError("no_previous", "{path} does not exist or is not a file.", path=str(path))
    wal = Path(f"{path}-wal")
    mode = "mode=ro" if wal.exists() else "mode=ro&immutable=1"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
    except sqlite3.Error as exc:
        raise RoundError(
            "not_an_event", "{path} is not a Roadshow event database ({error}).", path=str(path), error=str(exc)
        ) from None
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("BEGIN")
        try:
            meta = conn.execute("SELECT value FROM meta WHERE key = 'event_toml'").fetchone()
            rows = conn.execute(f"SELECT {JOURNAL_COLUMNS} FROM journal ORDER BY seq").fetchall()
        except sqlite3.DatabaseError as exc:
            raise RoundError(
                "not_an_event", "{path} is not a Roadshow event database ({error}).", path=str(path), error=str(exc)
            ) from None
        if meta is None:
            raise RoundError("no_event", "{path} holds no event.", path=str(path))
        event = parse_event(str(meta["value"]), stored=True)
        checker = ChainVerifier().feed_all(rows)
        verdict = checker.finish(str(meta["value"]))
        if verdict.ok:
            conn.row_factory = None
            problem = check_vote_batches(conn)
            if problem is not None:
                verdict.ok, verdict.reason = False, problem[1]
        if not verdict.ok:
            raise RoundError(
                "chain_broken",
                "{path}: the audit chain does not verify: {reason}",
                path=str(path),
                reason=verdict.reason,
            )
        state = EventState.new(event)
        for row in rows:
            state.apply(Change(str(row["kind"]), orjson.loads(row["data"])), float(row["at"]))
        conn.row_factory = sqlite3.Row
        stored = _read_pictures(conn) if pictures else {}
        return _Previous(state, Anchor.of(checker.length, checker.last_hash), stored)
    finally:
        conn.close()


def _read_pictures(conn: sqlite3.Connection) -> dict[str, Picture]:
    """Every stored picture whose bytes still match the digest its `media_set` row journalled."""
    try:
        rows = conn.execute("SELECT slot, mime, width, height, sha256, data FROM media").fetchall()
    except sqlite3.OperationalError:  # a database from before pictures (schema 007)
        return {}
    out = {}
    for r in rows:
        data = bytes(r["data"])
        if hashlib.sha256(data).hexdigest() == r["sha256"]:
            out[str(r["slot"])] = Picture(str(r["mime"]), int(r["width"]), int(r["height"]), data, str(r["sha256"]))
    return out


def _carried_pictures(event: Event, pictures: dict[str, Picture]) -> dict[str, Picture]:
    """The pictures the next round shows: its logo and sponsors, its judges', its projects'."""
    wanted = {
        "logo",
        "sponsors",
        *(f"judge:{j.id}" for j in event.judges),
        *(f"project:{p.id}" for p in event.projects),
    }
    return {slot: picture for slot, picture in pictures.items() if slot in wanted}


def _plan(
    previous_db: Path,
    new_db: Path,
    title: str,
    round_name: str,
    rule: AdvancementRule,
    carry_weight: Decimal | None,
    panel_weight: Decimal | None,
    previous_round_name: str | None,
    force: bool,
    pictures: bool = False,
) -> tuple[RoundPreview, Advancement, dict[str, Picture]]:
    previous_db, new_db = Path(previous_db), Path(new_db)
    if new_db.exists() or Path(f"{new_db}-wal").exists():
        raise RoundError("new_exists", "{path} already exists: name a new file for the next round.", path=str(new_db))
    if not new_db.parent.is_dir():
        raise RoundError("no_folder", "{path} does not exist (the folder for the new round).", path=str(new_db.parent))
    prev = read_previous(previous_db, pictures)
    state = prev.state
    standings = state.standings()
    advancement = advance(standings, rule.kind, rule.count, tuple(rule.picks), rule.reason)
    final = results_are_final(state)
    before, _, _ = round_names(state.event, previous_round_name)
    event = next_round_event(
        state.event,
        standings,
        advancement,
        title=title,
        round_name=round_name,
        rule=(rule.kind, rule.count, clean_reason(rule.reason)),  # cleaned as the event file reads it
        provenance=Provenance(previous_db.name, prev.anchor.length, prev.anchor.head),
        carry_weight=carry_weight,
        panel_weight=panel_weight,
        previous_round_name=previous_round_name,
        forced=force and not final,
    )
    preview = RoundPreview(
        title=event.title,
        round_name=event.round.name if event.round else round_name,
        previous_round=before,
        advanced=advancement.advanced,
        left_out=advancement.left_out,
        tied_at_cut=advancement.tied_at_cut,
        unranked=advancement.unranked,
        final=final,
        anchor_length=prev.anchor.length,
        anchor_head=prev.anchor.head,
        event=event,
    )
    return preview, advancement, _carried_pictures(event, prev.pictures)


def preview_next_round(
    previous_db: Path,
    new_db: Path,
    *,
    title: str,
    round_name: str,
    rule: AdvancementRule,
    carry_weight: Decimal | None,
    panel_weight: Decimal | None = None,
    previous_round_name: str | None = None,
    force: bool = False,
) -> RoundPreview:
    """Who would advance, who not, the ties at the cut, whether the previous results are final; nothing
    is written (`as_dict()` for a dialog). Synchronous SQLite reads: from a web route, run it in a
    worker thread (asyncio.to_thread). RoundError/DomainError for inputs `create_next_round` would
    refuse (except finality: `final` says it, so a dialog can offer `force`)."""
    preview, _, _ = _plan(
        previous_db, new_db, title, round_name, rule, carry_weight, panel_weight, previous_round_name, force
    )
    return preview


async def create_next_round(
    previous_db: Path,
    new_db: Path,
    *,
    title: str,
    round_name: str,
    rule: AdvancementRule,
    carry_weight: Decimal | None,
    panel_weight: Decimal | None = None,
    previous_round_name: str | None = None,
    force: bool = False,
) -> NextRound:
    """Create the next round's database at `new_db` from the previous round's at `previous_db`.

    Refused (RoundError or DomainError, nothing written): `new_db` exists; the previous database is
    missing, not an event or its chain does not verify; its results are not final (ceremony started,
    not reopened) unless `force` (journalled as forced); the rule cannot apply (N below 1 or above the
    field, a pick without a reason or naming unknown projects); a carried project has no result."""
    from .setup import prepare
    from .store import Store

    previous_db, new_db = Path(previous_db), Path(new_db)
    preview, advancement, pictures = await asyncio.to_thread(
        _plan,
        previous_db,
        new_db,
        title,
        round_name,
        rule,
        carry_weight,
        panel_weight,
        previous_round_name,
        force,
        True,
    )
    if not preview.final and not force:
        raise RoundError(
            "not_final",
            "The results of {path} are not final yet (the award ceremony has not started, or the results "
            "are reopened). Finish that round first, or force the advancement.",
            path=previous_db.name,
        )
    event = preview.event
    text = event_to_toml(
        event, header=f"Round {event.round.index if event.round else ''} created by Roadshow from {previous_db.name}."
    )
    try:
        if parse_event(text) != event:  # the file written must read back as the event meant
            raise RoundError("round_trip", "The new round's event file does not read back as written.")
    except EventFileError as exc:
        raise RoundError("bad_event", "The new round's event file is not valid: {report}", report=str(exc)) from None
    partial = new_db.with_name(f".{new_db.name}.partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm"), Path(f"{partial}-journal")):
        leftover.unlink(missing_ok=True)
    try:
        prepared = await prepare(partial, text)
        async with Store.open(partial) as store:
            await store.append(
                "system",
                "round_advanced",
                {
                    "rule": rule.kind,
                    "count": rule.count if rule.kind != "pick" else 0,
                    "picks": list(rule.picks) if rule.kind == "pick" else [],
                    "reason": event.round.previous.reason if event.round and event.round.previous else "",
                    "advanced": list(advancement.advanced),
                    "left_out": list(advancement.left_out),
                    "tied_at_cut": list(advancement.tied_at_cut),
                    "carry_weight": None if carry_weight is None else str(carry_weight),
                    "forced": not preview.final,
                    "previous": {
                        "event": event.round.previous.event if event.round and event.round.previous else "",
                        "round": preview.previous_round,
                        "file": previous_db.name,
                        "anchor_length": preview.anchor_length,
                        "anchor_head": preview.anchor_head,
                    },
                },
            )
            for slot, picture in pictures.items():  # after the advancement: it stays the first fact
                size = {"bytes": len(picture.data), "width": picture.width, "height": picture.height}
                data = {"slot": slot, "sha256": picture.sha256, **size, "source": "previous round"}
                await store.set_media(slot, picture, "system", None, data)
        _checkpoint(partial)  # everything in the main file before it is linked under its name
        os.link(partial, new_db)  # never replaces a file that appeared meanwhile (FileExistsError)
    except FileExistsError:
        raise RoundError(
            "new_exists", "{path} already exists: name a new file for the next round.", path=str(new_db)
        ) from None
    finally:
        for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()
    return NextRound(
        db_path=new_db,
        title=event.title,
        advanced=advancement.advanced,
        left_out=advancement.left_out,
        anchor_length=preview.anchor_length,
        anchor_head=preview.anchor_head,
        tied_at_cut=advancement.tied_at_cut,
        host_password=prepared.host_password,
    )


def _checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the database file (a log is tied to its file's name)."""
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    finally:
        conn.close()
