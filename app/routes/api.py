"""JSON endpoints: the standings (docs/protocol.md#get-apiresults) and a health check."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..domain.state import EventState
from ..results_views import ceremony_section, standings_payload
from ..round_views import round_section
from ..views import vote_section
from .common import is_host, live_event


def results_payload(request: Request, full: bool) -> dict[str, Any]:
    return results_json(live_event(request).state, full)


def results_json(state: EventState, full: bool) -> dict[str, Any]:
    """GET /api/results for the host (`full`: everything scored) or anyone (the revealed results)."""
    standings = state.standings(revealed_only=not full)
    judge_scores = full or judge_scores_public(state)
    payload = standings_payload(state, standings, explained=True, judge_scores=judge_scores)
    awards = None
    if state.ceremony is not None:
        ceremony = ceremony_section(state, reveal_all=full)
        assert ceremony is not None
        # what the board shows: the winners revealed so far (tie_at_cut once an award is complete)
        awards = [
            {k: v for k, v in a.items() if k not in ("revealed", "total", "complete")} for a in ceremony["awards"]
        ]
    return {
        # `round`: which round of a competition (None for a single event); each row's `path` holds
        # the project's earlier rounds (docs/protocol.md#get-apiresults)
        "event": {"title": state.event.title, "date": state.event.date, "round": round_section(state.event)},
        "scope": "all" if full else "revealed",
        "judge_scores": judge_scores,
        "generated_at": time.time(),
        **payload,
        "awards": awards,
        # the audience vote as the board shows it: the count, and the tally once the host revealed it
        "vote": vote_section(state),
    }


def judge_scores_public(state: EventState) -> bool:
    """Whether the public results carry each judge's total (`scoring.publish_judge_scores`): never
    (the default: a judge never sees another judge's scores), after the event (once the award
    ceremony has started: the score sheet is published, 公示), or live."""
    setting = state.event.scoring.publish_judge_scores
    return setting == "live" or (setting == "after_event" and state.ceremony is not None)


async def results(request: Request) -> JSONResponse:
    full = is_host(request) and request.query_params.get("scope") != "revealed"
    return JSONResponse(results_payload(request, full), headers={"cache-control": "no-store"})


async def health(request: Request) -> JSONResponse:
    live = live_event(request)
    return JSONResponse({"ok": True, "event": live.event.title, "journal": live.store._last_seq})


routes = [
    Route("/api/results", results),
    Route("/healthz", health),
]
