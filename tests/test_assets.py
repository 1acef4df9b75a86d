"""Static assets for a hall of phones (app/assets.py, docs/performance.md "Page weight"): compressed,
long-cached under one version of the whole tree, revalidated by ETag on the plain URLs, and the audience
page within its budget (measured by bench/pageweight.py). Sizes and headers only: nothing about time."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest

from app.assets import LONG_CACHE, SHORT_CACHE, StaticAssets, accepts_gzip, served_body
from app.web import STATIC_DIR
from bench.pageweight import BUDGET, measure
from tests.server import HTTP_TIMEOUT, RunningServer
from tests.test_votes_live import event_file as vote_event_file

ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')
GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


def _raw(client: httpx.Client, path: str, headers: dict[str, str]) -> httpx.Response:
    """The response as sent: body not decoded, so a test sees the gzip bytes themselves."""
    request = client.build_request("GET", path, headers=headers)
    response = client.send(request, stream=True)
    response.read_raw = b"".join(response.iter_raw())  # type: ignore[attr-defined]
    response.close()
    return response


def test_the_audience_page_is_compressed_and_names_its_assets_under_one_long_cached_version(
    mini_server: RunningServer,
) -> None:
    with httpx.Client(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as client:
        page = _raw(client, "/board?audience=1", GZIP)
        assert page.status_code == 200 and page.headers["content-encoding"] == "gzip"
        html = gzip.decompress(page.read_raw).decode()  # type: ignore[attr-defined]
        assets = ASSET.findall(html)
        assert {"board.js", "css/board.css", "css/base.css"} <= {a.split("/", 4)[-1] for a in assets}
        versions = {a.split("/")[3] for a in assets}
        assert len(versions) == 1 and all(a.startswith("/static/v/") for a in assets), assets
        script = next(a for a in assets if a.endswith("board.js"))
        # the modules import each other by relative paths: they resolve under the same version
        for url in [*assets, urljoin(script, "./live.js"), urljoin(script, "./board/state.js")]:
            response = _raw(client, url, GZIP)
            assert response.status_code == 200, url
            assert response.headers["cache-control"] == LONG_CACHE, url
            assert "accept-encoding" in response.headers["vary"].lower()
            name = url.split("/", 4)[-1]
            on_disk = served_body(name, (STATIC_DIR / name).read_bytes())
            body = response.read_raw  # type: ignore[attr-defined]
            if url.endswith((".js", ".css")):
                assert response.headers["content-encoding"] == "gzip", url
            if response.headers.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
            assert body == on_disk, url


def test_plain_urls_keep_working_with_short_caching_and_revalidation(mini_server: RunningServer) -> None:
    on_disk = served_body("live.js", (STATIC_DIR / "live.js").read_bytes())
    with httpx.Client(base_url=mini_server.base, timeout=HTTP_TIMEOUT) as client:
        plain = _raw(client, "/static/live.js", IDENTITY)
        assert plain.status_code == 200 and "content-encoding" not in plain.headers
        assert plain.read_raw == on_disk  # type: ignore[attr-defined]
        assert plain.headers["cache-control"] == SHORT_CACHE
        assert plain.headers["content-type"].startswith("text/javascript")
        etag = plain.headers["etag"]
        again = client.get("/static/live.js", headers=IDENTITY | {"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
        zipped = _raw(client, "/static/live.js", GZIP)
        assert zipped.headers["etag"] != etag  # one tag per representation
        revalidated = client.get("/static/live.js", headers=GZIP | {"If-None-Match": zipped.headers["etag"]})
        assert revalidated.status_code == 304
        # a page loaded before the server restarted with other files: the current file, short-cached
        old = client.get("/static/v/000000000000/live.js", headers=IDENTITY)
        assert old.status_code == 200 and old.content == on_disk and old.headers["cache-control"] == SHORT_CACHE
        assert client.get("/static/v/000000000000/nope.js").status_code == 404
        assert client.get("/static/nope.js").status_code == 404
        assert client.post("/static/live.js").status_code == 405


def test_the_audience_page_first_load_is_within_its_budget(mini_server: RunningServer) -> None:
    for language in ("zh", "en"):
        weight = measure(f"{mini_server.base}/board?audience=1", language)
        assert weight["transferred"] <= BUDGET, weight
        urls = [f["url"] for f in weight["files"]]
        assert any(u.endswith("/board.js") for u in urls) and any(u.endswith("/board/state.js") for u in urls)
        # the ceremony, the vote's scene, the ballot and the leaderboard are loaded when first needed
        for lazy in ("board/ceremony.js", "board/vote.js", "board/ballot.js", "board/leaderboard.js"):
            assert not any(u.endswith("/" + lazy) for u in urls), lazy
            assert any(u.endswith("/" + lazy) for u in weight["lazy"]), lazy
        assert not any(u.endswith("/css/board-scenes.css") for u in urls)  # injected by board.js when needed
        assert weight["files"][0]["url"] == "/board" and "audience=1" in weight["page"]  # the phones' page


def test_a_page_that_may_vote_is_within_the_same_budget(tmp_path: Path) -> None:
    """The same measurement for a phone that may vote (`[audience] enabled`): its ballot comes at once,
    the people's-choice scene and its styles only at the reveal."""
    server = RunningServer(tmp_path / "vote.db", vote_event_file(tmp_path, "tickets = true\n"))
    server.start()
    try:
        for language in ("zh", "en"):
            weight = measure(f"{server.base}/board?audience=1", language)
            assert weight["transferred"] <= BUDGET, weight
            urls = [f["url"] for f in weight["files"]]
            assert any(u.endswith("/board/ballot.js") for u in urls)  # the page may vote: its ballot at once
            for lazy in ("board/vote.js", "board/ceremony.js", "board/leaderboard.js"):
                assert not any(u.endswith("/" + lazy) for u in urls), lazy
                assert any(u.endswith("/" + lazy) for u in weight["lazy"]), lazy
            assert not any(u.endswith(("/css/board-scenes.css", "/css/board-vote.css")) for u in urls)
    finally:
        server.stop()


def test_stylesheets_are_served_without_comments_and_spacing_and_scripts_without_comment_lines() -> None:
    sheet = (STATIC_DIR / "css" / "board.css").read_bytes()
    assert b"/* Projector board" in sheet and b"/*" not in served_body("css/board.css", sheet)
    assert served_body("favicon.svg", b"<svg/>  ") == b"<svg/>  "  # other files as they are
    # a minifier dropped the space before "(" in this nested template literal: "初赛 #1(86.90)"
    nested = b"const p = `${round} #${rank}${composite == null ? \"\" : ` (${composite})`}`;\n"
    assert served_body("host/render-results.js", nested) == nested
    for path in STATIC_DIR.rglob("*.js"):  # only whole comment lines go; every other line as written
        script = path.read_text(encoding="utf-8")
        served = served_body(path.name, script.encode()).decode()
        assert served.split("\n") == _code_lines(script)
    board = (STATIC_DIR / "board.js").read_bytes()
    assert b"// Projector board" in board and b"// Projector board" not in served_body("board.js", board)


def _code_lines(script: str) -> list[str]:
    """`script`'s lines but those inside a comment that is whole lines (the files of static/ keep their
    `/* … */` blocks to lines of their own; the stripper sends any other file as written)."""
    kept, block = [], False
    for line in script.split("\n"):
        text = line.strip()
        if block or text.startswith("/*"):
            block = not text.endswith("*/")
        elif not text.startswith("//"):
            kept.append(line)
    return kept


@pytest.mark.parametrize(
    "script",
    [
        "const t = `a\n// not a comment: inside a template literal\nb`;\n",
        'const s = "a\\\n// inside a continued string";\n',
        "f(); /* a block that starts after code\n// still inside it\n*/ g();\n",
        "/* one\n*/ g(); // code after the block's end\n",
        "/* unclosed\n",
    ],
)
def test_a_script_whose_comments_are_not_whole_lines_is_sent_as_written(script: str) -> None:
    assert served_body("x.js", script.encode()) == script.encode()


def test_comment_lines_go_and_everything_else_stays() -> None:
    script = '/**\n * Docs.\n */\nexport const a = 1; // kept: after code\n  // gone\nconst u = "http://x";\n/* 1 */\n'
    expected = 'export const a = 1; // kept: after code\nconst u = "http://x";\n'
    assert served_body("x.js", script.encode()).decode() == expected


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_scripts_as_served_pass_the_front_end_unit_tests(tmp_path: Path) -> None:
    """The files as served are the ones the phones run: each script parses as a module, and the front-end
    unit tests (static/tests/, plain Node) pass against them instead of the files in the repository."""
    served = tmp_path / "static"
    for path in STATIC_DIR.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            name = path.relative_to(STATIC_DIR).as_posix()
            target = served / name
            target.parent.mkdir(parents=True, exist_ok=True)
            tests = name.startswith("tests/")  # the tests themselves as written
            target.write_bytes(path.read_bytes() if tests else served_body(name, path.read_bytes()))
    (served / "package.json").write_text('{"type": "module"}')
    scripts = sorted(str(p) for p in served.rglob("*.js"))
    for script in scripts:
        checked = subprocess.run(["node", "--check", script], capture_output=True, text=True, timeout=60)
        assert checked.returncode == 0, (script, checked.stderr)
    unit_tests = sorted(str(p) for p in (served / "tests").glob("*.mjs"))
    assert unit_tests
    ran = subprocess.run(["node", "--test", *unit_tests], capture_output=True, text=True, timeout=300, cwd=served)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]


def _scope(path: str, method: str = "GET", headers: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    return {"type": "http", "method": method, "path": path, "root_path": "/static", "headers": headers or []}


def test_the_version_is_one_hash_of_the_whole_tree(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text('import { b } from "./sub/b.js";\n' * 20)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.js").write_text("export const b = 1;\n")
    (tmp_path / ".hidden").write_text("not served")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "a.test.mjs").write_text("not served either: the front-end unit tests")
    first = StaticAssets(tmp_path)
    assert first.url("sub/b.js") == f"/static/v/{first.version}/sub/b.js"
    with pytest.raises(KeyError):
        first.url("missing.js")  # a typo fails when the page is rendered, not on the phone
    assert StaticAssets(tmp_path).version == first.version  # the same files: the same version
    (tmp_path / "sub" / "b.js").write_text("export const b = 2;\n")
    second = StaticAssets(tmp_path)
    assert second.version != first.version  # one changed module: a new prefix for every file
    assert second.respond(_scope("/static/.hidden")).status_code == 404
    assert second.respond(_scope("/static/tests/a.test.mjs")).status_code == 404
    (tmp_path / "tests" / "a.test.mjs").write_text("changed")
    assert StaticAssets(tmp_path).version == second.version  # nor part of the version
    assert second.respond(_scope("/static/../a.js")).status_code == 404
    assert second.respond(_scope(f"/static/v/{second.version}/a.js")).headers["cache-control"] == LONG_CACHE
    assert second.respond(_scope("/static/a.js", "DELETE")).status_code == 405
    zipped = second.respond(_scope("/static/a.js", headers=[(b"accept-encoding", b"gzip")]))
    assert gzip.decompress(zipped.body) == served_body("a.js", (tmp_path / "a.js").read_bytes())
    tiny = second.respond(_scope("/static/sub/b.js", headers=[(b"accept-encoding", b"gzip")]))
    assert "content-encoding" not in tiny.headers  # too small to be worth it


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br", True),
        ("deflate", False),
        ("", False),
        ("gzip;q=0", False),
        ("*", True),
        ("*, gzip;q=0", False),
        ("identity", False),
        ("GZIP;q=0.5", True),
        ("gzip;q=zero", False),
    ],
)
def test_accept_encoding(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected
