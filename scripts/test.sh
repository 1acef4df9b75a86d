#!/usr/bin/env bash
# Install everything the test suite needs into .venv, then run all of it: ruff, the unit, integration,
# fault and install tests (in parallel, pytest-xdist), the browser tests (serially), and the Node unit
# tests of static/tests/ when that folder exists. README's second command and CI (.ci/run) run this.
#
#   bash scripts/test.sh                      everything
#   bash scripts/test.sh tests/test_cli.py    only what pytest selects from these arguments (one run)
#   bash scripts/test.sh -m "not browser"     (add -n auto to spread it over the cores)
#
# On a bare Debian/Ubuntu machine it installs with apt-get (as root, or through sudo): python3-venv when
# Python cannot create a virtual environment, chromium and fonts-noto-cjk for the browser tests, and
# npm for axe-core (the accessibility check). Every step that fails stops the script with its exit code;
# pytest's code 5 ("no tests collected") is a failure too.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
apt_install() {
  if command -v apt-get >/dev/null 2>&1; then
    [ -n "${APT_UPDATED:-}" ] || { $SUDO apt-get update -qq; APT_UPDATED=1; }
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    echo "warning: no apt-get; install $* yourself" >&2
  fi
}

# A virtual environment of our own: a stock Debian/Ubuntu Python refuses `pip install` outside one
# (PEP 668), and the tests must run against exactly the versions pyproject.toml allows.
# (Checked through its pip: without python3-venv, `python3 -m venv` leaves a .venv with no pip in it.)
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  rm -rf .venv
  python3 -m venv .venv 2>/dev/null || {
    rm -rf .venv
    apt_install python3-venv
    python3 -m venv .venv
  }
fi
PY=.venv/bin/python
"$PY" -m pip install -q --disable-pip-version-check -e '.[test]'

# Debian's Chromium drives the browser tests (Playwright cannot download its own browser here), and
# CJK fonts make Chinese screenshots and certificates readable.
# (grep without -q: with pipefail, `fc-list | grep -q` fails when grep exits before fc-list is done.)
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -i "noto.*cjk" >/dev/null; then
  apt_install chromium fonts-noto-cjk
fi
# axe-core (from npm) for the automated accessibility check in the browser tests.
if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
  command -v npm >/dev/null 2>&1 || apt_install npm
  npm ci --prefix tests/browser --no-audit --no-fund --silent || echo "warning: npm could not install axe-core" >&2
fi

"$PY" -m ruff check .

if [ "$#" -gt 0 ]; then
  exec "$PY" -m pytest "$@"
fi
# Everything but the browser tests, spread over the cores; each test starts its own server on its own
# port and database, so they do not share state. Then the browser tests, one at a time (each drives
# a Chromium of its own, and on a small machine several at once only slow each other down).
# Each run keeps its temporary files (databases, server logs) in a folder of its own: pytest keeps only a
# user's three latest pytest-N folders and deletes older ones, which removed a running suite's files
# when other pytest runs started on the same machine.
RUN_TMP=$(mktemp -d -t roadshow-tests.XXXXXX)
trap 'rm -rf "$RUN_TMP"' EXIT
"$PY" -m pytest -q -p no:cacheprovider -m "not browser" -n auto --basetemp "$RUN_TMP/tests"
"$PY" -m pytest -q -p no:cacheprovider -m browser --basetemp "$RUN_TMP/browser"
# Front-end unit tests (plain ES modules, Node's built-in runner), when there are any. The files are
# listed explicitly: how `node --test DIR` treats a folder differs between Node versions.
if [ -d static/tests ]; then
  mapfile -t node_tests < <(find static/tests -type f \( -name '*.js' -o -name '*.mjs' \) | sort)
  if [ "${#node_tests[@]}" -gt 0 ]; then
    command -v node >/dev/null 2>&1 || apt_install nodejs
    node --test "${node_tests[@]}"
  fi
fi
