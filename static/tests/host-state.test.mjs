// Table tests of the host console's screen state (static/host/state.js). Run: node --test static/tests/
import { test } from "node:test";
import assert from "node:assert/strict";

import { hostScreen, missingJudges, panelAfterRecusal } from "../host/state.js";

const ONLINE = { online: true, now: 1000, nowMs: 0 };

/** A view with projects p1..p3 in the given phases; `current` names the one on stage. */
function view(statuses, current = null, extra = {}) {
  if (extra.ceremony) {
    // as the server sends it (app/results_views.py): the step count only in the host's own host_ceremony
    const { total_steps, ...board } = extra.ceremony;
    extra = { ...extra, ceremony: board, host_ceremony: { step: board.step, total_steps } };
  }
  const projects = Object.entries(statuses).map(([id, status], i) => ({ id, title: `T ${id}`, status, position: i + 1 }));
  const next = projects.find((p) => p.status === "pending");
  return {
    projects,
    current: { project: current, status: current ? statuses[current] : null, next: next ? next.id : null },
    progress: { submitted: 0, expected: 3 },
    ceremony: null,
    ...extra,
  };
}

test("the one primary step follows the phase of the project on stage", () => {
  const rows = [
    // [statuses, current, progress.submitted, ceremony, expected primary]
    [{ p1: "pending", p2: "pending" }, null, 0, null, "start_next"],
    [{ p1: "presenting", p2: "pending" }, "p1", 0, null, "open_scoring"],
    [{ p1: "scoring", p2: "pending" }, "p1", 2, null, "close_scoring"],
    [{ p1: "closed", p2: "pending" }, "p1", 2, null, "reveal"],
    [{ p1: "closed", p2: "pending" }, "p1", 0, null, "open_scoring"], // nothing to reveal: reopen
    [{ p1: "revealed", p2: "pending" }, "p1", 3, null, "start_next"],
    [{ p1: "revealed", p2: "revealed" }, "p2", 3, null, "start_ceremony"],
    [{ p1: "revealed", p2: "revealed" }, "p2", 3, { step: 0, total_steps: 2 }, "ceremony_next"],
    [{ p1: "revealed", p2: "revealed" }, "p2", 3, { step: 2, total_steps: 2 }, null],
  ];
  for (const [statuses, current, submitted, ceremony, expected] of rows) {
    const v = view(statuses, current, { progress: { submitted, expected: 3 }, ceremony });
    assert.equal(hostScreen(v, ONLINE).primary, expected, JSON.stringify([statuses, current, submitted, ceremony]));
  }
});

test("start next stays quiet, and names what it interrupts, until the project on stage is revealed", () => {
  const rows = [
    // [statuses, current, enabled, primary, interrupts]
    [{ p1: "pending", p2: "pending" }, null, true, true, null],
    [{ p1: "presenting", p2: "pending" }, "p1", true, false, "p1"],
    [{ p1: "scoring", p2: "pending" }, "p1", true, false, "p1"],
    [{ p1: "closed", p2: "pending" }, "p1", true, false, "p1"],
    [{ p1: "revealed", p2: "pending" }, "p1", true, true, null],
  ];
  for (const [statuses, current, enabled, primary, interrupts] of rows) {
    const s = hostScreen(view(statuses, current), ONLINE).startNext;
    assert.deepEqual(
      [s.enabled, s.primary, s.interrupts && s.interrupts.id],
      [enabled, primary, interrupts],
      JSON.stringify(statuses),
    );
  }
});

test("what can be started: pending projects and interrupted ones, never the current, never in the ceremony", () => {
  const statuses = { p1: "revealed", p2: "closed", p3: "presenting", p4: "pending" };
  const s = hostScreen(view(statuses, "p3"), ONLINE);
  assert.deepEqual([...s.startable].sort(), ["p2", "p4"]);
  const during = hostScreen(view(statuses, "p3", { ceremony: { step: 0, total_steps: 1 } }), ONLINE);
  assert.equal(during.startable.size, 0);
  assert.equal(hostScreen(view(statuses, "p3"), { ...ONLINE, online: false }).canStart("p4"), false);
  assert.equal(hostScreen(view(statuses, "p3"), { ...ONLINE, pending: (k) => k === "start:p4" }).canStart("p4"), false);
});

test("the ceremony: a skip is needed while projects are unrevealed; it can be left only before the first award", () => {
  const rows = [
    // [statuses, current, ceremony, canStart, skipNeeded, remaining, canLeave]
    [{ p1: "pending", p2: "pending" }, null, null, true, true, 2, false],
    [{ p1: "revealed", p2: "scoring" }, "p2", null, false, true, 1, false], // close scoring first
    [{ p1: "revealed", p2: "closed" }, "p2", null, true, true, 1, false],
    [{ p1: "revealed", p2: "revealed" }, "p2", null, true, false, 0, false],
    [{ p1: "revealed", p2: "pending" }, "p1", { step: 0, total_steps: 3 }, false, true, 1, true],
    [{ p1: "revealed", p2: "pending" }, "p1", { step: 1, total_steps: 3 }, false, true, 1, false],
  ];
  for (const [statuses, current, ceremony, canStart, skipNeeded, remaining, canLeave] of rows) {
    const c = hostScreen(view(statuses, current, { ceremony }), ONLINE).ceremony;
    assert.deepEqual(
      [c.canStart, c.skipNeeded, c.remaining, c.canLeave],
      [canStart, skipNeeded, remaining, canLeave],
      JSON.stringify([statuses, ceremony]),
    );
  }
});

test("scoring buttons", () => {
  const rows = [
    // [status, submitted, open, reopen, close, reveal]
    ["presenting", 0, true, false, false, false],
    ["scoring", 1, false, false, true, false],
    ["closed", 1, true, true, false, true],
    ["closed", 0, true, true, false, false],
    ["revealed", 3, false, false, false, false],
  ];
  for (const [status, submitted, open, reopen, close, reveal] of rows) {
    const s = hostScreen(view({ p1: status }, "p1", { progress: { submitted, expected: 3 } }), ONLINE);
    assert.deepEqual([s.open.enabled, s.open.reopen, s.close.enabled, s.reveal.enabled], [open, reopen, close, reveal], status);
  }
});

test("missing judges name who is offline and for how long", () => {
  const judges = [
    { id: "j1", name: "A", connected: true, submitted: true, recused: false },
    { id: "j2", name: "B", connected: false, offline_since: 880, submitted: false, recused: false },
    { id: "j3", name: "C", connected: true, submitted: false, recused: false },
    { id: "j4", name: "D", connected: false, offline_since: null, submitted: false, recused: true },
    { id: "j5", name: "E", connected: false, offline_since: null, submitted: false, recused: false },
  ];
  assert.deepEqual(missingJudges(judges, 1000), [
    { id: "j2", name: "B", offline: true, offlineFor: 120 },
    { id: "j3", name: "C", offline: false, offlineFor: null },
    { id: "j5", name: "E", offline: true, offlineFor: null },
  ]);
  const s = hostScreen(view({ p1: "scoring" }, "p1", { judges }), ONLINE);
  assert.deepEqual(s.missing.map((m) => m.id), ["j2", "j3", "j5"]);
  assert.deepEqual(hostScreen(view({ p1: "revealed" }, "p1", { judges }), ONLINE).missing, []);
});

test("a recusal below the minimum panel is flagged", () => {
  const judges = ["j1", "j2", "j3", "j4", "j5", "j6", "j7"].map((id, i) => ({ id, recused: i < 2 }));
  const event = { scoring: { min_panel: 5 } };
  assert.deepEqual(panelAfterRecusal({ judges, event }, "j3"), { remaining: 4, total: 7, minimum: 5, below: true });
  assert.equal(panelAfterRecusal({ judges: judges.map((j) => ({ ...j, recused: false })), event }, "j3").below, false);
});

test("the undo of a start is offered while its window lasts and the started project is on stage", () => {
  const v = view({ p1: "presenting", p2: "pending" }, "p1");
  const undo = { project: "p1", until: 5000 };
  assert.equal(hostScreen(v, { ...ONLINE, undo, nowMs: 4999 }).undo, undo);
  assert.equal(hostScreen(v, { ...ONLINE, undo, nowMs: 5000 }).undo, null);
  assert.equal(hostScreen(v, { ...ONLINE, undo: { project: "p2", until: 5000 }, nowMs: 1 }).undo, null);
  assert.equal(hostScreen(v, { ...ONLINE, online: false, undo, nowMs: 1 }).undo, null);
});

test("scene buttons are enabled only when the board has something to show", () => {
  const s = hostScreen(view({ p1: "pending" }, null), ONLINE).scenes;
  const none = { commentary: false, break: false, thanks: true };
  assert.deepEqual(s, { welcome: true, presenting: false, result: false, leaderboard: true, ceremony: false, ...none });
  const more = { result: {}, ceremony: { step: 0, total_steps: 0 }, commentary: { judge: { id: "j1" } }, interlude: { break: { until: 1 } } };
  const t = hostScreen(view({ p1: "revealed" }, "p1", more), ONLINE).scenes;
  const all = { commentary: true, break: true, thanks: true };
  assert.deepEqual(t, { welcome: true, presenting: true, result: true, leaderboard: true, ceremony: true, ...all });
});
