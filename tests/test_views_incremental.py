"""The live service recomputes only the sections a change can alter (app/views.py declares what each
section reads, app/domain/state.py what each change touches). These tests replay whole events, with
random commands in between, and check after every step that what every topic was sent is exactly
what recomputing every view from scratch gives: a section missing a dependency would show stale data
here."""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from app.domain.errors import DomainError
from app.domain.state import Change
from app.domain.touched import EVERYTHING, touched_by
from app.hub import Hub
from app.live import LiveEvent
from app.live_views import BOARD_TOPIC, HOST_TOPIC, LATER_STEPS, judge_topic
from app.protocol import Command
from app.setup import demo_event_text
from app.store import Store
from app.views import (
    HOST_OWN_SECTIONS,
    RANKED_SECTIONS,
    SHARED_SECTIONS,
    board_sections,
    judge_sections,
)


def full_views(live: LiveEvent) -> dict[str, dict[str, bytes]]:
    state = live.state
    # the host's view: its sections from the state, and the vote's watch panel (app/live_votes.py)
    views = {BOARD_TOPIC: board_sections(state), HOST_TOPIC: live.host_sections()}
    for judge in live.event.judges:
        views[judge_topic(judge.id)] = judge_sections(state, judge.id)
    return {topic: {name: orjson.dumps(value) for name, value in sections.items()} for topic, sections in views.items()}


def assert_in_step(live: LiveEvent, step: str) -> None:
    expected = full_views(live)
    for topic, sections in expected.items():
        published = live._published[topic]
        assert set(published) == set(sections), (step, topic)
        for name, encoded in sections.items():
            assert published[name] == encoded, f"after {step}: {topic}/{name} is stale"


def event_text(normalize: str) -> str:
    text, count = re.subn(r'(?m)^normalize = "\w+"', f'normalize = "{normalize}"', demo_event_text())
    assert count == 1
    return text


@contextlib.asynccontextmanager
async def running_event(tmp_path: Path, text: str) -> AsyncIterator[LiveEvent]:
    """The live service on a fresh database holding the event `text`."""
    async with Store.open(tmp_path / "event.db") as store:
        await store.set_meta("event_toml", text)
        hub = Hub()
        try:
            yield await LiveEvent.load(store, hub)
        finally:
            await hub.close()


class Driver:
    def __init__(self, live: LiveEvent, rng: random.Random) -> None:
        self.live, self.rng, self.n = live, rng, 0

    async def run(self, role: str, actor: str | None, name: str, /, **args: Any) -> bool:
        self.n += 1
        try:
            await self.live.execute(role, actor, Command(id=f"c{self.n}", name=name, args=args), "test")
        except DomainError:
            await self.live.settled()  # a refusal may still record a fact (a late score)
            assert_in_step(self.live, f"refused {role} {name} {args}")
            return False
        await self.live.settled()  # the ranked sections follow a moment later
        assert_in_step(self.live, f"{role} {name} {args}")
        return True

    def scores(self) -> dict[str, float]:
        return {c.id: float(self.rng.randint(0, int(c.max))) for c in self.live.event.criteria}

    async def noise(self) -> None:
        """Something the host or a judge might do at any moment."""
        live, rng = self.live, self.rng
        judges = [j.id for j in live.event.judges]
        pick = rng.randrange(8)
        if pick == 0:
            await self.run(
                "host",
                None,
                "timer",
                timer=rng.choice(["presentation", "qa"]),
                action=rng.choice(["start", "pause", "reset"]),
            )
        elif pick == 1:
            await self.run(
                "host", None, "scene", scene=rng.choice(["welcome", "presenting", "result", "leaderboard", "ceremony"])
            )
        elif pick == 2:
            judge = rng.choice(judges)
            live.judge_connected(judge)
            live.judge_activity(judge, rng.choice(["scoring", "idle"]))
            await live.settled()
            assert_in_step(live, f"presence of {judge}")
        elif pick == 3 and live.state.revealed:
            project = rng.choice(live.state.revealed + [p for p, s in live.state.status.items() if s == "closed"])
            judge = rng.choice(judges)
            await self.run(
                "host", None, "correct_score", judge=judge, project=project, scores=self.scores(), reason="typo"
            )
        elif pick == 4:
            pending = [p for p in live.state.order if live.state.status[p] == "pending"]
            if len(pending) > 1:
                order = list(live.state.order)
                i, j = (order.index(p) for p in rng.sample(pending, 2))
                order[i], order[j] = order[j], order[i]
                await self.run("host", None, "reorder", order=order)
        elif pick == 6:  # a judge's comment point (app/domain/commentary.py)
            await self.commentary_point(rng.choice(judges))
        elif pick == 7:
            await self.commentary(judges)
        else:
            judge = rng.choice(judges)
            live.judge_disconnected(judge)
            await live.settled()
            assert_in_step(live, f"{judge} left")

    async def commentary_point(self, judge: str) -> None:
        rng, project = self.rng, self.rng.choice(self.live.state.order)
        point = f"pt{rng.randrange(4)}"
        if rng.random() < 0.2:
            await self.run("judge", judge, "delete_point", project=project, point=point)
            return
        kind = rng.choice(["highlight", "suggestion"])
        await self.run(
            "judge",
            judge,
            "save_point",
            project=project,
            point=point,
            kind=kind,
            text=f"点 {point}",
            shared=rng.random() < 0.6,
        )

    async def commentary(self, judges: list[str]) -> None:
        """The host's commentary and break (app/domain/commentary.py), whatever is on."""
        live, rng = self.live, self.rng
        c = live.state.commentary
        choice = rng.randrange(5)
        if choice == 0 or c is None:
            project = rng.choice([None, *live.state.order[:3]])
            await self.run("host", None, "start_commentary", judge=rng.choice(judges), project=project)
        elif choice == 1:
            shared = [p.id for _, p in live.state.points_of(c.judge, c.project) if p.shared]
            await self.run("host", None, "commentary_points", points=rng.sample(shared, min(len(shared), 2)))
        elif choice == 2:
            await self.run("host", None, "commentary_timer", action=rng.choice(["start", "pause", "reset"]))
        elif choice == 3:
            await self.run("host", None, "end_commentary")
        else:
            await self.run("host", None, "start_break", seconds=rng.randint(60, 900), message="茶歇")


@pytest.mark.parametrize(("normalize", "seed"), [("none", 1), ("zscore", 2), ("none", 3)])
async def test_every_step_of_an_event_matches_a_full_recomputation(tmp_path: Path, normalize: str, seed: int) -> None:
    rng = random.Random(seed)
    async with running_event(tmp_path, event_text(normalize)) as live:
        drive = Driver(live, rng)
        judges = [j.id for j in live.event.judges]
        assert_in_step(live, "load")
        for project in list(live.state.order)[:8]:
            await drive.run("host", None, "start_project", project=project)
            others = [p for p in live.state.order if live.state.status[p] == "pending"]
            if others and rng.random() < 0.3:  # a mistaken start, undone (app/domain/stage.py)
                assert await drive.run("host", None, "start_project", project=others[-1], interrupt=project)
                assert await drive.run("host", None, "undo_start", project=others[-1])
            await drive.noise()
            if rng.random() < 0.3:
                await drive.run("host", None, "recuse", judge=rng.choice(judges), project=project, reason="conflict")
            await drive.run("host", None, "open_scoring")
            for judge in rng.sample(judges, rng.randint(2, len(judges))):
                await drive.run("judge", judge, "submit_score", project=project, scores=drive.scores(), comment="好")
                if rng.random() < 0.3:  # amends it while scoring is open
                    await drive.run("judge", judge, "submit_score", project=project, scores=drive.scores())
                if rng.random() < 0.3:
                    await drive.noise()
            await drive.run("host", None, "close_scoring")
            if rng.random() < 0.3:  # a phone's queued score arrives too late: refused, recorded for the host
                late = rng.choice(judges)
                assert not await drive.run("judge", late, "submit_score", project=project, scores=drive.scores())
            if rng.random() < 0.8:
                await drive.run("host", None, "reveal", project=project)
            await drive.noise()
        remaining = len(live.state.unrevealed())
        skip = {"skip": True, "remaining": remaining} if remaining else {}
        assert await drive.run("host", None, "start_ceremony", **skip)
        while await drive.run("host", None, "ceremony_step", direction="next"):
            if rng.random() < 0.2:
                await drive.run("host", None, "ceremony_step", direction="back")
        assert live.state.revealed, "the replay revealed something"


def test_a_score_recomputes_the_progress_now_and_the_rankings_later() -> None:
    score = touched_by(Change("score", {"project": "p1", "judge": "j2", "values": {}, "total": 1.0}))
    assert score.judges == frozenset({"j2"})
    assert "sheets" in score.aspects and "order" not in score.aspects
    start = touched_by(Change("start", {"project": "p1"}))
    assert start.judges == frozenset() and {"status", "timers", "scene"} <= start.aspects
    assert touched_by(Change("order", {"order": []})).judges is None  # every judge's recusal list is reordered
    assert touched_by(Change("some_future_kind", {})) == EVERYTHING


async def test_the_board_gets_the_progress_before_the_rankings_are_recomputed(tmp_path: Path) -> None:
    async with running_event(tmp_path, demo_event_text()) as live:
        published: list[tuple[str, set[str]]] = []
        real_publish = live.hub.publish

        def record(topic: str, sections: dict[str, Any]) -> None:
            published.append((topic, set(sections)))
            real_publish(topic, sections)

        live.hub.publish = record  # type: ignore[method-assign]
        drive = Driver(live, random.Random(5))
        project = live.state.order[0]
        await drive.run("host", None, "start_project", project=project)
        await drive.run("host", None, "open_scoring")
        await drive.run("judge", "j1", "submit_score", project=project, scores=drive.scores())
        await drive.run("host", None, "close_scoring")
        published.clear()
        await live.execute("host", None, Command(id="reveal", name="reveal", args={}), "test")
        first = list(published)  # before the event loop turns
        await live.settled()
        later = published[len(first) :]
        assert first[0][0] == BOARD_TOPIC, "the audience's topic is published first"
        assert {"projects", "current", "scene"} <= first[0][1] and not first[0][1] & RANKED_SECTIONS
        own = {"judges", "me", "my_scores", "host_ceremony"}
        assert all(not names & own for _, names in first), "each role's own sections come a moment later"
        assert any(topic == BOARD_TOPIC and {"result", "leaderboard"} <= names for topic, names in later)
        assert any(topic == HOST_TOPIC and "standings" in names for topic, names in later)


async def test_a_snapshot_is_what_the_topic_was_sent(tmp_path: Path) -> None:
    async with running_event(tmp_path, demo_event_text()) as live:
        drive = Driver(live, random.Random(9))
        project = live.state.order[0]
        await drive.run("host", None, "start_project", project=project)
        await drive.run("host", None, "open_scoring")
        await drive.run("judge", "j3", "submit_score", project=project, scores=drive.scores(), comment='"</script>')
        for role, judge in (("board", None), ("host", None), ("judge", "j3"), ("judge", "j4")):
            snapshot = orjson.loads(live.snapshot(role, judge))
            assert snapshot["type"] == "snapshot" and snapshot["role"] == role
            assert snapshot["seq"] == live.hub.seq(live.topic_for(role, judge))
            assert snapshot["sections"] == orjson.loads(orjson.dumps(live.sections_for(role, judge)))
        mine = orjson.loads(live.snapshot("judge", "j3"))["sections"]["my_scores"]
        assert mine[project]["comment"] == '"</script>'
        assert orjson.loads(live.snapshot("judge", "j4"))["sections"]["my_scores"] == {}


def test_the_deferred_steps_cover_every_ranked_section() -> None:
    host_steps = set(LATER_STEPS) - {"own", "results", "shared"}
    assert host_steps == RANKED_SECTIONS & set(HOST_OWN_SECTIONS)
    assert RANKED_SECTIONS - set(HOST_OWN_SECTIONS) <= set(SHARED_SECTIONS)  # published by the "shared" step


async def test_commands_interleaved_with_the_deferred_rankings_end_consistent(tmp_path: Path) -> None:
    """Scores from the whole panel at once, and a correction of a revealed project, while the rankings of
    the earlier commands are still being recomputed step by step."""
    async with running_event(tmp_path, event_text("zscore")) as live:
        drive = Driver(live, random.Random(11))
        judges = [j.id for j in live.event.judges]
        first, second = live.state.order[:2]
        for project in (first, second):
            await drive.run("host", None, "start_project", project=project)
            await drive.run("host", None, "open_scoring")
            await asyncio.gather(
                *(
                    live.execute(
                        "judge",
                        judge,
                        Command(
                            id=f"{project}-{judge}",
                            name="submit_score",
                            args={"project": project, "scores": drive.scores()},
                        ),
                        "test",
                    )
                    for judge in judges
                )
            )
            await drive.run("host", None, "close_scoring")
            await drive.run("host", None, "reveal", project=project)
        correction = live.execute(
            "host",
            None,
            Command(
                id="fix",
                name="correct_score",
                args={"judge": judges[0], "project": first, "scores": drive.scores(), "reason": "typo"},
            ),
            "test",
        )
        reveal_leaderboard = live.execute(
            "host", None, Command(id="lb", name="scene", args={"scene": "leaderboard"}), "t"
        )
        await asyncio.gather(correction, reveal_leaderboard)
        await live.settled()
        assert_in_step(live, "the interleaved commands")
        assert live.state.revealed == [first, second]
