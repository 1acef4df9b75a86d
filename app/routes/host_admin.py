"""Host-only HTTP actions: reissue a judge's link; view (paginated), verify and export the audit log.

Every state-changing request needs the host session and a same-origin Origin/Referer (CSRF).
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import i18n
from ..audit_chain import Anchor, Verdict, parse_head
from ..chain_check import verify_database
from ..domain.errors import DomainError
from ..domain.text import csv_cell
from ..live import LiveEvent
from ..store import JournalEntry
from .common import choose_language, is_host, live_event, redirect, render, same_origin

NO_STORE = {"cache-control": "no-store"}


def _deny(request: Request) -> Response | None:
    if not is_host(request):
        return redirect(request, "/host/login")
    return None


async def reissue(request: Request) -> Response:
    if not is_host(request):
        return JSONResponse({"ok": False, "error": "log in as host"}, status_code=401)
    if not same_origin(request):
        return JSONResponse({"ok": False, "error": "cross-site request refused"}, status_code=403)
    live = live_event(request)
    judge = request.path_params["judge"]
    if live.event.judge(judge) is None:
        return JSONResponse({"ok": False, "error": "no such judge"}, status_code=404)
    try:
        await live.revoke_link(judge)
    except DomainError as exc:  # archived: read-only
        error = i18n.translate_error(choose_language(request), exc.as_dict())
        return JSONResponse({"ok": False, "error": error}, status_code=409)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"ok": True, "judge": judge})
    return redirect(request, "/host#links")


async def backup_now(request: Request) -> Response:
    """An on-demand consistent copy (SQLite online backup) into the backup folder."""
    if not is_host(request):
        return JSONResponse({"ok": False, "error": "log in as host"}, status_code=401)
    if not same_origin(request):
        return JSONResponse({"ok": False, "error": "cross-site request refused"}, status_code=403)
    live = live_event(request)
    settings = request.app.state.settings
    folder = Path(settings.backup_dir or Path(settings.db_path).resolve().parent / "backups")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = await live.store.backup(folder / f"{Path(settings.db_path).stem}-{stamp}.db")
    return JSONResponse({"ok": True, "path": str(path)})


AUDIT_PAGE_SIZE = 200  # rows per page of /host/audit by default ...
MAX_AUDIT_PAGE_SIZE = 500  # ... and at most (docs/security.md): a page renders in a few milliseconds
CSV_CHUNK_ROWS = 1000  # audit.csv is read and sent this many rows at a time
AUDIT_CSV_FIELDS = ["seq", "time", "actor", "kind", "data", "command_id", "connection", "hash"]


def audit_rows(live: LiveEvent, entries: list[JournalEntry]) -> list[dict[str, object]]:
    names = {j.id: j.name for j in live.event.judges}
    rows = []
    for entry in entries:
        actor = entry.actor
        if actor.startswith("judge:"):
            actor = f"{names.get(actor[6:], actor[6:])} ({actor})"
        rows.append(
            {
                "seq": entry.seq,
                "time": datetime.fromtimestamp(entry.at, UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S.%f")[:-3],
                "actor": actor,
                "kind": entry.kind,
                "data": orjson.dumps(entry.data).decode(),
                "command_id": entry.command_id or "",
                "connection": entry.connection or "",
                "hash": entry.hash,
            }
        )
    return rows


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.query_params.get(name, default))
    except ValueError:
        return default
    return min(max(value, low), high)


def _anchor_param(request: Request) -> Anchor | None:
    """?head=...&length=...: an anchor typed from a printed document (both or neither)."""
    head, length = request.query_params.get("head"), request.query_params.get("length")
    if head is None and length is None:
        return None
    if head is None or length is None or not length.isdigit():
        raise ValueError("give both head and length (as printed)")
    return Anchor(int(length), parse_head(head))


async def _verify(live: LiveEvent, anchor: Anchor | None = None) -> Verdict:
    """The whole chain, checked in a worker thread on its own read-only connection: the event loop
    (judges' acknowledgements) does not wait for a long journal to be hashed."""
    return await run_in_threadpool(verify_database, live.store.path, anchor)


async def audit_verify(request: Request) -> Response:
    """GET /host/audit/verify[?head=H&length=N] -> {ok, length, head, first_bad_seq, reason, notes}."""
    if not is_host(request):
        return JSONResponse({"ok": False, "error": "log in as host"}, status_code=401, headers=NO_STORE)
    try:
        anchor = _anchor_param(request)
    except ValueError as exc:
        return JSONResponse({"ok": False, "error": str(exc)}, status_code=400, headers=NO_STORE)
    verdict = await _verify(live_event(request), anchor)
    return JSONResponse(verdict.as_dict(), headers=NO_STORE)


async def audit(request: Request) -> Response:
    """One page of the audit log, newest first: rows with seq <= `from` (default: the newest), at
    most `size` of them. The first page also checks the whole chain (in a worker thread)."""
    denied = _deny(request)
    if denied:
        return denied
    live = live_event(request)
    size = _int_param(request, "size", AUDIT_PAGE_SIZE, 1, MAX_AUDIT_PAGE_SIZE)
    last = live.store.anchor.length
    top = _int_param(request, "from", last, 1, max(last, 1))
    entries = await live.store.journal_page(after=top, limit=size, newest_first=True)
    verdict = await _verify(live) if top >= last else None
    older = entries[-1].seq - 1 if entries and entries[-1].seq > 1 else None
    newer = min(top + size, last) if top < last else None
    context = {
        "rows": audit_rows(live, entries),
        "verdict": verdict,
        "anchor": live.store.anchor,
        "size": size,
        "older": older,
        "newer": newer,
    }
    response = render(request, "audit.html", context)
    response.headers.update(NO_STORE)
    return response


async def audit_csv(request: Request) -> Response:
    """Every row, oldest first, read and sent in chunks (never the whole journal in memory), then a
    last line with the anchor of the rows sent."""
    denied = _deny(request)
    if denied:
        return denied
    live = live_event(request)

    async def chunks() -> AsyncIterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(AUDIT_CSV_FIELDS)
        yield "\ufeff" + buffer.getvalue()  # BOM: Excel opens UTF-8 CSV with Chinese text correctly only with it
        after, last_hash = 0, ""
        while True:
            entries = await live.store.journal_page(after=after, limit=CSV_CHUNK_ROWS)
            if not entries:
                break
            buffer.seek(0)
            buffer.truncate()
            for row in audit_rows(live, entries):
                writer.writerow([csv_cell(row[k]) for k in AUDIT_CSV_FIELDS])
            after, last_hash = entries[-1].seq, entries[-1].hash
            yield buffer.getvalue()
        yield f"# {Anchor.of(after, last_hash).describe()}\r\n"

    return StreamingResponse(
        chunks(),
        media_type="text/csv; charset=utf-8",
        headers=NO_STORE | {"content-disposition": 'attachment; filename="roadshow-audit.csv"'},
    )


routes = [
    Route("/host/judges/{judge}/reissue", reissue, methods=["POST"]),
    Route("/host/backup", backup_now, methods=["POST"]),
    Route("/host/audit", audit),
    Route("/host/audit.csv", audit_csv),
    Route("/host/audit/verify", audit_verify),
]
