"""What the setup area's routes share (app/routes/setup.py, setup_import.py, media.py, and the season's
event list, app/season/pages.py): the host-only guard, JSON errors in the page's language, bounded
request bodies, and applying a new definition to the live event."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import i18n
from ..domain.errors import DomainError
from ..domain.models import Event
from ..eventfile import EventFileError
from ..eventfile_export import event_to_data, event_to_toml
from ..i18n import N_
from ..live import ARCHIVED_MESSAGE, LiveEvent
from .common import choose_language, is_host, live_event, same_origin

NO_STORE = {"cache-control": "no-store"}


def translator(request: Request):
    return i18n.gettext_for(choose_language(request))


def error_response(request: Request, code: str, message: str, status: int, **params: Any) -> JSONResponse:
    _ = translator(request)
    text = _(message)
    if params:
        text = text.format(**params)
    return JSONResponse({"ok": False, "error": {"code": code, "message": text}}, status_code=status, headers=NO_STORE)


def refuse_unless_host(request: Request) -> Response | None:
    """Host session and same origin, for every POST here."""
    if not is_host(request):
        message = N_("Not logged in as host, or the session expired: log in again.")
        return error_response(request, "unauthorized", message, 401)
    if not same_origin(request):
        return error_response(request, "cross_site", N_("Cross-site request refused."), 403)
    if live_event(request).archived:  # a season's finished event (app/season/): read-only
        return error_response(request, "archived", ARCHIVED_MESSAGE, 409)
    return None


async def read_body(request: Request, limit: int) -> bytes | None:
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


def replay(request: Request, body: bytes) -> Request:
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


async def setup_state(live: LiveEvent) -> dict[str, Any]:
    used = await usage(live)
    return {
        "definition": event_to_data(live.event),
        "base": definition_digest(live.event),
        "scoring_started": used.scoring_started,
        "in_use": {"projects": used.projects, "judges": used.judges},
    }


def problems_of(request: Request, exc: EventFileError) -> list[dict[str, Any]]:
    """Each problem in the page's language; the field path and the values quoted from the definition
    stay as they are (the page shows them as text)."""
    language = choose_language(request)
    return [{"field": field, "line": line, "message": message} for field, line, message in exc.translated(language)]


def reason_of(payload: Any) -> str:
    """The host's reason for an edit (required once scoring has begun; LiveEvent.update_event checks)."""
    reason = payload.get("reason") if isinstance(payload, dict) else None
    return reason if isinstance(reason, str) else ""


async def apply_definition(request: Request, source: str, connection: str, reason: str = "") -> JSONResponse:
    live = live_event(request)
    try:
        await live.update_event(source, connection=connection, reason=reason)
    except EventFileError as exc:
        return JSONResponse({"ok": False, "problems": problems_of(request, exc)}, status_code=422, headers=NO_STORE)
    except DomainError as exc:
        error = i18n.translate_error(choose_language(request), exc.as_dict())
        return JSONResponse({"ok": False, "error": error}, status_code=409, headers=NO_STORE)
    return JSONResponse({"ok": True, **await setup_state(live)}, headers=NO_STORE)
