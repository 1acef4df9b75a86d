"""What the judging report costs: CPU time to compute it on request (issue 15).

    python -m bench.judging_cost [--judges N] [--normalize none|zscore] [--runs 5]

The benchmark event of bench/results_cost.py (the demo's 18 projects, N judges, every project scored
at random steps). Prints the best of `--runs` runs, in CPU milliseconds (process time: the other
programs on the machine do not count), of the whole report with the default bootstrap
(app/domain/stability.py: 200 panels, 100 with z-scores) and of its parts: the agreement and calibration
statistics, the rule comparison, and the rank stability with the default and the maximum bootstrap.
"""

from __future__ import annotations

import argparse

from app.documents.judging_report import judging_report, project_outliers
from app.domain.rule_compare import compare_rules
from app.domain.stability import BOOTSTRAP_MAX, default_resamples, rank_stability
from bench.results_cost import best_ms, scored_state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--judges", type=int, default=7)
    parser.add_argument("--normalize", choices=("none", "zscore"), default="none")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    state = scored_state(args.judges, args.normalize)
    event, results = state.event, state.results()
    default = default_resamples(event)
    figures = {
        f"whole report ({default} bootstrap panels)": lambda: judging_report(state),
        "report without the bootstrap": lambda: judging_report(state, resamples=0),
        "outliers of one project (close dialog)": lambda: project_outliers(state, state.order[0]),
        "rule comparison (6 rules)": lambda: compare_rules(event, state.sheets, state.recused, state.order),
        f"rank stability, {default} panels": lambda: rank_stability(
            event, state.sheets, state.recused, results, state.order
        ),
        f"rank stability, {BOOTSTRAP_MAX} panels": lambda: rank_stability(
            event, state.sheets, state.recused, results, state.order, BOOTSTRAP_MAX
        ),
    }
    print(f"{len(event.projects)} projects x {args.judges} judges, normalize = {args.normalize}; best of {args.runs}")
    for name, action in figures.items():
        print(f"  {name:48s} {best_ms(action, args.runs):8.1f} ms CPU")


if __name__ == "__main__":
    main()
