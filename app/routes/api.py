"""JSON endpoints: the standings (docs/protocol.md#get-apiresults) and a health check."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..views import ceremony_section, standings_payload
from .common import is_host, live_event


def results_payload(request: Request, full: bool) -> dict[str, Any]:
    live = live_event(request)
    state = live.state
    standings = state.standings(revealed_only=not full)
    payload = standings_payload(state, standings, explained=True)
    awards = None
    if state.ceremony is not None:
        ceremony = ceremony_section(state, reveal_all=full)
        assert ceremony is not None
        awards = [
            {k: a[k] for k in ("id", "name", "kind", "tie_at_cut")} | {"winners": [w for w in a["winners"] if w]}
            for a in ceremony["awards"]
        ]
    return {
        "event": {"title": live.event.title, "date": live.event.date},
        "scope": "all" if full else "revealed",
        "generated_at": time.time(),
        **payload,
        "awards": awards,
    }


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
