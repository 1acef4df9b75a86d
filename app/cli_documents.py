"""`roadshow import` and `roadshow export`: spreadsheets in and out from the command line.

roadshow import FILE.xlsx --out event.toml
roadshow import projects.csv --base event.toml|event.db --out event.toml
roadshow export EVENT.db --xlsx event.xlsx --toml event.toml --results results.xlsx --scores scores.csv
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from .domain.models import Event
from .domain.state import Change, EventState
from .eventfile import load_event_file, parse_event
from .eventfile_export import event_to_toml
from .i18n import N_, Message
from .spreadsheets import ImportPreview, event_workbook, import_projects_csv, import_workbook
from .spreadsheets.bounds import MAX_UPLOAD_BYTES
from .store import ChainError, JournalEntry, Store, anchor_of


def import_command(
    source: str, out: str | None, base: str | None = None, force: bool = False, language: str = "en"
) -> int:
    """Print every problem (in `language`: "en" or "zh") and write nothing (exit 2), or write the event
    file (exit 0)."""
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist")
    if out and Path(out).exists() and not force:
        print(f"error: {out} already exists; choose another name or pass --force", file=sys.stderr)
        return 2
    if path.stat().st_size > MAX_UPLOAD_BYTES:  # the server's upload limit, and the same bounds after it
        print(f"error: {path.name} is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB", file=sys.stderr)
        return 2
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if not base:
            print("error: a .csv file holds only the projects: pass --base EVENT.toml or EVENT.db", file=sys.stderr)
            return 2
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            print(f"error: {path} is not UTF-8 text; save it as 'CSV UTF-8'", file=sys.stderr)
            return 2
        try:
            base_event = _base_event(base)
        except ChainError as exc:
            print(f"error: {base}: {exc}", file=sys.stderr)
            return 2
        preview = import_projects_csv(text, base_event, name=path.stem)
    elif suffix in (".xlsx", ".xlsm"):
        preview = import_workbook(path.read_bytes())
    else:
        print(f"error: {path.name}: import reads .xlsx workbooks and .csv project lists", file=sys.stderr)
        return 2
    return _report(preview, path, out, language)


def _report(preview: ImportPreview, path: Path, out: str | None, language: str = "en") -> int:
    if not preview.ok:
        heading = Message(
            N_("{file}: {n} problem(s); nothing was written:"), {"file": path.name, "n": len(preview.problems)}
        )
        print(heading.translate(language), file=sys.stderr)
        for problem in preview.problems:
            print(f"  {problem.report(language)}", file=sys.stderr)
        return 2
    assert preview.toml is not None
    if out:
        Path(out).write_text(preview.toml, encoding="utf-8")
        print(
            f"ok: {preview.summary()}\nwrote {out}; check it with `roadshow check {out}`, serve it with "
            f"`roadshow serve {out}`"
        )
    else:
        sys.stdout.write(preview.toml)
        print(f"ok: {preview.summary()}", file=sys.stderr)
    return 0


def _base_event(base: str) -> Event:
    if Path(base).suffix.lower() == ".toml":
        return load_event_file(base)
    event, _entries = asyncio.run(_read_db(base))
    return event


async def _read_db(db: str) -> tuple[Event, list[JournalEntry]]:
    if not Path(db).exists():
        raise FileNotFoundError(f"{db} does not exist")
    async with Store.open(db) as store:
        source = await store.get_meta("event_toml")
        if source is None:
            raise FileNotFoundError(f"{db} holds no event")
        await store.verify_chain()  # a tampered log is refused, as when serving it
        return parse_event(source, stored=True), await store.journal()


def load_state(db: str) -> tuple[EventState, list[JournalEntry]]:
    """The event state as the server would rebuild it from the database's journal."""
    event, entries = asyncio.run(_read_db(db))
    state = EventState.new(event)
    for entry in entries:
        state.apply(Change(entry.kind, entry.data), entry.at)
    return state, entries


def export_command(db: str, xlsx: str | None, toml: str | None, results: str | None, scores: str | None = None) -> int:
    if not any((xlsx, toml, results, scores)):
        print("error: nothing to export: pass --xlsx, --toml, --results and/or --scores", file=sys.stderr)
        return 2
    from . import documents

    try:
        state, entries = load_state(db)
    except ChainError as exc:
        print(f"error: {db}: {exc}; nothing was exported", file=sys.stderr)
        return 2
    event = state.event
    if xlsx:
        Path(xlsx).write_bytes(event_workbook(event))
        print(f"wrote {xlsx} (the event as a workbook)")
    if toml:
        Path(toml).write_text(event_to_toml(event, header=f"Exported from {Path(db).name} by Roadshow."), "utf-8")
        print(f"wrote {toml} (the event file)")
    if results:
        Path(results).write_bytes(documents.results_workbook(state, time.time(), anchor_of(entries)))
        print(f"wrote {results} (the results workbook)")
    if scores:
        Path(scores).write_text(documents.scores_csv(event, entries, anchor_of(entries)), encoding="utf-8")
        print(f"wrote {scores} (every score submission)")
    return 0
