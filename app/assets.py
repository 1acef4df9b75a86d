"""Static files for a hall of phones on venue Wi-Fi: compressed once, cached for a year (docs/performance.md,
"Page weight").

Every file of `static/` is read and gzip-compressed once, when the app is created, and served from
memory: no per-request compression (Starlette's GZipMiddleware compresses every response again), no
file system access or thread hop per request (StaticFiles). Stylesheets are served without their comments
and spacing (rcssmin); the files in the repository keep them. Scripts are served without the lines that
are only a comment, every other line as written: a minifier (rjsmin 1.3) dropped a space inside a
template literal nested in another one (`${a ? ` (${b})` : ""}`), which changed what the host saw, and a
minifier that can change a string is not worth its bytes.

One version for the whole tree: `VERSION` is a hash of every file's path and contents, and the pages
name their assets `/static/v/<version>/board.js` (the `asset_url()` Jinja global). Those URLs are cached
for a year (`immutable`). The ES modules import each other by relative paths (`./live.js`,
`../live.js`), which resolve under the same prefix, so a module's imports are as cache-safe as the page's
own script without rewriting any file, import map or list of per-file hashes: any change to any file
is a new prefix for all of them. That costs a returning phone a fresh download of every asset after
an upgrade, which happens between events, not during one.

The plain URLs (`/static/board.js`) keep working, revalidated after a minute; so does an old version's
prefix (a page loaded before a restart with changed files), which gets the current file without the
long caching. Every answer has an ETag, and `If-None-Match` gets a 304.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import rcssmin
from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

VERSIONED_PREFIX = "/v/"  # below the /static mount
LONG_CACHE = "public, max-age=31536000, immutable"
SHORT_CACHE = "public, max-age=60"  # plain or outdated URLs: a minute, then revalidated by ETag
COMPRESSIBLE = {".js", ".mjs", ".css", ".svg", ".json", ".html", ".txt", ".map"}
MIN_COMPRESS_BYTES = 256  # below this a gzip header and trailer (18 bytes) are not worth it
VERSION_LENGTH = 12  # hex digits of the tree's hash in the URL


@dataclass(frozen=True, slots=True)
class Asset:
    body: bytes
    gzipped: bytes | None  # None when compressing does not make it smaller
    content_type: str
    etag: str  # of the identity body; the gzipped body's is etag + "-gz" (RFC 9110: one per representation)


def _content_type(path: Path) -> str:
    if path.suffix in (".js", ".mjs"):
        return "text/javascript; charset=utf-8"  # mimetypes may say application/javascript or nothing
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    textual = guessed.startswith("text/") or guessed.endswith(("+xml", "/json"))
    return f"{guessed}; charset=utf-8" if textual else guessed


def served_body(name: str, body: bytes) -> bytes:
    """What is sent for the file `name` of static/: a stylesheet without comments and spacing, a script
    without its whole-line comments, anything else as it is."""
    if name.endswith(".css"):
        return rcssmin.cssmin(body.decode("utf-8")).encode("utf-8")
    if name.endswith((".js", ".mjs")):
        return without_comment_lines(body.decode("utf-8")).encode("utf-8")
    return body


def without_comment_lines(script: str) -> str:
    """`script` without the lines that are only a comment (`// …`, or a `/* … */` block whose first line
    starts with `/*` and whose last line ends with `*/`); every other line exactly as written.

    Deliberately not a minifier (see the module's docstring): it needs no JavaScript grammar to be
    right, because a line can begin inside a string, template literal or block comment only if one
    spans lines, and such a file is sent as written: a line with an odd number of backticks (a
    template literal may span it), a line ending in a backslash (a continued string), or a `/*` or
    `*/` anywhere but a comment line's start and end (a block comment that starts after code)."""
    lines = script.split("\n")
    if any(line.count("`") % 2 or line.rstrip().endswith("\\") for line in lines):
        return script
    kept: list[str] = []
    in_block = False
    for line in lines:
        text = line.strip()
        if in_block:
            if "*/" in text:
                if not text.endswith("*/") or text.count("*/") != 1:
                    return script
                in_block = False
            elif "/*" in text:
                return script
            continue
        if text.startswith("//"):
            continue
        if text.startswith("/*"):
            if text.count("/*") != 1 or text.count("*/") > 1 or ("*/" in text and not text.endswith("*/")):
                return script
            in_block = not text.endswith("*/")
            continue
        if "/*" in line or "*/" in line:
            return script
        kept.append(line)
    return script if in_block else "\n".join(kept)


NOT_SERVED = ("tests/",)  # the front-end unit tests (node --test) live beside the code, not on phones


def _load(directory: Path) -> tuple[dict[str, Asset], str]:
    files: dict[str, Asset] = {}
    tree = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        name = path.relative_to(directory).as_posix()
        if any(part.startswith(".") for part in name.split("/")) or name.startswith(NOT_SERVED):
            continue
        body = served_body(name, path.read_bytes())
        digest = hashlib.sha256(body).hexdigest()  # of what is sent: the ETag and the version follow it
        tree.update(f"{name}\0{digest}\0".encode())
        gzipped = None
        if path.suffix in COMPRESSIBLE and len(body) >= MIN_COMPRESS_BYTES:
            packed = gzip.compress(body, compresslevel=9, mtime=0)  # mtime 0: the same bytes every start
            gzipped = packed if len(packed) < len(body) else None
        files[name] = Asset(body, gzipped, _content_type(path), f'"{digest[:32]}"')
    return files, tree.hexdigest()[:VERSION_LENGTH]


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header allows gzip (a `q=0` refuses it; `*` allows it)."""
    allowed = {}
    for item in accept_encoding.lower().split(","):
        coding, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        allowed[coding.strip()] = q > 0
    return allowed.get("gzip", allowed.get("x-gzip", allowed.get("*", False)))


class StaticAssets:
    """The ASGI app mounted at /static."""

    def __init__(self, directory: Path) -> None:
        self.files, self.version = _load(directory)

    def url(self, name: str) -> str:
        """The long-cached URL of a file of static/ (the `asset_url` Jinja global). An unknown name is
        an error when the page is rendered, not a 404 on the phone."""
        if name not in self.files:
            raise KeyError(f"no static file {name!r}")
        return f"/static{VERSIONED_PREFIX}{self.version}/{name}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        response = self.respond(scope)
        await response(scope, receive, send)

    def respond(self, scope: Scope) -> Response:
        if scope["method"] not in ("GET", "HEAD"):
            return PlainTextResponse("Method Not Allowed", status_code=405, headers={"Allow": "GET, HEAD"})
        name, cache = _below_mount(scope), SHORT_CACHE
        if name.startswith(VERSIONED_PREFIX):
            version, _, name = name[len(VERSIONED_PREFIX) :].partition("/")
            if version == self.version:
                cache = LONG_CACHE
        asset = self.files.get(name.lstrip("/"))
        if asset is None:
            return PlainTextResponse("Not Found", status_code=404)
        headers = Headers(scope=scope)
        zipped = asset.gzipped is not None and accepts_gzip(headers.get("accept-encoding", ""))
        etag = asset.etag[:-1] + '-gz"' if zipped else asset.etag
        common = {"Cache-Control": cache, "Vary": "Accept-Encoding"}
        if cache is not LONG_CACHE:  # an immutable answer is never revalidated: its ETag would be ~30 bytes for nothing
            common["ETag"] = etag
        if _matches(headers.get("if-none-match", ""), asset.etag):
            return Response(status_code=304, headers=common)
        if zipped:
            assert asset.gzipped is not None
            return Response(asset.gzipped, headers=common | {"Content-Encoding": "gzip"}, media_type=asset.content_type)
        return Response(asset.body, headers=common, media_type=asset.content_type)


def gzip_public_page(response: Response, accept_encoding: str) -> Response:
    """Compress a rendered public page for a phone that accepts gzip (the audience page: ~12 KiB of HTML,
    most of it the page's own strings, becomes ~4 KiB). Only for pages that hold no secret: a page that
    mixes a secret with text an attacker can choose could leak it through the compressed length
    (BREACH); the board's only per-request value is its CSP nonce, new at every request."""
    if not accepts_gzip(accept_encoding) or "content-encoding" in response.headers:
        return response
    body = gzip.compress(bytes(response.body), compresslevel=6, mtime=0)
    if len(body) >= len(response.body):
        return response
    response.body = body
    response.headers["content-length"] = str(len(body))
    response.headers["content-encoding"] = "gzip"
    response.headers.add_vary_header("Accept-Encoding")
    return response


def _matches(if_none_match: str, etag: str) -> bool:
    """Weak comparison (RFC 9110 13.1.2), either representation: the gzipped body's tag is the identity
    tag with "-gz", and both name the same file."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.strip('"')
    for tag in if_none_match.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        if tag in (bare, bare + "-gz"):
            return True
    return False


def _below_mount(scope: Scope) -> str:
    """The path below /static (Starlette's Mount keeps the full path and extends root_path)."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path
