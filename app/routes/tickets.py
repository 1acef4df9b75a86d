"""The audience vote's one-time tickets (`[audience] tickets = true`): the host issues them and prints
them as QR slips, like the judge cards. Host only; issuing is a same-origin POST."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import i18n
from ..domain.errors import DomainError
from .common import choose_language, is_host, live_event, redirect, render, same_origin
from .pages import _qr_svg, public_base

SLIPS_PER_PAGE = 100  # slips rendered by one print page (?page=2 for the next): each is an inline SVG (~10 ms)


async def issue(request: Request) -> Response:
    if not is_host(request):
        return JSONResponse({"ok": False, "error": "log in as host"}, status_code=401)
    if not same_origin(request):
        return JSONResponse({"ok": False, "error": "cross-site request refused"}, status_code=403)
    live = live_event(request)
    if live.votes is None or not live.event.audience.tickets:
        error = {"code": "tickets_off", "message": "This event's vote does not use tickets."}
        return JSONResponse({"ok": False, "error": i18n.translate_error(choose_language(request), error)}, 409)
    form = await request.form()
    count = str(form.get("count", "")).strip()
    try:
        live.refuse_if_archived()
        codes = await live.votes.issue_tickets(int(count) if count.isascii() and count.isdigit() else 0)
    except DomainError as exc:
        return JSONResponse({"ok": False, "error": i18n.translate_error(choose_language(request), exc.as_dict())}, 400)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse({"ok": True, "issued": len(codes), "codes": codes})
    return redirect(request, "/host/tickets")


async def slips(request: Request) -> Response:
    """A printable sheet of ticket slips: a QR code that opens the vote with the code filled in, and
    the code to type."""
    if not is_host(request):
        return redirect(request, "/host/login")
    live = live_event(request)
    tickets = await live.votes.tickets() if live.votes is not None else []
    page = request.query_params.get("page", "1")
    number = int(page) if page.isascii() and page.isdigit() and int(page) > 0 else 1
    shown = tickets[(number - 1) * SLIPS_PER_PAGE : number * SLIPS_PER_PAGE]
    base = public_base(request)
    slips = [
        {"code": code, "used": used, "qr": _qr_svg(f"{base}/board?audience=1&ticket={code}", 3)} for code, used in shown
    ]
    context = {
        "slips": slips,
        "total": len(tickets),
        "used": sum(1 for _, used in tickets if used),
        "page": number,
        "more": len(tickets) > number * SLIPS_PER_PAGE,
        "vote_url": f"{base}/board?audience=1",
        "enabled": live.event.audience.tickets,
    }
    return render(request, "tickets.html", context)


routes = [
    Route("/host/tickets", slips, methods=["GET"]),
    Route("/host/tickets", issue, methods=["POST"]),
]
