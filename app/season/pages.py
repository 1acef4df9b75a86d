"""The host's event list of a season folder (/events) and its forms: log in at folder level, open an
event's console or documents, choose the live event, archive (read-only) or reopen, create an event
(blank, copy, spreadsheet) and the next round of a finished one (preview first: who advances, who not).

Folder login (docs/security.md, "Several events in one folder"): the one-time link printed at start
(/events/login?key=...) or the folder password (`roadshow password FOLDER`). A folder host opens an
event's console through /events/open/<slug>, which hands over that event's own one-time login key in
a redirect: the key is never written into a page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .. import i18n
from ..domain.errors import DomainError
from ..eventfile import EventFileError
from ..i18n import N_
from ..media import Picture
from ..routes.common import choose_language, constant_time_equal, password_sign_in, render, same_origin
from ..routes.setup_common import read_body, replay
from ..spreadsheets import example_event
from ..spreadsheets.bounds import MAX_UPLOAD_BYTES
from ..spreadsheets.sandbox import ImportBusy, ImportTooCostly, read_upload_isolated
from . import host_file
from .creating import blank_definition, clean_title, create_database, new_database, retitled
from .dispatch import Season, reload_host_consoles
from .folder import FolderEntry
from .running import StartFailed, describe, start_event


def season_of(request: Request) -> Season:
    season: Season = request.app.state.season
    return season


def is_folder_host(request: Request) -> bool:
    held = host_file.read_host(season_of(request).folder)  # re-read: `roadshow password FOLDER` logs out
    session = request.session
    return held is not None and bool(session.get("season_host")) and session.get("epoch") == held.epoch


def _to_events(request: Request, note: str = "") -> RedirectResponse:
    return RedirectResponse("/events" + (f"?done={note}" if note else ""), status_code=303)


async def login(request: Request) -> Response:
    season = season_of(request)
    held = host_file.read_host(season.folder)
    if request.method == "GET":
        key = request.query_params.get("key")
        if key and held and constant_time_equal(key, request.app.state.login_key):
            _log_in(request, held.epoch)
            return _to_events(request)
        return render(request, "season_login.html", {"failed": bool(key), "locked": False})

    async def stored() -> str | None:
        return held.password_hash if held else None

    refused = await password_sign_in(request, "season_login.html", stored)
    if refused is not None:
        return refused
    assert held is not None  # a matching password needs a stored one
    _log_in(request, held.epoch)
    return _to_events(request)


def _log_in(request: Request, epoch: str) -> None:
    request.session.clear()
    request.session.update({"season_host": True, "epoch": epoch})


async def logout(request: Request) -> Response:
    if same_origin(request):
        request.session.clear()
    return RedirectResponse("/events/login", status_code=303)


async def no_live_event(request: Request) -> Response:
    """/ and the short URLs while no event is live."""
    return render(request, "season_none.html", {}, status_code=404 if request.url.path != "/" else 200)


async def event_list(request: Request) -> Response:
    if not is_folder_host(request):
        return RedirectResponse("/events/login", status_code=303)
    return _list_page(request)


def _list_page(
    request: Request, error: str = "", status_code: int = 200, form: dict[str, Any] | None = None
) -> Response:
    season = season_of(request)
    events = [describe(r) | {"live": r.slug == season.live_slug} for r in season.running.values()]
    events.sort(key=lambda e: (e["date"], e["slug"]))
    context = {
        "events": events,
        "broken": season.broken,
        "error": error,
        "done": request.query_params.get("done", "")[:40],
        "form": form or {},
        "max_upload_mb": MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "events.html", context, status_code=status_code)


def _guard(request: Request) -> Response | None:
    if not is_folder_host(request):
        return RedirectResponse("/events/login", status_code=303)
    if not same_origin(request):
        return Response("cross-site request refused", status_code=403)
    return None


def _error(request: Request, exc: DomainError | str, status: int = 400, form: dict[str, Any] | None = None) -> Response:
    language = choose_language(request)
    text = i18n.translate_error(language, exc.as_dict())["message"] if isinstance(exc, DomainError) else exc
    return _list_page(request, error=text, status_code=status, form=form)


async def open_event(request: Request) -> Response:
    """The folder host into an event's console or documents, with that event's one-time login key."""
    if not is_folder_host(request):
        return RedirectResponse("/events/login", status_code=303)
    running = season_of(request).running.get(request.path_params["slug"])
    if running is None:
        return Response("no such event", status_code=404)
    nxt = "&next=documents" if request.query_params.get("to") == "documents" else ""
    response = RedirectResponse(f"/e/{running.slug}/host/login?key={running.settings.host_login_key}{nxt}", 303)
    response.headers["cache-control"] = "no-store"
    return response


async def make_live(request: Request) -> Response:
    if refused := _guard(request):
        return refused
    season = season_of(request)
    slug = request.path_params["slug"]
    if slug != "-" and slug not in season.running:
        return Response("no such event", status_code=404)
    await season.set_live(None if slug == "-" else slug)
    return _to_events(request, "live")


async def archive(request: Request) -> Response:
    """Archive a finished event (read-only) or, with /reopen, undo it."""
    if refused := _guard(request):
        return refused
    running = season_of(request).running.get(request.path_params["slug"])
    if running is None:
        return Response("no such event", status_code=404)
    reopen = request.url.path.endswith("/reopen")
    if not reopen and running.live.state.ceremony is None:
        return _error(
            request,
            DomainError("not_finished", N_("Only a finished event (its award ceremony has started) can be archived.")),
            409,
        )
    await running.live.set_archived(not reopen)
    await reload_host_consoles(running, "the event was reopened" if reopen else "the event was archived")
    return _to_events(request, "reopened" if reopen else "archived")


async def create(request: Request) -> Response:
    """A new event: kind = blank | copy | spreadsheet."""
    if refused := _guard(request):
        return refused
    season = season_of(request)
    # read no further than the setup import does: the workbook and the multipart framing (docs/security.md)
    body = await read_body(request, MAX_UPLOAD_BYTES + 64 * 1024)
    if body is None:
        too_large = DomainError("too_large", N_("The file is larger than {mb} MB."), mb=MAX_UPLOAD_BYTES // 2**20)
        return _error(request, too_large, 413)
    try:
        form = await replay(request, body).form(max_files=1, max_fields=10)
    except Exception:
        return _error(request, DomainError("bad_request", N_("The request could not be read.")), 400)
    try:
        fields = {k: str(form.get(k, ""))[:300] for k in ("kind", "slug", "title", "source")}
        upload = form.get("file")
        data = await upload.read(MAX_UPLOAD_BYTES + 1) if isinstance(upload, UploadFile) else b""
        name = upload.filename or "" if isinstance(upload, UploadFile) else ""
    finally:
        await form.close()
    pictures: dict[str, Picture] = {}  # a copy's, from its source
    async with season.changing:  # one creation at a time: a slug is checked and taken in one step
        try:
            db = new_database(season.folder, fields["slug"].strip(), season.taken())
            title = clean_title(fields["title"])
            if fields["kind"] == "copy":
                source = season.running.get(fields["source"])
                if source is None:
                    raise DomainError("no_source", N_("Choose the event to copy."))
                stored = await source.live.store.get_meta("event_toml") or ""
                definition = retitled(stored, title)
                pictures = await source.live.store.all_media()
            elif fields["kind"] == "spreadsheet":
                definition = await _from_spreadsheet(name, data, title)
            else:
                definition = blank_definition(title)
            await create_database(db, definition, pictures, fields["source"])
        except DomainError as exc:
            return _error(request, exc, 400, fields)
        except EventFileError as exc:
            return _error(request, exc.report("zh" if choose_language(request) == "zh" else "en"), 422, fields)
        await _serve_new(season, db)
    return _to_events(request, "created")


async def _from_spreadsheet(name: str, data: bytes, title: str) -> str:
    if not data:
        raise DomainError("no_file", N_("Choose a file to import first."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError("too_large", N_("The file is larger than {mb} MB."), mb=MAX_UPLOAD_BYTES // 2**20)
    kind = "xlsx" if data[:4] == b"PK\x03\x04" else "csv"
    try:
        preview, _note = await read_upload_isolated(kind, name[:200], data, example_event())
    except ImportBusy:
        raise DomainError(
            "import_busy", N_("Another file is being checked right now: try again in a moment.")
        ) from None
    except ImportTooCostly:
        raise DomainError("import_too_costly", N_("The file could not be read as an event workbook.")) from None
    if not preview.ok or preview.toml is None:
        problems = "; ".join(p.message for p in preview.problems[:5])
        raise DomainError("import_problems", N_("The workbook has problems: {problems}"), problems=problems)
    return retitled(preview.toml, title)


async def _serve_new(season: Season, db: Path) -> None:
    entry = FolderEntry(db.stem, db, None)
    try:
        await season.add(await start_event(entry, season.base, season.assets, season.folder))
    except StartFailed as exc:  # listed with its error, as at start
        from .running import BrokenEvent

        season.broken.append(BrokenEvent(entry.slug, db.name, str(exc)))


routes = [
    Route("/events", event_list),
    Route("/events/login", login, methods=["GET", "POST"]),
    Route("/events/logout", logout, methods=["POST"]),
    Route("/events/new", create, methods=["POST"]),
    Route("/events/open/{slug}", open_event),
    Route("/events/{slug}/live", make_live, methods=["POST"]),
    Route("/events/{slug}/archive", archive, methods=["POST"]),
    Route("/events/{slug}/reopen", archive, methods=["POST"]),
]
