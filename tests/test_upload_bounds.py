"""Spreadsheet and CSV imports are bounded before the work is done (app/spreadsheets/bounds.py) and
run in a child process with memory and CPU limits (app/spreadsheets/sandbox.py). Each test makes its
hostile file itself: a tiny workbook with one far cell, a wide CSV of blank rows, a zip bomb, a
billion-laughs XML. docs/security.md, "Uploads and text", lists every limit tested here."""

from __future__ import annotations

import asyncio
import io
import os
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from app.eventfile import load_event_file
from app.spreadsheets import import_projects_csv, import_workbook, sandbox, template_workbook
from app.spreadsheets.bounds import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_MEMBER_BYTES,
    MAX_UNZIPPED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_ZIP_MEMBERS,
    workbook_refusal,
)
from app.spreadsheets.layout import MAX_ROWS, PROJECTS
from tests.conftest import MINI_EVENT

MIB = 1024 * 1024
BASE = load_event_file(MINI_EVENT)
HEADER = ",".join(c.header for c in PROJECTS.columns) + ",Resident satisfaction [sat]"
KEYS = [c.key for c in PROJECTS.columns]


def csv_line(**cells: str) -> str:
    """One CSV row under HEADER, by column key (the template's columns move as it grows)."""
    return ",".join(cells.get(key, "") for key in KEYS) + "," + cells.get("sat", "")


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def one_bit_bytes(n: int) -> bytes:
    """`n` bytes that deflate only about 7 to 1 (one random bit each): big but not a bomb."""
    return os.urandom(n).translate(bytes(97 + (i & 1) for i in range(256)))


def peak_memory(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def messages(preview: object) -> str:
    return " | ".join(str(p) for p in preview.problems)  # type: ignore[attr-defined]


def far_cell_workbook(cell: str = "XFD1048576") -> bytes:
    """The template with one value far away: about 2 KiB more, a sheet that claims 17 billion cells."""
    wb = openpyxl.load_workbook(io.BytesIO(template_workbook()))
    wb["项目 Projects"][cell] = "x"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------- workbooks
def test_a_far_cell_is_a_clear_problem_and_costs_no_memory() -> None:
    data = far_cell_workbook()
    preview = import_workbook(data)
    peak = peak_memory(lambda: import_workbook(data))
    assert "reaches cell XFD1048576" in messages(preview) and "5000 rows" in messages(preview)
    assert preview.problems[0].sheet == "项目 Projects"
    assert peak < 30 * MIB, peak  # it was ~750 MB when the whole sheet was materialised


def test_a_sheet_at_its_declared_limit_is_read() -> None:
    at_limit = import_workbook(far_cell_workbook(f"{openpyxl.utils.get_column_letter(MAX_COLUMNS)}{MAX_ROWS + 1}"))
    assert "reaches cell" not in messages(at_limit)
    over = import_workbook(far_cell_workbook(f"A{MAX_ROWS + 2}"))
    corner = openpyxl.utils.get_column_letter(len(KEYS) + 1)  # the template's columns and one indicator
    assert f"reaches cell {corner}{MAX_ROWS + 2}" in messages(over)
    wide = import_workbook(far_cell_workbook(f"{openpyxl.utils.get_column_letter(MAX_COLUMNS + 1)}2"))
    assert "reaches cell BM2" in messages(wide)


def test_a_zip_bomb_is_refused_from_its_directory() -> None:
    bomb = zip_of({"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b" " * (64 * MIB)})
    assert len(bomb) < 100 * 1024
    peak = peak_memory(lambda: import_workbook(bomb))
    text = messages(import_workbook(bomb))
    assert "unpacks to more than 20 MB" in text
    assert peak < 10 * MIB, peak
    # a member under the size limit but compressed far more than 100 to 1
    assert "compressed more than 100 to 1" in str(workbook_refusal(zip_of({"a.xml": b"\0" * (2 * MIB)})))


def test_zip_limits_just_under_pass_and_just_over_are_named() -> None:
    assert workbook_refusal(zip_of({"a.xml": one_bit_bytes(MAX_MEMBER_BYTES)})) is None
    over = workbook_refusal(zip_of({"a.xml": one_bit_bytes(MAX_MEMBER_BYTES + 1)}))
    assert str(over) == "'a.xml' inside the workbook unpacks to more than 20 MB"
    total = MAX_UNZIPPED_BYTES // MIB
    assert workbook_refusal(zip_of({f"m{i}": b"\0" * MIB for i in range(total)})) is None
    assert "unpacks to more than 50 MB" in str(
        workbook_refusal(zip_of({f"m{i}": b"\0" * MIB for i in range(total + 1)}))
    )
    assert workbook_refusal(zip_of({f"m{i}": b"" for i in range(MAX_ZIP_MEMBERS)})) is None
    many = workbook_refusal(zip_of({f"m{i}": b"" for i in range(MAX_ZIP_MEMBERS + 1)}))
    assert "holds 501 files inside" in str(many) and "至多" not in str(many)
    assert "内含 501 个文件" in many.translate("zh")  # type: ignore[union-attr]


def billion_laughs() -> bytes:
    """The template with ten levels of nested XML entities (a billion "lol"s) in its workbook.xml."""
    entities = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doctype = f'<!DOCTYPE workbook [<!ENTITY l0 "lol">{entities}]>'.encode()
    source = zipfile.ZipFile(io.BytesIO(template_workbook()))
    members = {i.filename: source.read(i) for i in source.infolist()}
    workbook = members["xl/workbook.xml"].replace(b"</workbook>", b"<definedNames/>&l9;</workbook>")
    return zip_of(members | {"xl/workbook.xml": doctype + workbook})


def test_xml_entities_are_refused() -> None:
    assert openpyxl.DEFUSEDXML  # a dependency: openpyxl parses with defusedxml
    data = billion_laughs()
    peak = peak_memory(lambda: import_workbook(data))
    preview = import_workbook(data)
    assert not preview.ok
    assert "is not an .xlsx workbook (EntitiesForbidden)" in messages(preview)
    assert peak < 20 * MIB, peak


# ---------------------------------------------------------------------------------------- CSV
def test_a_wide_csv_of_blank_rows_costs_no_memory() -> None:
    wide = HEADER + "," * 300 + "\n" + ("," * 299 + "\n") * 10_000  # 3 MB: 300 columns x 10,000 blank rows
    peak = peak_memory(lambda: import_projects_csv(wide, BASE))
    assert peak < 30 * MIB, peak
    assert "has no rows" in messages(import_projects_csv(wide, BASE))
    named = ",".join(f"c{i}" for i in range(300)) + "\n" * 10_000  # 300 named columns: refused
    text = messages(import_projects_csv(named, BASE, name="wide"))
    assert "wide BM1: has more than 64 columns" in text


def csv_with(rows: int, columns: int = 0, cell: int = 0) -> str:
    def line(n: int) -> str:
        return csv_line(
            id=f"p{n}", order=str(n), category="care", title=f"Title {n}", team="Team", summary="x" * cell, sat="50"
        )

    return HEADER + ",x" * columns + "\n" + "\n".join(line(n) + ",x" * columns for n in range(1, rows + 1))


def test_csv_rows_at_the_limit_pass_and_one_more_is_named() -> None:
    assert "rows" not in messages(import_projects_csv(csv_with(MAX_ROWS), BASE))
    assert "has more than 5000 rows" in messages(import_projects_csv(csv_with(MAX_ROWS + 1), BASE))


def test_csv_columns_at_the_limit_pass_and_one_more_is_named() -> None:
    extra = MAX_COLUMNS - len(HEADER.split(","))
    assert "columns" not in messages(import_projects_csv(csv_with(1, extra), BASE))
    assert "BM1: has more than 64 columns" in messages(import_projects_csv(csv_with(1, extra + 1), BASE))


def test_csv_cells_at_the_limit_pass_and_longer_ones_are_named() -> None:
    summary_column = openpyxl.utils.get_column_letter(KEYS.index("summary") + 1)  # 项目简介 / Summary
    assert "longer than 10000" not in messages(import_projects_csv(csv_with(1, cell=MAX_CELL_CHARS), BASE))
    text = messages(import_projects_csv(csv_with(1, cell=MAX_CELL_CHARS + 1), BASE, name="long"))
    assert f"long {summary_column}2: this cell is longer than 10000 characters" in text
    huge = messages(import_projects_csv(csv_with(1, cell=140_000), BASE))  # past csv's own field limit
    assert "cannot be read as CSV" in huge


def test_controls_in_a_csv_are_cleaned_not_a_crash() -> None:
    text = (
        HEADER
        + "\n"
        + csv_line(
            id="p1", order="1", category="care", title="Ti\x00t\x0ble", team="Te\x01am", summary="Sum\x0bmary", sat="50"
        )
        + "\n"
    )
    preview = import_projects_csv(text, BASE)
    assert preview.ok, messages(preview)
    project = preview.event.projects[0]  # type: ignore[union-attr]
    assert (project.title, project.team, project.summary) == ("Tit le", "Team", "Sum\nmary")


# ------------------------------------------------------------------------------------ the child
async def test_the_child_reads_a_file_and_one_upload_at_a_time() -> None:
    data = template_workbook()
    first = asyncio.ensure_future(sandbox.read_upload_isolated("xlsx", "t.xlsx", data, BASE))
    await asyncio.sleep(0)
    with pytest.raises(sandbox.ImportBusy):
        await sandbox.read_upload_isolated("xlsx", "t.xlsx", data, BASE)
    preview, note = await first
    assert preview.ok and note is None
    again, _ = await sandbox.read_upload_isolated("xlsx", "t.xlsx", data, BASE)  # free again
    assert again.ok


async def test_the_child_is_stopped_at_its_memory_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    data = csv_with(MAX_ROWS).encode()  # 5,000 good rows: about 60 MB of peak RSS in the child
    preview, _ = await sandbox.read_upload_isolated("csv", "p.csv", data, BASE)
    assert preview.ok and len(preview.event.projects) == MAX_ROWS  # type: ignore[union-attr]
    monkeypatch.setattr(sandbox, "MEMORY_LIMIT_BYTES", 64 * MIB)  # below what Python itself takes
    with pytest.raises(sandbox.ImportTooCostly):
        await sandbox.read_upload_isolated("csv", "p.csv", data, BASE)


async def test_the_child_is_stopped_at_its_cpu_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "CPU_SECONDS", 1)  # the same 5,000 rows take more than a second of CPU
    with pytest.raises(sandbox.ImportTooCostly):
        await sandbox.read_upload_isolated("csv", "p.csv", csv_with(MAX_ROWS).encode(), BASE)


def test_roadshow_import_has_the_same_upload_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli_documents import import_command

    big = tmp_path / "big.xlsx"
    big.write_bytes(b"PK\x03\x04" + b"\0" * MAX_UPLOAD_BYTES)
    assert import_command(str(big), None) == 2
    assert "larger than 5 MB" in capsys.readouterr().err
    far = tmp_path / "far.xlsx"
    far.write_bytes(far_cell_workbook())
    assert import_command(str(far), None) == 2
    assert "reaches cell XFD1048576" in capsys.readouterr().err
