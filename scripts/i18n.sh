#!/usr/bin/env bash
# Re-extract translatable strings and merge them into the catalogs (then translate the new entries
# in app/locale/zh_Hans/LC_MESSAGES/messages.po). The server compiles the .po files in memory.
set -euo pipefail
cd "$(dirname "$0")/.."
pybabel extract -F babel.cfg -k N_ -k DomainError:2 -k RoundError:2 -k ProtocolError:2 -k _error:3 -k fail:2 -k problem:4 --no-location --sort-output \
  -o app/locale/messages.pot . >/dev/null 2>&1
for locale in zh_Hans en; do
  po="app/locale/$locale/LC_MESSAGES/messages.po"
  if [[ -f "$po" ]]; then
    pybabel update -i app/locale/messages.pot -d app/locale -l "$locale" --no-fuzzy-matching --ignore-obsolete >/dev/null
  else
    pybabel init -i app/locale/messages.pot -d app/locale -l "$locale" >/dev/null
  fi
done
python - <<'PY'
from babel.messages.pofile import read_po
for loc in ("zh_Hans",):
    with open(f"app/locale/{loc}/LC_MESSAGES/messages.po", "rb") as fh:
        cat = read_po(fh)
    missing = [m.id for m in cat if m.id and not m.string]
    print(f"{loc}: {len(cat)} messages, {len(missing)} untranslated")
PY
