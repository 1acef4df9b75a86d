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

import math
import re
from datetime import datetime
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import i18n
from ..eventfile import EventFileError, parse_event
from ..eventfile_export import dump_toml
from ..i18n import N_
from ..spreadsheets.bounds import MAX_UPLOAD_BYTES
from . import setup_import
from .common import is_host, live_event, redirect, render
from .setup_common import (
    NO_STORE,
    apply_definition,
    definition_digest,
    error_response,
    problems_of,
    read_body,
    reason_of,
    refuse_unless_host,
    setup_state,
)

MAX_JSON_BYTES = 1024 * 1024  # a definition of hundreds of projects is a few hundred kB

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
        message = N_("Not logged in as host, or the session expired: log in again.")
        return error_response(request, "unauthorized", message, 401)
    return JSONResponse(await setup_state(live_event(request)), headers=NO_STORE)


async def save(request: Request) -> Response:
    if refused := refuse_unless_host(request):
        return refused
    body = await read_body(request, MAX_JSON_BYTES)
    if body is None:
        return error_response(request, "too_large", N_("The event is too large to save (more than 1 MB)."), 413)
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return error_response(request, "bad_request", N_("The request could not be read."), 400)
    definition = payload.get("definition") if isinstance(payload, dict) else None
    if not isinstance(definition, dict):
        return error_response(request, "bad_request", N_("The request could not be read."), 400)
    live = live_event(request)
    base = payload.get("base")
    if isinstance(base, str) and base and base != definition_digest(live.event):
        return error_response(
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
        return JSONResponse({"ok": False, "problems": problems_of(request, exc)}, status_code=422, headers=NO_STORE)
    return await apply_definition(request, source, "http:setup", reason_of(payload))


routes = [
    Route("/host/setup", setup_page),
    Route("/host/setup/event.json", event_json),
    Route("/host/setup/save", save, methods=["POST"]),
    *setup_import.routes,
]
