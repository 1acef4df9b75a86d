"""A three-round competition end to end (app/rounds.py): the demo event as the preliminary round,
the top 8 to a semi-final that carries 40 % of the preliminary composite, the top 4 to a final that
carries 40 % of the semi-final composite. Each round is run through the live service (LiveEvent on
its own database), as the host and the judges would, then advanced from its database.

Hand computation (exact Decimals, rounded half-up to 2 decimals where the event shows a number):
every judge of a project (less the recused) gives it the same total, so the trimmed mean is that total;
  preliminary composite = (60 × panel + 10 × (satisfaction + management + delivery + outcomes)) / 100
  semi-final composite   = (60 × panel + 40 × preliminary composite as shown) / 100
  final composite        = (60 × panel + 40 × semi-final composite as shown) / 100
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import sqlite3
from collections.abc import AsyncIterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import httpx
import orjson
import pytest
from openpyxl import load_workbook

from app.cli import main
from app.documents import results_page, results_workbook
from app.domain.errors import DomainError
from app.eventfile import parse_event
from app.eventfile_export import event_to_toml
from app.hub import Hub
from app.live import LiveEvent
from app.protocol import Command
from app.rounds import AdvancementRule, RoundError, create_next_round, preview_next_round
from app.routes.api import results_json
from app.setup import demo_event_text, prepare
from app.store import Store
from tests.conftest import cookie_header
from tests.server import HTTP_TIMEOUT, RunningServer

RULES_SHEET = "规则 Rules"
CRITERIA = (("completion", 30), ("effect", 30), ("innovation", 20), ("sustainability", 10), ("presentation", 10))


def sheet(total: int) -> dict[str, int]:
    """A total split over the demo's rubric (30 + 30 + 20 + 10 + 10)."""
    out, left = {}, total
    for cid, top in CRITERIA:
        out[cid] = min(top, left)
        left -= out[cid]
    return out


def shown(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@contextlib.asynccontextmanager
async def live_event(db: Path) -> AsyncIterator[LiveEvent]:
    async with Store.open(db) as store:
        hub = Hub()
        try:
            yield await LiveEvent.load(store, hub)
        finally:
            await hub.close()


async def play_round(db: Path, totals: dict[str, int], ceremony: bool = True) -> None:
    """Present, score (every judge the same total), reveal each project; then start the ceremony."""
    n = 0
    async with live_event(db) as live:

        async def run(role: str, judge: str | None, name: str, **args: object) -> None:
            nonlocal n
            n += 1
            await live.execute(role, judge, Command(id=f"c{n}", name=name, args=dict(args)), "test")

        for pid in live.state.order:
            await run("host", None, "start_project", project=pid)
            await run("host", None, "open_scoring")
            for judge in live.state.panel_for(pid):  # the demo's recused judges do not score
                await run("judge", judge, "submit_score", project=pid, scores=sheet(totals[pid]))
            await run("host", None, "close_scoring")
            await run("host", None, "reveal", project=pid)
        if ceremony:
            await run("host", None, "start_ceremony")
        await live.settled()


async def results_of(db: Path) -> dict[str, dict]:
    async with live_event(db) as live:
        from app.results_views import standings_payload

        payload = standings_payload(live.state, live.state.standings(), explained=True)
    return {row["project"]: row for row in payload["overall"]}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def journal(db: Path) -> list[tuple[int, str, dict]]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return [(s, k, orjson.loads(d)) for s, k, d in conn.execute("SELECT seq, kind, data FROM journal ORDER BY seq")]


def tokens(db: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return {t for (t,) in conn.execute("SELECT token FROM judge_tokens")}


# preliminary panel totals: p01 70, p02 71, ... p18 87 (distinct; the indicators reorder them)
PRELIM = {f"p{i:02d}": 69 + i for i in range(1, 19)}


async def make_prelim(db: Path) -> Path:
    await prepare(db, demo_event_text())
    await play_round(db, PRELIM)
    return db


@pytest.fixture
async def prelim(tmp_path: Path) -> Path:
    return await make_prelim(tmp_path / "prelim.db")


@pytest.fixture(scope="module")
def prelim_sync(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same, once for the command line's tests (main() runs its own event loop; they only read it)."""
    return asyncio.run(make_prelim(tmp_path_factory.mktemp("cli") / "prelim.db"))


def prelim_composites() -> dict[str, Decimal]:
    event = parse_event(demo_event_text())
    out = {}
    for p in event.projects:
        indicators = sum(Decimal(repr(v)) for v in p.indicators.values())
        out[p.id] = shown((60 * Decimal(PRELIM[p.id]) + 10 * indicators) / 100)
    return out


async def test_three_rounds_carry_the_composite_the_path_and_the_anchors(prelim: Path, tmp_path: Path, capsys) -> None:
    before = digest(prelim)
    semi_db, final_db = tmp_path / "semi.db", tmp_path / "final.db"

    # --- preliminary -> semi-final: the top 8, 40 % carried
    pre = prelim_composites()
    ranking = sorted(pre, key=lambda pid: (-pre[pid], -PRELIM[pid]))  # composite, then the panel
    top8 = ranking[:8]
    assert pre[ranking[7]] > pre[ranking[8]], "no tie at this cut"
    to_semi = {
        "title": "2026 微创投 · 半决赛",
        "round_name": "半决赛",
        "rule": AdvancementRule("top_overall", count=8),
        "carry_weight": Decimal(40),
        "previous_round_name": "初赛",
    }
    look = preview_next_round(prelim, semi_db, **to_semi)  # type: ignore[arg-type]
    assert look.advanced == tuple(top8) and look.final and not semi_db.exists()
    semi = await create_next_round(prelim, semi_db, **to_semi)  # type: ignore[arg-type]
    assert semi.advanced == tuple(top8) and len(semi.left_out) == 10
    assert digest(prelim) == before, "the previous database is unchanged byte for byte"
    assert not Path(f"{prelim}-wal").exists() and not Path(f"{prelim}-shm").exists()
    assert tokens(semi_db).isdisjoint(tokens(prelim)), "a judge link of one round never opens another"

    # its first journal rows: the definition, then the advancement with the previous anchor
    rows = journal(semi_db)
    assert [k for _, k, _ in rows[:2]] == ["event_defined", "round_advanced"]
    advanced = rows[1][2]
    assert advanced["advanced"] == top8 and advanced["rule"] == "top_overall" and advanced["count"] == 8
    assert advanced["previous"]["anchor_length"] == semi.anchor_length == len(journal(prelim))
    assert main(["verify", str(prelim), "--head", semi.anchor_head, "--length", str(semi.anchor_length)]) == 0
    assert main(["verify", str(semi_db)]) == 0
    capsys.readouterr()

    # --- run the semi-final: panel totals 80 + the position in the running order
    async with live_event(semi_db) as live:
        order = list(live.state.order)
        event = live.state.event
    assert [p.id for p in event.projects] == sorted(top8), "the running order of the previous round"
    [carried] = event.indicators
    assert (carried.name, carried.from_round, carried.weight, event.panel_weight) == ("初赛综合得分", "初赛", 40, 60)
    semi_panel = {pid: 80 + i for i, pid in enumerate(order)}
    await play_round(semi_db, semi_panel)
    rows_semi = await results_of(semi_db)
    semi_expected = {pid: shown((60 * Decimal(semi_panel[pid]) + 40 * pre[pid]) / 100) for pid in top8}
    for pid, row in rows_semi.items():
        assert Decimal(repr(row["composite"])) == semi_expected[pid], pid
        panel_part, carried_part = row["components"]
        assert carried_part["name"] == "初赛综合得分" and Decimal(repr(carried_part["value"])) == pre[pid]
        assert (
            Decimal(repr(panel_part["contribution"])) + Decimal(repr(carried_part["contribution"]))
            == semi_expected[pid]
        )

    # --- semi-final -> final: the top 4, 40 % of the semi-final carried
    semi_before = digest(semi_db)
    top4 = sorted(semi_expected, key=lambda pid: -semi_expected[pid])[:4]
    final = await create_next_round(
        semi_db,
        final_db,
        title="2026 微创投 · 决赛",
        round_name="决赛",
        rule=AdvancementRule("top_overall", count=4),
        carry_weight=Decimal(40),
    )
    assert final.advanced == tuple(top4) and digest(semi_db) == semi_before
    assert main(["verify", str(semi_db), "--head", final.anchor_head, "--length", str(final.anchor_length)]) == 0
    async with live_event(final_db) as live:
        event = live.state.event
        order = list(live.state.order)
    assert event.round is not None and (event.round.name, event.round.index) == ("决赛", 3)
    assert event.round.previous is not None and event.round.previous.round == "半决赛"
    assert (
        event.round.previous.file == "semi.db"
        and event.round.competition == "2026年度幸福街道社区微创投项目终期评审路演"
    )
    # the path: both earlier rounds of each finalist, the preliminary carried forward
    semi_rank = {pid: r["rank"] for pid, r in rows_semi.items()}
    pre_rank = {pid: i + 1 for i, pid in enumerate(ranking)}
    path = {(e.project, e.round, e.index, e.rank, Decimal(repr(e.composite))) for e in event.earlier_results}
    assert path == {(pid, "初赛", 1, pre_rank[pid], pre[pid]) for pid in top4} | {
        (pid, "半决赛", 2, semi_rank[pid], semi_expected[pid]) for pid in top4
    }
    final_panel = {pid: 95 - i for i, pid in enumerate(order)}
    await play_round(final_db, final_panel)
    for pid, row in (await results_of(final_db)).items():
        expected = shown((60 * Decimal(final_panel[pid]) + 40 * semi_expected[pid]) / 100)
        assert Decimal(repr(row["composite"])) == expected, pid
        assert row["components"][1]["name"] == "半决赛综合得分"

    # the event file round-trips: export it and read it back to the same definition
    assert parse_event(event_to_toml(event)) == event

    # the path through the rounds: /api/results, the printed results, the workbook
    semi_tied = {pid: r["tied"] for pid, r in rows_semi.items()}
    async with live_event(final_db) as live:
        api = results_json(live.state, full=True)
        page = results_page(live.state)
        book = load_workbook(io.BytesIO(results_workbook(live.state)))
    assert api["event"]["round"]["name"] == "决赛" and api["event"]["round"]["index"] == 3
    assert api["event"]["round"]["previous"]["anchor_head"] == final.anchor_head
    for row in api["overall"]:
        pid = row["project"]
        assert [(s["round"], s["index"], s["rank"], Decimal(repr(s["composite"]))) for s in row["path"]] == [
            ("初赛", 1, pre_rank[pid], pre[pid]),
            ("半决赛", 2, semi_rank[pid], semi_expected[pid]),
        ]
        assert row["components"][1]["from_round"] == "半决赛" and "from_round" not in row["components"][0]
    expected_text = {
        r["project"]: f"初赛 #{pre_rank[r['project']]} ({pre[r['project']]}) → "
        f"半决赛 #{semi_rank[r['project']]}{'=' if semi_tied[r['project']] else ''} ({semi_expected[r['project']]}) → "
        f"决赛 #{r['rank']}{'=' if r['tied'] else ''}"
        for r in page["overall"]
    }
    assert {r["project"]: r["path"] for r in page["overall"]} == expected_text and page["has_path"]
    sheet_rows = list(book["总排名 Overall"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(sheet_rows) if r and "历程 / Path through the rounds" in r)
    column = sheet_rows[header].index("历程 / Path through the rounds")
    ids = sheet_rows[header].index("项目编号 / Project ID")
    assert {r[ids]: r[column] for r in sheet_rows[header + 1 :] if r[ids]} == expected_text
    rules = [r for r in book[RULES_SHEET].iter_rows(values_only=True) if r and r[0] == "轮次 / Round"]
    assert len(rules) == 1 and rules[0][1] == "第 3 轮 / Round 3: 决赛"
    assert f"head {final.anchor_head}" in rules[0][2] and "semi.db" in rules[0][2] and "top_overall 4" in rules[0][2]


async def test_refusals_write_nothing(prelim: Path, tmp_path: Path) -> None:
    new = tmp_path / "next.db"
    common = {"title": "Next", "round_name": "Next", "carry_weight": None}
    for rule, code in [
        (AdvancementRule("top_overall", count=0), "bad_count"),
        (AdvancementRule("top_overall", count=19), "count_above_field"),
        (AdvancementRule("pick", picks=("p01",)), "reason_required"),
        (AdvancementRule("pick", picks=("p99",), reason="why"), "unknown_project"),
    ]:
        with pytest.raises(DomainError) as caught:
            await create_next_round(prelim, new, rule=rule, **common)  # type: ignore[arg-type]
        assert caught.value.code == code
    new.write_bytes(b"")
    with pytest.raises(RoundError) as caught:
        await create_next_round(prelim, new, rule=AdvancementRule("top_overall", count=2), **common)  # type: ignore[arg-type]
    assert caught.value.code == "new_exists" and new.read_bytes() == b""
    new.unlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["prelim.db"]
    # a pick's reason is cleaned as every reason is (one line, no control characters) and journalled
    rule = AdvancementRule("pick", picks=("p02", "p01"), reason="  外卡\n评审团\x07决定 ")
    made = await create_next_round(prelim, new, rule=rule, **common)  # type: ignore[arg-type]
    assert set(made.advanced) == {"p01", "p02"} and len(made.left_out) == 16
    assert journal(new)[1][2]["reason"] == "外卡 评审团决定" and journal(new)[1][2]["picks"] == ["p02", "p01"]


async def test_results_not_final_need_force_and_the_force_is_journalled(tmp_path: Path) -> None:
    db, new = tmp_path / "open.db", tmp_path / "next.db"
    await prepare(db, demo_event_text())
    await play_round(db, PRELIM, ceremony=False)
    rule = AdvancementRule("top_overall", count=3)
    look = preview_next_round(db, new, title="Next", round_name="Next", rule=rule, carry_weight=None)
    assert look.final is False
    with pytest.raises(RoundError) as caught:
        await create_next_round(db, new, title="Next", round_name="Next", rule=rule, carry_weight=None)
    assert caught.value.code == "not_final" and not new.exists()
    made = await create_next_round(db, new, title="Next", round_name="Next", rule=rule, carry_weight=None, force=True)
    assert len(made.advanced) == 3
    assert journal(new)[1][2]["forced"] is True
    event = parse_event(sqlite3.connect(new).execute("SELECT value FROM meta WHERE key='event_toml'").fetchone()[0])
    assert event.round is not None and event.round.previous is not None and event.round.previous.forced is True
    assert event.indicators == () and event.panel_weight == 60, "no carry: the panel's weight as before"


async def test_a_previous_round_being_served_is_read_without_its_lock(prelim: Path, tmp_path: Path) -> None:
    async with Store.open(prelim) as store:  # as the server holds it: WAL mode, open connection
        await store.append("system", "note", {"text": "still open"})
        made = await create_next_round(
            prelim,
            tmp_path / "next.db",
            title="Next",
            round_name="Next",
            rule=AdvancementRule("top_overall", count=2),
            carry_weight=Decimal(30),
        )
        assert made.anchor_length == store.anchor.length and made.anchor_head == store.anchor.head


# ---------------------------------------------------------------------------- the command line


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["advance", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_advance_preview_and_create(prelim_sync: Path, tmp_path: Path, capsys) -> None:
    prelim = prelim_sync
    new = tmp_path / "final.db"
    code, out, _ = run_cli(capsys, str(prelim), str(new), "--top", "8", "--carry", "40", "--preview")
    assert code == 0 and "preview (nothing written)" in out and not new.exists()
    code, out, _ = run_cli(
        capsys,
        str(prelim),
        str(new),
        "--top",
        "8",
        "--carry",
        "40",
        "--round-name",
        "决赛",
        "--previous-round-name",
        "初赛",
    )
    assert code == 0 and new.exists() and "host password" in out
    assert "advanced (8)" in out
    with contextlib.closing(sqlite3.connect(new)) as conn:
        event = parse_event(conn.execute("SELECT value FROM meta WHERE key = 'event_toml'").fetchone()[0])
    demo = parse_event(demo_event_text())
    assert event.title == f"{demo.title} · 决赛", "the default title: the competition's name and the round's"
    assert event.round is not None and (event.round.name, event.round.index) == ("决赛", 2)
    assert [i.name for i in event.indicators] == ["初赛综合得分"]
    code, out, _ = run_cli(capsys, str(prelim), str(tmp_path / "r2.db"), "--top-per-category", "1", "--preview")
    assert code == 0 and "advance (5)" in out and "第 2 轮" in out, "one per category, the default round name"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.db", "NEW", "--top", "3"], "does not exist"),
        (["PREV", "PREV", "--top", "3"], "already exists"),
        (["PREV", "NEW", "--pick", "p01,p02"], "reason"),
        (["PREV", "NEW", "--top", "19"], "only 18 projects have a result"),
        (["PREV", "NEW", "--top", "0"], "whole number from 1"),
        (["PREV", "NEW", "--top", "3", "--carry", "forty"], "--carry must be a number"),
        (["PREV", "NEW", "--top", "3", "--carry", "100"], "below 100"),
    ],
)
def test_cli_bad_inputs_are_one_line_errors(prelim_sync: Path, tmp_path: Path, capsys, args, message) -> None:
    prelim = prelim_sync
    new = tmp_path / "new.db"
    argv = [
        str(prelim) if a == "PREV" else str(new) if a == "NEW" else str(tmp_path / a) if a.endswith(".db") else a
        for a in args
    ]
    code, _, err = run_cli(capsys, *argv)
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err, err
    assert "Traceback" not in err and not new.exists()


def test_cli_needs_one_rule(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["advance", "a.db", "b.db"])
    assert caught.value.code == 2
    assert "one of the arguments --top --top-per-category --pick is required" in capsys.readouterr().err


async def test_a_served_round_shows_its_round_and_path(prelim: Path, tmp_path: Path) -> None:
    semi_db = tmp_path / "semi.db"
    semi = await create_next_round(
        prelim,
        semi_db,
        title="半决赛",
        round_name="半决赛",
        rule=AdvancementRule("top_overall", count=3),
        carry_weight=Decimal(40),
        previous_round_name="初赛",
    )
    await play_round(semi_db, {pid: 80 + i for i, pid in enumerate(semi.advanced)})
    server = RunningServer(semi_db)
    server.start()
    try:
        async with httpx.AsyncClient(base_url=server.base, headers=cookie_header(server), timeout=HTTP_TIMEOUT) as http:
            page = (await http.get("/host/print/results")).text
            public = (await http.get("/api/results", headers={"Cookie": ""})).json()
    finally:
        server.stop()
    assert "晋级历程" in page and "第 2 轮：半决赛" in page
    assert f"审计锚点：长度 {semi.anchor_length}，链头 {semi.anchor_head}" in page
    assert page.count("初赛 #") == 3 and "→ 半决赛 #1" in page
    assert public["event"]["round"]["previous"]["round"] == "初赛"
    assert public["scope"] == "revealed" and {len(r["path"]) for r in public["overall"]} == {1}


async def test_the_pictures_of_the_advancing_projects_judges_and_event_go_along(prelim: Path, tmp_path: Path) -> None:
    from app.media import process
    from tests.test_media import png

    ranking = sorted(prelim_composites(), key=lambda pid: -prelim_composites()[pid])
    first, last = ranking[0], ranking[-1]
    async with Store.open(prelim) as store:
        for slot, kind in (("logo", "logo"), (f"project:{first}", "project"), (f"project:{last}", "project")):
            picture = process(png(40, 30), kind)
            await store.set_media(slot, picture, "host", None, {"slot": slot, "sha256": picture.sha256})
    new = tmp_path / "next.db"
    await create_next_round(
        prelim, new, title="Next", round_name="Next", rule=AdvancementRule("top_overall", count=3), carry_weight=None
    )
    with contextlib.closing(sqlite3.connect(new)) as conn:
        slots = {slot: sha for slot, sha in conn.execute("SELECT slot, sha256 FROM media")}
    assert set(slots) == {"logo", f"project:{first}"}, "the left-out project's picture stays behind"
    kinds = [k for _, k, _ in journal(new)]
    assert kinds[:2] == ["event_defined", "round_advanced"] and kinds[2:] == ["media_set", "media_set"]
    assert main(["verify", str(new)]) == 0


TIE_EVENT = (
    """
[event]
title = "Tie Cup"
language = "en"
[scoring]
rule = "mean"
min_panel = 1
[[categories]]
id = "c"
name = "C"
"""
    + "".join(f'[[criteria]]\nid = "{cid}"\nname = "{cid}"\nmax = {top}\n' for cid, top in CRITERIA)
    + "".join(f'[[judges]]\nid = "j{i}"\nname = "J{i}"\n' for i in (1, 2, 3))
    + "".join(f'[[projects]]\nid = "{pid}"\ncategory = "c"\ntitle = "{pid}"\nteam = "T{pid}"\n' for pid in "ABCD")
)


async def test_a_tie_at_the_cut_advances_every_tied_project_and_is_journalled(tmp_path: Path) -> None:
    db, new = tmp_path / "heats.db", tmp_path / "final.db"
    await prepare(db, TIE_EVENT)
    await play_round(db, {"A": 90, "B": 80, "C": 80, "D": 70})  # B and C equal on every ranking key
    rule = AdvancementRule("top_overall", count=2)
    look = preview_next_round(db, new, title="", round_name="", rule=rule, carry_weight=Decimal(50))
    assert (look.advanced, look.tied_at_cut, look.left_out) == (("A", "B", "C"), ("B", "C"), ("D",))
    made = await create_next_round(db, new, title="", round_name="", rule=rule, carry_weight=Decimal(50))
    assert made.advanced == ("A", "B", "C") and made.tied_at_cut == ("B", "C")
    advanced = journal(new)[1][2]
    assert advanced["tied_at_cut"] == ["B", "C"] and advanced["count"] == 2 and advanced["left_out"] == ["D"]
    with contextlib.closing(sqlite3.connect(new)) as conn:
        event = parse_event(conn.execute("SELECT value FROM meta WHERE key = 'event_toml'").fetchone()[0])
    assert (event.title, event.round.name if event.round else None) == ("Tie Cup · Round 2", "Round 2")
    assert [(e.project, e.rank, e.tied) for e in event.earlier_results] == [
        ("A", 1, False),
        ("B", 2, True),
        ("C", 2, True),
    ]
    assert [i.name for i in event.indicators] == ["Round 1 composite"] and event.panel_weight == 50
