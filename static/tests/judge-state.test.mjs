// judgeScreen() as a table: one row per situation a judge's phone can be in (node --test static/tests/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { judgeScreen } from "../judge/state.js";

const CRITERIA = [{ id: "a", name: "A", max: 30, step: 0.5, weight: 1 }, { id: "b", name: "B", max: 20, step: 1, weight: 1 }];
const SHEET = { values: { a: 25, b: 18 }, comment: "good", total: 43, at: 1000, version: 1 };

function view({ status = "scoring", recused = false, mine = null, ceremony = false, project = "p1", progress = null } = {}) {
  return {
    event: { criteria: CRITERIA },
    scene: { scene: ceremony ? "ceremony" : "presenting", ceremony },
    projects: [{ id: "p1", title: "One", status }, { id: "p2", title: "Two", status: "pending" }],
    current: project ? { project, status, next: "p2" } : { project: null, status: null, next: "p2" },
    progress: progress || { project: "p1", submitted: 3, expected: 7 },
    me: { recused: recused ? ["p1"] : [] },
    my_scores: mine ? { p1: mine } : {},
  };
}
const local = (extra = {}) => ({ ready: true, status: "online", values: { a: null, b: null }, comment: "", pending: [], mode: "form", ...extra });
const FILLED = { values: { a: 25, b: 18 }, comment: "good" };

const ROWS = [
  // name, view, local, expected subset
  ["first connection", view(), local({ ready: false }), { phase: "connecting", showForm: false }],
  ["link not valid", view(), local({ status: "unauthorized" }), { phase: "unauthorized", showForm: false, showFoot: false }],
  ["nothing on stage", view({ project: null }), local(), { phase: "waiting", showForm: false, showProject: false }],
  ["presenting: draft allowed, no submit", view({ status: "presenting" }), local(), { phase: "ready", showForm: true, editable: true, canReview: false, canSubmit: false, showTimer: true, kicker: "now_presenting" }],
  ["scoring open", view(), local(), { phase: "open", showForm: true, editable: true, canReview: true, canSubmit: true }],
  ["recused while presenting: one calm card", view({ status: "presenting", recused: true }), local(), { phase: "recused", showForm: false, editable: false, showFoot: false, showTimer: false }],
  ["recused while scoring open", view({ recused: true }), local(), { phase: "recused", showForm: false, editable: false, canSubmit: false }],
  ["recused even with a sheet and a draft", view({ recused: true, mine: SHEET }), local(FILLED), { phase: "recused", showForm: false }],
  ["sending: the form rests, no second submit", view(), local({ ...FILLED, pending: [FILLED] }), { phase: "open", showForm: false, canSubmit: false, canReview: false, showFoot: false }],
  ["saved: summary card, form collapsed", view({ mine: SHEET }), local(FILLED), { phase: "saved", showForm: false, showFoot: false, canSubmit: false }],
  ["amending after a save", view({ mine: SHEET }), local({ ...FILLED, amending: true }), { phase: "open", showForm: true, editable: true, canSubmit: true }],
  ["changed since the save", view({ mine: SHEET }), local({ values: { a: 20, b: 18 }, comment: "good" }), { phase: "open", showForm: true }],
  ["closed with a sheet: final summary, no clock", view({ status: "closed", mine: SHEET }), local(FILLED), { phase: "closed", showForm: false, showTimer: false, showFoot: false, kicker: "project_done" }],
  ["revealed: not presenting any more", view({ status: "revealed", mine: SHEET }), local(FILLED), { phase: "closed", showTimer: false, kicker: "project_done" }],
  ["closed without a sheet", view({ status: "closed" }), local(), { phase: "closed", showForm: false }],
  ["ceremony: end screen", view({ ceremony: true, mine: SHEET }), local(FILLED), { phase: "finished", showForm: false, showProject: false }],
  ["offline while open: counts stale", view(), local({ status: "offline" }), { phase: "open", stale: true, canSubmit: true }],
  ["review while open", view(), local({ ...FILLED, mode: "review" }), { reviewing: true, showForm: false, showFoot: true }],
  ["review is dropped when scoring closes", view({ status: "closed" }), local({ ...FILLED, mode: "review" }), { reviewing: false, phase: "closed" }],
];

for (const [name, v, l, expected] of ROWS) {
  test(name, () => {
    const screen = judgeScreen(v, l);
    for (const [key, value] of Object.entries(expected)) assert.equal(screen[key], value, `${name}: ${key}`);
  });
}

const CARDS = [
  ["recused card", view({ recused: true }), local(), "recused"],
  ["saving card", view(), local({ pending: [FILLED] }), "saving"],
  ["summary card", view({ mine: SHEET }), local(FILLED), "summary"],
  ["changed card", view({ mine: SHEET }), local({ values: { a: 1, b: 1 } }), "changed"],
  ["refused after close: the truth, not 'fix and resubmit'", view({ status: "closed" }), local({ ...FILLED, result: { ok: false, error: { code: "scoring_closed" } } }), "refused"],
  ["refused with the old code once closed", view({ status: "closed" }), local({ ...FILLED, result: { ok: false, error: { code: "not_open" } } }), "refused"],
  ["a bad value while open", view(), local({ ...FILLED, result: { ok: false, error: { code: "above_max" } } }), "error"],
  ["missed the window", view({ status: "closed" }), local(), "missed"],
  ["finished", view({ ceremony: true }), local(), "finished"],
  ["waiting shows the next project", view({ project: null }), local(), "waiting"],
];

for (const [name, v, l, kind] of CARDS) {
  test(`card: ${name}`, () => assert.equal(judgeScreen(v, l).card.kind, kind));
}

test("the bar of a saved sheet carries its time; a stale count is marked", () => {
  const saved = judgeScreen(view({ mine: SHEET }), local({ ...FILLED, status: "offline" })).bar;
  assert.equal(saved.kind, "saved");
  assert.equal(saved.params.time, 1000);
  assert.equal(saved.stale, true);
  const open = judgeScreen(view(), local()).bar;
  assert.deepEqual([open.kind, open.detail, open.params.submitted, open.stale], ["open", "progress", 3, false]);
});

test("exactly one phase per situation: recused beats every scoring state", () => {
  for (const status of ["presenting", "scoring", "closed", "revealed"]) {
    const screen = judgeScreen(view({ status, recused: true, mine: SHEET }), local({ ...FILLED, pending: [FILLED] }));
    assert.equal(screen.phase, "recused", status);
    assert.equal(screen.editable, false, status);
  }
});
