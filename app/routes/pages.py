"""Server-rendered pages: landing, board, judge phone, host console and host login."""

from __future__ import annotations

import functools
import math
import re

import segno
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ..assets import gzip_public_page
from ..links import links_base
from ..sessions import end_host_sessions
from ..signin import SignInLimits
from ..voter_ids import VOTER_COOKIE, VOTER_COOKIE_AGE, VoterIds
from .common import (
    client_address,
    constant_time_equal,
    event_prefix,
    is_host,
    live_event,
    no_store,
    password_sign_in,
    redirect,
    render,
    request_origin,
    same_origin,
    url_base,
)


async def index(request: Request) -> HTMLResponse:
    return render(request, "index.html", {"is_host": is_host(request)})


async def board(request: Request) -> Response:
    # ?audience=1 is the phone view of the same stream (portrait layout, no welcome QR code)
    audience = request.query_params.get("audience") == "1"
    voter = _voter(request) if audience and live_event(request).event.audience.enabled else None
    response = render(
        request,
        "board.html",
        {
            "audience": audience,
            "join_qr": _qr_svg(_hall_base(request) + "/board?audience=1", 6),
            # typed in the corner of every scene: a phone opening /board gets the audience layout
            "join_url": (_hall_base(request) + "/board").split("://", 1)[-1],
            # the page is gzipped (below): it must hold no text a visitor chooses next to the voter id
            # (BREACH), so a ticket slip's `?ticket=` is read by the page's script, not rendered here
            "voter": voter,
        },
        page="board",
    )
    if voter is not None:
        settings = request.app.state.settings
        response.set_cookie(
            VOTER_COOKIE, voter, max_age=VOTER_COOKIE_AGE, httponly=True, samesite="lax", secure=settings.secure_cookies
        )
    return gzip_public_page(response, request.headers.get("accept-encoding", ""))  # a hall of phones (app/assets.py)


async def overlay(request: Request) -> HTMLResponse:
    """The livestream overlay (OBS browser source): transparent, the board's stream (README)."""
    return render(request, "overlay.html", {}, page="overlay")


def _voter(request: Request) -> str:
    """This phone's signed voter id: the one its cookie holds, or a new one (the page keeps a copy in
    local storage too and prefers it: a cleared cookie alone does not make a new voter)."""
    ids: VoterIds = request.app.state.voter_ids
    held = request.cookies.get(VOTER_COOKIE)
    return held if held and ids.voter(held) is not None else ids.new()


async def judge(request: Request) -> HTMLResponse:
    token = request.path_params["token"]
    live = live_event(request)
    judge_id = live.judge_for_token(token)
    if judge_id is None:
        return render(request, "error.html", {"error_kind": "bad_token"}, status_code=404)
    j = live.event.judge(judge_id)
    return render(request, "judge.html", {"judge": j, "token": token}, page="judge")


async def pin_login(request: Request) -> Response:
    """The typing fallback: judge number + 6-digit PIN -> the judge's personal page.
    Attempts are limited per client address and per (address, judge number), counted before the
    PIN is checked and kept across restarts (app/signin.py)."""
    live = live_event(request)
    context = {"judge_count": len(live.event.judges)}
    if request.method == "GET":
        return render(request, "pin.html", context | {"state": None})
    if not same_origin(request):
        return render(request, "pin.html", context | {"state": "failed"}, 403)
    form = await request.form()
    number_text = str(form.get("judge", "")).strip()
    pin = str(form.get("pin", "")).strip()
    # ASCII digits only: int() and str.isdigit() also take other scripts' digits ("٣", "²")
    number = int(number_text) if _ASCII_NUMBER.fullmatch(number_text) else 0
    limits: SignInLimits = request.app.state.signin
    wait_seconds = await limits.pin_attempt(live.store, client_address(request), number)
    if wait_seconds:
        # The page names the real wait (whole minutes, rounded up) and so does Retry-After.
        locked = context | {"state": "locked", "wait_minutes": max(1, math.ceil(wait_seconds / 60))}
        response = render(request, "pin.html", locked, status_code=429)
        response.headers["Retry-After"] = str(math.ceil(wait_seconds))
        return response
    if not number or not _PIN.fullmatch(pin):
        return render(request, "pin.html", context | {"state": "invalid"}, status_code=400)
    judge_id = live.judge_for_pin(number, pin)
    if judge_id is None:
        return render(request, "pin.html", context | {"state": "failed"}, status_code=401)
    return no_store(RedirectResponse(f"{event_prefix(request)}/judge/{live.token_for(judge_id)}", status_code=303))


_ASCII_NUMBER = re.compile(r"[0-9]{1,4}")
_PIN = re.compile(r"[0-9]{6}")


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
        return redirect(request, "/host/login")
    base = public_base(request)
    context = {"judges": _judge_cards(request, 3), "board_url": f"{base}/board", "pin_url": f"{base}/j"}
    return render(request, "host.html", context, page="host")


async def host_links(request: Request) -> Response:
    """A printable sheet of every judge's personal QR code."""
    if not is_host(request):
        return redirect(request, "/host/login")
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
            # a season's event list opens an event's documents this way too (app/season/pages.py)
            return redirect(request, "/host/documents" if request.query_params.get("next") == "documents" else "/host")
        return render(request, "login.html", {"failed": bool(key), "locked": False})
    refused = await password_sign_in(request, "login.html", lambda: live.store.get_meta("host_password_hash"))
    if refused is not None:
        return refused
    _log_in(request, live.host_epoch)
    return redirect(request, "/host")


def _log_in(request: Request, epoch: str) -> None:
    request.session.clear()
    request.session.update({"host": True, "epoch": epoch})


async def logout(request: Request) -> Response:
    """Ends every host session (a copied cookie too) and closes the host sockets (app/sessions.py)."""
    if same_origin(request):
        if is_host(request):
            await end_host_sessions(live_event(request))
        request.session.clear()
    return redirect(request, "/")


def public_base(request: Request) -> str:
    """The base of the links and QR codes this page hands out (one rule for all: app/links.py), with the
    event's permanent prefix in a season: a printed judge link keeps opening this event."""
    settings = request.app.state.settings
    return links_base(settings.public_url, settings.lan_url, request_origin(request)) + event_prefix(request)


def _hall_base(request: Request) -> str:
    """The board's own join link: below the address the board was opened with, so the live event's
    board on the season's short URL (/board) shows the short audience URL too."""
    settings = request.app.state.settings
    return links_base(settings.public_url, settings.lan_url, request_origin(request)) + url_base(request)


@functools.lru_cache(maxsize=64)
def _qr_svg(url: str, scale: int) -> str:
    """Cached by (URL, scale): /board would otherwise draw the same code (~7 ms) on every request.
    64 entries: the board's and each judge's codes, with room for a few host names."""
    # segno writes a self-contained <svg>; the URL is ours (host + 128-bit url-safe token).
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#111", light="#fff", omitsize=True)


async def favicon(request: Request) -> Response:
    return RedirectResponse(url_base(request) + "/static/favicon.svg", status_code=301)


routes = [
    Route("/", index),
    Route("/favicon.ico", favicon),
    Route("/board", board),
    Route("/overlay", overlay),
    Route("/judge/{token}", judge),
    Route("/j", pin_login, methods=["GET", "POST"]),
    Route("/host", host),
    Route("/host/links", host_links),
    Route("/host/login", login, methods=["GET", "POST"]),
    Route("/host/logout", logout, methods=["POST"]),
]
