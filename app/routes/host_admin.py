"""Host-only HTTP actions: reissue a judge's link, view and export the audit log.

Every state-changing request needs the host session and a same-origin Origin/Referer (CSRF).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from ..domain.text import csv_cell
from .common import is_host, live_event, render, same_origin


def _deny(request: Request) -> Response | None:
    if not is_host(request):
        return RedirectResponse("/host/login", status_code=303)
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
    await live.revoke_link(judge)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"ok": True, "judge": judge})
    return RedirectResponse("/host#links", status_code=303)


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


async def audit_rows(request: Request) -> list[dict[str, object]]:
    live = live_event(request)
    names = {j.id: j.name for j in live.event.judges}
    rows = []
    for entry in await live.store.journal():
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


async def audit(request: Request) -> Response:
    denied = _deny(request)
    if denied:
        return denied
    live = live_event(request)
    try:
        verified = await live.store.verify_chain()
        chain_ok = True
    except Exception:
        verified, chain_ok = 0, False
    return render(
        request, "audit.html", {"rows": await audit_rows(request), "chain_ok": chain_ok, "verified": verified}
    )


async def audit_csv(request: Request) -> Response:
    denied = _deny(request)
    if denied:
        return denied
    buffer = io.StringIO()
    fields = ["seq", "time", "actor", "kind", "data", "command_id", "connection", "hash"]
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    for row in await audit_rows(request):
        writer.writerow({k: csv_cell(str(v)) for k, v in row.items()})
    # BOM: Excel opens UTF-8 CSV with Chinese text correctly only with it
    return Response(
        "\ufeff" + buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="roadshow-audit.csv"'},
    )


routes = [
    Route("/host/judges/{judge}/reissue", reissue, methods=["POST"]),
    Route("/host/backup", backup_now, methods=["POST"]),
    Route("/host/audit", audit),
    Route("/host/audit.csv", audit_csv),
]
