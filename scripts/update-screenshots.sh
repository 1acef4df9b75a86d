#!/usr/bin/env bash
# Refresh the README's screenshots from a run of the real-browser event test.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pytest -q tests/browser/test_full_event.py tests/browser/test_setup_browser.py tests/browser/test_host_guards.py tests/browser/test_stage_commentary.py -p no:cacheprovider
src=test-artifacts/screenshots
dst=docs/screenshots
mkdir -p "$dst"
cp "$src/event-zh-05-judge-form.png"          "$dst/judge-scoring-zh.png"
cp "$src/event-zh-07-judge-saved.png"         "$dst/judge-saved-zh.png"
cp "$src/event-zh-04-host-scoring-open.png"   "$dst/host-console-zh.png"
cp "$src/event-en-10-host-standings.png"      "$dst/host-standings-en.png"
cp "$src/event-zh-03-board-presenting.png"    "$dst/board-presenting-zh.png"
cp "$src/event-zh-08-board-result.png"        "$dst/board-result-zh.png"
cp "$src/event-zh-09-board-leaderboard.png"   "$dst/board-leaderboard-zh.png"
cp "$src/event-zh-11-board-ceremony-winner.png" "$dst/board-ceremony-zh.png"
cp "$src/event-en-12-board-honour-roll.png"   "$dst/board-honour-roll-en.png"
cp "$src/setup-saved.png"                     "$dst/setup-en.png"
cp "$src/host-guards-zh-3-offline-judge.png"  "$dst/host-close-offline-zh.png"
cp "$src/host-guards-en-4-refused.png"        "$dst/host-refused-en.png"
cp "$src/stage-zh-3-board-commentary.png"     "$dst/board-commentary-zh.png"
cp "$src/stage-zh-2-judge-points.png"         "$dst/judge-points-zh.png"
cp "$src/stage-zh-1-overlay-presenting.png"   "$dst/overlay-presenting-zh.png"
cp "$src/stage-en-5-overlay-result.png"       "$dst/overlay-result-en.png"
cp "$src/stage-en-7-overlay-winner.png"       "$dst/overlay-winner-en.png"
echo "updated $dst"
