"""Entry point the test suite runs as a subprocess: the real app under uvicorn on 127.0.0.1.

    python -m tests.serve_for_tests DB PORT PASSWORD [EVENT_FILE]

Creates the event from EVENT_FILE (default: the demo) on first start; the host login key comes from
ROADSHOW_TEST_LOGIN_KEY so the test can log in as host.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from app.cli import UVICORN_OPTIONS
from app.config import Settings
from app.setup import demo_event_text, prepare
from app.web import create_app


def app_from_argv() -> tuple[Starlette, int]:
    """The app for DB PORT PASSWORD [EVENT_FILE] (the event created on first start), and its port."""
    db, port, password = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    text = Path(sys.argv[4]).read_text(encoding="utf-8") if len(sys.argv) > 4 else demo_event_text()
    prepared = asyncio.run(prepare(db, text, host_password=password))
    settings = Settings(
        db_path=db,
        secret=prepared.secret,
        host_login_key=os.environ["ROADSHOW_TEST_LOGIN_KEY"],
        idle_timeout=float(os.environ.get("ROADSHOW_IDLE_TIMEOUT", "20")),
        send_timeout=float(os.environ.get("ROADSHOW_SEND_TIMEOUT", "10")),
    )
    return create_app(settings), port


def serve(app: Starlette, port: int) -> None:
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        **(UVICORN_OPTIONS | {"timeout_graceful_shutdown": 2}),
    )


def main() -> None:
    serve(*app_from_argv())


if __name__ == "__main__":
    main()
