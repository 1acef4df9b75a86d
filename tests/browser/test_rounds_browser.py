"""A later round in the browser (issue 17 B): the host's explanation of a result names the carried
component and shows the project's earlier rounds; the printed results show the path column and the
previous round's anchor. The rounds themselves are made and run in-process (tests/test_rounds.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

from app.rounds import AdvancementRule, NextRound, create_next_round
from tests.browser.conftest import DESKTOP, new_page
from tests.server import RunningServer
from tests.test_rounds import make_prelim, play_round

pytestmark = pytest.mark.browser


async def semi_final(folder: Path) -> NextRound:
    prelim = await make_prelim(folder / "prelim.db")
    semi = await create_next_round(
        prelim,
        folder / "semi.db",
        title="",
        round_name="半决赛",
        rule=AdvancementRule("top_overall", count=3),
        carry_weight=Decimal(40),
        previous_round_name="初赛",
    )
    await play_round(semi.db_path, {pid: 80 + i for i, pid in enumerate(semi.advanced)})
    return semi


@pytest.fixture
def semi_web(tmp_path: Path) -> Iterator[tuple[RunningServer, NextRound]]:
    with ThreadPoolExecutor(1) as pool:  # sync Playwright runs its own event loop in this thread
        semi = pool.submit(asyncio.run, semi_final(tmp_path)).result(timeout=120)
    server = RunningServer(semi.db_path)
    server.start()
    try:
        yield server, semi
    finally:
        server.stop()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_host_sees_the_earlier_round_of_each_result(browser, semi_web, lang: str) -> None:
    server, semi = semi_web
    context, page, console = new_page(browser, server, DESKTOP, lang, host=True)
    page.goto(f"{server.base}/host?lang={lang}")
    first = semi.advanced[0]
    page.locator(f'[data-testid="standing-details-{first}"]').click()
    path = page.locator(f'[data-testid="path-{first}"]')
    path.wait_for()
    assert path.inner_text().startswith("初赛 #1 (")
    explanation = page.locator(f"#explain-{first}").inner_text()
    assert "初赛综合得分" in explanation and ("此前轮次" if lang == "zh" else "Earlier rounds") in explanation
    page.goto(f"{server.base}/host/print/results?lang={lang}")
    text = page.locator("body").inner_text()
    assert ("晋级历程" if lang == "zh" else "Path through the rounds") in text
    assert f"{semi.anchor_head}" in text and text.count("初赛 #") == 3
    assert console.errors == []
    context.close()
