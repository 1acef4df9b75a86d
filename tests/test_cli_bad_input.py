"""Command-line bad input: one clear line (exit 2, no traceback), and nothing destroyed or created.

`roadshow backup` with its arguments swapped must not overwrite the live event; a folder, a file that
is not an event database, or a missing file given to any command is one line of error.
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.cli import _build_parser, main
from app.security import MAX_PASSWORD_CHARS
from tests.conftest import MINI_EVENT
from tests.test_cli import run, serve_and_read_banner, stop


@pytest.fixture
def event_db(tmp_path: Path) -> Path:
    db = tmp_path / "ev.db"
    assert main(["init", str(MINI_EVENT), "--db", str(db)]) == 0
    return db


def one_line_error(result: object, *fragments: str) -> None:
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert result.returncode == 2, (result.returncode, stderr)  # type: ignore[attr-defined]
    assert "Traceback" not in stderr and stderr.strip().count("\n") == 0, stderr
    assert stderr.startswith("error: "), stderr
    for fragment in fragments:
        assert fragment in stderr, stderr


def test_backup_refuses_an_existing_destination_without_force(tmp_path: Path, event_db: Path) -> None:
    other = tmp_path / "other.db"
    assert run("init", str(MINI_EVENT), "--db", str(other), cwd=tmp_path).returncode == 0
    before = other.read_bytes()
    # the arguments swapped: "copy other.db over ev.db" when ev.db was meant
    refused = run("backup", str(event_db), str(other), cwd=tmp_path)
    one_line_error(refused, "already exists", "--force")
    assert other.read_bytes() == before
    forced = run("backup", str(event_db), str(other), "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    with sqlite3.connect(other) as conn:  # now a copy of ev.db
        assert conn.execute("SELECT count(*) FROM judge_tokens").fetchone()[0] > 0
    one_line_error(run("backup", str(event_db), str(event_db), "--force", cwd=tmp_path), "being copied")


def test_backup_never_overwrites_the_database_being_served(tmp_path: Path, event_db: Path) -> None:
    copy = tmp_path / "copy.db"
    assert run("backup", str(event_db), str(copy), cwd=tmp_path).returncode == 0
    args = ["serve", str(event_db), "--host", "127.0.0.1", "--port", "0", "--backup-every", "0"]
    proc, banner = serve_and_read_banner(args, tmp_path)
    try:
        assert "/judge/" in banner
        served = event_db.read_bytes()
        refused = run("backup", str(copy), str(event_db), "--force", cwd=tmp_path)
        one_line_error(refused, "is being served", f"pid {proc.pid}")
        assert event_db.read_bytes() == served
        # copying the live database away is what backup is for
        assert run("backup", str(event_db), str(tmp_path / "live-copy.db"), cwd=tmp_path).returncode == 0
    finally:
        stop(proc)


def test_password_on_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    one_line_error(run("password", str(tmp_path / "missing.db"), "--password", "pw", cwd=tmp_path), "does not exist")
    assert not (tmp_path / "missing.db").exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        # a folder is a season (app/season/): refused like an event when it cannot listen, nothing created
        (["serve", "{dir}", "--port", "70000"], "not a valid port"),
        (["serve", "{dir}", "--public-url", "ftp://x"], "--public-url"),
        (["serve", "{dir}", "--ssl-certfile", "{missing}", "--ssl-keyfile", "{missing}"], "does not exist"),
        (["serve", "{junk}"], "not an event database"),
        (["serve", "{missing}"], "does not exist"),
        (["serve", "{dir}/event.toml"], "does not exist"),
        (["serve", "{event}", "--db", "{dir}"], "is a directory"),
        (["demo", "--db", "{junk}"], "not an event database"),
        (["demo", "--db", "{dir}/nowhere/demo.db"], "does not exist"),
        (["init", "{dir}"], "is a directory"),
        (["init", "{event}", "--db", "{junk}"], "not an event database"),
        (["check", "{dir}"], "is a directory"),
        (["new", "{dir}"], "is a directory"),
        (["export", "{event_db}", "--toml", "{dir}"], "IsADirectoryError"),
        (["backup", "{dir}", "{dir}/copy.db"], "is a directory"),
        (["backup", "{junk}", "{dir}/copy.db"], "not an event database"),
        (["backup", "{missing}", "{dir}/copy.db"], "does not exist"),
        (["backup", "{event_db}", "{dir}"], "is a directory"),
        (["password", "{dir}/missing.db", "--password", "x"], "does not exist"),
        (["password", "{junk}", "--password", "x"], "not an event database"),
        (["export", "{junk}", "--toml", "{dir}/x.toml"], "not an event database"),
        (["export", "{dir}", "--toml", "{dir}/x.toml"], "is a directory"),
        (["export", "{missing}", "--toml", "{dir}/x.toml"], "does not exist"),
        (["import", "{dir}"], "is a directory"),
        (["import", "{missing}"], "does not exist"),
        (["import", "{csv}", "--base", "{junk}"], "not an event database"),
        (["serve", "{foreign}"], "another program's SQLite database"),
        (["password", "{foreign}", "--password", "x"], "another program's SQLite database"),
        (["export", "{foreign}", "--toml", "{dir}/x.toml"], "another program's SQLite database"),
        (["backup", "{foreign}", "{dir}/copy.db"], "another program's SQLite database"),
        (["serve", "{event}", "--public-url", "ftp://x"], "--public-url"),
        (["serve", "{event}", "--port", "70000"], "not a valid port"),
        (["serve", "{event}", "--ssl-certfile", "{missing}", "--ssl-keyfile", "{missing}"], "does not exist"),
    ],
)
def test_a_wrong_file_is_one_line(
    tmp_path: Path, event_db: Path, argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    junk = tmp_path / "notes.db"
    junk.write_text("not a database\n", encoding="utf-8")
    csv = tmp_path / "projects.csv"
    csv.write_text("name\nA\n", encoding="utf-8")
    event = tmp_path / "event.toml"
    event.write_text(MINI_EVENT.read_text(encoding="utf-8"), encoding="utf-8")
    foreign = tmp_path / "contacts.db"  # another program's SQLite database: must stay untouched
    with contextlib.closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.commit()
    foreign_before = foreign.read_bytes()
    names = {"dir": folder, "junk": junk, "missing": tmp_path / "missing.db", "event": event, "csv": csv}
    names["foreign"] = foreign
    names["event_db"] = event_db
    before = sorted(p.name for p in tmp_path.rglob("*"))
    args = [a.format(**names) for a in argv] + (["--host", "127.0.0.1"] if argv[0] in ("serve", "demo") else [])
    # in-process (the same main() as `roadshow`): these fail before anything is served
    code = main(args)
    captured = capsys.readouterr()
    result = SimpleNamespace(returncode=code, stderr=captured.err, stdout=captured.out)
    one_line_error(result, expected)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before  # nothing created
    assert junk.read_text(encoding="utf-8") == "not a database\n"  # nothing changed
    assert foreign.read_bytes() == foreign_before


def test_every_option_and_argument_is_documented_with_its_default() -> None:
    parser = _build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) >= {"demo", "serve", "init", "new", "check", "backup", "password", "import", "export"}
    for name, sub in commands.choices.items():
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"{name} {action.dest}: no help"
            if action.option_strings:
                assert "default" in action.help, f"roadshow {name} {action.option_strings[0]}: default not stated"
            else:
                assert "required" in action.help, f"roadshow {name} {action.dest}: say it is required"
        text = sub.format_help()
        for action in sub._actions:
            shown = action.option_strings[0] if action.option_strings else action.dest
            assert shown in text


def test_a_host_password_longer_than_the_login_checks_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/security.md: a login checks a password's first MAX_PASSWORD_CHARS characters, so no longer
    one can be set (it could never log in): one line of error, and no database."""
    db = tmp_path / "long.db"
    assert main(["init", str(MINI_EVENT), "--db", str(db), "--password", "p" * (MAX_PASSWORD_CHARS + 1)]) == 2
    assert f"at most {MAX_PASSWORD_CHARS} characters" in capsys.readouterr().err
    assert not db.exists()
    assert main(["init", str(MINI_EVENT), "--db", str(db), "--password", "p" * MAX_PASSWORD_CHARS]) == 0
