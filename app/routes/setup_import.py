"""The setup area's import (host only): a workbook or a CSV list of projects, checked in a sandbox and
shown as a preview first (kept here for a few minutes under a random id; nothing is saved); then
applied, only as previewed and only if the event has not changed meanwhile (docs/spreadsheets.md).

- `POST /host/setup/import`        multipart `file` (.xlsx workbook or .csv projects list): a preview;
- `POST /host/setup/import/apply`  JSON `{"preview": "<id>"}`: apply a clean preview.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import i18n
from ..domain.errors import DomainError
from ..domain.models import Event
from ..i18n import N_
from ..live import LOCKED_MESSAGES, structure_changes
from ..spreadsheets import Problem
from ..spreadsheets.bounds import MAX_UPLOAD_BYTES
from ..spreadsheets.sandbox import CPU_SECONDS, MEMORY_LIMIT_BYTES, ImportBusy, ImportTooCostly, read_upload_isolated
from .common import choose_language, live_event
from .setup_common import (
    NO_STORE,
    apply_definition,
    definition_digest,
    error_response,
    read_body,
    reason_of,
    refuse_unless_host,
    replay,
    translator,
    usage,
)

PREVIEW_TTL_SECONDS = 15 * 60
MAX_PREVIEWS = 20


@dataclass
class StoredPreview:
    toml: str
    base: str
    created: float
    file: str


def _previews(request: Request) -> dict[str, StoredPreview]:
    store = getattr(request.app.state, "setup_previews", None)
    if store is None:
        store = {}
        request.app.state.setup_previews = store
    now = time.monotonic()
    for key in [k for k, p in store.items() if now - p.created > PREVIEW_TTL_SECONDS]:
        del store[key]
    return store


def _preview_problem(p: Problem, language: str) -> dict[str, Any]:
    """A problem of an imported file, its message in the page's language (sheet, cell and header as
    they are in the file)."""
    return {
        "sheet": p.sheet,
        "row": p.row,
        "column": p.column,
        "header": p.header,
        "message": p.translate(language),
        "where": p.where(language),
    }


def _summary(event: Event, current: Event) -> dict[str, Any]:
    names = {c.id: c.name for c in event.categories}
    old_projects, new_projects = {p.id for p in current.projects}, {p.id for p in event.projects}
    old_judges, new_judges = {j.id for j in current.judges}, {j.id for j in event.judges}
    return {
        "title": event.title,
        "date": event.date,
        "counts": {
            "categories": len(event.categories),
            "projects": len(event.projects),
            "judges": len(event.judges),
            "criteria": len(event.criteria),
            "indicators": len(event.indicators),
            "awards": len(event.awards),
        },
        "projects": [
            {"id": p.id, "order": p.order, "title": p.title, "team": p.team, "category": names.get(p.category, "")}
            for p in sorted(event.projects, key=lambda p: (p.order, p.id))
        ],
        "judges": [{"id": j.id, "name": j.name} for j in event.judges],
        "changes": {
            "projects_added": sorted(new_projects - old_projects),
            "projects_removed": sorted(old_projects - new_projects),
            "judges_added": sorted(new_judges - old_judges),
            "judges_removed": sorted(old_judges - new_judges),
        },
    }


async def _blocked(request: Request, event: Event) -> dict[str, Any] | None:
    """Why applying `event` would be refused by update_event, if it would (shown in the preview)."""
    live = live_event(request)
    used = await usage(live)
    language = choose_language(request)
    if used.scoring_started:
        locked = structure_changes(live.event, event)
        if locked:
            error = DomainError("scoring_started", LOCKED_MESSAGES[locked[0]])
            return i18n.translate_error(language, error.as_dict())
    gone = [p for p in used.projects if event.project(p) is None] + [j for j in used.judges if event.judge(j) is None]
    if gone:
        error = DomainError(
            "in_use", "{ids} already took part in the event and cannot be removed.", ids=", ".join(gone)
        )
        return i18n.translate_error(language, error.as_dict())
    return None


async def import_preview(request: Request) -> Response:
    if refused := refuse_unless_host(request):
        return refused
    _ = translator(request)
    mb = MAX_UPLOAD_BYTES // (1024 * 1024)
    body = await read_body(request, MAX_UPLOAD_BYTES + 64 * 1024)  # the file and the multipart framing
    if body is None:
        return error_response(request, "too_large", N_("The file is larger than {mb} MB."), 413, mb=mb)
    try:
        form = await replay(request, body).form(max_files=1, max_fields=10)
    except Exception:
        return error_response(request, "bad_request", N_("The request could not be read."), 400)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return error_response(request, "no_file", N_("Choose a file to import first."), 400)
        name = upload.filename.strip()
        data = await upload.read()
    finally:
        await form.close()
    if len(data) > MAX_UPLOAD_BYTES:
        return error_response(request, "too_large", N_("The file is larger than {mb} MB."), 413, mb=mb)
    if not data:
        return error_response(request, "empty_file", N_("The file is empty."), 400)
    lower = name.lower()
    if lower.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return error_response(
            request, "unsupported_type", N_("Old Excel files (.xls) cannot be read: save the workbook as .xlsx."), 415
        )
    is_zip = data[:4] == b"PK\x03\x04"
    if not (lower.endswith((".xlsx", ".csv", ".txt")) or is_zip):
        return error_response(
            request,
            "unsupported_type",
            N_("Choose an Excel workbook (.xlsx) or a projects list saved as CSV (.csv)."),
            415,
        )
    live = live_event(request)
    kind = "xlsx" if is_zip or lower.endswith(".xlsx") else "csv"
    try:  # in a child process with memory and CPU limits, one upload at a time (docs/security.md)
        preview, note = await read_upload_isolated(kind, name, data, live.event)
    except ImportBusy:
        return error_response(
            request, "import_busy", N_("Another file is being checked right now: try again in a moment."), 429
        )
    except ImportTooCostly:
        return error_response(
            request,
            "import_too_costly",
            N_(
                "Reading this file took more than {seconds} seconds or {mb} MB of memory, so it was stopped: "
                "it is not a workbook Roadshow can import. Keep only the event's sheets and rows and retry."
            ),
            422,
            seconds=CPU_SECONDS,
            mb=MEMORY_LIMIT_BYTES // (1024 * 1024),
        )
    answer: dict[str, Any] = {
        "ok": preview.ok,
        "file": name[:200],
        "kind": kind,
        "problems": [_preview_problem(p, choose_language(request)) for p in preview.problems],
        "summary": None,
        "preview": None,
        "blocked": None,
        "note": _("The file is not UTF-8: it was read as Chinese GBK/GB18030 text.") if note else None,
    }
    if preview.ok and preview.event is not None and preview.toml is not None:
        answer["summary"] = _summary(preview.event, live.event)
        answer["blocked"] = await _blocked(request, preview.event)
        token = secrets.token_urlsafe(16)
        store = _previews(request)
        while len(store) >= MAX_PREVIEWS:
            del store[min(store, key=lambda k: store[k].created)]
        store[token] = StoredPreview(preview.toml, definition_digest(live.event), time.monotonic(), name[:200])
        answer["preview"] = token
    return JSONResponse(answer, headers=NO_STORE)


async def import_apply(request: Request) -> Response:
    if refused := refuse_unless_host(request):
        return refused
    body = await read_body(request, 4096)
    try:
        payload = orjson.loads(body or b"")
    except orjson.JSONDecodeError:
        payload = None
    token = payload.get("preview") if isinstance(payload, dict) else None
    if not isinstance(token, str):
        return error_response(request, "bad_request", N_("The request could not be read."), 400)
    store = _previews(request)
    stored = store.get(token)
    if stored is None:
        return error_response(request, "preview_expired", N_("This preview has expired: check the file again."), 410)
    live = live_event(request)
    if stored.base != definition_digest(live.event):
        del store[token]
        return error_response(
            request,
            "changed_elsewhere",
            N_("The event was changed after this file was checked: check the file again before using it."),
            409,
        )
    response = await apply_definition(request, stored.toml, "http:import", reason_of(payload))
    if response.status_code == 200:
        store.pop(token, None)
    return response


routes = [
    Route("/host/setup/import", import_preview, methods=["POST"]),
    Route("/host/setup/import/apply", import_apply, methods=["POST"]),
]
