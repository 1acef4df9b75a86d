"""The hostile benchmark's attacks (bench/hostile.py), each an async function that runs until `stop`
is set and returns what it saw. Every attacker connects from its own loopback address (127.0.0.x: on
Linux all of 127/8 is this machine), as a different machine on the venue network would; judges and
the host stay on 127.0.0.1. All traffic goes to 127.0.0.1 only, and every attack is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import os
import signal
import sys
import time
import zipfile
from collections import Counter
from typing import Any

import orjson
from openpyxl import Workbook

from bench.wsclient import handshake_request

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def _run_slots(slot: Any, count: int, stop: asyncio.Event) -> None:
    """Run `slot(0..count-1)` as tasks until stop, then cancel them."""
    tasks = [asyncio.create_task(slot(i)) for i in range(count)]
    await stop.wait()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


# ------------------------------------------------------------------------------------ import bombs
def far_cell_xlsx() -> bytes:
    """A ~2 KiB workbook whose only cell is at the sheet's last corner (XFD1048576)."""
    wb = Workbook()
    wb.active["XFD1048576"] = "far"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def wide_empty_csv(columns: int = 300, rows: int = 10_000) -> bytes:
    """~10 KiB: a header of 300 columns, then 10,000 empty lines."""
    return (",".join(f"c{i}" for i in range(columns)) + "\n" + "\n" * rows).encode()


def zip_bomb_xlsx(inflated: int = 200 * 1024 * 1024) -> bytes:
    """A workbook whose sheet inflates to `inflated` bytes (whitespace inside the sheet's XML)."""
    wb = Workbook()
    wb.active["A1"] = "bomb"
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                head, _, tail = data.partition(b"<sheetData>")
                with dst.open(item.filename, "w", force_zip64=True) as sheet:
                    sheet.write(head + b"<sheetData>")
                    chunk = b" " * (1024 * 1024)
                    for _ in range(inflated // len(chunk)):
                        sheet.write(chunk)
                    sheet.write(tail)
            else:
                dst.writestr(item, data)
    return out.getvalue()


BOMBS = [
    ("far-cell.xlsx", far_cell_xlsx, XLSX),
    ("wide-empty.csv", wide_empty_csv, "text/csv"),
    ("zip-bomb.xlsx", zip_bomb_xlsx, XLSX),
]


@functools.cache
def bomb_files() -> list[tuple[str, bytes, str]]:
    """The bombs, made before the phase starts (the zip bomb takes the benchmark a few seconds)."""
    return [(name, make(), media) for name, make, media in BOMBS]


async def import_bombs(http: Any, files: list[tuple[str, bytes, str]], stop: asyncio.Event) -> dict[str, Any]:
    """Post the bombs to the setup import endpoint as the host, one after another, until stop."""
    seen: dict[str, Any] = {name: {"bytes": len(data), "status": Counter(), "seconds": []} for name, data, _ in files}
    while not stop.is_set():
        for name, data, media in files:
            t0 = time.monotonic()
            post = asyncio.ensure_future(http.post("/host/setup/import", files={"file": (name, data, media)}))
            stopped = asyncio.ensure_future(stop.wait())
            await asyncio.wait({post, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if not post.done():  # the phase is over: this one is still being worked on by the server
                post.cancel()
                seen[name]["status"]["unfinished at the end of the phase"] += 1
            elif post.exception() is not None:  # a timeout or a dropped connection is a finding
                seen[name]["status"][type(post.exception()).__name__] += 1
            else:
                seen[name]["status"][post.result().status_code] += 1
            seen[name]["seconds"].append(round(time.monotonic() - t0, 3))
            if stop.is_set():
                break
    return {name: v | {"status": dict(v["status"])} for name, v in seen.items()}


# ------------------------------------------------------------------------------------ sockets
async def board_sockets(port: int, count: int, address: str, stop: asyncio.Event) -> dict[str, Any]:
    """`count` board sockets from one address, each retried every 2 s while refused, held until stop."""
    tally: Counter[str] = Counter()
    held: set[int] = set()

    async def slot(i: int) -> None:
        await asyncio.sleep(i * 0.001)  # spread the first wave over ~1 s
        while not stop.is_set():
            writer = None
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(address, 0))
                writer.write(handshake_request("/ws/board", f"127.0.0.1:{port}", False))
                status = await asyncio.wait_for(reader.readline(), 10)
                if b" 101 " in status:
                    tally["accepted"] += 1
                    held.add(i)
                    with contextlib.suppress(Exception):
                        while not stop.is_set() and await reader.read(65536):
                            pass
                    held.discard(i)
                else:
                    tally["refused"] += 1
            except (OSError, TimeoutError):
                tally["failed"] += 1
            finally:
                if writer is not None:
                    writer.close()
            await asyncio.sleep(2.0)

    tasks = [asyncio.create_task(slot(i)) for i in range(count)]
    peak = 0
    while not stop.is_set():
        peak = max(peak, len(held))
        await asyncio.sleep(0.2)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return dict(tally) | {"held_at_most": peak}


async def slowloris(port: int, count: int, address: str, stop: asyncio.Event) -> dict[str, Any]:
    """`count` connections that send a header line every 5 s and never finish; reopened 1 s after
    the server closes one."""
    tally: Counter[str] = Counter()
    lifetimes: list[float] = []

    async def slot(i: int) -> None:
        await asyncio.sleep(i * 0.003)
        while not stop.is_set():
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(address, 0))
            except OSError:
                tally["connect_failed"] += 1
                await asyncio.sleep(1.0)
                continue
            opened = time.monotonic()
            tally["opened"] += 1
            writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n")
            try:
                while not stop.is_set():
                    with contextlib.suppress(TimeoutError):
                        if not await asyncio.wait_for(reader.read(4096), 5.0):
                            break  # closed by the server
                    writer.write(b"X-Slow: 1\r\n")
                    await writer.drain()
            except OSError:
                pass
            if not stop.is_set():
                tally["closed_by_server"] += 1
                lifetimes.append(time.monotonic() - opened)
            writer.close()
            await asyncio.sleep(1.0)

    await _run_slots(slot, count, stop)
    longest = max(lifetimes) if lifetimes else None
    return dict(tally) | {"longest_held_s": round(longest, 1) if longest else None}


# ------------------------------------------------------------------------------------ login burst
async def login_bursts(base: str, size: int, addresses: list[str], stop: asyncio.Event) -> dict[str, Any]:
    """Bursts of `size` wrong host passwords at once, from each address in turn, every 2 s."""
    import httpx

    statuses: Counter[int] = Counter()
    while not stop.is_set():
        for address in addresses:
            transport = httpx.AsyncHTTPTransport(local_address=address, limits=httpx.Limits(max_connections=size))
            async with httpx.AsyncClient(base_url=base, transport=transport, headers={"Origin": base}) as http:
                answers = await asyncio.gather(
                    *(http.post("/host/login", data={"password": f"guess-{i}"}, timeout=60) for i in range(size)),
                    return_exceptions=True,
                )
            for a in answers:
                statuses[getattr(a, "status_code", 0)] += 1
            if stop.is_set():
                break
            await asyncio.sleep(2.0)
    return {"checked (401)": statuses[401], "refused (429)": statuses[429], "other": sum(statuses.values())
            - statuses[401] - statuses[429]}  # fmt: skip


# ------------------------------------------------------------------------------------ token flood
async def token_flood(
    port: int, token: str, sockets: int, project: str, scores: dict[str, float], stop: asyncio.Event
) -> dict[str, Any]:
    """One judge token on `sockets` sockets, each sending score commands at 20 a second (the
    per-connection limit), reconnecting 0.5 s after the server closes it."""
    import websockets

    tally: Counter[str] = Counter()

    async def slot(i: int) -> None:
        n = 0
        while not stop.is_set():
            try:
                async with websockets.connect(f"ws://127.0.0.1:{port}/ws/judge/{token}", open_timeout=10) as ws:
                    tally["opened"] += 1

                    async def read() -> None:
                        async for frame in ws:
                            message = orjson.loads(frame)
                            if message.get("type") == "ack":
                                ok = message.get("ok")
                                tally["ok" if ok else message.get("error", {}).get("code", "error")] += 1

                    reader = asyncio.create_task(read())
                    try:
                        while not stop.is_set() and not reader.done():
                            n += 1
                            args = {"project": project, "scores": scores, "comment": f"flood {i}-{n}"}
                            cid = f"flood-{i}-{n}-{os.urandom(3).hex()}"
                            await ws.send(orjson.dumps({"type": "cmd", "id": cid, "cmd": "submit_score", "args": args}))
                            await asyncio.sleep(0.05)
                    finally:
                        reader.cancel()
            except Exception:
                tally["closed"] += 1
            await asyncio.sleep(0.5)

    await _run_slots(slot, sockets, stop)
    return dict(tally)


# ------------------------------------------------------------------------------------ one process each
async def run_spec(spec: dict[str, Any], stop: asyncio.Event) -> dict[str, Any]:
    """One attack from its JSON description (what bench/hostile.py passes on the command line)."""
    kind = spec["attack"]
    if kind == "import_bombs":
        import httpx

        headers = {"Origin": spec["base"], "Cookie": spec["cookie"]}
        async with httpx.AsyncClient(base_url=spec["base"], headers=headers, timeout=120) as http:
            return await import_bombs(http, bomb_files(), stop)
    if kind == "board_sockets":
        return await board_sockets(spec["port"], spec["count"], spec["address"], stop)
    if kind == "slowloris":
        return await slowloris(spec["port"], spec["count"], spec["address"], stop)
    if kind == "login_bursts":
        return await login_bursts(spec["base"], spec["size"], spec["addresses"], stop)
    if kind == "token_flood":
        return await token_flood(spec["port"], spec["token"], spec["sockets"], spec["project"], spec["scores"], stop)
    raise ValueError(f"unknown attack {kind!r}")


async def _main(spec: dict[str, Any]) -> dict[str, Any]:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    if spec["attack"] == "import_bombs":
        bomb_files()  # made before "ready": the zip bomb takes a few seconds of this process' time
    print("ready", flush=True)
    return await run_spec(spec, stop)


def main() -> None:
    """python -m bench.attacks SPEC_JSON: run one attack until SIGTERM, then print what it saw (JSON).
    Each attack runs in its own process, so that it never delays the judges being measured."""
    spec = orjson.loads(sys.argv[1])
    print(orjson.dumps(asyncio.run(_main(spec)), option=orjson.OPT_NON_STR_KEYS).decode(), flush=True)


if __name__ == "__main__":
    main()
