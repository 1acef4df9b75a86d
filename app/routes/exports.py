"""Host-only documents: spreadsheets in and out, CSV exports and printable pages (docs/spreadsheets.md).

Everything here is a GET that changes nothing; a visitor who is not logged in as host is sent to the
login page (303). Workbooks are built in a worker thread from a snapshot of the state, so a large
export never holds up the live event.
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from types import ModuleType
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import spreadsheets  # its names load on first use (app/spreadsheets/__init__.py)
from ..eventfile_export import event_to_toml
from ..store import anchor_of
from .common import is_host, live_event, redirect, render

NO_STORE = {"cache-control": "no-store"}


def documents() -> ModuleType:
    """app.documents, imported on first use: with openpyxl and the judging statistics (numpy, scipy) it
    takes most of a second to import, which every start of the server, a restart mid-event too, would
    otherwise wait for."""
    from .. import documents as module

    return module


def _deny(request: Request) -> Response | None:
    if not is_host(request):
        return redirect(request, "/host/login")
    return None


def _filename(request: Request, stem: str, suffix: str) -> str:
    """roadshow-results-2026-12-12.xlsx: ASCII only, so every browser keeps the name."""
    date = re.sub(r"[^0-9A-Za-z-]+", "", live_event(request).event.date.replace("/", "-"))[:20]
    return f"roadshow-{stem}{'-' + date if date else ''}.{suffix}"


def _download(request: Request, body: bytes | str, media_type: str, stem: str, suffix: str) -> Response:
    name = _filename(request, stem, suffix)
    return Response(
        body, media_type=media_type, headers=NO_STORE | {"content-disposition": f'attachment; filename="{name}"'}
    )


async def template_xlsx(request: Request) -> Response:
    if denied := _deny(request):
        return denied
    body = await run_in_threadpool(spreadsheets.template_workbook)
    return Response(
        body,
        media_type=spreadsheets.XLSX_MEDIA_TYPE,
        headers=NO_STORE | {"content-disposition": 'attachment; filename="roadshow-template.xlsx"'},
    )


async def event_xlsx(request: Request) -> Response:
    if denied := _deny(request):
        return denied
    body = await run_in_threadpool(spreadsheets.event_workbook, live_event(request).event)
    return _download(request, body, spreadsheets.XLSX_MEDIA_TYPE, "event", "xlsx")


async def event_toml(request: Request) -> Response:
    if denied := _deny(request):
        return denied
    event = live_event(request).event
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    text = event_to_toml(event, header=f"Exported from Roadshow on {stamp}.\nFormat: docs/event-file.md")
    return _download(request, text, "application/toml; charset=utf-8", "event", "toml")


async def results_xlsx(request: Request) -> Response:
    if denied := _deny(request):
        return denied
    live = live_event(request)
    state = documents().snapshot(live.state)
    body = await run_in_threadpool(documents().results_workbook, state, time.time(), live.store.anchor)
    return _download(request, body, spreadsheets.XLSX_MEDIA_TYPE, "results", "xlsx")


async def scores_csv(request: Request) -> Response:
    if denied := _deny(request):
        return denied
    live = live_event(request)
    entries = await live.store.journal()
    text = documents().scores_csv(live.event, entries, anchor_of(entries))
    return _download(request, text, "text/csv; charset=utf-8", "scores", "csv")


async def event_inputs_csv(request: Request) -> Response:
    if denied := _deny(request):
        return denied
    live = live_event(request)
    text = documents().event_inputs_csv(live.event, live.store.anchor)
    return _download(request, text, "text/csv; charset=utf-8", "event-inputs", "csv")


def _page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    base = {
        "printed": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M"),
        "fmt": documents().fmt_score,
        "anchor": live_event(request).store.anchor,  # printed on every page (docs/reliability.md)
    }
    return render(request, name, base | context, status_code=status_code)


async def documents_page(request: Request) -> Response:
    if denied := _deny(request):
        return denied
    live = live_event(request)
    awards, final = documents().current_awards(live.state)
    return render(
        request,
        "documents.html",
        {"judges": live.event.judges, "awards": awards, "awards_final": final},
    )


async def print_scoresheets(request: Request) -> Response:
    if denied := _deny(request):
        return denied
    live = live_event(request)
    judge = request.path_params.get("judge")
    if judge is not None and live.event.judge(judge) is None:
        return render(request, "error.html", {"error_kind": "not_found"}, status_code=404)
    sheets = documents().judge_score_sheets(live.state, [judge] if judge else None)
    return _page(request, "print/scoresheets.html", {"sheets": sheets})


async def print_results(request: Request) -> Response:
    if denied := _deny(request):
        return denied
    live = live_event(request)
    context = documents().results_page(live.state)
    return _page(request, "print/results.html", context)


async def print_certificates(request: Request) -> Response:
    if denied := _deny(request):
        return denied
    live = live_event(request)
    award = request.query_params.get("award") or None
    certificates, final = documents().certificates(live.state, award)
    return _page(
        request, "print/certificates.html", {"certificates": certificates, "final": final, "award_filter": award}
    )


routes = [
    Route("/host/documents", documents_page),
    Route("/host/export/template.xlsx", template_xlsx),
    Route("/host/export/event.xlsx", event_xlsx),
    Route("/host/export/event.toml", event_toml),
    Route("/host/export/results.xlsx", results_xlsx),
    Route("/host/export/scores.csv", scores_csv),
    Route("/host/export/event-inputs.csv", event_inputs_csv),
    Route("/host/print/scoresheets", print_scoresheets),
    Route("/host/print/scoresheets/{judge}", print_scoresheets),
    Route("/host/print/results", print_results),
    Route("/host/print/certificates", print_certificates),
]
