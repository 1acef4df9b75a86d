"""Property-based fuzzing (hypothesis) of message handling, at two levels.

Pure: `app.protocol.decode` on arbitrary bytes, text and JSON values raises nothing but ProtocolError;
`EventState.decide` with arbitrary roles, command names and arguments, from states reached by random
command sequences, returns changes or raises DomainError, and never changes the state itself; the
changes it returns survive the journal's JSON round trip and replay to the same state.

Live: one real server (module-scoped) receives a few thousand generated frames from judge, board and
host connections: junk bytes and text, arbitrary JSON values, protocol envelopes with random fields,
commands with random arguments. After each frame a ping acts as a barrier, so the frame's answer is
known exactly: a refused frame (error, refused ack, duplicate) leaves the journal untouched, an applied
command adds exactly the one row its ack names, no answer is an `internal` error, and no connection is
dropped. At the end the server still answers, a valid command works, the log holds no traceback, and a
restart rebuilds exactly the state the fuzzing left.

Reproducible: derandomize=True (the examples are a function of the test code), no example database.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain.errors import DomainError, Refusal
from app.domain.state import HOST_COMMANDS, JUDGE_COMMANDS, SCENES, TIMER_ACTIONS, TIMERS, Change, EventState
from app.eventfile import parse_event
from app.protocol import MAX_FRAME_BYTES, Command, Ping, Presence, ProtocolError, Resync, decode
from app.store import Store
from tests.conftest import MINI_EVENT, cookie_header
from tests.server import RunningServer

EVENT = parse_event(MINI_EVENT.read_text(encoding="utf-8"))
PROJECTS = [p.id for p in EVENT.projects]
JUDGES = [j.id for j in EVENT.judges]
COMMANDS = sorted(HOST_COMMANDS | JUDGE_COMMANDS)
PROTOCOL_DOC = (Path(__file__).resolve().parent.parent / "docs" / "protocol.md").read_text(encoding="utf-8")
# The documented error codes, less `internal`: an internal error means the server failed on an input.
ERROR_CODES = set(re.findall(r"`([a-z_]+)`", PROTOCOL_DOC.split("### Error codes", 1)[1].split("##", 1)[0])) - {
    "internal"
}

PURE = settings(max_examples=300, deadline=None, derandomize=True, database=None)
LIVE = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

# ---------------------------------------------------------------------------------------------- strategies
# What orjson can hand the server: integers are 64-bit (bigger ones arrive as floats), no NaN/infinity.
wire_ints = st.integers(min_value=-(2**63), max_value=2**64 - 1)
wire_floats = st.floats(allow_nan=False, allow_infinity=False)
scalars = st.none() | st.booleans() | wire_ints | wire_floats | st.text(max_size=16)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=10,
)


def either(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly plausible values, sometimes anything at all."""
    return st.one_of(good, good, json_values)


score_numbers = st.sampled_from([0, 0.5, 10, 29.5, 40, 60, 60.0000001, 61, -0.5, 0.25]) | wire_ints | wire_floats
sheets = st.fixed_dictionaries({"impact": score_numbers, "pitch": score_numbers}) | st.dictionaries(
    st.sampled_from(["impact", "pitch", "bonus", ""]), score_numbers, max_size=3
)
valid_sheets = st.fixed_dictionaries(
    {"impact": st.integers(0, 120).map(lambda n: n / 2), "pitch": st.integers(0, 80).map(lambda n: n / 2)}
)
plausible_args = st.fixed_dictionaries(
    {},
    optional={
        "project": either(st.sampled_from(PROJECTS)),
        "judge": either(st.sampled_from(JUDGES)),
        "scores": either(st.one_of(sheets, valid_sheets)),
        "comment": either(st.text(max_size=12) | st.just("x" * 1001)),
        "order": either(st.permutations(PROJECTS) | st.lists(st.sampled_from([*PROJECTS, "p9"]), max_size=4)),
        "timer": either(st.sampled_from(TIMERS)),
        "action": either(st.sampled_from(TIMER_ACTIONS)),
        "scene": either(st.sampled_from(SCENES)),
        "direction": either(st.sampled_from(["next", "back"])),
        "recused": either(st.booleans()),
        "reason": either(st.text(max_size=12) | st.just(" ") | st.just("r" * 501)),
        "interrupt": either(st.sampled_from(PROJECTS)),
        "skip": either(st.booleans()),
        "remaining": either(st.integers(0, len(PROJECTS))),
        # the commentary (app/domain/commentary.py)
        "point": either(st.sampled_from(["a", "b", "x" * 33, ""])),
        "kind": either(st.sampled_from(["highlight", "suggestion"])),
        "text": either(st.text(max_size=12) | st.just("字" * 201)),
        "shared": either(st.booleans()),
        "points": either(st.lists(st.sampled_from(["a", "b", "c"]), max_size=7)),
        "seconds": either(st.integers(-5, 20_000)),
        "message": either(st.text(max_size=12) | st.just("m" * 121)),
    },
)
any_args = st.one_of(plausible_args, plausible_args, st.dictionaries(st.text(max_size=8), json_values, max_size=4))
command_names = st.sampled_from(COMMANDS) | st.text(max_size=12)

# Moves that are often legal, so random sequences reach scoring, reveals and the ceremony.
HOST_MOVES = [
    *[("start_project", {"project": p}) for p in PROJECTS],
    ("open_scoring", {}),
    ("close_scoring", {}),
    ("reveal", {}),
    ("scene", {"scene": "leaderboard"}),
    ("start_ceremony", {}),
    *[("start_ceremony", {"skip": True, "remaining": n}) for n in range(1, len(PROJECTS) + 1)],
    *[("start_project", {"project": p, "interrupt": q}) for p in PROJECTS for q in PROJECTS if p != q],
    *[("undo_start", {"project": p}) for p in PROJECTS],
    ("leave_ceremony", {}),
    ("ceremony_step", {"direction": "next"}),
    ("ceremony_step", {"direction": "back"}),
    ("timer", {"timer": "presentation", "action": "start"}),
    ("recuse", {"judge": "j6", "project": "p1", "reason": "fuzz"}),
    *[("start_commentary", {"judge": j, "project": p}) for j in JUDGES[:2] for p in [None, PROJECTS[0]]],
    ("commentary_points", {"points": ["a"]}),
    ("commentary_timer", {"action": "start"}),
    ("end_commentary", {}),
    ("start_break", {"seconds": 600}),
]
good_host = st.sampled_from(HOST_MOVES).map(lambda m: ("host", "", m[0], m[1]))
good_judge = st.tuples(st.sampled_from(JUDGES), st.sampled_from(PROJECTS), valid_sheets).map(
    lambda t: ("judge", t[0], "submit_score", {"project": t[1], "scores": t[2]})
)
good_point = st.tuples(st.sampled_from(JUDGES), st.sampled_from(PROJECTS), st.booleans()).map(
    lambda t: (
        "judge",
        t[0],
        "save_point",
        {"project": t[1], "point": "a", "kind": "highlight", "text": "ok", "shared": t[2]},
    )
)
good_correction = st.tuples(st.sampled_from(JUDGES), st.sampled_from(PROJECTS), valid_sheets).map(
    lambda t: ("host", "", "correct_score", {"judge": t[0], "project": t[1], "scores": t[2], "reason": "typo"})
)
wild = st.tuples(
    st.sampled_from(["host", "judge", "board"]) | st.text(max_size=6),
    st.sampled_from([*JUDGES, "", "nobody"]) | st.text(max_size=6),
    command_names,
    any_args,
)
steps = st.one_of(good_host, good_host, good_judge, good_judge, good_point, good_correction, wild, wild, wild)


def _host(name: str, args: dict[str, Any] | None = None) -> tuple[str, str, str, dict[str, Any]]:
    return ("host", "", name, args or {})


def _presentation(t: tuple[str, list[tuple[str, Any]], bool, bool]) -> list[tuple[str, str, str, Any]]:
    project, scores, close, reveal = t
    script = [_host("start_project", {"project": project}), _host("open_scoring")]
    script += [("judge", judge, "submit_score", {"project": project, "scores": sheet}) for judge, sheet in scores]
    script += [_host("close_scoring")] if close else []
    return script + ([_host("reveal")] if close and reveal else [])


# Whole presentations (start, open, scores, close, reveal) and ceremonies, mixed with single random moves:
# the sequences reach every phase, and each phase then meets arbitrary input.
presentations = st.tuples(
    st.sampled_from(PROJECTS),
    st.lists(st.tuples(st.sampled_from(JUDGES), st.one_of(valid_sheets, valid_sheets, sheets)), max_size=7),
    st.booleans(),
    st.booleans(),
).map(_presentation)
ceremonies = st.tuples(st.integers(0, 6), st.integers(0, 2), st.integers(0, len(PROJECTS))).map(
    lambda t: (
        [_host("start_ceremony", {"skip": True, "remaining": t[2]} if t[2] else {})]
        + [_host("ceremony_step", {"direction": "next"})] * t[0]
        + [_host("ceremony_step", {"direction": "back"})] * t[1]
    )
)
scripts = st.lists(
    st.one_of(presentations, presentations, ceremonies, steps.map(lambda s: [s]), steps.map(lambda s: [s])),
    max_size=12,
).map(lambda parts: [step for part in parts for step in part])


# ---------------------------------------------------------------------------------------------- pure: decode
@PURE
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_decode_arbitrary_frames_raises_only_protocol_error(frame: bytes | str) -> None:
    try:
        message = decode(frame)
    except ProtocolError as exc:
        assert exc.code in {"bad_message", "bad_args"} and exc.message
        return
    assert isinstance(message, Command | Ping | Resync | Presence)


envelopes = st.fixed_dictionaries(
    {"type": st.sampled_from(["cmd", "ping", "resync", "presence", "update", ""]) | json_values},
    optional={
        "id": st.text(max_size=70) | json_values,
        "cmd": command_names | json_values,
        "args": any_args | json_values,
        "t": json_values,
        "state": st.sampled_from(["scoring", "idle"]) | json_values,
    },
)


@PURE
@given(json_values | envelopes, st.booleans())
def test_decode_json_values_and_envelopes(value: Any, as_bytes: bool) -> None:
    raw = orjson.dumps(value)
    try:
        message = decode(raw if as_bytes else raw.decode())
    except ProtocolError as exc:
        assert exc.code in {"bad_message", "bad_args"}
        return
    assert isinstance(value, dict)
    if isinstance(message, Command):
        assert value["type"] == "cmd" and 1 <= len(message.id) <= 64 and message.name
        assert isinstance(message.args, dict)
    elif isinstance(message, Presence):
        assert message.state in ("scoring", "idle")
    elif isinstance(message, Ping):
        assert message.t is None or isinstance(message.t, int | float | str)


def test_decode_refuses_an_oversized_frame() -> None:
    frame = orjson.dumps({"type": "ping", "t": "x" * MAX_FRAME_BYTES})
    for f in (frame, frame.decode()):
        with pytest.raises(ProtocolError):
            decode(f)


# ---------------------------------------------------------------------------------------------- pure: decide
def fingerprint(state: EventState) -> dict[str, Any]:
    """Everything `apply` can change, deep-copied so a later mutation cannot alter it."""
    ceremony = state.ceremony
    return copy.deepcopy(
        {
            "order": state.order,
            "status": state.status,
            "current": state.current,
            "scene": state.scene,
            "timers": {name: t.as_dict() for name, t in state.timers.items()},
            "recused": set(state.recused),
            "sheets": dict(state.sheets),
            "revealed": state.revealed,
            "ceremony": None if ceremony is None else (ceremony.awards, ceremony.steps, ceremony.step),
            "paused_timers": {p: {n: t.as_dict() for n, t in ts.items()} for p, ts in state.paused_timers.items()},
            "last_start": state.last_start,
            "refused": state.refused,
            "reopened": state.reopened,
            "points": state.points,
            "commentary": state.commentary,
            "interlude": state.interlude,
            "commentary_log": state.commentary_log,
        }
    )


@PURE
@given(scripts)
def test_decide_returns_changes_or_raises_domain_error_and_replays(script: list[tuple[str, str, str, Any]]) -> None:
    state = EventState.new(EVENT)
    journal: list[tuple[str, Any, float]] = []
    now = 1_764_000_000.0
    outcomes: Counter[str] = Counter()
    for role, actor, command, args in script:
        now += 7.25
        before = fingerprint(state)
        try:
            changes = state.decide(role, actor, command, args, now)
        except DomainError as exc:
            assert fingerprint(state) == before, f"{command} from {role} raised {exc.code} but changed the state"
            assert exc.code in ERROR_CODES, exc.code
            assert exc.as_dict()["message"]
            outcomes[exc.code] += 1
            for change in exc.changes if isinstance(exc, Refusal) else []:  # a late score, kept for the host
                state.apply(change, now)
                journal.append((change.kind, orjson.loads(orjson.dumps(change.data)), now))
            continue
        assert fingerprint(state) == before, f"decide({command}) changed the state before apply"
        assert isinstance(changes, list) and all(isinstance(c, Change) for c in changes)
        for change in changes:
            stored = orjson.loads(orjson.dumps(change.data))  # what the journal keeps; must serialise
            state.apply(change, now)
            journal.append((change.kind, stored, now))
        outcomes["ok"] += 1
    # a restart replays the journal: the same state
    replayed = EventState.new(EVENT)
    for kind, data, at in journal:
        replayed.apply(Change(kind, data), at)
    assert fingerprint(replayed) == fingerprint(state)
    assert replayed.standings().overall == state.standings().overall


def test_decide_with_a_huge_integer_score_raises_domain_error() -> None:
    """An integer beyond any float (|raw| >= 2**1024) once escaped validate_values as OverflowError. Not
    reachable over the websocket (orjson turns such numbers into floats), but decide() promises
    DomainError for every bad input."""
    state = EventState.new(EVENT)
    for change in state.decide("host", "", "start_project", {"project": "p1"}, 1.0):
        state.apply(change, 1.0)
    for change in state.decide("host", "", "open_scoring", {}, 2.0):
        state.apply(change, 2.0)
    with pytest.raises(DomainError):
        state.decide("judge", "j1", "submit_score", {"project": "p1", "scores": {"impact": 10**400, "pitch": 1}}, 3.0)


# ---------------------------------------------------------------------------------------------- live
@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = RunningServer(tmp_path_factory.mktemp("fuzz") / "fuzz.db", MINI_EVENT)
    server.start()
    try:
        yield server
    finally:
        server.stop()


frames = st.one_of(
    st.binary(max_size=120),
    st.text(max_size=120),
    json_values.map(orjson.dumps),
    envelopes.map(orjson.dumps),
    st.fixed_dictionaries(
        {
            "type": st.just("cmd"),
            "id": st.sampled_from(["fz-1", "fz-2", "fz-3"]) | st.text(min_size=1, max_size=64),
            "cmd": command_names,
            "args": any_args,
        }
    ).map(orjson.dumps),
    st.sampled_from([b'{"type": "resync"}', b'{"type": "presence", "state": "scoring"}', b'{"type": "ping"}']),
)
senders = st.sampled_from(["host", "board", "j1", "j2"])
anything = st.tuples(senders, frames, st.booleans())


def from_its_sender(step: tuple[str, str, str, Any], uid: Any) -> tuple[str, bytes, bool]:
    """An often-legal move, sent by the connection that may make it, with a fresh command id."""
    role, actor, name, args = step
    return (
        ("host" if role == "host" else actor),
        orjson.dumps({"type": "cmd", "id": str(uid), "cmd": name, "args": args}),
        True,
    )


legal_moves = st.builds(
    from_its_sender, st.one_of(good_host, good_host, good_judge, good_judge, good_correction), st.uuids()
)
messages = st.lists(st.one_of(anything, anything, legal_moves), min_size=20, max_size=30)


class Exchange:
    """One example's connections, opened lazily; each frame is followed by a ping barrier."""

    _barriers = itertools.count(1)

    def __init__(self, server: RunningServer, host_headers: dict[str, str], tokens: dict[str, str]) -> None:
        self.server = server
        self.host_headers = host_headers
        self.tokens = tokens
        self.conns: dict[str, Any] = {}
        self.db = sqlite3.connect(server.db_path, isolation_level=None)

    def rows(self) -> tuple[int, int]:
        count, last = self.db.execute("SELECT COUNT(*), COALESCE(MAX(seq), 0) FROM journal").fetchone()
        return int(count), int(last)

    async def conn(self, who: str) -> Any:
        if who not in self.conns:
            path = {"host": "/ws/host", "board": "/ws/board"}.get(who) or f"/ws/judge/{self.tokens[who]}"
            headers = self.host_headers if who == "host" else {}
            ws = await websockets.connect(
                f"{self.server.ws_base}{path}", additional_headers=headers, ping_interval=None, max_size=2**24
            )
            first = orjson.loads(await asyncio.wait_for(ws.recv(), 10))
            assert first["type"] == "snapshot" and first["role"] == ("judge" if who.startswith("j") else who)
            self.conns[who] = ws
        return self.conns[who]

    async def send(self, who: str, frame: str | bytes, as_text: bool, stats: Counter[str]) -> None:
        wire: str | bytes = frame
        if isinstance(frame, str) and not as_text:
            wire = frame.encode()
        elif isinstance(frame, bytes) and as_text:
            with contextlib.suppress(UnicodeDecodeError):
                wire = frame.decode()
        try:
            expected: Any = decode(wire)
        except ProtocolError as exc:
            expected = exc
        ws = await self.conn(who)
        while True:
            before, _ = self.rows()
            replies = await self.exchange(ws, wire)
            after, last_seq = self.rows()
            # The host's and each judge's commands share a bucket of 10 a second (docs/security.md):
            # a throttled command stored nothing; it is sent again once the bucket has refilled.
            throttled = [r for r in replies if r.get("type") == "ack" and not r["ok"]]
            if not (throttled and throttled[0]["error"]["code"] == "rate_limited"):
                break
            assert after == before, f"{who}: a rate-limited command changed the journal"
            stats["throttled"] += 1
            await asyncio.sleep(0.11)
        kinds = [r["type"] for r in replies]
        what = f"{who} sent {wire[:200]!r}: replies {replies}"
        stats["messages"] += 1
        if isinstance(expected, ProtocolError):
            assert kinds == ["error"] and replies[0]["error"]["code"] == expected.code, what
            assert after == before, what
            stats["refused"] += 1
        elif isinstance(expected, Command):
            assert kinds == ["ack"] and replies[0]["id"] == expected.id, what
            ack = replies[0]
            if ack["ok"] and not ack.get("duplicate") and ack.get("seq") is not None:
                assert after == before + 1 and ack["seq"] == last_seq, what
                stats["applied"] += 1
            else:
                # A score sent after scoring closed is refused and recorded for the host (score_refused).
                late = not ack["ok"] and ack["error"]["code"] == "scoring_closed"
                assert after == before or (late and after == before + 1), what
                if not ack["ok"]:
                    assert ack["error"]["code"] in ERROR_CODES and ack["error"]["message"], what
                    if who == "board":
                        assert ack["error"]["code"] == "forbidden", what
                stats["duplicate" if ack.get("duplicate") else "refused"] += 1
        elif isinstance(expected, Ping):
            assert kinds == ["pong"] and replies[0]["t"] == expected.t, what
            assert after == before, what
        elif isinstance(expected, Resync):
            assert kinds == ["snapshot"], what
            assert after == before, what
        else:
            assert isinstance(expected, Presence) and kinds == [] and after == before, what

    async def exchange(self, ws: Any, wire: str | bytes) -> list[dict[str, Any]]:
        """Send one frame and a ping behind it; the replies (not updates) that came before the pong."""
        barrier = f"barrier-{next(self._barriers)}"
        await ws.send(wire)
        await ws.send(orjson.dumps({"type": "ping", "t": barrier}).decode())
        replies: list[dict[str, Any]] = []
        async with asyncio.timeout(10):
            while True:
                message = orjson.loads(await ws.recv())
                if message.get("type") == "pong" and message.get("t") == barrier:
                    return replies
                if message.get("type") != "update":
                    replies.append(message)

    async def close(self) -> None:
        for ws in self.conns.values():
            await ws.close()
        self.db.close()


async def host_view(server: RunningServer, headers: dict[str, str]) -> dict[str, Any]:
    async with websockets.connect(f"{server.ws_base}/ws/host", additional_headers=headers, max_size=2**24) as ws:
        snapshot = orjson.loads(await asyncio.wait_for(ws.recv(), 10))
    sections = snapshot["sections"]
    for judge in sections["judges"]:  # presence is not journalled
        for key in ("connected", "activity", "offline_since", "ever_connected"):
            judge.pop(key)
    return sections


def test_live_fuzz_never_crashes_the_server_and_refused_input_changes_nothing(fuzz_server: RunningServer) -> None:
    server = fuzz_server
    headers = cookie_header(server)
    tokens = server.judge_tokens()
    stats: Counter[str] = Counter()

    @LIVE
    @given(messages)
    def run(batch: list[tuple[str, str | bytes, bool]]) -> None:
        async def go() -> None:
            exchange = Exchange(server, headers, tokens)
            try:
                for who, frame, as_text in batch:
                    await exchange.send(who, frame, as_text, stats)
            finally:
                await exchange.close()
            assert httpx.get(f"{server.base}/healthz", timeout=5).status_code == 200

        asyncio.run(go())

    run()
    print(f"live fuzz: {dict(stats)}")  # shown with -s
    assert stats["messages"] >= 2000, stats
    assert stats["applied"] > 20 and stats["refused"] > 500, stats  # both paths were really exercised

    async def finish() -> None:
        exchange = Exchange(server, headers, tokens)
        try:
            await exchange.send("host", b'{"type": "cmd", "id": "final", "cmd": "scene", "args": {"scene": "welcome"}}',
                                True, stats)  # fmt: skip
            assert stats["applied"] >= 1
        finally:
            await exchange.close()
        before = await host_view(server, headers)
        server.kill()
        server.start()
        assert await host_view(server, headers) == before  # the journal replays to the fuzzed state

    applied = stats["applied"]
    asyncio.run(finish())
    assert stats["applied"] == applied + 1
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log and "Exception in ASGI application" not in log, log[-3000:]

    async def check_file() -> None:
        async with Store.open(server.db_path) as store:  # a second connection; WAL lets it read alongside
            assert await store.integrity_check() == "ok"
            await store.verify_chain()

    asyncio.run(check_file())


def test_live_frames_in_every_shape_from_one_judge_keep_the_connection(fuzz_server: RunningServer) -> None:
    """The same connection survives a long run of bad frames (below the rate limit) and still works."""
    server = fuzz_server
    tokens = server.judge_tokens()

    async def go() -> None:
        exchange = Exchange(server, {}, tokens)
        stats: Counter[str] = Counter()
        try:
            bad = [b"", b"\x00", b"{", b"[]", b"null", b'{"type": 1}', b'{"type": "cmd", "id": 5}', b"\xff" * 50]
            for frame in bad * 3:
                await exchange.send("j1", frame, False, stats)
            await exchange.send("j1", b'{"type": "ping", "t": 1}', True, stats)
        finally:
            await exchange.close()
        assert stats["refused"] == len(bad) * 3

    asyncio.run(go())
