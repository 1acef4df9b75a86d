"""Exact arithmetic and one rounding everywhere (docs/event-file.md §6): a true half is rounded the
event's way (half-up by default) in every output — the live sections, GET /api/results, the results
workbook, the score-log CSV and the printed pages — and nothing leaves the server unrounded."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import orjson
import pytest
from openpyxl import load_workbook

from app.documents import results_page, results_workbook, scores_csv
from app.domain.errors import DomainError
from app.domain.numbers import apportion, exact, shown, to_decimals, units
from app.domain.state import Change, EventState
from app.eventfile import EventFileError, parse_event
from app.live import LiveEvent
from app.live_views import BOARD_TOPIC, HOST_TOPIC, judge_topic
from app.protocol import Command, decode
from app.routes.api import results_json
from app.setup import demo_event_text
from tests.test_views_incremental import running_event

# ------------------------------------------------------------------------------- the rounding itself

HALVES = [
    # value, decimals, half_up, half_even
    ("26.125", 2, "26.13", "26.12"),
    ("95.25", 1, "95.3", "95.2"),
    ("76.175", 2, "76.18", "76.18"),
    ("85.325", 2, "85.33", "85.32"),
    ("91.175", 2, "91.18", "91.18"),
    ("0.005", 2, "0.01", "0.00"),
    ("2.5", 0, "3", "2"),
    ("-2.5", 0, "-3", "-2"),  # half-up rounds a half away from zero, as by hand
    ("76.17499999999", 2, "76.17", "76.17"),  # not a half: the nearer
]


@pytest.mark.parametrize(("value", "decimals", "half_up", "half_even"), HALVES)
def test_a_true_half_is_rounded_by_the_mode(value: str, decimals: int, half_up: str, half_even: str) -> None:
    assert to_decimals(Decimal(value), decimals, "half_up") == Decimal(half_up)
    assert to_decimals(Decimal(value), decimals, "half_even") == Decimal(half_even)
    assert to_decimals(Decimal(value), decimals) == Decimal(half_up)  # half-up is the default
    # a float is read as the decimal it was written as (its shortest text), not its binary value
    assert shown(float(value), decimals) == float(half_up)


def test_floats_would_have_rounded_these_halves_both_ways() -> None:
    """Why exact numbers: Python's round() on doubles sends the same kind of half both ways."""
    assert round(26.125, 2) == 26.12 and round(0.375, 2) == 0.38 and round(2.675, 2) == 2.67
    assert shown(26.125, 2) == 26.13 and shown(0.375, 2) == 0.38 and shown(2.675, 2) == 2.68


@pytest.mark.parametrize(
    ("parts", "decimals", "mode", "expected"),
    [
        # 33.335 + 33.335 + 33.33 = 100.00: each rounded half-up would show 100.01
        (["33.335", "33.335", "33.33"], 2, "half_up", [3334, 3333, 3333]),
        # equal remainders: the earlier part takes the unit
        (["0.5", "0.5"], 0, "half_up", [1, 0]),
        # 12.344 + 50.003 = 62.347 -> 62.35: 12.34 + 50.01? no: largest remainder .4 vs .3 -> 12.35 + 50.00
        (["12.344", "50.003"], 2, "half_up", [1235, 5000]),
        # a missing part (no indicator value) is None and takes nothing
        (["10.006", None, "5.001"], 2, "half_up", [1001, None, 500]),
    ],
)
def test_apportioned_parts_add_up_to_the_rounded_total(parts, decimals, mode, expected) -> None:
    fractions = [None if p is None else Fraction(p) for p in parts]
    total = units(sum((f for f in fractions if f is not None), Fraction(0)), decimals, mode)
    shares = apportion(fractions, total, decimals)
    assert shares == expected
    assert sum(s for s in shares if s is not None) == total
    for share, part in zip(shares, fractions, strict=True):  # each is its value rounded down or up
        if part is not None:
            assert share is not None and abs(share - part * 10**decimals) < 1


# ---------------------------------------------------------------------------- one event, every output


def halves_event(decimals: int, rounding: str) -> str:
    """One criterion 0..100 in steps of 0.005, two judges, the plain mean, the panel is the composite:
    p1 both judges 26.125; p2 76.15 and 76.2 (mean 76.175); p3 85.3 and 85.35 (85.325); p4 95.25."""
    projects = "\n".join(
        f'[[projects]]\nid = "{pid}"\norder = {n}\ntitle = "T{pid}"\nteam = "Team {pid}"\nleader = "L{pid}"\n'
        f'category = "c"\nvolunteers = ["V{pid}"]\n'
        for n, pid in enumerate(["p1", "p2", "p3", "p4"], start=1)
    )
    return f"""
[event]
title = "Halves"
date = "2026-12-01"
[timing]
presentation_minutes = 5
qa_minutes = 1
[scoring]
rule = "mean"
min_panel = 1
decimals = {decimals}
rounding = "{rounding}"
publish_judge_scores = "live"
[composite]
panel_weight = 100
[[categories]]
id = "c"
name = "C"
[[criteria]]
id = "s"
name = "Score"
max = 100
step = 0.005
[[judges]]
id = "j1"
name = "J1"
[[judges]]
id = "j2"
name = "J2"
{projects}
[[awards]]
id = "top"
name = "Top"
kind = "top_projects"
count = 4
[[awards]]
id = "vol"
name = "Volunteers"
kind = "honour_roll"
"""


SCORES = {"p1": ("26.125", "26.125"), "p2": ("76.15", "76.2"), "p3": ("85.3", "85.35"), "p4": ("95.25", "95.25")}


class Run:
    def __init__(self, live: LiveEvent) -> None:
        self.live, self.n = live, 0

    async def __call__(self, role: str, actor: str | None, name: str, /, **args: Any) -> None:
        self.n += 1
        await self.live.execute(role, actor, Command(id=f"c{self.n}", name=name, args=args), "test")
        await self.live.settled()

    def frame_scores(self, value: str) -> Any:
        """A score as a judge's phone sends it: a JSON number, decoded by the protocol layer."""
        frame = '{"type":"cmd","id":"x","cmd":"submit_score","args":{"project":"p","scores":{"s":' + value + "}}}"
        command = decode(frame)
        assert isinstance(command, Command)
        return command.args["scores"]


async def play_halves(live: LiveEvent, ceremony: bool = True) -> None:
    run = Run(live)
    for pid, (a, b) in SCORES.items():
        await run("host", None, "start_project", project=pid)
        await run("host", None, "open_scoring")
        await run("judge", "j1", "submit_score", project=pid, scores=run.frame_scores(a))
        await run("judge", "j2", "submit_score", project=pid, scores=run.frame_scores(b))
        await run("host", None, "close_scoring")
        await run("host", None, "reveal", project=pid)
    if ceremony:
        await run("host", None, "start_ceremony")
        while live.state.ceremony and live.state.ceremony.step < len(live.state.ceremony.steps):
            await run("host", None, "ceremony_step", direction="next")


def published(live: LiveEvent, topic: str, section: str) -> Any:
    return orjson.loads(live._published[topic][section])


# the exact panel (= composite) of each project, and the judge totals with a half
EXACT = {"p1": "26.125", "p2": "76.175", "p3": "85.325", "p4": "95.25"}


@pytest.mark.parametrize(("decimals", "rounding"), [(2, "half_up"), (1, "half_up"), (2, "half_even"), (1, "half_even")])
async def test_every_output_rounds_a_true_half_the_events_way(tmp_path: Path, decimals: int, rounding: str) -> None:
    expect = {pid: float(to_decimals(Decimal(v), decimals, rounding)) for pid, v in EXACT.items()}  # type: ignore[arg-type]
    judge_total = float(to_decimals(Decimal("26.125"), decimals, rounding))  # type: ignore[arg-type]
    if (decimals, rounding) == (2, "half_up"):  # the cases of the issue, written out
        assert expect == {"p1": 26.13, "p2": 76.18, "p3": 85.33, "p4": 95.25}
    if (decimals, rounding) == (1, "half_up"):
        assert expect["p4"] == 95.3
    async with running_event(tmp_path, halves_event(decimals, rounding)) as live:
        await play_halves(live)
        state = live.state
        seen: dict[str, dict[str, float]] = {}

        def rows(name: str, listing: list[dict[str, Any]]) -> None:
            seen[name] = {r["project"]: r["composite"] for r in listing}
            assert {r["project"]: r["panel"] for r in listing} == seen[name], name  # the panel is the composite

        rows("leaderboard", published(live, BOARD_TOPIC, "leaderboard")["overall"])
        rows("standings", published(live, HOST_TOPIC, "standings")["overall"])
        for full in (True, False):
            api = orjson.loads(orjson.dumps(results_json(state, full)))
            rows(f"api full={full}", api["overall"])
            assert api["overall"][-1]["totals"] == {"j1": judge_total, "j2": judge_total}
            for award in api["awards"]:
                if award["kind"] == "top_projects":
                    seen[f"api awards full={full}"] = {w["project"]: w["composite"] for w in award["winners"]}
        result = published(live, BOARD_TOPIC, "result")
        assert result["project"] == "p4" and result["composite"] == expect["p4"]
        assert [c["contribution"] for c in result["components"]] == [expect["p4"]]
        for topic, name in [(BOARD_TOPIC, "ceremony"), (HOST_TOPIC, "host_ceremony")]:
            top = published(live, topic, name)["awards"][0]
            seen[name] = {w["project"]: w["composite"] for w in top["winners"]}
        preview = published(live, HOST_TOPIC, "awards_preview")[0]
        seen["awards_preview"] = {w["project"]: w["composite"] for w in preview["winners"]}
        p1_total = published(live, judge_topic("j1"), "my_scores")["p1"]["total"]
        assert p1_total == judge_total

        # the results workbook: the overall sheet, the awards, every judge's total
        book = load_workbook(io.BytesIO(results_workbook(state, 0.0)))
        overall = book["总排名 Overall"]
        header = next(r for r in overall.iter_rows(values_only=True) if r and r[0] == "排名 / Rank")
        pid_col, composite_col = header.index("项目编号 / Project ID"), header.index("综合得分 / Composite")
        seen["workbook"] = {
            r[pid_col]: r[composite_col] for r in overall.iter_rows(values_only=True) if r and r[pid_col] in EXACT
        }
        awards_sheet = [r for r in book["奖项 Awards"].iter_rows(values_only=True) if r and r[0] == "Top"]
        seen["workbook awards"] = {r[4]: r[8] for r in awards_sheet}
        totals = next(r for r in book["评委总分 Totals"].iter_rows(values_only=True) if r and r[0] == "p1")
        assert totals[2:4] == (judge_total, judge_total)

        # the printed results page (text with the event's decimals)
        page = results_page(state)
        seen["printed page"] = {r["project"]: float(r["composite"]) for r in page["overall"]}

        # the score-log CSV: each judge's total
        entries = await live.store.journal()
        table = list(csv.DictReader(io.StringIO(scores_csv(state.event, entries).lstrip("\ufeff"))))
        assert {float(r["total"]) for r in table if r["project"] == "p1"} == {judge_total}

        for name, composites in seen.items():
            assert composites == expect, name


async def test_the_journal_holds_the_exact_decimals_and_replays_them(tmp_path: Path) -> None:
    async with running_event(tmp_path, halves_event(2, "half_up")) as live:
        await play_halves(live, ceremony=False)
        entries = [e for e in await live.store.journal() if e.kind == "score"]
        assert [e.data["values"]["s"] for e in entries[:4]] == [26.125, 26.125, 76.15, 76.2]
        replayed = EventState.new(live.event)
        for entry in await live.store.journal():
            replayed.apply(Change(entry.kind, entry.data), entry.at)
        assert replayed.sheets[("p2", "j2")].values == {"s": Fraction("76.2")}
        assert replayed.results()["p2"].panel == Fraction("76.175")


def test_old_journal_rows_off_the_step_by_float_noise_replay_on_the_step() -> None:
    event = parse_event(halves_event(2, "half_up"))
    state = EventState.new(event)
    state.apply(Change("score", {"project": "p1", "judge": "j1", "values": {"s": 20.0000004}, "total": 20.0000004}), 0)
    sheet = state.sheets[("p1", "j1")]
    assert sheet.values == {"s": Fraction(20)} and sheet.total == Fraction(20)


@pytest.mark.parametrize(
    ("text", "code"),
    [("20.0000004", "off_step"), ("5e-324", "off_step"), ("-0", "below_zero"), ("-0.0", "below_zero")],
)
async def test_a_score_off_the_step_by_a_tiny_amount_is_refused(tmp_path: Path, text: str, code: str) -> None:
    async with running_event(tmp_path, halves_event(2, "half_up")) as live:
        run = Run(live)
        await run("host", None, "start_project", project="p1")
        await run("host", None, "open_scoring")
        with pytest.raises(DomainError) as refused:
            await run("judge", "j1", "submit_score", project="p1", scores=run.frame_scores(text))
        assert refused.value.code == code
        assert ("p1", "j1") not in live.state.sheets


# --------------------------------------------------------------------- every number sent is rounded


def _floats(value: Any, path: str = "") -> Iterator[tuple[str, float]]:
    if isinstance(value, float):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _floats(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _floats(v, f"{path}[{i}]")


# Not computed numbers: wall-clock times (the timer, when a sheet was submitted, when the results
# were generated), the event definition as written (maxima, weights, steps) and a judge's criterion
# scores as given (exact, on the rubric's step: docs/event-file.md §6).
_NOT_SCORES = (
    ".timer",
    ".at",
    ".generated_at",
    ".event",
    ".started_at",
    ".elapsed_before",
    ".duration",
    ".values.",
    ".sheets.",
)


def assert_rounded(payload: Any, decimals: int, where: str) -> int:
    count = 0
    for path, number in _floats(payload):
        if any(part in path for part in _NOT_SCORES) or path.endswith(".max") or path.endswith(".weight"):
            continue
        count += 1
        assert Decimal(repr(number)).normalize().as_tuple().exponent >= -decimals, f"{where}{path} = {number!r}"
    return count


@pytest.mark.parametrize(("decimals", "seed"), [(2, 1), (1, 2), (0, 3)])
async def test_every_number_sent_during_a_whole_event_is_rounded(tmp_path: Path, decimals: int, seed: int) -> None:
    """The demo event (weights, indicators, z-scores) with random scores: every section published to
    every topic after every command, and /api/results, carries no float with more decimals."""
    text = (
        demo_event_text()
        .replace("decimals = 2", f"decimals = {decimals}")
        .replace('normalize = "none"', 'normalize = "zscore"')
    )
    rng = random.Random(seed)
    checked = 0
    async with running_event(tmp_path, text) as live:
        run = Run(live)
        judges = [j.id for j in live.event.judges]

        def check(step: str) -> None:
            nonlocal checked
            for topic, sections in live._published.items():
                for name, encoded in sections.items():
                    checked += assert_rounded({name: orjson.loads(encoded)}, decimals, f"{step} {topic} ")
            for full in (True, False):
                api = orjson.loads(orjson.dumps(results_json(live.state, full)))
                checked += assert_rounded(api, decimals, step)
                for row in api["overall"]:  # the shown contributions add up to the shown composite
                    parts = sum(
                        Decimal(repr(c["contribution"])) for c in row["components"] if c["contribution"] is not None
                    )
                    assert parts == Decimal(repr(row["composite"])), (step, row["project"])

        for project in list(live.state.order)[:6]:
            await run("host", None, "start_project", project=project)
            await run("host", None, "open_scoring")
            for judge in judges:
                scores = {c.id: rng.randint(0, int(c.max * 2)) / 2 for c in live.event.criteria}  # steps of 0.5
                await run("judge", judge, "submit_score", project=project, scores=scores)
            check(f"scored {project}")
            await run("host", None, "close_scoring")
            await run("host", None, "reveal", project=project)
            check(f"revealed {project}")
        # the other projects were never presented: the ceremony skips them by count (app/domain/stage.py)
        unrevealed = sum(1 for status in live.state.status.values() if status != "revealed")
        await run("host", None, "start_ceremony", skip=True, remaining=unrevealed)
        while live.state.ceremony and live.state.ceremony.step < len(live.state.ceremony.steps):
            await run("host", None, "ceremony_step", direction="next")
            check("ceremony")
    assert checked > 500, "the walk saw the numbers it is about"


def test_exact_reads_a_float_as_written() -> None:
    assert exact(0.1) == Fraction(1, 10) and exact(76.175) == Fraction(76175, 1000)
    assert units(Fraction(7617, 100) + Fraction(5, 1000), 2) == 7618


@pytest.mark.parametrize(("decimals", "ok"), [(0, True), (6, True), (7, False)])
def test_decimals_are_bounded(decimals: int, ok: bool) -> None:
    text = halves_event(decimals, "half_up")
    if ok:
        assert parse_event(text).scoring.decimals == decimals
    else:
        with pytest.raises(EventFileError) as refused:
            parse_event(text)
        assert "scoring.decimals" in str(refused.value) and "at most 6" in str(refused.value)


def test_an_unknown_rounding_mode_is_refused() -> None:
    with pytest.raises(EventFileError) as refused:
        parse_event(halves_event(2, "half_down"))
    assert "scoring.rounding" in str(refused.value)
