"""Read an uploaded file away from the event: in a child process with memory and CPU limits, one at
a time (docs/security.md, "Uploads and text").

The server's event loop must keep acknowledging judges while a host checks a file, and a file that
slips past the checks in `bounds.py` must not take the server's memory. So `read_upload_isolated`
runs `python -m app.spreadsheets.sandbox` with the file on stdin; the child limits its own address
space (`RLIMIT_AS`) and CPU time (`RLIMIT_CPU`) before it reads anything, and the parent kills it after
`WALL_SECONDS`. A second upload while one is being read is refused at once (`ImportBusy`), not queued.

`read_upload` is the same work in-process: the child's body, and what `roadshow import` runs (with the
same bounds, without the child).
"""

from __future__ import annotations

import asyncio
import os
import pickle
import re
import resource
import sys
from pathlib import Path

from ..domain.models import Event
from .preview import ImportPreview

MEMORY_LIMIT_BYTES = 512 * 1024 * 1024  # the child's address space (Python and openpyxl take ~160 MB)
CPU_SECONDS = 20  # the child's CPU time; a 5,000-row workbook takes about 2 s
WALL_SECONDS = 60  # the child's life, waiting included (the CPU may be shared with the event)
_ROOT = Path(__file__).resolve().parent.parent.parent  # the directory that holds the `app` package


class ImportBusy(RuntimeError):
    """Another upload is being read: try again in a moment."""


class ImportTooCostly(RuntimeError):
    """The child ran out of memory or time, or died: the file is not one Roadshow reads."""


def read_upload(kind: str, name: str, data: bytes, base: Event) -> tuple[ImportPreview, str | None]:
    """(preview, note). `kind` is "xlsx" or "csv"; note is "gb18030" when a CSV was not UTF-8."""
    from .importing import import_projects_csv, import_workbook  # openpyxl: on first use
    if kind == "csv":
        note = None
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Excel's plain "CSV" on a Chinese Windows is GBK, not UTF-8
            text = data.decode("gb18030", errors="replace")
            note = "gb18030"
        stem = re.sub(r"\.(csv|txt)$", "", name.rsplit("/", 1)[-1], flags=re.I) or "CSV"
        return import_projects_csv(text, base, name=stem), note
    return import_workbook(data), None


_running = False  # one upload at a time; the event loop is one thread, so a flag is enough


async def read_upload_isolated(kind: str, name: str, data: bytes, base: Event) -> tuple[ImportPreview, str | None]:
    """`read_upload` in a child process with `MEMORY_LIMIT_BYTES`, `CPU_SECONDS` and `WALL_SECONDS`.
    Raises ImportBusy while another upload is read, ImportTooCostly when the child is stopped."""
    global _running
    if _running:
        raise ImportBusy()
    _running = True
    try:
        env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")]))}
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "app.spreadsheets.sandbox",
            str(MEMORY_LIMIT_BYTES),
            str(CPU_SECONDS),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
            cwd=_ROOT,
        )
        try:
            out, _ = await asyncio.wait_for(child.communicate(pickle.dumps((kind, name, data, base))), WALL_SECONDS)
        except TimeoutError:
            child.kill()
            await child.wait()
            raise ImportTooCostly("time") from None
        if child.returncode != 0 or not out:
            raise ImportTooCostly(f"exit {child.returncode}")
        preview, note, _peak_kib = pickle.loads(out)  # written by our own child, below
        return preview, note
    finally:
        _running = False


def _child() -> None:
    memory, cpu = int(sys.argv[1]), int(sys.argv[2])
    # Everything the reading needs is imported before the limits: the limits are for the upload, and
    # numpy's OpenBLAS reserves address space per core as it loads (more than a small limit allows).
    from . import importing  # noqa: F401
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))  # SIGXCPU at the soft limit ends the child
    kind, name, data, base = pickle.loads(sys.stdin.buffer.read())
    try:
        preview, note = read_upload(kind, name, data, base)
    except MemoryError:
        sys.exit(3)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    sys.stdout.buffer.write(pickle.dumps((preview, note, peak)))


if __name__ == "__main__":
    _child()
