"""Server-rendered pages: landing, board, judge phone, host console and host login."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import segno
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..security import verify_password
from .common import constant_time_equal, is_host, live_event, render, same_origin

LOGIN_ATTEMPTS_PER_MINUTE = 10
_login_failures: dict[str, list[float]] = {}


async def index(request: Request) -> HTMLResponse:
    return render(request, "index.html", {"is_host": is_host(request)})


async def board(request: Request) -> HTMLResponse:
    # ?audience=1 is the phone view of the same stream (portrait layout, no welcome QR code)
    return render(
        request,
        "board.html",
        {
            "audience": request.query_params.get("audience") == "1",
            "join_qr": _qr_svg(public_base(request) + "/board?audience=1", 6),
            # typed in the corner of every scene: a phone opening /board gets the audience layout
            "join_url": (public_base(request) + "/board").split("://", 1)[-1],
        },
        page="board",
    )


async def judge(request: Request) -> HTMLResponse:
    token = request.path_params["token"]
    live = live_event(request)
    judge_id = live.judge_for_token(token)
    if judge_id is None:
        return render(request, "error.html", {"error_kind": "bad_token"}, status_code=404)
    j = live.event.judge(judge_id)
    return render(request, "judge.html", {"judge": j, "token": token}, page="judge")


PIN_FAILURES_BEFORE_LOCKOUT = 5
PIN_LOCKOUT_SECONDS = 600
_pin_failures: dict[int, list[float]] = {}


async def pin_login(request: Request) -> Response:
    """The typing fallback: judge number + 6-digit PIN -> the judge's personal page.
    Five wrong PINs for one judge number lock that number for ten minutes."""
    live = live_event(request)
    if request.method == "GET":
        return render(request, "pin.html", {"state": None, "judge_count": len(live.event.judges)})
    if not same_origin(request):
        return render(request, "pin.html", {"state": "failed", "judge_count": len(live.event.judges)}, 403)
    form = await request.form()
    try:
        number = int(str(form.get("judge", "")).strip())
    except ValueError:
        number = 0
    pin = str(form.get("pin", "")).strip()[:12]
    now = time.monotonic()
    recent = [t for t in _pin_failures.get(number, []) if now - t < PIN_LOCKOUT_SECONDS]
    _pin_failures[number] = recent
    context = {"judge_count": len(live.event.judges)}
    if len(recent) >= PIN_FAILURES_BEFORE_LOCKOUT:
        return render(request, "pin.html", context | {"state": "locked"}, status_code=429)
    judge_id = live.judge_for_pin(number, pin)
    if judge_id is None:
        recent.append(now)
        return render(request, "pin.html", context | {"state": "failed"}, status_code=401)
    _pin_failures.pop(number, None)
    return RedirectResponse(f"/judge/{live.token_for(judge_id)}", status_code=303)


def _judge_cards(request: Request, qr_scale: int) -> list[dict[str, object]]:
    """Each judge's personal link, its QR code, and the number + PIN fallback (host pages only)."""
    live = live_event(request)
    base = public_base(request)
    cards = []
    for number, j in enumerate(live.event.judges, start=1):
        url = f"{base}/judge/{live.token_for(j.id)}"
        cards.append(
            {
                "id": j.id,
                "name": j.name,
                "title": j.title,
                "url": url,
                "qr": _qr_svg(url, qr_scale),
                "number": number,
                "pin": live.pins.get(j.id, ""),
            }
        )
    return cards


async def host(request: Request) -> Response:
    if not is_host(request):
        return RedirectResponse("/host/login", status_code=303)
    base = public_base(request)
    context = {"judges": _judge_cards(request, 3), "board_url": f"{base}/board", "pin_url": f"{base}/j"}
    return render(request, "host.html", context, page="host")


async def host_links(request: Request) -> Response:
    """A printable sheet of every judge's personal QR code."""
    if not is_host(request):
        return RedirectResponse("/host/login", status_code=303)
    base = public_base(request)
    judges = _judge_cards(request, 5)
    return render(request, "links.html", {"judges": judges, "pin_url": f"{base}/j"})


async def login(request: Request) -> Response:
    live = live_event(request)
    settings = request.app.state.settings
    if request.method == "GET":
        key = request.query_params.get("key")
        if key and constant_time_equal(key, settings.host_login_key):
            _log_in(request, live.host_epoch)
            return RedirectResponse("/host", status_code=303)
        return render(request, "login.html", {"failed": bool(key), "locked": False})
    if not same_origin(request):
        return render(request, "login.html", {"failed": True, "locked": False}, status_code=403)
    client = request.client.host if request.client else "?"
    now = time.monotonic()
    recent = [t for t in _login_failures.get(client, []) if now - t < 60]
    _login_failures[client] = recent
    if len(recent) >= LOGIN_ATTEMPTS_PER_MINUTE:
        return render(request, "login.html", {"failed": True, "locked": True}, status_code=429)
    form = await request.form()
    password = str(form.get("password", ""))[:200]
    stored = await live.store.get_meta("host_password_hash")
    if stored and verify_password(password, stored):
        _login_failures.pop(client, None)
        _log_in(request, live.host_epoch)
        return RedirectResponse("/host", status_code=303)
    recent.append(now)
    return render(request, "login.html", {"failed": True, "locked": False}, status_code=401)


def _log_in(request: Request, epoch: str) -> None:
    request.session.clear()
    request.session.update({"host": True, "epoch": epoch})


async def logout(request: Request) -> Response:
    if same_origin(request):
        request.session.clear()
    return RedirectResponse("/", status_code=303)


def public_base(request: Request) -> str:
    """The address phones should use. Opened as localhost on the laptop itself, the page still
    has to hand out the venue-network address (Settings.public_url) in links and QR codes."""
    settings = request.app.state.settings
    host = urlsplit(str(request.base_url)).hostname or ""
    if settings.public_url and host in ("localhost", "127.0.0.1", "::1"):
        return settings.public_url.rstrip("/")
    return str(request.base_url).rstrip("/")


def _qr_svg(url: str, scale: int) -> str:
    # segno writes a self-contained <svg>; the URL is ours (host + 128-bit url-safe token).
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#111", light="#fff", omitsize=True)


async def favicon(request: Request) -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=301)


routes = [
    Route("/", index),
    Route("/favicon.ico", favicon),
    Route("/board", board),
    Route("/judge/{token}", judge),
    Route("/j", pin_login, methods=["GET", "POST"]),
    Route("/host", host),
    Route("/host/links", host_links),
    Route("/host/login", login, methods=["GET", "POST"]),
    Route("/host/logout", logout, methods=["POST"]),
]
