// The host's reading of the ceremony steps (static/host/ceremony-steps.js). Run: node --test static/tests/
import { test } from "node:test";
import assert from "node:assert/strict";

import { stepContent, stepReveals } from "../host/ceremony-steps.js";

// as host_ceremony sends them (app/results_views.py): teams t1, t2 with their leaders; the leaders' recap; a roll
const AWARDS = [
  { name: "优秀团队", kind: "top_projects", winners: [{ name: "T1", rank: 1 }, { name: "T2", rank: 2 }] },
  { name: "优秀负责人", kind: "team_leaders", winners: [{ name: "L1" }, { name: "L2" }] },
  { name: "志愿者", kind: "honour_roll", winners: [{ name: "V" }] },
];
const STEPS = [
  { award: 0, winner: 1, with: [{ award: 1, winner: 1 }] },
  { award: 0, winner: 0, with: [{ award: 1, winner: 0 }] },
  { award: 1, winner: -1, with: [] },
  { award: 2, winner: -1, with: [] },
];

test("a team's step reveals its leader too; a whole-award step reveals all of it", () => {
  const rows = [
    [STEPS[0], 0, 1, true],
    [STEPS[0], 1, 1, true], // the leader of the second team, on the same key
    [STEPS[0], 1, 0, false],
    [STEPS[0], 0, 0, false],
    [STEPS[2], 1, 0, true],
    [STEPS[2], 1, 1, true],
    [STEPS[3], 2, 0, true],
    [null, 0, 0, false],
    [{ award: 0, winner: 0 }, 0, 0, true], // no `with`
  ];
  for (const [step, ai, wi, expected] of rows) assert.equal(stepReveals(step, ai, wi), expected, JSON.stringify([step, ai, wi]));
});

test("what the next key brings: the team, its place and its leader together", () => {
  const next = stepContent(AWARDS, STEPS[0]);
  assert.equal(next.whole, false);
  assert.equal(next.winner.name, "T2");
  assert.deepEqual(next.together.map((x) => [x.award.name, x.winner.name]), [["优秀负责人", "L2"]]);
  assert.deepEqual(stepContent(AWARDS, STEPS[2]), { award: AWARDS[1], whole: true });
  assert.equal(stepContent(AWARDS, undefined), null);
  assert.equal(stepContent(AWARDS, { award: 9, winner: 0 }), null);
  // a companion that is not in the awards (an out-of-date view) is left out, not shown as blank
  assert.deepEqual(stepContent(AWARDS, { award: 0, winner: 0, with: [{ award: 1, winner: 7 }] }).together, []);
});
