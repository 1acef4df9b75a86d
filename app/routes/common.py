"""Helpers shared by the HTTP routes: language choice, rendering, host session, same-origin checks."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from .. import i18n
from ..live import LiveEvent
from ..security import MAX_PASSWORD_CHARS

LANG_COOKIE = "roadshow_lang"


def live_event(conn: HTTPConnection) -> LiveEvent:
    return conn.app.state.live


def choose_language(conn: HTTPConnection) -> str:
    """?lang= beats the cookie, which beats the event's default; the browser's Accept-Language is
    only used when the event sets none (the event's language is the organiser's choice)."""
    requested = i18n.normalize_language(conn.query_params.get("lang"))
    if requested:
        return requested
    cookie = i18n.normalize_language(conn.cookies.get(LANG_COOKIE))
    if cookie:
        return cookie
    live: LiveEvent | None = getattr(conn.app.state, "live", None)
    if live is not None:
        return live.event.language
    return i18n.from_accept_language(conn.headers.get("accept-language")) or i18n.DEFAULT_LANGUAGE


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200, page: str | None = None
) -> HTMLResponse:
    language = choose_language(request)
    env = request.app.state.templates[language]
    nonce = request.scope.get("state", {}).get("csp_nonce", "")
    prefix = url_base(request)
    assets = getattr(request.app.state, "assets", None)
    base = {
        "request": request,
        # every link a template writes starts with it: "" alone, "/e/<slug>" in a season (app/season/)
        "base": prefix,
        # the event's own prefix, whatever address the page was opened under: browser-stored keys use it
        "event_key": event_prefix(request),
        "lang": language,
        "html_lang": "zh-Hans" if language == "zh" else "en",
        "nonce": nonce,
        "js_strings": i18n.js_strings(language, page),
        "path": request.url.path,
    }
    if assets is not None:  # the versioned file URLs, below this request's prefix
        base["asset_url"] = lambda name: prefix + assets.url(name)
    live: LiveEvent | None = getattr(request.app.state, "live", None)
    if live is not None:
        base["event"] = live.event
        base["archived"] = live.archived  # a season's finished event: pages say it is read-only
    html = env.get_template(name).render(base | context)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") and i18n.normalize_language(request.query_params.get("lang")):
        response.set_cookie(LANG_COOKIE, language, max_age=365 * 24 * 3600, samesite="lax")
    return response


def url_base(conn: HTTPConnection) -> str:
    """The prefix this request came in under (ASGI root_path): "" for a server of one event, "/e/<slug>"
    for an event of a season folder, "" again for the season's live event on its short URLs. Every
    link, redirect, fetch and socket a page makes starts with it, so the page stays where it was opened."""
    root: str = conn.scope.get("root_path", "")
    return root.rstrip("/")


def event_prefix(conn: HTTPConnection) -> str:
    """The event's own, permanent prefix ("" alone, "/e/<slug>" in a season): printed links and QR
    codes use it, so a judge's link keeps opening this event after another one becomes the live one."""
    return str(getattr(conn.app.state.settings, "url_prefix", "") or "")


def redirect(conn: HTTPConnection, path: str) -> RedirectResponse:
    """A 303 to one of this event's pages (`path` from the event's root, e.g. "/host/login")."""
    return RedirectResponse(url_base(conn) + path, status_code=303)


def is_host(conn: HTTPConnection) -> bool:
    session = conn.session
    epoch = conn.app.state.live.host_epoch if hasattr(conn.app.state, "live") else None
    return bool(session.get("host")) and session.get("epoch") == epoch


def same_origin(request: Request) -> bool:
    """CSRF defence for state-changing requests: the browser's Origin (or Referer) must be us.
    Browsers also say so directly with Sec-Fetch-Site, which a cross-site page cannot forge."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("origin") or request.headers.get("referer")
    host = request.headers.get("host", "")
    if not origin:
        return False
    from urllib.parse import urlsplit

    return urlsplit(origin).netloc.lower() == host.lower()


def client_address(conn: HTTPConnection) -> str:
    """The client's IP address. Behind a reverse proxy this is the proxy's, unless the proxy is
    listed with --trusted-proxy (uvicorn then takes the client from X-Forwarded-For)."""
    return conn.client.host if conn.client else "?"


def no_store(response: Response) -> Response:
    """Pages and redirects that carry judge tokens, PINs or the audit log: no browser or proxy cache
    may keep a copy (a shared phone's back button, a caching proxy)."""
    response.headers["cache-control"] = "no-store"
    return response


def request_origin(conn: HTTPConnection) -> str:
    """scheme://host:port this request was made to, as the Host allowlist matched it (app/hostcheck.py;
    rebuilt from parsed parts, never the raw header)."""
    netloc = conn.scope.get("state", {}).get("allowed_host")
    if not netloc:
        return str(conn.base_url).rstrip("/")
    return f"{conn.url.scheme}://{netloc}"


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


async def password_sign_in(
    request: Request, template: str, password_hash: Callable[[], Awaitable[str | None]]
) -> Response | None:
    """The POST of a host login form (an event's, or a season's event list): the login page again for
    a cross-site post (403), an address over its attempts (429, app/signin.py) or a wrong password
    (401); None when the password matches the stored hash, which `password_hash()` reads only once
    the attempt has passed those checks (None: no password set, nothing matches). A password longer
    than MAX_PASSWORD_CHARS is cut to that length before the check: no password that long can be set."""
    if not same_origin(request):
        return render(request, template, {"failed": True, "locked": False}, status_code=403)
    limits = request.app.state.signin
    if not limits.login_attempt(client_address(request)):
        return render(request, template, {"failed": True, "locked": True}, status_code=429)
    form = await request.form()
    password = str(form.get("password", ""))[:MAX_PASSWORD_CHARS]
    stored = await password_hash()
    if stored and await limits.check_password(password, stored):
        return None
    return render(request, template, {"failed": True, "locked": False}, status_code=401)
