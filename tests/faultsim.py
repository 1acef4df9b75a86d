"""Crash simulation shared by tests/test_faults.py (short, in CI) and scripts/soak.py (long, by hand).

One *run*: a fresh database and the real server (tests/server.py RunningServer, a subprocess). A short
prelude scores project p1 (with one recusal) and opens scoring on p2. Then N simulated judges submit
and amend their p2 scores continuously, and the host sends timer commands, each through an outbox
that behaves like static/live.js:

- every command gets a client-generated id and stays in the outbox until its ack arrives;
- after a disconnect the client reconnects (small backoff with full jitter, retried until the server
  is back), waits for the snapshot and resends every unacknowledged command with the SAME id, in order;
- a judge may keep "tapping submit" while offline: new commands queue in the outbox (up to a limit).

Meanwhile the controller SIGKILLs the server at random (seeded) moments and restarts it on the same
database. At the end the producers stop, the outboxes drain, and `verify()` checks:

- every command id sent is in the journal exactly once for its actor (nothing lost, nothing doubled),
  each acknowledged one at the journal row its ack named, in the order the client created them;
- every outbox is empty (each unacknowledged command was retried until it was stored);
- each judge's latest score (journal, the judge's snapshot, the host's judge list) is its last command;
- GET /api/results (host scope) equals a hand recomputation from the journal rows, and a second one
  through app.domain.results on sheets rebuilt from the journal;
- PRAGMA integrity_check is ok and the store's hash chain verifies.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from statistics import fmean
from typing import Any

import httpx
import orjson
import websockets
from websockets.exceptions import WebSocketException

from app.domain.models import Event
from app.domain.results import compute_results, rank
from app.domain.scoring import ScoreSheet
from app.eventfile import parse_event
from app.store import Store
from tests.server import LiveClient, RunningServer

DATA = Path(__file__).parent / "data"
MINI_EVENT = DATA / "mini_event.toml"
PRELUDE_PROJECT = "p1"
CHAOS_PROJECT = "p2"
RECUSED_IN_PRELUDE = "j2"  # scores p1, then is recused from it: the score must not count
TIMER_MOVES = [("presentation", "start"), ("presentation", "pause"), ("qa", "start"), ("qa", "pause"), ("qa", "reset")]
CONNECT_ERRORS = (OSError, TimeoutError, WebSocketException)


def event_text(judges: int) -> str:
    """The mini event, with judges j7, j8, ... appended when more than its six are wanted."""
    text = MINI_EVENT.read_text(encoding="utf-8")
    extra = "".join(f'\n[[judges]]\nid = "j{n}"\nname = "Judge {n}"\n' for n in range(7, judges + 1))
    return text + extra


def host_headers(server: RunningServer) -> dict[str, str]:
    cookies = server.host_cookies()
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}


def random_sheet(rng: random.Random) -> dict[str, float]:
    """A valid sheet for the mini event's rubric: impact 0..60, pitch 0..40, step 0.5."""
    return {"impact": rng.randrange(0, 121) / 2, "pitch": rng.randrange(0, 81) / 2}


# ---------------------------------------------------------------------------------------------- clients
@dataclass
class Pending:
    id: str
    cmd: str
    args: dict[str, Any]
    sends: int = 0  # how many times it went on the wire
    sent_gen: int = -1  # the connection generation it was last sent on


@dataclass
class Figures:
    runs: int = 0
    kills: int = 0
    sent: int = 0  # distinct commands (ids) created by the clients
    acknowledged: int = 0  # acks received (ok)
    acknowledged_duplicate: int = 0  # of those, "already applied" (stored before a crash, ack lost)
    retried: int = 0  # commands that went on the wire more than once
    resends: int = 0  # frames resent from an outbox after a reconnect
    in_flight_at_kills: int = 0  # unacknowledged commands in the outboxes at the moments of the kills
    stored: int = 0  # journal rows holding the clients' command ids
    lost: int = 0
    duplicated: int = 0
    reconnects: int = 0
    restart_seconds: float = 0.0  # total time from SIGKILL to the server answering /healthz again
    integrity: str = ""
    chain_rows: int = 0
    standings_match: bool = True
    problems: list[str] = field(default_factory=list)

    def add(self, other: Figures) -> None:
        for name in [
            "runs",
            "kills",
            "sent",
            "acknowledged",
            "acknowledged_duplicate",
            "retried",
            "resends",
            "in_flight_at_kills",
            "stored",
            "lost",
            "duplicated",
            "reconnects",
            "restart_seconds",
            "chain_rows",
        ]:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.integrity = other.integrity if self.integrity in ("", "ok") else self.integrity
        self.standings_match = self.standings_match and other.standings_match
        self.problems += other.problems

    def lines(self) -> list[str]:
        return [
            f"runs                  {self.runs}",
            f"kills (SIGKILL)       {self.kills}",
            f"commands sent         {self.sent}",
            f"acknowledged          {self.acknowledged} ({self.acknowledged_duplicate} as duplicates:"
            " stored before a kill, ack lost, resent)",
            f"retried               {self.retried} commands ({self.resends} resends after reconnects)",
            f"in flight at kills    {self.in_flight_at_kills}",
            f"stored                {self.stored}",
            f"lost                  {self.lost}",
            f"duplicated            {self.duplicated}",
            f"reconnects            {self.reconnects}",
            f"mean restart          {self.restart_seconds / max(1, self.kills):.2f} s (SIGKILL to /healthz answering)",
            f"integrity             {self.integrity} (PRAGMA integrity_check), hash chain {self.chain_rows} rows ok",
            f"standings match       {'yes' if self.standings_match else 'NO'}",
            f"problems              {len(self.problems)}",
        ]


class OutboxClient:
    """One simulated page: a websocket with a live.js-style outbox, reconnecting until told to stop."""

    def __init__(
        self,
        name: str,
        actor: str,
        url: str,
        headers: dict[str, str],
        rng: random.Random,
        make_command: Callable[[OutboxClient], tuple[str, dict[str, Any]]],
        interval: tuple[float, float] = (0.05, 0.25),
        max_outbox: int = 5,
    ) -> None:
        self.name = name
        self.actor = actor
        self.url = url
        self.headers = headers
        self.rng = rng
        self.make_command = make_command
        self.interval = interval
        self.max_outbox = max_outbox
        self.outbox: dict[str, Pending] = {}  # insertion-ordered: resent in creation order
        self.created: list[Pending] = []
        self.acks: dict[str, list[dict[str, Any]]] = {}
        self.problems: list[str] = []
        self.producing = True
        self.connects = 0
        self.resends = 0
        self._gen = 0
        self._ws: Any = None
        self._lock = asyncio.Lock()  # one writer at a time, so resends and new commands keep their order

    def in_flight(self) -> int:
        """Commands sent on the current connection and not acknowledged yet."""
        if self._ws is None:
            return 0
        return sum(1 for p in self.outbox.values() if p.sent_gen == self._gen)

    @property
    def finished(self) -> bool:
        return not self.producing and not self.outbox

    async def run(self) -> None:
        producer = asyncio.create_task(self._produce())
        attempt = 0
        try:
            while not self.finished:
                try:
                    async with websockets.connect(
                        self.url,
                        additional_headers=self.headers,
                        open_timeout=3,
                        close_timeout=0.2,
                        ping_interval=None,
                        max_size=2**24,
                    ) as ws:
                        attempt = 0
                        await self._session(ws)
                except CONNECT_ERRORS:
                    pass
                if self.finished:
                    break
                attempt += 1
                await asyncio.sleep(self.rng.uniform(0, min(0.5, 0.02 * 2**attempt)))  # full jitter
        finally:
            producer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await producer

    async def _session(self, ws: Any) -> None:
        first = orjson.loads(await asyncio.wait_for(ws.recv(), 5))
        if first.get("type") != "snapshot":
            self.problems.append(f"{self.name}: first frame was {first.get('type')!r}, not a snapshot")
        async with self._lock:
            self._gen += 1
            self._ws = ws
            self.connects += 1
            for pending in list(self.outbox.values()):
                await self._send(ws, pending, self._gen)
        try:
            last_ping = time.monotonic()
            while not self.finished:
                try:
                    frame = await asyncio.wait_for(ws.recv(), 0.5)
                except TimeoutError:
                    frame = None
                if frame is not None:
                    self._receive(orjson.loads(frame))
                if time.monotonic() - last_ping > 2:  # the page's heartbeat (every 10 s in live.js)
                    last_ping = time.monotonic()
                    async with self._lock:
                        await ws.send(orjson.dumps({"type": "ping", "t": last_ping}).decode())
        finally:
            self._ws = None

    async def _send(self, ws: Any, pending: Pending, gen: int) -> None:
        if pending.sent_gen == gen:
            return
        if pending.sends:
            self.resends += 1
        pending.sends += 1
        pending.sent_gen = gen
        frame = {"type": "cmd", "id": pending.id, "cmd": pending.cmd, "args": pending.args}
        await ws.send(orjson.dumps(frame).decode())

    async def _produce(self) -> None:
        while self.producing:
            await asyncio.sleep(self.rng.uniform(*self.interval))
            if not self.producing or len(self.outbox) >= self.max_outbox:
                continue
            cmd, args = self.make_command(self)
            pending = Pending(f"{self.name}-{len(self.created) + 1:05d}-{self.rng.getrandbits(48):012x}", cmd, args)
            self.outbox[pending.id] = pending
            self.created.append(pending)
            async with self._lock:
                ws = self._ws
                if ws is not None:
                    with contextlib.suppress(*CONNECT_ERRORS):
                        await self._send(ws, pending, self._gen)

    def _receive(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "ack":
            cid = message.get("id")
            self.acks.setdefault(cid, []).append(message)
            pending = self.outbox.pop(cid, None)
            if pending is None:
                self.problems.append(f"{self.name}: ack for {cid!r}, which is not in the outbox")
            if not message.get("ok"):
                self.problems.append(f"{self.name}: command {cid} refused: {message.get('error')}")
        elif kind == "error":
            self.problems.append(f"{self.name}: error frame {message.get('error')}")


def judge_command(client: OutboxClient) -> tuple[str, dict[str, Any]]:
    n = len(client.created) + 1
    args = {"project": CHAOS_PROJECT, "scores": random_sheet(client.rng), "comment": f"{client.name} #{n}"}
    return "submit_score", args


def host_command(client: OutboxClient) -> tuple[str, dict[str, Any]]:
    timer, action = client.rng.choice(TIMER_MOVES)
    return "timer", {"timer": timer, "action": action}


# ---------------------------------------------------------------------------------------------- one run
async def prelude(server: RunningServer, judges: list[str], rng: random.Random) -> None:
    """p1 scored by every judge (RECUSED_IN_PRELUDE then recused), closed and revealed; p2 open."""
    host = await LiveClient(f"{server.ws_base}/ws/host", host_headers(server)).connect()
    tokens = server.judge_tokens()
    try:
        await host.ok("start_project", {"project": PRELUDE_PROJECT})
        await host.ok("open_scoring")
        for judge in judges:
            client = await LiveClient(f"{server.ws_base}/ws/judge/{tokens[judge]}").connect()
            await client.ok("submit_score", {"project": PRELUDE_PROJECT, "scores": random_sheet(rng)})
            await client.close()
        await host.ok("recuse", {"judge": RECUSED_IN_PRELUDE, "project": PRELUDE_PROJECT, "reason": "conflict"})
        await host.ok("close_scoring")
        await host.ok("reveal", {"project": PRELUDE_PROJECT})
        await host.ok("start_project", {"project": CHAOS_PROJECT})
        await host.ok("open_scoring")
    finally:
        await host.close()


async def run_once(
    workdir: Path,
    *,
    seed: int,
    kills: int,
    judges: int = 6,
    with_host: bool = True,
    gap: tuple[float, float] = (0.3, 1.0),
    down: tuple[float, float] = (0.0, 0.3),
    drain_timeout: float = 30.0,
    log: Callable[[str], None] | None = None,
) -> Figures:
    """One run on a fresh database in `workdir`; returns its figures (problems listed in `.problems`)."""
    rng = random.Random(seed)
    workdir.mkdir(parents=True, exist_ok=True)
    event_file = workdir / "event.toml"
    event_file.write_text(event_text(judges), encoding="utf-8")
    event = parse_event(event_file.read_text(encoding="utf-8"))
    judge_ids = [j.id for j in event.judges][:judges]
    server = RunningServer(workdir / "soak.db", event_file)
    figures = Figures(runs=1)
    server.start()
    try:
        await prelude(server, judge_ids, rng)
        tokens = server.judge_tokens()
        clients = [
            OutboxClient(j, f"judge:{j}", f"{server.ws_base}/ws/judge/{tokens[j]}", {}, random.Random(rng.random()),
                         judge_command)
            for j in judge_ids
        ]  # fmt: skip
        if with_host:
            clients.append(
                OutboxClient("host", "host", f"{server.ws_base}/ws/host", host_headers(server),
                             random.Random(rng.random()), host_command, interval=(0.1, 0.4))
            )  # fmt: skip
        tasks = [asyncio.create_task(c.run(), name=c.name) for c in clients]
        for k in range(kills):
            await asyncio.sleep(rng.uniform(*gap))
            # Most kills land while some command is on the wire and not yet acknowledged (the window
            # where "stored but the ack was lost" and "sent but never stored" happen); give up waiting
            # for one after a moment and kill anyway.
            deadline = time.monotonic() + rng.uniform(0.0, 0.3)
            while not any(c.in_flight() for c in clients) and time.monotonic() < deadline:
                await asyncio.sleep(0)
            figures.in_flight_at_kills += sum(c.in_flight() for c in clients)
            started = time.monotonic()
            server.kill()  # synchronous: no client can read an ack between this decision and the kill
            figures.kills += 1
            await asyncio.sleep(rng.uniform(*down))
            await asyncio.to_thread(server.start)
            figures.restart_seconds += time.monotonic() - started
            if log:
                log(f"  kill {k + 1}/{kills}: restarted, outboxes {[len(c.outbox) for c in clients]}")
        await asyncio.sleep(rng.uniform(*gap))
        for c in clients:
            c.producing = False
        _, unfinished = await asyncio.wait(tasks, timeout=drain_timeout)
        for task in unfinished:
            figures.problems.append(f"{task.get_name()}: outbox not drained within {drain_timeout}s")
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await verify(server, event, clients, figures)
    finally:
        server.stop()
    return figures


# ---------------------------------------------------------------------------------------------- checks
async def verify(server: RunningServer, event: Event, clients: list[OutboxClient], figures: Figures) -> None:
    problems = figures.problems
    for c in clients:
        problems += c.problems
        figures.sent += len(c.created)
        figures.acknowledged += sum(1 for acks in c.acks.values() for a in acks if a.get("ok"))
        figures.acknowledged_duplicate += sum(1 for acks in c.acks.values() for a in acks if a.get("duplicate"))
        figures.retried += sum(1 for p in c.created if p.sends > 1)
        figures.resends += c.resends
        figures.reconnects += max(0, c.connects - 1)
        if c.outbox:
            problems.append(f"{c.name}: {len(c.outbox)} commands still unacknowledged")
        never = [p.id for p in c.created if p.sends == 0]
        if never:
            problems.append(f"{c.name}: {len(never)} commands never sent")

    judges = [c for c in clients if c.actor.startswith("judge:")]
    # --- the live state, through the protocol and the API (the server is still up)
    async with httpx.AsyncClient(base_url=server.base, timeout=10) as http:
        if (await http.get("/healthz")).status_code != 200:
            problems.append("/healthz does not answer 200")
        results = (await http.get("/api/results", headers=host_headers(server))).json()
    if results.get("scope") != "all":
        problems.append(f"/api/results with the host cookie has scope {results.get('scope')!r}")
    tokens = server.judge_tokens()
    host = await LiveClient(f"{server.ws_base}/ws/host", host_headers(server)).connect()
    host_judges = {j["id"]: j for j in host.view["judges"]}
    await host.close()
    for c in judges:
        judge = c.actor.split(":", 1)[1]
        last = [p for p in c.created if p.cmd == "submit_score"]
        if not last:
            problems.append(f"{c.name}: sent no score")
            continue
        want = last[-1].args["scores"]
        view = await LiveClient(f"{server.ws_base}/ws/judge/{tokens[judge]}").connect()
        mine = view.view["my_scores"].get(CHAOS_PROJECT)
        await view.close()
        if mine is None or mine["values"] != want:
            problems.append(f"{c.name}: my_scores {mine and mine['values']} is not the last command {want}")
        if host_judges[judge]["total"] != sum(want.values()):
            problems.append(f"{c.name}: host sees total {host_judges[judge]['total']}, last command {want}")
    server.stop()

    # --- the journal
    with contextlib.closing(sqlite3.connect(server.db_path)) as conn:
        rows = conn.execute("SELECT seq, actor, kind, data, command_id FROM journal ORDER BY seq").fetchall()
    counts = Counter((actor, cid) for _, actor, _, _, cid in rows if cid is not None)
    seq_of = {(actor, cid): seq for seq, actor, _, _, cid in rows if cid is not None}
    data_of = {(actor, cid): orjson.loads(data) for _, actor, _, data, cid in rows if cid is not None}
    doubled = [key for key, n in counts.items() if n > 1]
    figures.duplicated += len(doubled)
    for key in doubled:
        problems.append(f"{key} is in the journal {counts[key]} times")
    for c in clients:
        ids = {p.id for p in c.created}
        for p in c.created:
            key = (c.actor, p.id)
            n = counts.get(key, 0)
            figures.stored += min(n, 1)
            if n == 0:
                figures.lost += 1
                problems.append(f"{c.name}: {p.id} ({p.sends} sends, acks {c.acks.get(p.id)}) is not in the journal")
                continue
            for ack in c.acks.get(p.id, []):
                if ack.get("ok") and not ack.get("duplicate") and ack.get("seq") != seq_of[key]:
                    problems.append(f"{c.name}: {p.id} acked at seq {ack.get('seq')}, journalled at {seq_of[key]}")
            if p.cmd == "submit_score":
                data = data_of[key]
                if data["values"] != p.args["scores"] or data["comment"] != p.args["comment"]:
                    problems.append(f"{c.name}: {p.id} journalled as {data}, sent {p.args}")
        seqs = [seq_of[(c.actor, p.id)] for p in c.created if (c.actor, p.id) in seq_of]
        if seqs != sorted(seqs):
            problems.append(f"{c.name}: commands were stored out of the order they were created")
        since = min(seqs, default=0)
        phantom = [cid for seq, actor, _, _, cid in rows if actor == c.actor and seq >= since and cid not in ids]
        if phantom:
            problems.append(f"{c.name}: journal rows it never sent: {phantom[:5]}")
    for c in judges:
        judge = c.actor.split(":", 1)[1]
        last_row = [orjson.loads(d) for _, _, kind, d, _ in rows if kind in ("score", "correction")]
        last_row = [d for d in last_row if d["project"] == CHAOS_PROJECT and d["judge"] == judge]
        sent = [p for p in c.created if p.cmd == "submit_score"]
        if sent and (not last_row or last_row[-1]["values"] != sent[-1].args["scores"]):
            problems.append(f"{c.name}: the last journalled score is not the last command")

    # --- the standings: the API against two recomputations from the journal rows
    mismatches = compare_standings(event, rows, results)
    figures.standings_match = not mismatches
    problems += mismatches

    # --- the file itself
    async with Store.open(server.db_path) as store:
        figures.integrity = await store.integrity_check()
        try:
            figures.chain_rows = await store.verify_chain()
        except Exception as exc:
            problems.append(f"hash chain: {exc}")
    if figures.integrity != "ok":
        problems.append(f"integrity_check: {figures.integrity}")
    if figures.chain_rows != len(rows):
        problems.append(f"hash chain verified {figures.chain_rows} of {len(rows)} rows")


def hand_standings(event: Event, rows: list[tuple[Any, ...]]) -> dict[str, dict[str, Any]]:
    """Recompute every project's panel, composite, counted totals and rank from the journal rows by hand
    (supports the mean and trimmed_mean rules without normalisation: what the simulated events use)."""
    rules = event.scoring
    assert rules.normalize == "none" and rules.rule in ("mean", "trimmed_mean"), rules
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    recused = {(r.judge, r.project) for r in event.recusals}
    for _, _, kind, data, _ in rows:
        d = orjson.loads(data)
        if kind in ("score", "correction"):
            latest[(d["project"], d["judge"])] = d
        elif kind == "recuse":
            (recused.add if d["recused"] else recused.discard)((d["judge"], d["project"]))
    weights = {c.id: c.weight for c in event.criteria}
    totals = {
        key: sum(weights[c] * v for c, v in d["values"].items())
        for key, d in latest.items()
        if (key[1], key[0]) not in recused
    }
    best: dict[str, float] = {}
    for (_, judge), total in totals.items():
        best[judge] = max(total, best.get(judge, float("-inf")))
    weight_total = event.panel_weight + sum(i.weight for i in event.indicators)
    out: dict[str, dict[str, Any]] = {}
    for project in event.projects:
        mine = sorted(t for (p, _), t in totals.items() if p == project.id)
        if not mine:
            continue
        kept = mine
        k = rules.trim
        if rules.rule == "trimmed_mean" and k > 0 and len(mine) >= max(rules.trim_min_judges, 2 * k + 1):
            kept = mine[k : len(mine) - k]
        panel = fmean(kept)
        composite = event.panel_weight * 100 * panel / event.panel_max
        for indicator in event.indicators:
            composite += indicator.weight * 100 * project.indicators[indicator.id] / indicator.max
        composite /= weight_total
        first = sum(1 for (p, j), t in totals.items() if p == project.id and t == best[j])
        out[project.id] = {"panel": panel, "composite": composite, "kept": kept, "first_places": first}
    d = rules.decimals
    keys = {pid: (round(r["composite"], d), round(r["panel"], d), r["first_places"]) for pid, r in out.items()}
    for pid, r in out.items():
        r["rank"] = 1 + sum(1 for other in keys.values() if other > keys[pid])
    return out


def compare_standings(event: Event, rows: list[tuple[Any, ...]], results: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    d = event.scoring.decimals
    api = {r["project"]: r for r in results.get("overall", [])}
    hand = hand_standings(event, rows)
    if set(api) != set(hand):
        problems.append(f"ranked projects: API {sorted(api)}, hand recomputation {sorted(hand)}")
    unscored = sorted(p.id for p in event.projects if p.id not in hand)
    if sorted(results.get("unranked", [])) != unscored:
        problems.append(f"unranked: API {results.get('unranked')}, expected {unscored}")
    # a second recomputation through the domain code, on sheets rebuilt from the journal rows alone
    sheets: dict[tuple[str, str], ScoreSheet] = {}
    recused = {(r.judge, r.project) for r in event.recusals}
    for _, _, kind, data, _ in rows:
        x = orjson.loads(data)
        if kind in ("score", "correction"):
            sheets[(x["project"], x["judge"])] = ScoreSheet(x["project"], x["judge"], x["values"], x["total"])
        elif kind == "recuse":
            (recused.add if x["recused"] else recused.discard)((x["judge"], x["project"]))
    domain = rank(event, compute_results(event, sheets, recused))
    for pid in sorted(set(api) & set(hand)):
        a, h, r = api[pid], hand[pid], domain.results[pid]
        if abs(a["panel"] - h["panel"]) > 0.51 * 10**-d or abs(a["composite"] - h["composite"]) > 0.51 * 10**-d:
            problems.append(f"{pid}: API panel/composite {a['panel']}/{a['composite']}, by hand {h['panel']}/"
                            f"{h['composite']}")  # fmt: skip
        counted = sorted(a["totals"][j] for j in a["counted"])
        if counted != [round(t, d) for t in h["kept"]]:
            problems.append(f"{pid}: API counted totals {counted}, by hand {h['kept']}")
        if a["first_places"] != h["first_places"]:
            problems.append(f"{pid}: API first places {a['first_places']}, by hand {h['first_places']}")
        if a["rank"] != r.rank or a["tied"] != r.tied or a["category_rank"] != r.category_rank:
            problems.append(f"{pid}: API rank {a['rank']}/{a['category_rank']}, domain recomputation "
                            f"{r.rank}/{r.category_rank}")  # fmt: skip
        # the hand rank may differ only where two composites sit within a rounding step of each other
        close = any(abs(hand[o]["composite"] - h["composite"]) < 2 * 10**-d for o in hand if o != pid)
        if a["rank"] != h["rank"] and not close:
            problems.append(f"{pid}: API rank {a['rank']}, by hand {h['rank']}")
    return problems
