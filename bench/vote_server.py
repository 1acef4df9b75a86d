"""The vote burst's server (bench/votes.py): the test server's real app with the production uvicorn
options (tests/serve_for_tests.py), plus the benchmark-only GET /_bench/stats of bench/roadshow_server.py
(the garbage collector's passes, the hub's fan-outs), on 127.0.0.1 only.

    python -m bench.vote_server DB PORT PASSWORD EVENT_FILE

The server is instrumented as bench/roadshow_server.py's `instrument()` says (a judge's command's time
inside the server, the event loop's lags).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app import gc_policy
from bench.roadshow_server import instrument, stats
from tests.serve_for_tests import app_from_argv, serve


async def stats_then_reset(request: Request) -> Response:
    """bench/roadshow_server.py's statistics; with ?reset_longest=1 the collector's longest passes start
    again from zero after this answer (so the next answer's are those of the phase in between)."""
    answer = await stats(request)
    if request.query_params.get("reset_longest"):
        for longest in (gc_policy.STATS.longest, gc_policy.STATS.longest_cpu):
            longest[:] = [0.0, 0.0, 0.0]
    return answer


def main() -> None:
    instrument()
    app, port = app_from_argv()
    app.router.routes[:0] = [Route("/_bench/stats", stats_then_reset)]
    serve(app, port)


if __name__ == "__main__":
    main()
