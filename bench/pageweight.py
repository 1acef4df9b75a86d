"""What a phone downloads the first time it opens the audience page (docs/performance.md, "Page weight").

    python -m bench.pageweight                     # starts `python -m app serve` with the benchmark event
    python -m bench.pageweight --url http://127.0.0.1:8000/board?audience=1
    python -m bench.pageweight --json out.json --budget 40960
    python -m bench.pageweight --audience          # the benchmark event with `[audience] enabled = true`

It fetches the page as a phone does (Chrome on Android, `Accept-Encoding: gzip, deflate`, no cache),
then every asset the HTML names (scripts, stylesheets, the icon, module preloads) and every module
those scripts import statically, recursively; a dynamic `import()` is listed apart, as loaded later.
For each response it counts the bytes on the wire: the body as sent (compressed when the server
compressed it) and the response's status line and headers. The page is measured in both languages
(their strings are in the HTML); the exit status is 1 when either is over the budget.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import orjson

PHONE_HEADERS = {
    "User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Accept-Encoding": "gzip, deflate",
}
BUDGET = 40 * 1024  # issue 14: the audience page at most 40 KB transferred on first load
STATIC_IMPORT = re.compile(r"""(?:^|[;\n])\s*(?:import|export)\s*(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"']+)["']""")
DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*["']([^"']+)["']\s*\)""")


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.found.append(a["src"] or "")
        elif tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower().split()
            if {"stylesheet", "icon", "modulepreload", "preload"} & set(rel):
                self.found.append(a["href"] or "")


def _wire_bytes(response: httpx.Response) -> tuple[int, int]:
    """(body as sent, status line + headers) of one response."""
    head = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n") + 2
    head += sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
    return response.num_bytes_downloaded, head


def measure(url: str, language: str) -> dict[str, Any]:
    headers = PHONE_HEADERS | {"Accept-Language": "zh-CN,zh;q=0.9" if language == "zh" else "en-US,en;q=0.9"}
    rows: list[dict[str, Any]] = []
    lazy: list[str] = []
    with httpx.Client(headers=headers, timeout=20) as client:
        # merged into the URL's own query: httpx's `params=` would replace `?audience=1` (the projector's page)
        page = client.get(httpx.URL(url).copy_merge_params({"lang": language}))
        page.raise_for_status()
        body, head = _wire_bytes(page)
        rows.append({"url": urlsplit(str(page.url)).path, "body": body, "headers": head, "raw": len(page.content)})
        parser = _Assets()
        parser.feed(page.text)
        queue = [urljoin(str(page.url), src) for src in parser.found]
        seen: set[str] = set()
        while queue:
            asset = queue.pop(0)
            if asset in seen:
                continue
            seen.add(asset)
            response = client.get(asset)
            response.raise_for_status()
            body, head = _wire_bytes(response)
            rows.append(
                {
                    "url": urlsplit(asset).path,
                    "body": body,
                    "headers": head,
                    "raw": len(response.content),
                    "encoding": response.headers.get("content-encoding", ""),
                    "cache": response.headers.get("cache-control", ""),
                }
            )
            if urlsplit(asset).path.endswith((".js", ".mjs")):
                queue += [urljoin(asset, m) for m in STATIC_IMPORT.findall(response.text)]
                lazy += [urljoin(asset, m) for m in DYNAMIC_IMPORT.findall(response.text)]
    return {
        "language": language,
        "page": str(page.url),
        "requests": len(rows),
        "bodies": sum(r["body"] for r in rows),
        "headers": sum(r["headers"] for r in rows),
        "transferred": sum(r["body"] + r["headers"] for r in rows),
        "uncompressed": sum(r["raw"] for r in rows),
        "files": rows,
        "lazy": sorted(set(lazy) - seen),
    }


def _report(results: list[dict[str, Any]], budget: int) -> str:
    lines = []
    for r in results:
        lines.append(
            f"{r['language']}: {r['requests']} requests, {r['transferred']:,} bytes transferred "
            f"({r['bodies']:,} of bodies + {r['headers']:,} of response headers; {r['uncompressed']:,} uncompressed); "
            f"budget {budget:,}: {'within' if r['transferred'] <= budget else 'OVER'}"
        )
        for f in r["files"]:
            sent, encoding = f["body"] + f["headers"], f.get("encoding") or "-"
            lines.append(f"  {sent:>7,}  {f['raw']:>7,} raw  {encoding:<5} {f['url']}")
        if r["lazy"]:
            lines.append("  loaded later (dynamic import): " + ", ".join(urlsplit(u).path for u in r["lazy"]))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.pageweight", description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="", help="the page (default: start a server and open /board?audience=1)")
    p.add_argument("--budget", type=int, default=BUDGET, help="bytes transferred (default: 40 KiB)")
    p.add_argument("--json", default="", help="write every figure here")
    p.add_argument("--audience", action="store_true", help="the event has the audience vote on")
    args = p.parse_args(argv)
    server = None
    url = args.url
    if not url:
        from bench.event import bench_event_text
        from bench.hostile import Server

        event = bench_event_text() + ("\n[audience]\nenabled = true\n" if args.audience else "")
        workdir = Path(tempfile.mkdtemp(prefix="roadshow-weight-"))
        server = Server(Path(__file__).resolve().parent.parent, workdir, event)
        server.start()
        url = f"{server.base}/board?audience=1"
    try:
        results = [measure(url, language) for language in ("zh", "en")]
    finally:
        if server is not None:
            server.stop()
    print(_report(results, args.budget))
    if args.json:
        Path(args.json).write_bytes(orjson.dumps({"url": url, "budget": args.budget, "results": results}))
    return 0 if all(r["transferred"] <= args.budget for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
