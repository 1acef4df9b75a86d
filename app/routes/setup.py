"""The setup area (host only): edit the whole event in the browser, and import a spreadsheet with a
preview first (docs/spreadsheets.md, "Setting up in the browser").

- `GET  /host/setup`               the page (templates/setup.html, static/setup.js);
- `GET  /host/setup/event.json`    the definition as event-file data (`event_to_data`), whether scoring
                                   has started and which projects/judges already took part;
- `POST /host/setup/save`          JSON `{"definition": {...}, "base": "<sha>"}`: the data is lightly
                                   normalised, written as TOML (`dump_toml`), checked by `parse_event` and
                                   applied by `LiveEvent.update_event`;
- `POST /host/setup/import`        multipart `file` (.xlsx workbook or .csv projects list): a preview,
                                   kept here for a few minutes under a random id; nothing is saved;
- `POST /host/setup/import/apply`  JSON `{"preview": "<id>"}`: apply a clean preview.

Answers: `{"ok": true, ...}`; `{"ok": false, "problems": [{"field", "line", "message"}]}` when the
definition is invalid; `{"ok": false, "error": {"code", "message"}}` otherwise. Nothing is changed
unless the answer is ok. Every POST needs the host session and a same-origin request (CSRF).
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import i18n
from ..domain.errors import DomainError
from ..domain.models import Event
from ..eventfile import EventFileError, parse_event
from ..eventfile_export import dump_toml, event_to_data, event_to_toml
from ..i18n import N_
from ..live import ARCHIVED_MESSAGE, LOCKED_MESSAGES, LiveEvent, structure_changes
from ..spreadsheets import Problem
from ..spreadsheets.bounds import MAX_UPLOAD_BYTES
from ..spreadsheets.sandbox import CPU_SECONDS, MEMORY_LIMIT_BYTES, ImportBusy, ImportTooCostly, read_upload_isolated
from .common import choose_language, is_host, live_event, redirect, render, same_origin

MAX_JSON_BYTES = 1024 * 1024  # a definition of hundreds of projects is a few hundred kB
PREVIEW_TTL_SECONDS = 15 * 60
MAX_PREVIEWS = 20
NO_STORE = {"cache-control": "no-store"}

# keys whose values are numbers in an event file (a browser form sends text)
NUMBER_KEYS = frozenset(
    {
        "presentation_minutes",
        "qa_minutes",
        "commentary_minutes",
        "trim",
        "trim_min_judges",
        "min_panel",
        "decimals",
        "panel_weight",
        "max",
        "weight",
        "step",
        "order",
        "count",
        "max_per_category",
        "per_address_cap",  # [audience]; its weight is "weight" above
    }
)
NAMES_KEYS = frozenset({"members", "volunteers", "names"})
# the same separators as the event file (app/eventfile.py), plus a new line (one name per line)
_NAME_SPLIT = re.compile(r"[\r\n,，、;；]+")


# ---------------------------------------------------------------------------------------- helpers
def _text(request: Request):
    return i18n.gettext_for(choose_language(request))


def _error(request: Request, code: str, message: str, status: int, **params: Any) -> JSONResponse:
    _ = _text(request)
    text = _(message)
    if params:
        text = text.format(**params)
    return JSONResponse({"ok": False, "error": {"code": code, "message": text}}, status_code=status, headers=NO_STORE)


def _refuse(request: Request) -> Response | None:
    """Host session and same origin, for every POST here."""
    if not is_host(request):
        return _error(request, "unauthorized", N_("Not logged in as host, or the session expired: log in again."), 401)
    if not same_origin(request):
        return _error(request, "cross_site", N_("Cross-site request refused."), 403)
    if live_event(request).archived:  # a season's finished event (app/season/): read-only
        return _error(request, "archived", ARCHIVED_MESSAGE, 409)
    return None


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None once it is larger than `limit` (read no further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _replay(request: Request, body: bytes) -> Request:
    """A request over the same scope whose body is `body` (already read, within the limit)."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return Request(request.scope, receive)


def definition_digest(event: Event) -> str:
    """Identifies a definition, so a save or an import made from an older one can be refused."""
    return hashlib.sha256(event_to_toml(event).encode()).hexdigest()[:32]


@dataclass
class Usage:
    scoring_started: bool
    projects: list[str]
    judges: list[str]


async def usage(live: LiveEvent) -> Usage:
    """What `LiveEvent.update_event` will protect: the same reading of the journal."""
    entries = await live.store.journal()
    return Usage(
        scoring_started=any(e.kind in ("score", "correction") for e in entries),
        projects=sorted({e.data["project"] for e in entries if isinstance(e.data.get("project"), str)}),
        judges=sorted({e.data["judge"] for e in entries if isinstance(e.data.get("judge"), str)}),
    )


async def _state(live: LiveEvent) -> dict[str, Any]:
    used = await usage(live)
    return {
        "definition": event_to_data(live.event),
        "base": definition_digest(live.event),
        "scoring_started": used.scoring_started,
        "in_use": {"projects": used.projects, "judges": used.judges},
    }


# ------------------------------------------------------------------------------------ normalising
def _number(value: Any) -> Any:
    """'92.5' -> 92.5, '3' -> 3; text that is no number stays text (parse_event names the field)."""
    if isinstance(value, str):
        text = value.strip().replace("\u3000", "")
        try:
            number = float(text)
        except ValueError:
            return value.strip()
        if not math.isfinite(number):
            return value.strip()
        value = number
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _names(value: Any) -> Any:
    if isinstance(value, str):
        return [n.strip() for n in _NAME_SPLIT.split(value) if n.strip()]
    if isinstance(value, list):
        return [n.strip() if isinstance(n, str) else n for n in value if not (isinstance(n, str) and not n.strip())]
    return value


def _clean_table(table: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in table.items():
        if not isinstance(key, str) or key.startswith("_") or value is None:
            continue  # "_..." keys are the page's own bookkeeping
        if key in NAMES_KEYS:
            value = _names(value)
            if value == []:
                continue
        elif key == "indicators" and isinstance(value, dict):
            value = {k: _number(v) for k, v in value.items() if v is not None and v != ""}
        elif key in NUMBER_KEYS:
            value = _number(value)
            if value == "":
                continue  # a cleared optional number takes its default; a required one is reported
        elif isinstance(value, str):
            value = value.strip()
            if value == "" and key not in ("id", "name", "title", "team", "category", "kind", "judge", "project"):
                continue
        out[key] = value
    return out


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """The page's JSON, in the shape `tomllib` gives for an event file: text trimmed, numbers typed as
    text turned into numbers, names given as one text split into a list, empty optional values left
    out. Anything else is passed on for `parse_event` to judge, field by field."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str) or value is None:
            continue
        if isinstance(value, dict):
            out[key] = _clean_table(value)
        elif isinstance(value, list):
            out[key] = [_clean_table(v) if isinstance(v, dict) else v for v in value]
        else:
            out[key] = value
    return out


def definition_to_toml(data: dict[str, Any]) -> str:
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    return dump_toml(
        normalise(data), header=f"Edited in the Roadshow setup area on {stamp}.\nFormat: docs/event-file.md"
    )


def _problems(request: Request, exc: EventFileError) -> list[dict[str, Any]]:
    """Each problem in the page's language; the field path and the values quoted from the definition
    stay as they are (the page shows them as text)."""
    language = choose_language(request)
    return [{"field": field, "line": line, "message": message} for field, line, message in exc.translated(language)]


def _reason(payload: Any) -> str:
    """The host's reason for an edit (required once scoring has begun; LiveEvent.update_event checks)."""
    reason = payload.get("reason") if isinstance(payload, dict) else None
    return reason if isinstance(reason, str) else ""


async def _apply(request: Request, source: str, connection: str, reason: str = "") -> JSONResponse:
    live = live_event(request)
    try:
        await live.update_event(source, connection=connection, reason=reason)
    except EventFileError as exc:
        return JSONResponse({"ok": False, "problems": _problems(request, exc)}, status_code=422, headers=NO_STORE)
    except DomainError as exc:
        error = i18n.translate_error(choose_language(request), exc.as_dict())
        return JSONResponse({"ok": False, "error": error}, status_code=409, headers=NO_STORE)
    return JSONResponse({"ok": True, **await _state(live)}, headers=NO_STORE)


# ----------------------------------------------------------------------------------------- routes
async def setup_page(request: Request) -> Response:
    if not is_host(request):
        return redirect(request, "/host/login")
    return render(
        request,
        "setup.html",
        {"max_upload_mb": MAX_UPLOAD_BYTES // (1024 * 1024), "languages": i18n.LANGUAGE_NAMES},
        page="setup",
    )


async def event_json(request: Request) -> Response:
    if not is_host(request):
        return _error(request, "unauthorized", N_("Not logged in as host, or the session expired: log in again."), 401)
    return JSONResponse(await _state(live_event(request)), headers=NO_STORE)


async def save(request: Request) -> Response:
    if refused := _refuse(request):
        return refused
    body = await _read_body(request, MAX_JSON_BYTES)
    if body is None:
        return _error(request, "too_large", N_("The event is too large to save (more than 1 MB)."), 413)
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return _error(request, "bad_request", N_("The request could not be read."), 400)
    definition = payload.get("definition") if isinstance(payload, dict) else None
    if not isinstance(definition, dict):
        return _error(request, "bad_request", N_("The request could not be read."), 400)
    live = live_event(request)
    base = payload.get("base")
    if isinstance(base, str) and base and base != definition_digest(live.event):
        return _error(
            request,
            "changed_elsewhere",
            N_(
                "The event was changed elsewhere after this page loaded. Reload the page to see the current "
                "version; your changes here were not saved."
            ),
            409,
        )
    try:
        source = definition_to_toml(definition)
    except (TypeError, ValueError, RecursionError) as exc:
        return JSONResponse(
            {"ok": False, "problems": [{"field": "", "line": None, "message": str(exc)}]},
            status_code=422,
            headers=NO_STORE,
        )
    try:
        parse_event(source)  # the same check update_event makes, before anything is locked
    except EventFileError as exc:
        return JSONResponse({"ok": False, "problems": _problems(request, exc)}, status_code=422, headers=NO_STORE)
    return await _apply(request, source, "http:setup", _reason(payload))


# ------------------------------------------------------------------------------------------ import
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
    if refused := _refuse(request):
        return refused
    _ = _text(request)
    mb = MAX_UPLOAD_BYTES // (1024 * 1024)
    body = await _read_body(request, MAX_UPLOAD_BYTES + 64 * 1024)  # the file and the multipart framing
    if body is None:
        return _error(request, "too_large", N_("The file is larger than {mb} MB."), 413, mb=mb)
    try:
        form = await _replay(request, body).form(max_files=1, max_fields=10)
    except Exception:
        return _error(request, "bad_request", N_("The request could not be read."), 400)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _error(request, "no_file", N_("Choose a file to import first."), 400)
        name = upload.filename.strip()
        data = await upload.read()
    finally:
        await form.close()
    if len(data) > MAX_UPLOAD_BYTES:
        return _error(request, "too_large", N_("The file is larger than {mb} MB."), 413, mb=mb)
    if not data:
        return _error(request, "empty_file", N_("The file is empty."), 400)
    lower = name.lower()
    if lower.endswith(".xls") or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _error(
            request, "unsupported_type", N_("Old Excel files (.xls) cannot be read: save the workbook as .xlsx."), 415
        )
    is_zip = data[:4] == b"PK\x03\x04"
    if not (lower.endswith((".xlsx", ".csv", ".txt")) or is_zip):
        return _error(
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
        return _error(
            request, "import_busy", N_("Another file is being checked right now: try again in a moment."), 429
        )
    except ImportTooCostly:
        return _error(
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
    if refused := _refuse(request):
        return refused
    body = await _read_body(request, 4096)
    try:
        payload = orjson.loads(body or b"")
    except orjson.JSONDecodeError:
        payload = None
    token = payload.get("preview") if isinstance(payload, dict) else None
    if not isinstance(token, str):
        return _error(request, "bad_request", N_("The request could not be read."), 400)
    store = _previews(request)
    stored = store.get(token)
    if stored is None:
        return _error(request, "preview_expired", N_("This preview has expired: check the file again."), 410)
    live = live_event(request)
    if stored.base != definition_digest(live.event):
        del store[token]
        return _error(
            request,
            "changed_elsewhere",
            N_("The event was changed after this file was checked: check the file again before using it."),
            409,
        )
    response = await _apply(request, stored.toml, "http:import", _reason(payload))
    if response.status_code == 200:
        store.pop(token, None)
    return response


routes = [
    Route("/host/setup", setup_page),
    Route("/host/setup/event.json", event_json),
    Route("/host/setup/save", save, methods=["POST"]),
    Route("/host/setup/import", import_preview, methods=["POST"]),
    Route("/host/setup/import/apply", import_apply, methods=["POST"]),
]
