"""Every page loads in a real browser, in both languages, with no console error or CSP violation."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, PHONE, PROJECTOR, new_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_loads_cleanly(browser, demo_web, shots, lang) -> None:
    token = demo_web.judge_tokens()["j1"]
    pages = [
        ("index", "/", DESKTOP, False),
        ("login", "/host/login", DESKTOP, False),
        ("pin", "/j", PHONE, False),
        ("board", "/board", PROJECTOR, False),
        ("audience", "/board?audience=1", PHONE, False),
        ("judge", f"/judge/{token}", PHONE, False),
        ("host", "/host", DESKTOP, True),
        ("links", "/host/links", DESKTOP, True),
        ("audit", "/host/audit", DESKTOP, True),
    ]
    for name, path, options, as_host in pages:
        context, page, console = new_page(browser, demo_web, options, lang, host=as_host)
        sep = "&" if "?" in path else "?"
        response = page.goto(f"{demo_web.base}{path}{sep}lang={lang}")
        assert response is not None and response.status == 200, name
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == ("zh-Hans" if lang == "zh" else "en")
        page.screenshot(path=str(shots / f"load-{name}-{lang}.png"))
        assert console.errors == [], f"{name}: {console.errors}"
        context.close()
