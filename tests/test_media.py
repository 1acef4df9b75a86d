"""Pictures (issue 16): app/media.py checks and re-encodes an upload; over the real server a picture is
uploaded in setup, served, shown in the views, survives a restart and a backup/restore; a bad upload
(wrong type, oversized, a decompression bomb, damaged) gets a clear error and changes nothing."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import httpx
import pytest
from PIL import Image

from app.media import MAX_PIXELS, MAX_UPLOAD_BYTES, SIZES, MediaError, process, slot_kind
from tests.conftest import board_client, cookie_header
from tests.server import HTTP_TIMEOUT, ROOT, RunningServer


def png(width: int, height: int, mode: str = "RGB", color=(200, 40, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height), color).save(buffer, "PNG")
    return buffer.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header for a huge 1-bit image with a tiny compressed body: a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    body = zlib.compress(row * 64, 9)  # only the first rows: decoding would still allocate the whole image
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


# --------------------------------------------------------------------------- app/media.py


def test_a_picture_is_re_encoded_scaled_and_stripped():
    source = io.BytesIO()
    Image.new("RGB", (4000, 3000), (10, 120, 200)).save(source, "JPEG", exif=b"Exif\x00\x00secret-camera")
    picture = process(source.getvalue(), "project")
    assert picture.mime == "image/webp"
    assert (picture.width, picture.height) == (1600, 1200)  # fitted into SIZES["project"]
    assert b"secret-camera" not in picture.data
    decoded = Image.open(io.BytesIO(picture.data))
    assert decoded.format == "WEBP" and decoded.size == (1600, 1200)
    logo = process(png(300, 100, "RGBA", (0, 0, 0, 0)), "logo")
    assert Image.open(io.BytesIO(logo.data)).mode == "RGBA"  # transparency kept
    assert max(SIZES["judge"]) == 600 and process(png(2000, 2000), "judge").width == 600


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "bad_type"),
        (b"GIF89a" + b"\x00" * 100, "bad_type"),
        (b"%PDF-1.4 not a picture", "bad_type"),
        (png(50, 50)[:60], "bad_image"),  # a PNG cut short
        (bomb_png(20_000, 20_000), "too_many_pixels"),  # 400 megapixels in a few kB
        (b"\x00" * (MAX_UPLOAD_BYTES + 1), "too_large"),
    ],
    ids=["empty", "svg", "gif", "pdf", "truncated", "bomb", "oversized"],
)
def test_bad_pictures_are_refused_with_a_clear_error(data, code):
    with pytest.raises(MediaError) as info:
        process(data, "project")
    assert info.value.code == code
    assert str(info.value)  # a message to show


def test_the_limits_are_taken_at_the_limit():
    side = int(MAX_PIXELS**0.5)  # a square at the pixel limit is decoded (it is then scaled down)
    assert process(bomb_png(side, side), "project").width <= 1600
    with pytest.raises(MediaError, match="million pixels"):
        process(bomb_png(side + 1, side + 1), "project")
    assert len(bomb_png(side, side)) < MAX_UPLOAD_BYTES
    assert [slot_kind(s) for s in ("logo", "sponsors", "project:p01", "judge:j1", "project:", "x", "../etc")] == [
        "logo",
        "sponsors",
        "project",
        "judge",
        None,
        None,
        None,
    ]


# --------------------------------------------------------------------------- over the server


async def upload(http: httpx.AsyncClient, slot: str, data: bytes) -> httpx.Response:
    return await http.post(f"/host/setup/media/{slot}", content=data, headers={"content-type": "image/png"})


async def test_pictures_survive_a_restart_and_a_backup_restore(mini_server: RunningServer, tmp_path: Path) -> None:
    headers = cookie_header(mini_server) | {"origin": mini_server.base}
    async with httpx.AsyncClient(base_url=mini_server.base, headers=headers, timeout=HTTP_TIMEOUT) as http:
        answer = await upload(http, "project:p1", png(800, 600))
        assert answer.status_code == 200, answer.text
        url = answer.json()["url"]
        logo = (await upload(http, "logo", png(400, 100))).json()["url"]
        served = await http.get(url)
        assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
        assert "immutable" in served.headers["cache-control"]
        original = served.content
        # the wrong slot, a logged-out or cross-site upload: refused
        assert (await upload(http, "project:nope", png(10, 10))).status_code == 404
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as anonymous:
        assert (await upload(anonymous, "logo", png(10, 10))).status_code == 401
        assert (await anonymous.get(url)).content == original  # the board and the audience read it
    board = await board_client(mini_server)
    assert next(p for p in board.view["projects"] if p["id"] == "p1")["picture"] == url
    assert board.view["event"]["logo"] == logo
    await board.close()

    mini_server.restart(hard=True)
    async with httpx.AsyncClient(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as http:
        assert (await http.get(url)).content == original

    copy = tmp_path / "copy.db"
    backup = subprocess.run(
        [sys.executable, "-m", "app", "backup", str(mini_server.db_path), str(copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert backup.returncode == 0, backup.stderr
    mini_server.stop()
    restored = RunningServer(copy)
    restored.start()
    try:
        board = await board_client(restored)
        assert next(p for p in board.view["projects"] if p["id"] == "p1")["picture"] == url
        await board.close()
        async with httpx.AsyncClient(base_url=restored.base, timeout=HTTP_TIMEOUT) as http:
            assert (await http.get(url)).content == original
    finally:
        restored.stop()


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"<svg/>", 415, "bad_type"),
        (bomb_png(20_000, 20_000), 422, "too_many_pixels"),
        (b"\x89PNG" + b"\x00" * (MAX_UPLOAD_BYTES + 10), 413, "too_large"),
    ],
    ids=["wrong-type", "bomb", "oversized"],
)
async def test_a_bad_upload_changes_nothing(mini_server: RunningServer, data: bytes, status: int, code: str) -> None:
    headers = cookie_header(mini_server) | {"origin": mini_server.base}
    async with httpx.AsyncClient(base_url=mini_server.base, headers=headers, timeout=HTTP_TIMEOUT) as http:
        good = (await upload(http, "project:p1", png(64, 64))).json()["url"]
        journal = (await http.get("/healthz")).json()["journal"]
        answer = await upload(http, "project:p1", data)
        assert answer.status_code == status
        assert answer.json()["error"]["code"] == code and answer.json()["error"]["message"]
        assert (await http.get("/healthz")).json()["journal"] == journal  # nothing journalled
        assert (await http.get(good)).status_code == 200  # the picture before is still the one shown
    board = await board_client(mini_server)
    assert next(p for p in board.view["projects"] if p["id"] == "p1")["picture"] == good
    await board.close()


# --------------------------------------------------------------------------- pictures named in the event file


def event_with_pictures(tmp_path: Path, logo: str, picture: str) -> Path:
    text = (ROOT / "tests" / "data" / "mini_event.toml").read_text(encoding="utf-8")
    text = text.replace('language = "en"\n', f'language = "en"\nlogo = "{logo}"\n', 1)
    text = text.replace('id = "p1"\n', f'id = "p1"\npicture = "{picture}"\n', 1)
    path = tmp_path / "event.toml"
    path.write_text(text, encoding="utf-8")
    return path


def roadshow(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True)


async def test_pictures_named_in_the_event_file_are_imported_at_creation(tmp_path: Path) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "p1.png").write_bytes(png(900, 600))
    (tmp_path / "logo.png").write_bytes(png(300, 100))
    source = event_with_pictures(tmp_path, "logo.png", "pics/p1.png")
    created = roadshow("init", str(source))
    assert created.returncode == 0, created.stderr
    server = RunningServer(tmp_path / "event.db")
    server.start()
    try:
        board = await board_client(server)
        url = next(p for p in board.view["projects"] if p["id"] == "p1")["picture"]
        assert url and board.view["event"]["logo"]
        await board.close()
        async with httpx.AsyncClient(base_url=server.base, timeout=HTTP_TIMEOUT) as http:
            assert Image.open(io.BytesIO((await http.get(url)).content)).size == (900, 600)
    finally:
        server.stop()


def test_a_missing_or_bad_picture_in_the_event_file_stops_before_anything_is_written(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_text("not a picture")
    source = event_with_pictures(tmp_path, "logo.png", "pics/missing.png")
    answer = roadshow("init", str(source))
    assert answer.returncode != 0
    assert "event.logo" in answer.stderr and "projects[0].picture" in answer.stderr and "no such file" in answer.stderr
    assert not (tmp_path / "event.db").exists()
