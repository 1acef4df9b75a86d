"""Pictures through the pages (issue 16): the host uploads a project picture and the event logo in the
setup area; the projector shows them on the presenting and welcome scenes, the audience page on its
phone layout, the certificates page prints them; a file that is not a picture is refused in words
and changes nothing."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.browser.conftest import DESKTOP, PHONE, PROJECTOR, new_page
from tests.browser.test_full_event import DEMO, tid

pytestmark = pytest.mark.browser


def png_file(tmp_path, name: str, size: tuple[int, int], color: tuple[int, int, int]):
    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_uploaded_pictures_show_on_the_board_the_audience_page_and_certificates(browser, demo_web, shots, tmp_path):
    server = demo_web
    first = DEMO.default_order()[0]
    _, setup, setup_console = new_page(browser, server, DESKTOP, "zh", host=True)
    setup.goto(f"{server.base}/host/setup?lang=zh")
    row = setup.locator(tid(f"picture-project:{first}"))
    row.wait_for()
    bad = tmp_path / "notes.png"
    bad.write_text("<svg onload=alert(1)></svg>")
    setup.locator(tid(f"picture-file-project:{first}")).set_input_files(str(bad))
    setup.locator(tid(f"picture-error-project:{first}")).filter(has_text="PNG").wait_for()
    assert setup.locator(f'{tid(f"picture-project:{first}")}[data-has="false"]').count() == 1
    setup.locator(tid(f"picture-file-project:{first}")).set_input_files(
        str(png_file(tmp_path, "team.png", (1200, 800), (30, 160, 90)))
    )
    setup.locator(f'{tid(f"picture-project:{first}")}[data-has="true"]').wait_for()
    setup.locator(tid("picture-file-logo")).set_input_files(
        str(png_file(tmp_path, "logo.png", (600, 200), (240, 200, 40)))
    )
    setup.locator(f'{tid("picture-logo")}[data-has="true"]').wait_for()
    setup.locator(tid("pictures")).screenshot(path=str(shots / "pictures-setup-zh.png"))

    _, board, board_console = new_page(browser, server, PROJECTOR, "zh")
    board.goto(f"{server.base}/board?lang=zh")
    board.locator(tid("board-logo")).wait_for()
    _, host, host_console = new_page(browser, server, DESKTOP, "zh", host=True)
    host.goto(f"{server.base}/host?lang=zh")
    host.locator(tid("start-next")).click()
    picture = board.locator(f'{tid("board-picture")}[data-slot="project:{first}"]')
    picture.wait_for()
    board.wait_for_function(
        "sel => { const img = document.querySelector(sel); return img && img.complete && img.naturalWidth > 0; }",
        arg=f'[data-testid="board-picture"][data-slot="project:{first}"]',
    )
    board.wait_for_timeout(800)  # the scene fades in
    board.screenshot(path=str(shots / "pictures-board-presenting-zh.png"))

    _, phone, phone_console = new_page(browser, server, PHONE, "zh")
    phone.goto(f"{server.base}/board?audience=1&lang=zh")
    phone.locator(f'{tid("board-picture")}[data-slot="project:{first}"]').wait_for()

    certificates = host.context.new_page()
    certificates.goto(f"{server.base}/host/print/certificates?lang=zh")
    assert certificates.locator("img.cert-logo").count() > 0

    for console in (board_console, host_console, phone_console):
        assert console.errors == []
    # the refused upload's 415 is the only thing the setup page's console reports
    assert all("415" in e for e in setup_console.errors), setup_console.errors
