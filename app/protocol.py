"""Decoding and checking client frames (docs/protocol.md). No state, no I/O."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson

MAX_FRAME_BYTES = 64 * 1024
MAX_ID_LENGTH = 64
# Commands whose `scores` are read as the decimals written, not as binary doubles (a JSON 20.0000004
# must stay 20.0000004 to be refused as off the step; -0 must stay negative).
EXACT_SCORE_COMMANDS = frozenset({"submit_score", "correct_score"})


class ProtocolError(ValueError):
    def __init__(self, code: str, message: str, message_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_id = message_id  # a vote's id when it was readable: the refusal is its ack


@dataclass(frozen=True, slots=True)
class Command:
    id: str
    name: str
    args: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Ping:
    t: Any


@dataclass(frozen=True, slots=True)
class Resync:
    pass


@dataclass(frozen=True, slots=True)
class Presence:
    state: str


@dataclass(frozen=True, slots=True)
class Vote:
    """An audience vote (docs/protocol.md, "Audience votes"): only the board socket takes it."""

    id: str
    voter: str  # the signed voter id the page was given (app/voter_ids.py)
    choice: str | int  # a project id, or 1-5 stars
    project: str | None  # stars: the project rated (the open one when absent)
    ticket: str | None


MAX_VOTER_LENGTH = 128  # a signed voter id is ~40 characters
MAX_TICKET_LENGTH = 32  # a printed ticket code is 8
MAX_CHOICE_LENGTH = 64

Message = Command | Ping | Resync | Presence | Vote


def decode(frame: str | bytes) -> Message:
    """Turn one websocket frame into a message, or raise ProtocolError saying what is wrong."""
    try:
        size = len(frame.encode() if isinstance(frame, str) else frame)
    except UnicodeEncodeError as exc:  # lone surrogates: not valid text
        raise ProtocolError("bad_message", "Message is not valid JSON.") from exc
    if size > MAX_FRAME_BYTES:
        raise ProtocolError("bad_message", "Message too large.")
    try:
        data = orjson.loads(frame)
    except orjson.JSONDecodeError as exc:
        raise ProtocolError("bad_message", "Message is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise ProtocolError("bad_message", "Message must be a JSON object.")
    kind = data.get("type")
    if kind == "cmd":
        cid, name, args = data.get("id"), data.get("cmd"), data.get("args", {})
        if not isinstance(cid, str) or not 1 <= len(cid) <= MAX_ID_LENGTH:
            raise ProtocolError("bad_message", "A command needs an id of 1-64 characters.")
        if not isinstance(name, str) or not name:
            raise ProtocolError("bad_message", "A command needs a name.")
        if args is None:
            args = {}
        if not isinstance(args, dict):
            raise ProtocolError("bad_args", "Command arguments must be an object.")
        if name in EXACT_SCORE_COMMANDS and isinstance(args.get("scores"), dict):
            args = args | {"scores": _exact_scores(frame)}
        return Command(cid, name, args)
    if kind == "vote":
        return _vote(data)
    if kind == "ping":
        t = data.get("t")
        return Ping(t if isinstance(t, int | float | str) else None)
    if kind == "resync":
        return Resync()
    if kind == "presence":
        state = data.get("state")
        if state not in ("scoring", "idle"):
            raise ProtocolError("bad_message", "Presence state must be scoring or idle.")
        return Presence(state)
    raise ProtocolError("bad_message", "Unknown message type.")


def _vote(data: dict[str, Any]) -> Vote:
    vid, voter, choice = data.get("id"), data.get("voter"), data.get("choice")
    project, ticket = data.get("project"), data.get("ticket")
    if not isinstance(vid, str) or not 1 <= len(vid) <= MAX_ID_LENGTH:
        raise ProtocolError("bad_message", "A vote needs an id of 1-64 characters.")
    if not isinstance(voter, str) or not 1 <= len(voter) <= MAX_VOTER_LENGTH:
        raise ProtocolError("bad_voter", "This phone has no valid voter id; reload the page.", vid)
    if isinstance(choice, bool) or not (
        (isinstance(choice, str) and 1 <= len(choice) <= MAX_CHOICE_LENGTH) or isinstance(choice, int)
    ):
        raise ProtocolError("bad_vote", "That is not a project you can vote for.", vid)
    if project is not None and (not isinstance(project, str) or not 1 <= len(project) <= MAX_CHOICE_LENGTH):
        raise ProtocolError("bad_vote", "That is not a project you can vote for.", vid)
    if ticket is not None and (not isinstance(ticket, str) or len(ticket) > MAX_TICKET_LENGTH):
        raise ProtocolError("ticket_unknown", "That ticket code is not valid.", vid)
    return Vote(vid, voter, choice, project, ticket or None)


def _exact_scores(frame: str | bytes) -> Any:
    """The frame's `args.scores` with every number as the Decimal it was written as. The frame has
    already parsed as JSON (orjson, within MAX_FRAME_BYTES), so this second, exact parse succeeds;
    numbers only: NaN and Infinity are not JSON and were refused by the first parse."""
    try:
        data = json.loads(frame, parse_float=Decimal, parse_int=Decimal)
    except (ValueError, RecursionError) as exc:
        raise ProtocolError("bad_message", "Message is not valid JSON.") from exc
    return data["args"]["scores"]
