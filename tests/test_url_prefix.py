"""One event's app below a prefix (ASGI root_path, as a season folder serves it at /e/<slug>): every link,
redirect, file URL and printed judge link carries the prefix, and the session cookie is the event's own."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from app.config import Settings
from app.setup import prepare
from app.web import create_app
from tests.conftest import MINI_EVENT

ORIGIN = "http://127.0.0.1:8000"


class UnderPrefix:
    """What the season's dispatcher does: the full path stays, root_path names the prefix."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app, self.prefix = app, prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            assert scope["path"].startswith(self.prefix + "/")
            scope = dict(scope, root_path=scope.get("root_path", "") + self.prefix)
        await self.app(scope, receive, send)


@pytest.fixture
async def client(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    prefix: str = request.param
    db = tmp_path / "semi.db"
    prepared = await prepare(db, MINI_EVENT.read_text(encoding="utf-8"), host_password="pw-for-tests")
    cookie = "roadshow_semi" if prefix else "roadshow_session"
    settings = Settings(db_path=str(db), secret=prepared.secret, url_prefix=prefix, session_cookie=cookie, port=8000)
    app = create_app(settings)
    served = UnderPrefix(app, prefix) if prefix else app
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=served)
        async with httpx.AsyncClient(transport=transport, base_url=ORIGIN) as http:
            http.app_settings = settings  # type: ignore[attr-defined]
            yield http


def _links(html: str) -> list[str]:
    return re.findall(r'(?:href|src|action)="([^"#][^"]*)"', html)


@pytest.mark.parametrize("client", ["/e/semi"], indirect=True)
async def test_every_link_redirect_and_cookie_carries_the_prefix(client: httpx.AsyncClient) -> None:
    settings: Settings = client.app_settings  # type: ignore[attr-defined]
    # redirects stay below the prefix
    away = await client.get("/e/semi/host")
    assert away.status_code == 303 and away.headers["location"] == "/e/semi/host/login"
    login = await client.get(f"/e/semi/host/login?key={settings.host_login_key}")
    assert login.status_code == 303 and login.headers["location"] == "/e/semi/host"
    assert "roadshow_semi" in login.cookies and "roadshow_session" not in login.cookies
    console = await client.get("/e/semi/host")
    assert console.status_code == 200
    html = console.text
    assert 'data-base="/e/semi"' in html and 'data-event="/e/semi"' in html
    links = [u for u in _links(html) if u.startswith("/") and u != "/events"]  # the season's list
    assert links, "the console links its pages and files"
    assert all(u.startswith("/e/semi/") for u in links), [u for u in links if not u.startswith("/e/semi/")]
    # judge links and QR codes handed out carry the event's permanent prefix
    assert re.search(r"http://[^\"<]+/e/semi/judge/[A-Za-z0-9_-]{20,}", html)
    # the versioned files are served below the prefix
    asset = next(u for u in links if "/static/" in u and u.endswith(".js"))
    assert (await client.get(asset)).status_code == 200
    for page in ("/e/semi/host/documents", "/e/semi/host/setup", "/e/semi/host/audit", "/e/semi/board", "/e/semi/"):
        answer = await client.get(page)
        assert answer.status_code == 200, page
        outside = [u for u in _links(answer.text) if u.startswith("/") and not u.startswith(("/e/semi/", "/events"))]
        assert outside == [], (page, outside)


@pytest.mark.parametrize("client", ["/e/semi"], indirect=True)
async def test_pin_form_sends_the_judge_to_the_event_own_page(client: httpx.AsyncClient, tmp_path: Path) -> None:
    import sqlite3

    with sqlite3.connect(tmp_path / "semi.db") as conn:
        pin, token = conn.execute("SELECT pin, token FROM judge_tokens WHERE judge = 'j1'").fetchone()
    answer = await client.post("/e/semi/j", data={"judge": "1", "pin": pin}, headers={"Origin": ORIGIN})
    assert answer.status_code == 303 and answer.headers["location"] == f"/e/semi/judge/{token}"
    assert (await client.get(answer.headers["location"])).status_code == 200


@pytest.mark.parametrize("client", [""], indirect=True)
async def test_without_a_prefix_nothing_changes(client: httpx.AsyncClient) -> None:
    settings: Settings = client.app_settings  # type: ignore[attr-defined]
    login = await client.get(f"/host/login?key={settings.host_login_key}")
    assert login.headers["location"] == "/host" and "roadshow_session" in login.cookies
    html = (await client.get("/host")).text
    assert 'data-base=""' in html
    assert 'href="/host/setup"' in html and "/static/" in html
    assert 'href="/events"' not in html, "no event list for a server of one event"
