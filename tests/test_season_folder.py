"""A season folder's files: which are events, their slugs and bounds, and the folder's own small files."""

from __future__ import annotations

import contextlib
import io
import os
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from app.domain.errors import DomainError
from app.media import Picture, process
from app.season import creating, host_file
from app.season import folder as folder_module
from app.season.creating import blank_definition, clean_title, create_database, new_database, retitled
from app.season.folder import MAX_SLUG_LENGTH, scan, slug_for, valid_slug
from app.security import verify_password
from tests.conftest import MINI_EVENT


def test_slugs_from_file_names() -> None:
    assert slug_for("Semi-Final_2") == "semi-final_2"
    assert slug_for("a" * MAX_SLUG_LENGTH) == "a" * MAX_SLUG_LENGTH
    hashed = slug_for("a" * (MAX_SLUG_LENGTH + 1))
    assert hashed.startswith("e-") and len(hashed) == 12
    chinese = slug_for("初赛")
    assert chinese == slug_for("初赛") and chinese != slug_for("决赛") and valid_slug(chinese)
    assert slug_for("events").startswith("e-"), "a reserved word is never a slug"
    for bad in ("", "-x", "Upper", "a b", "a/b", "x" * (MAX_SLUG_LENGTH + 1), "static", "é"):
        assert not valid_slug(bad), bad


def test_scan_lists_databases_and_event_files_without_one(tmp_path: Path) -> None:
    for name in ("semi.db", "semi.toml", "final.toml", "初赛.toml", "notes.txt", "Final.db"):
        (tmp_path / name).write_text("x")
    (tmp_path / "backups").mkdir()
    (tmp_path / "backups" / "semi-auto.db").write_text("x")
    entries = {e.db.name: e for e in scan(tmp_path)}
    assert set(entries) == {"semi.db", "final.db", "初赛.db", "Final.db"}
    assert entries["semi.db"].source is None, "the database is the event; its event file is ignored"
    assert entries["初赛.db"].source == tmp_path / "初赛.toml"
    # Final.db and final.toml both want /e/final/: the second one in name order is listed with an error
    assert [e.error is not None for e in scan(tmp_path) if e.slug == "final"] == [False, True]


def test_at_most_max_events_are_served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(folder_module, "MAX_EVENTS", 3)
    for i in range(5):
        (tmp_path / f"e{i}.toml").write_text("x")
    errors = [e.error for e in scan(tmp_path)]
    assert errors[:3] == [None, None, None] and all("at most 3 events" in (e or "") for e in errors[3:])


def test_the_default_bound_is_fifty(tmp_path: Path) -> None:
    for i in range(folder_module.MAX_EVENTS + 1):
        (tmp_path / f"e{i:02d}.toml").write_text("x")
    served = [e for e in scan(tmp_path) if e.error is None]
    assert len(served) == folder_module.MAX_EVENTS == 50


def test_host_file_and_live_choice_are_written_atomically(tmp_path: Path) -> None:
    held, password = host_file.ensure_host(tmp_path)
    assert password and verify_password(password, held.password_hash)
    assert os.stat(tmp_path / host_file.HOST_FILE).st_mode & 0o777 == 0o600
    again, none = host_file.ensure_host(tmp_path)
    assert none is None and again == held
    other = tmp_path / "other"
    other.mkdir()
    chosen, shown = host_file.ensure_host(other, "chosen-at-first-start")
    assert shown == "chosen-at-first-start" and verify_password(shown, chosen.password_hash)
    changed = host_file.set_password(tmp_path, "new-folder-password")
    assert changed.secret == held.secret and changed.epoch != held.epoch
    assert verify_password("new-folder-password", changed.password_hash)
    assert host_file.read_live(tmp_path) is None
    host_file.write_live(tmp_path, "semi")
    assert host_file.read_live(tmp_path) == "semi"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other", host_file.HOST_FILE, host_file.LIVE_FILE]


def test_new_event_names_and_titles_are_checked(tmp_path: Path) -> None:
    (tmp_path / "semi.db").write_text("x")
    assert new_database(tmp_path, "final", set()) == tmp_path / "final.db"
    for slug, taken in (("semi", set()), ("final", {"final"}), ("Bad", set()), ("a" * 41, set())):
        with pytest.raises(DomainError):
            new_database(tmp_path, slug, taken)
    assert clean_title("  春季\t初赛 ") == "春季 初赛"
    for bad in ("", "   ", "x" * 201, None):
        with pytest.raises(DomainError):
            clean_title(bad)
    assert clean_title("x" * 200) == "x" * 200
    assert 'title = "春季"' in blank_definition("春季")
    assert 'title = "Copy"' in retitled(blank_definition("春季"), "Copy")


def _picture(color: tuple[int, int, int]) -> Picture:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buffer, "PNG")
    return process(buffer.getvalue(), "project")


async def test_a_copy_takes_only_the_pictures_it_has_a_place_for(tmp_path: Path) -> None:
    """A project removed from the source may have left its picture behind: it must not come back on
    whoever gets that id in the copy."""
    db = tmp_path / "copy.db"
    pictures = {"logo": _picture((1, 2, 3)), "project:p1": _picture((4, 5, 6)), "project:gone": _picture((7, 8, 9))}
    await create_database(db, MINI_EVENT.read_text(encoding="utf-8"), pictures, "semi")
    with contextlib.closing(sqlite3.connect(db)) as conn:
        stored = dict(conn.execute("SELECT slot, sha256 FROM media").fetchall())
        journalled = [row[0] for row in conn.execute("SELECT data FROM journal WHERE kind = 'media_set'")]
    assert stored == {"logo": pictures["logo"].sha256, "project:p1": pictures["project:p1"].sha256}
    assert len(journalled) == 2 and all('"copy of semi"' in data for data in journalled)


async def test_a_copy_that_fails_half_way_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def broken(*args: object) -> list[str]:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(creating, "copy_pictures", broken)
    db = tmp_path / "copy.db"
    with pytest.raises(sqlite3.OperationalError):
        await create_database(db, MINI_EVENT.read_text(encoding="utf-8"), {"logo": _picture((1, 2, 3))}, "semi")
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "the slug stays free"
