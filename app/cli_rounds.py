"""`roadshow advance PREVIOUS.db NEW.db`: the next round of a competition (app/rounds.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .cli_files import CliError, event_database
from .domain.errors import DomainError
from .rounds import AdvancementRule, RoundPreview, create_next_round, preview_next_round


def add_advance_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "advance",
        help="create the next round's event database from a round's results (top N, top N per category, or a pick)",
        description="Create the next round of a competition: a new event database with the advancing projects, "
        "the same judges (new links and PINs), rubric, categories, awards and timing, and the previous round's "
        "audit anchor. The previous database is only read (it may be being served). See docs/event-file.md, "
        '"Rounds".',
    )
    p.add_argument("previous", help="the previous round's event database (.db); required, read only")
    p.add_argument("new", help="the new round's database to create (.db); required, must not exist")
    rule = p.add_mutually_exclusive_group(required=True)
    rule.add_argument(
        "--top",
        type=int,
        metavar="N",
        help="advance the N best overall (ties at the cut all advance) (default: one of the three rules is required)",
    )
    rule.add_argument(
        "--top-per-category",
        type=int,
        metavar="N",
        help="advance the N best of each category (ties at the cut all advance) (default: one rule is required)",
    )
    rule.add_argument(
        "--pick", metavar="ID,ID,...", help="advance these project ids (needs --reason) (default: one rule is required)"
    )
    p.add_argument("--reason", default="", help="why (required with --pick; journalled) (default: none)")
    p.add_argument(
        "--carry",
        metavar="WEIGHT",
        help="carry the previous composite into the new composite with this weight; with no --panel-weight the "
        "panel weighs 100 - WEIGHT (--carry 40: 40%% previous round + 60%% new panel) (default: not carried)",
    )
    p.add_argument(
        "--panel-weight",
        metavar="WEIGHT",
        help="the new panel's relative weight (default: 100 - --carry, or as before)",
    )
    p.add_argument("--title", help="the new round's title (default: the competition's name · the round name)")
    p.add_argument("--round-name", help="the new round's name, e.g. 决赛 (default: 第 N 轮 / Round N)")
    p.add_argument(
        "--previous-round-name",
        help="the previous round's name when it is not a round yet, e.g. 初赛 "
        "(default: its [round] name, else 第 1 轮 / Round 1)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="advance although the previous round's results are not final (no award ceremony yet); journalled "
        "(default: off)",
    )
    p.add_argument("--preview", action="store_true", help="show who would advance and write nothing (default: off)")


def _weight(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CliError(f"{option} must be a number, not {text!r}") from None
    if not value.is_finite():
        raise CliError(f"{option} must be a finite number")
    return value


def advance_command(args: argparse.Namespace) -> int:
    previous = event_database(args.previous)
    new = Path(args.new)
    if args.top is not None:
        rule = AdvancementRule("top_overall", count=args.top, reason=args.reason)
    elif args.top_per_category is not None:
        rule = AdvancementRule("top_per_category", count=args.top_per_category, reason=args.reason)
    else:
        picks = tuple(p.strip() for p in args.pick.split(",") if p.strip())
        rule = AdvancementRule("pick", picks=picks, reason=args.reason)
    carry, panel = _weight(args.carry, "--carry"), _weight(args.panel_weight, "--panel-weight")
    kwargs = {
        "title": args.title or "",  # empty: "<competition> · <round name>" (app/domain/next_round.py)
        "round_name": args.round_name or "",  # empty: 第 N 轮 / Round N
        "rule": rule,
        "carry_weight": carry,
        "panel_weight": panel,
        "previous_round_name": args.previous_round_name,
        "force": args.force,
    }
    try:
        if args.preview:
            _print_preview(preview_next_round(previous, new, **kwargs))  # type: ignore[arg-type]
            return 0
        made = asyncio.run(create_next_round(previous, new, **kwargs))  # type: ignore[arg-type]
    except DomainError as exc:
        raise CliError(str(exc)) from None
    print(f"created {made.db_path}: {made.title}")
    print(f"advanced ({len(made.advanced)}): {', '.join(made.advanced)}")
    if made.tied_at_cut:
        print(f"tied at the cut (all advance): {', '.join(made.tied_at_cut)}")
    print(f"previous round's audit anchor: length {made.anchor_length}, head {made.anchor_head}")
    print(f"host password (shown once; keep it): {made.host_password}")
    return 0


def _print_preview(preview: RoundPreview) -> None:
    print(f"preview (nothing written): {preview.title} — from {preview.previous_round}")
    print(f"advance ({len(preview.advanced)}): {', '.join(preview.advanced)}")
    if preview.tied_at_cut:
        print(f"tied at the cut (all advance): {', '.join(preview.tied_at_cut)}")
    print(f"left out ({len(preview.left_out)}): {', '.join(preview.left_out)}")
    if preview.unranked:
        print(f"no valid result (never advance by a top rule): {', '.join(preview.unranked)}")
    if not preview.final:
        print("note: the previous round's results are not final yet; creating the round needs --force", file=sys.stderr)
    print(f"previous round's audit anchor: length {preview.anchor_length}, head {preview.anchor_head}")
