"""Automated accessibility check: axe-core (WCAG 2 A/AA rules) in every screen, in both languages.

No violation of impact "serious" or "critical" is allowed. The page's CSP forbids injected scripts,
so these contexts bypass CSP to load axe; the pages' own CSP is tested elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import DESKTOP, PHONE, PROJECTOR, new_page

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                             nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
        }"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_serious_accessibility_violations(browser, demo_web, lang) -> None:
    if not AXE.exists():
        pytest.skip("axe-core not installed (scripts/test.sh installs it with npm)")
    token = demo_web.judge_tokens()["j1"]
    screens = [
        ("index", "/", DESKTOP, False),
        ("login", "/host/login", DESKTOP, False),
        ("pin", "/j", PHONE, False),
        ("judge", f"/judge/{token}", PHONE, False),
        ("board", "/board", PROJECTOR, False),
        ("audience", "/board?audience=1", PHONE, False),
        ("host", "/host", DESKTOP, True),
        ("host-skip-dialog", "/host", DESKTOP, True),  # the ceremony skip: typed or press-and-hold
        ("documents", "/host/documents", DESKTOP, True),
    ]
    problems: dict[str, list[str]] = {}
    for name, path, options, as_host in screens:
        context, page, _ = new_page(browser, demo_web, options | {"bypass_csp": True}, lang, host=as_host)
        sep = "&" if "?" in path else "?"
        page.goto(f"{demo_web.base}{path}{sep}lang={lang}")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        if name == "host-skip-dialog":
            page.locator('[data-testid="start-ceremony"]').click()
            page.locator('[data-testid="hold-confirm"]').wait_for()
        found = serious_violations(page)
        if found:
            problems[name] = found
        context.close()
    assert problems == {}
