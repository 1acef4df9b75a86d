// The press-and-hold timing (static/host/hold.js). Run: node --test static/tests/
import { test } from "node:test";
import assert from "node:assert/strict";

import { HOLD_MS, holdProgress, idleHold, pressHold, releaseHold, tickHold } from "../host/hold.js";

test("a hold fills over HOLD_MS and finishes only when full", () => {
  let s = pressHold(idleHold(), 1000);
  const rows = [
    [1000, 0, false],
    [1000 + HOLD_MS / 2, 0.5, false],
    [1000 + HOLD_MS - 1, (HOLD_MS - 1) / HOLD_MS, false],
    [1000 + HOLD_MS, 1, true],
  ];
  for (const [now, progress, done] of rows) {
    assert.equal(holdProgress(s, now), progress, `at ${now}`);
    assert.equal(tickHold(s, now).done, done, `at ${now}`);
  }
  s = tickHold(s, 1000 + HOLD_MS + 5);
  assert.equal(releaseHold(s).done, true, "a finished hold stays finished when let go");
  assert.equal(holdProgress(releaseHold(s), 0), 1);
});

test("letting go early empties it; a repeating key does not restart the clock", () => {
  let s = pressHold(idleHold(1500), 0);
  assert.equal(pressHold(s, 700).since, 0, "a second press (key repeat) keeps the first");
  s = releaseHold(tickHold(s, 1400));
  assert.deepEqual([s.done, s.since, holdProgress(s, 1450)], [false, null, 0]);
  s = pressHold(s, 2000); // a fresh hold needs the whole time again
  assert.equal(tickHold(s, 3400).done, false);
  assert.equal(tickHold(s, 3500).done, true);
  assert.equal(holdProgress(idleHold(), 99), 0, "never pressed: empty");
  assert.equal(holdProgress(pressHold(idleHold(), 50), 10), 0, "a clock that steps back: never negative");
});
