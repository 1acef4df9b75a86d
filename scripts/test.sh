#!/usr/bin/env bash
# Install everything the test suite needs, then run all of it (unit, integration, fault, browser).
# Used as-is by CI (.ci/run) and by README's second command. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium drives the browser tests (Playwright cannot download its own browser here),
# and CJK fonts make Chinese screenshots and certificates readable.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
  SUDO=""
  if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  if command -v apt-get >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "warning: no apt-get; browser tests will be skipped unless chromium is installed" >&2
  fi
fi

python3 -m pip install -q --disable-pip-version-check -e '.[test]'

# axe-core (from npm) for the automated accessibility check in the browser tests.
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null 2>&1; then
  npm ci --prefix tests/browser --no-audit --no-fund --silent || echo "warning: npm could not install axe-core" >&2
fi
python3 -m ruff check .
exec python3 -m pytest "$@"
