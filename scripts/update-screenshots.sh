#!/usr/bin/env bash
# Refresh the README's screenshots from a run of the real-browser tests that play the event day
# (the whole event, the host's guards, the judges' phones and the long-name ceremony, the setup area),
# then shrink them to a 256-colour palette (Pillow, in the `test` extra) so each stays under ~200 KB.
set -euo pipefail
cd "$(dirname "$0")/.."
# SCREENSHOTS_FROM_LAST_RUN=1: skip the tests and use the screenshots their last run left behind
if [[ "${SCREENSHOTS_FROM_LAST_RUN:-}" != 1 ]]; then
  python3 -m pytest -q -p no:cacheprovider \
    tests/browser/test_full_event.py tests/browser/test_setup_browser.py \
    tests/browser/test_host_guards.py tests/browser/test_event_day_ux.py \
    tests/browser/test_stage_commentary.py
fi
src=test-artifacts/screenshots
dst=docs/screenshots
mkdir -p "$dst"
# source (test-artifacts/screenshots)        README name (docs/screenshots)
pairs=(
  event-zh-05-judge-form.png                 judge-scoring-zh.png
  event-zh-07-judge-saved.png                judge-saved-zh.png
  ux-zh-judge-recused.png                    judge-recused-zh.png
  ux-en-judge-finished.png                   judge-finished-en.png
  event-zh-04-host-scoring-open.png          host-console-zh.png
  host-guards-zh-0-skip.png                  host-ceremony-skip-zh.png
  host-guards-en-2-undo.png                  host-undo-en.png
  event-en-10-host-standings.png             host-standings-en.png
  host-guards-zh-3-offline-judge.png         host-close-offline-zh.png
  host-guards-en-4-refused.png               host-refused-en.png
  event-zh-03-board-presenting.png           board-presenting-zh.png
  event-zh-08-board-result.png               board-result-zh.png
  event-zh-09-board-leaderboard.png          board-leaderboard-zh.png
  event-zh-11-board-ceremony-winner.png      board-ceremony-zh.png
  ux-ceremony-long-zh-1920.png               board-ceremony-long-names-zh.png
  event-en-12-board-honour-roll.png          board-honour-roll-en.png
  setup-saved.png                            setup-en.png
  stage-zh-3-board-commentary.png            board-commentary-zh.png
  stage-zh-2-judge-points.png                judge-points-zh.png
  stage-zh-1-overlay-presenting.png          overlay-presenting-zh.png
  stage-en-5-overlay-result.png              overlay-result-en.png
  stage-en-7-overlay-winner.png              overlay-winner-en.png
)
for ((i = 0; i < ${#pairs[@]}; i += 2)); do
  cp "$src/${pairs[i]}" "$dst/${pairs[i + 1]}"
done
python3 - "$dst" <<'PY'
import sys
from pathlib import Path

from PIL import Image

# Screenshots of flat UI survive a 256-colour palette without visible loss, at a third of the size;
# a busier one (confetti, long names at 1080p) takes 128 colours to stay under ~200 KB.
LIMIT = 200 * 1024
for path in sorted(Path(sys.argv[1]).glob("*.png")):
    with Image.open(path) as image:
        if image.mode == "P":
            continue  # shrunk already
        rgb = image.convert("RGB")
    for colours in (256, 128):
        rgb.quantize(colors=colours, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
        if path.stat().st_size <= LIMIT:
            break
    print(f"{path}: {path.stat().st_size // 1024} KB")
PY
echo "updated $dst"
