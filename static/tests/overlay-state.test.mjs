// Table tests of the livestream overlay's pure overlayScreen() (static/overlay/state.js).
import { test } from "node:test";
import assert from "node:assert/strict";
import { overlayScreen } from "../overlay/state.js";

const projects = [{ id: "p1", title: "Roof gardens", team: "Green team", category_name: "Env" }];
const timer = { presentation: { duration: 300, running: true, started_at: 1, elapsed_before: 0 }, qa: { duration: 120, running: false, started_at: null, elapsed_before: 0 }, active: "presentation" };

test("the lower third follows the scene the host chose", () => {
  assert.equal(overlayScreen({}).kind, "none");
  assert.equal(overlayScreen({ scene: { scene: "welcome" }, projects }).kind, "none");
  assert.equal(overlayScreen({ scene: { scene: "leaderboard" }, projects }).kind, "none");
  const presenting = overlayScreen({ scene: { scene: "presenting" }, current: { project: "p1" }, projects, timer });
  assert.equal(presenting.kind, "presenting");
  assert.equal(presenting.title, "Roof gardens");
  assert.equal(presenting.timerName, "presentation");
  assert.equal(overlayScreen({ scene: { scene: "presenting" }, current: { project: null }, projects }).kind, "none");
  const qa = overlayScreen({ scene: { scene: "presenting" }, current: { project: "p1" }, projects, timer: { ...timer, active: "qa" } });
  assert.equal(qa.timerName, "qa");
});

test("the result shows only after the reveal, the winner only once revealed", () => {
  assert.equal(overlayScreen({ scene: { scene: "result" }, result: null }).kind, "none");
  const r = overlayScreen({ scene: { scene: "result" }, result: { project: "p1", title: "Roof gardens", team: "Green team", composite: 88.5, rank: 1 } });
  assert.deepEqual([r.kind, r.composite, r.rank], ["result", 88.5, 1]);
  const intro = overlayScreen({ scene: { scene: "ceremony" }, ceremony: { step: 0, awards: [], current: null } });
  assert.equal(intro.kind, "none");
  const award = { id: "a", name: "Best", kind: "top_projects", winners: [{ name: "Green team", project: "p1", project_title: "Roof gardens", team: "Green team", place: 1 }] };
  const w = overlayScreen({ scene: { scene: "ceremony" }, projects, ceremony: { step: 1, awards: [award], current: { award: 0, winner: 0 } } });
  assert.deepEqual([w.kind, w.award, w.name, w.place], ["winner", "Best", "Green team", 1]);
});

test("the commentary names the speaker and what about", () => {
  const c = { judge: { id: "j1", name: "Lin", title: "Director", affiliation: "Centre" }, project: { id: "p1", title: "Roof gardens" }, timer: null, points: [] };
  const s = overlayScreen({ scene: { scene: "commentary" }, commentary: c });
  assert.deepEqual([s.kind, s.name, s.role, s.about], ["commentary", "Lin", "Centre · Director", "Roof gardens"]);
  assert.equal(overlayScreen({ scene: { scene: "commentary" }, commentary: null }).kind, "none");
});
