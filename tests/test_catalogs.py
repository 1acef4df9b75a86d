"""The translation catalogs parse cleanly. Branches that each append entries at the end of the .po files
can merge into an entry without its `msgstr` line; Babel then only warns at start-up and drops it."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "app" / "locale"
CATALOGS = [LOCALE / "messages.pot", *sorted(LOCALE.glob("*/LC_MESSAGES/messages.po"))]


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: str(p.relative_to(LOCALE)))
def test_every_catalog_entry_is_well_formed(path: Path) -> None:
    with path.open("rb") as fh:
        catalog = read_po(fh, abort_invalid=True)  # PoFileError on an entry without msgstr
    assert len(catalog) > 0


def test_the_catalogs_hold_the_same_messages() -> None:
    ids = {}
    for path in CATALOGS:
        with path.open("rb") as fh:
            ids[path] = {m.id for m in read_po(fh) if m.id}
    template = ids[LOCALE / "messages.pot"]
    for path, found in ids.items():
        missing, extra = sorted(template - found)[:5], sorted(found - template)[:5]
        assert found == template, f"{path}: missing {missing}, extra {extra}"
