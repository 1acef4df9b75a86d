"""Pictures over HTTP (issue 16): the host uploads or removes them in setup; anyone reads them (the
board and the audience page show them). Checks and re-encoding: app/media.py; storage: the
database (app/media_store.py); limits: docs/security.md, "Pictures".

An upload is the picture itself as the request body (`fetch(url, {method: "POST", body: file})`),
read no further than the size limit. Whatever is refused changes nothing.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..domain.media import media_url, slot_exists
from ..i18n import N_
from ..media import MAX_UPLOAD_BYTES, MediaError, process, slot_kind
from .common import is_host, live_event
from .setup_common import NO_STORE, error_response, read_body, refuse_unless_host


def _slot(request: Request) -> str | None:
    slot = request.path_params["slot"]
    return slot if slot_kind(slot) and slot_exists(live_event(request).event, slot) else None


async def upload(request: Request) -> Response:
    if refused := refuse_unless_host(request):
        return refused
    slot = _slot(request)
    if slot is None:
        return error_response(request, "unknown_slot", N_("There is no such picture to set."), 404)
    body = await read_body(request, MAX_UPLOAD_BYTES)
    try:
        if body is None:
            raise MediaError("too_large", N_("The picture is larger than {mb} MB."), 413, mb=MAX_UPLOAD_BYTES // 2**20)
        kind = slot_kind(slot) or "project"
        picture = await run_in_threadpool(process, body, kind)
    except MediaError as exc:
        return error_response(request, exc.code, exc.message, exc.status, **exc.params)
    live = live_event(request)
    await live.set_picture(slot, picture, connection="http:media")
    answer = {
        "ok": True,
        "slot": slot,
        "url": media_url(live.state, slot),
        "width": picture.width,
        "height": picture.height,
    }
    return JSONResponse(answer, headers=NO_STORE)


async def remove(request: Request) -> Response:
    if refused := refuse_unless_host(request):
        return refused
    slot = _slot(request)
    if slot is None:
        return error_response(request, "unknown_slot", N_("There is no such picture to set."), 404)
    live = live_event(request)
    if slot in live.state.media:
        await live.set_picture(slot, None, connection="http:media")
    return JSONResponse({"ok": True, "slot": slot, "url": None}, headers=NO_STORE)


async def picture(request: Request) -> Response:
    """A stored picture; cached for good under its versioned URL (?v= its digest), else revalidated."""
    found = await live_event(request).store.get_media(request.path_params["slot"])
    if found is None:
        return Response(status_code=404, headers=NO_STORE)
    mime, digest, data = found
    etag = f'"{digest[:32]}"'
    versioned = request.query_params.get("v") == digest[:16]
    headers = {
        "etag": etag,
        "cache-control": "public, max-age=31536000, immutable" if versioned else "no-cache",
        "x-content-type-options": "nosniff",
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=mime, headers=headers)


async def listing(request: Request) -> Response:
    """For the setup page: every picture slot of the event, what it is for, and its picture now."""
    if not is_host(request):
        return error_response(
            request, "unauthorized", N_("Not logged in as host, or the session expired: log in again."), 401
        )
    live = live_event(request)
    event = live.event
    slots = [("logo", "logo", ""), ("sponsors", "sponsors", "")]
    slots += [(f"project:{p.id}", "project", p.title) for p in event.projects]
    slots += [(f"judge:{j.id}", "judge", j.name) for j in event.judges]
    items = [{"slot": s, "kind": k, "name": n, "url": media_url(live.state, s)} for s, k, n in slots]
    return JSONResponse({"slots": items}, headers=NO_STORE)


routes = [
    Route("/host/setup/media.json", listing),
    Route("/host/setup/media/{slot}", upload, methods=["POST"]),
    Route("/host/setup/media/{slot}/remove", remove, methods=["POST"]),
    Route("/media/{slot}", picture),
]
