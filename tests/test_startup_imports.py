"""The server listens before the heavy document modules are imported (openpyxl, numpy: most of a second
of start-up, a restart mid-event too), and imports them in the background once connections stop
arriving, so the first download does not hold the event loop (app/web.py, warm_document_modules)."""

from __future__ import annotations

import subprocess
import sys

from tests.server import ROOT

HEAVY = ("openpyxl", "numpy", "scipy")


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_app_and_its_routes_import_without_the_document_modules() -> None:
    code = f"import sys, app.web, app.cli, app.season.serve; print([m for m in {HEAVY!r} if m in sys.modules])"
    assert _run(code) == "[]"


def test_the_document_modules_are_warmed_in_the_background_and_frozen() -> None:
    code = (
        "import asyncio, gc, sys, app.web\n"
        "frozen = gc.get_freeze_count()\n"
        "asyncio.run(app.web.warm_document_modules())\n"
        "print('openpyxl' in sys.modules, 'numpy' in sys.modules, 'scipy' in sys.modules,"
        " gc.get_freeze_count() > frozen)"
    )
    # scipy stays for the first judging report (docs/performance.md): it is the slowest of all
    assert _run(code) == "True True False True"


def test_the_warming_waits_for_a_storm_of_connections_to_end() -> None:
    """A server restarted mid-event meets every phone reconnecting at once: the import waits."""
    code = """
import asyncio, sys, app.web
app.web.WARM_AFTER_QUIET_SECONDS = 0.5
arrived = [0]

async def main():
    async def storm():
        for _ in range(8):  # a connection every 0.2 s for 1.6 s: never 0.5 s of quiet
            arrived[0] += 1
            await asyncio.sleep(0.2)

    storming = asyncio.create_task(storm())
    warming = asyncio.create_task(app.web.warm_document_modules(lambda: arrived[0]))
    await storming
    during = "openpyxl" in sys.modules
    await warming
    print(during, "openpyxl" in sys.modules)

asyncio.run(main())
"""
    assert _run(code) == "False True"
