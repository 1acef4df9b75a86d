"""The benchmark's event: the demo event (18 projects, 5 categories) with a panel of 30 judges."""

from __future__ import annotations

from app.setup import demo_event_text

JUDGES = 30


def bench_event_text(judges: int = JUDGES) -> str:
    """The demo event file plus judges j8..j<judges> (the demo has j1..j7)."""
    extra = "".join(
        f'\n[[judges]]\nid = "j{i}"\nname = "评委{i:02d}"\ntitle = "Benchmark judge {i}"\n'
        for i in range(8, judges + 1)
    )
    return demo_event_text() + extra
