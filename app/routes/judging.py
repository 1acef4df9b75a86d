"""The judging report (issue 15), host only: the page, its A4 print, its JSON, and the outlying
scores of one project for the close dialog (docs/protocol.md, "Judging report").

The report is computed on request, in a worker thread from a snapshot of the state, and kept until
the journal moves on (the same scores give the same report: nothing is recomputed on a reload, and
a live change costs nothing until someone asks)."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..live import LiveEvent
from .common import is_host, live_event, render
from .exports import NO_STORE, _deny, _page, documents


async def _report(live: LiveEvent, app_state: Any) -> dict[str, Any]:
    anchor = live.store.anchor  # every change of scores, recusals or the event moves the journal on
    key = (anchor.length, anchor.head, tuple(live.state.order))
    cached = getattr(app_state, "judging_report", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    from ..documents.judging_report import judging_report  # imported on first use (exports.documents)

    report = await run_in_threadpool(judging_report, documents().snapshot(live.state))
    app_state.judging_report = (key, report)
    return report


def _context(live: LiveEvent, report: dict[str, Any]) -> dict[str, Any]:
    from ..documents.judging_charts import heat_map, leniency_bars, stability_bars

    event = live.event
    titles = {p.id: p.short_title or p.title for p in event.projects}
    names = {j.id: j.name for j in event.judges}
    scored_judges = {d["judge"] for d in report["deviations"]}
    agreement = report["agreement"]
    return {
        "report": report,
        "titles": titles,
        "icc_by_form": {row["form"]: row for row in agreement["icc"] or []},
        "left_out_titles": [titles.get(p, p) for p in agreement["left_out_projects"]],
        "left_out_judge_names": [names.get(j, j) for j in agreement["left_out_judges"]],
        "charts": {
            "heat": heat_map(
                report,
                [(j.id, j.name) for j in event.judges if j.id in scored_judges],
                [(p, titles[p]) for p in live.state.order if any(d["project"] == p for d in report["deviations"])],
            ),
            "leniency": leniency_bars(report),
            "stability": [stability_bars(a) for a in report["stability"]["awards"]],
        },
    }


async def _html(request: Request, print_version: bool) -> Response:
    if denied := _deny(request):
        return denied
    live = live_event(request)
    context = _context(live, await _report(live, request.app.state))
    if print_version:  # with the print date and the audit anchor (app/routes/exports.py)
        response = _page(request, "print/judging.html", context)
    else:
        response = render(request, "judging.html", context)
    response.headers.update(NO_STORE)
    return response


async def judging_page(request: Request) -> Response:
    return await _html(request, print_version=False)


async def print_judging(request: Request) -> Response:
    return await _html(request, print_version=True)


def _forbidden() -> JSONResponse:
    return JSONResponse({"error": "host_only"}, status_code=403, headers=NO_STORE)


async def judging_json(request: Request) -> Response:
    if not is_host(request):
        return _forbidden()
    live = live_event(request)
    return JSONResponse(await _report(live, request.app.state), headers=NO_STORE)


async def outliers_json(request: Request) -> Response:
    """?project=ID: that project's outlying totals (cheap: no bootstrap), for the close dialog."""
    if not is_host(request):
        return _forbidden()
    live = live_event(request)
    project = request.query_params.get("project", "")
    if live.event.project(project) is None:
        return JSONResponse({"error": "unknown_project"}, status_code=404, headers=NO_STORE)
    from ..documents.judging_report import project_outliers

    return JSONResponse({"project": project, "outliers": project_outliers(live.state, project)}, headers=NO_STORE)


routes = [
    Route("/host/judging", judging_page),
    Route("/host/print/judging", print_judging),
    Route("/host/api/judging", judging_json),
    Route("/host/api/judging/outliers", outliers_json),
]
