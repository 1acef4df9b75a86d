"""The fan-out benchmark: `python -m bench.fanout` (see docs/performance.md)."""
