"""What exact arithmetic costs: CPU time to recompute the results and every host section.

    python -m bench.results_cost [--judges N] [--normalize none|zscore]

The benchmark event (the demo's 18 projects, N judges) with every project scored at random steps
and revealed. Prints the best of 40 runs, in CPU milliseconds (process time: the other programs on
the machine do not count), of `compute_results` alone and of a full recompute of the host's
sections (results, both rankings, standings, awards preview, board sections).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from app.domain.errors import DomainError
from app.domain.state import Change, EventState
from app.eventfile import parse_event
from app.views import host_sections
from bench.event import bench_event_text


def scored_state(judges: int, normalize: str, seed: int = 1) -> EventState:
    text = bench_event_text(judges).replace('normalize = "none"', f'normalize = "{normalize}"')
    event = parse_event(text)
    state = EventState.new(event)
    rng = random.Random(seed)
    for project in event.projects:
        for kind in ("start", "open"):
            state.apply(Change(kind, {"project": project.id}), 0.0)
        for judge in event.judges:
            scores = {c.id: rng.randint(0, int(c.max / c.step)) * c.step for c in event.criteria}
            try:
                for change in state.decide(
                    "judge", judge.id, "submit_score", {"project": project.id, "scores": scores}, 0
                ):
                    state.apply(change, 0.0)
            except DomainError:  # recused
                continue
        for kind in ("close", "reveal"):
            state.apply(Change(kind, {"project": project.id}), 0.0)
    return state


def best_ms(run: Callable[[], object], repeat: int = 40) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--judges", type=int, default=7)
    parser.add_argument("--normalize", choices=("none", "zscore"), default="none")
    args = parser.parse_args()
    state = scored_state(args.judges, args.normalize)

    def results() -> None:
        state._results = None
        state.results()

    def everything() -> None:
        state._results = None
        state._standings.clear()
        host_sections(state, {})

    print(
        f"{len(state.event.projects)} projects, {args.judges} judges, normalize={args.normalize}: "
        f"compute_results {best_ms(results):.2f} ms, every host section {best_ms(everything):.2f} ms (CPU, best of 40)"
    )


if __name__ == "__main__":
    main()
