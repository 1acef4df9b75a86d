"""Per-page strings for the JavaScript pages."""
