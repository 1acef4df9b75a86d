"""Score sheets for the judging-insight tests: the demo event judged by a simulated panel.

Each project has a quality q drawn uniformly from [0.55, 0.90]; a judge scores each criterion
q × max + Gaussian noise (NOISE × max), on the rubric's 0.5 step and within 0..max. One judge can be
planted lenient (every criterion LIFT × max higher) and one sheet mistyped (its first criterion
lowered by TYPO points, on a project of quality 0.90 so the slip is not cut off at 0)."""

from __future__ import annotations

import random
from fractions import Fraction

from app.domain.models import Event
from app.domain.scoring import ScoreSheet, weighted_total
from app.eventfile import parse_event
from app.setup import demo_event_text

NOISE = 0.05
LIFT = 0.12
TYPO = 25


def demo_event() -> Event:
    return parse_event(demo_event_text())


def simulated_sheets(
    event: Event,
    seed: int,
    lenient: str | None = None,
    typo: tuple[str, str] | None = None,
) -> dict[tuple[str, str], ScoreSheet]:
    """(project, judge) -> sheet for every judge and project but the event's recusals."""
    rng = random.Random(seed)
    recused = {(r.judge, r.project) for r in event.recusals}
    sheets: dict[tuple[str, str], ScoreSheet] = {}
    for project in event.projects:
        quality = 0.9 if typo and project.id == typo[0] else rng.uniform(0.55, 0.9)
        for judge in event.judges:
            lift = LIFT if judge.id == lenient else 0.0
            values: dict[str, Fraction] = {}
            for criterion in event.criteria:
                raw = criterion.max * (quality + lift + rng.gauss(0, NOISE))
                if typo == (project.id, judge.id) and criterion is event.criteria[0]:
                    raw -= TYPO
                values[criterion.id] = _on_step(raw, criterion.max)
            if (judge.id, project.id) in recused:
                continue
            sheets[(project.id, judge.id)] = ScoreSheet(project.id, judge.id, values, weighted_total(event, values))
    return sheets


def _on_step(raw: float, maximum: float) -> Fraction:
    return Fraction(round(min(max(raw, 0.0), maximum) * 2), 2)
