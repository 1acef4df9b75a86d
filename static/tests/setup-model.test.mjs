// The setup area's pure model and client checks as tables (node --test static/tests/).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  num, fmt, splitNames, fieldId, nextId, nextOrder, toModel, payload, weightsSum, shareText, panelMax,
  renameReferences, shiftSet,
} from "../setup/model.js";
import { checkModel } from "../setup/validate.js";

/** A small valid definition in the event-file shape (as GET /host/setup/event.json sends it). */
function definition() {
  return {
    event: { title: "微创投 2026", language: "zh" },
    timing: { presentation_minutes: 5, qa_minutes: 3 },
    scoring: { rule: "trimmed_mean", trim: 1 },
    composite: { panel_weight: 60 },
    categories: [{ id: "elder", name: "为老" }],
    criteria: [{ id: "fit", name: "契合", max: 30, weight: 1, step: 0.5 }],
    indicators: [{ id: "sat", name: "满意度", weight: 40 }],
    judges: [{ id: "j1", name: "王老师" }],
    projects: [{ id: "p01", order: 1, category: "elder", title: "长者食堂", team: "阳光社", members: ["甲", "乙"], indicators: { sat: 90 } }],
    awards: [
      { id: "best", name: "优秀项目", kind: "top_projects", count: 3 },
      { id: "lead", name: "优秀负责人", kind: "team_leaders", of: "best" },
    ],
  };
}

test("num reads text: empty is null, no number is NaN, full-width spaces are ignored", () => {
  for (const [input, out] of [["92.5", 92.5], [" 7 ", 7], ["", null], [null, null], ["\u30003\u3000", 3], [4, 4]]) {
    assert.equal(num(input), out, `${input}`);
  }
  assert.ok(Number.isNaN(num("abc")));
  assert.equal(fmt(1 / 3), "0.33");
  assert.equal(fmt(NaN), "?");
});

test("splitNames splits on new lines and the full-width separators", () => {
  for (const [input, out] of [
    ["甲、乙，丙；丁", ["甲", "乙", "丙", "丁"]], ["a\nb\r\n c ", ["a", "b", "c"]], ["a,,b;", ["a", "b"]],
    ["", []], [[" x ", ""], ["x"]],
  ]) assert.deepEqual(splitNames(input), out, JSON.stringify(input));
});

test("nextId continues the list's own style", () => {
  for (const [ids, prefix, out] of [
    [["p18"], "p", "p19"], [["p09"], "p", "p10"], [["j7", "j2"], "j", "j8"], [[], "cat", "cat1"],
    [["alpha", "beta"], "a", "a3"], [["x1", "x01"], "x", "x02"],
  ]) assert.equal(nextId(ids.map((id) => ({ id })), prefix), out, ids.join(","));
  assert.equal(nextOrder({ projects: [{ order: "3" }, { order: "" }, { order: 9 }] }), 10);
  assert.equal(nextOrder({ projects: [] }), 1);
});

test("fieldId makes a valid, distinct element id from a field path", () => {
  assert.match(fieldId("projects[3].indicators.sat"), /^f-[A-Za-z0-9_]+$/);
  assert.notEqual(fieldId("a.b"), fieldId("a_b"));
});

test("toModel fills the fields the page shows and payload turns them back", () => {
  const model = toModel(definition());
  assert.equal(model.projects[0].members, "甲\n乙");
  assert.equal(model.scoring.rounding, "half_up");
  assert.equal(model.criteria[0].description, "");
  assert.deepEqual(model.recusals, []);
  model.projects[0].order = " 2 ";
  model.projects[0].indicators.sat = "";
  model.projects[0]._loadedId = "p01";
  const out = payload(model);
  assert.equal(out.projects[0].order, 2);
  assert.deepEqual(out.projects[0].members, ["甲", "乙"]);
  assert.deepEqual(out.projects[0].indicators, {});
  assert.equal("_loadedId" in out.projects[0], false);
  assert.equal("leader" in out.projects[0], false, "empty optional text is left out");
  assert.equal("recusals" in out, false, "an empty optional list is left out");
  assert.deepEqual(out.awards[0], { id: "best", name: "优秀项目", kind: "top_projects", count: 3 });
  assert.deepEqual(out.awards[1], { id: "lead", name: "优秀负责人", kind: "team_leaders", of: "best" });
  // the loaded definition survives the round trip
  assert.deepEqual(payload(toModel(payload(toModel(definition())))), payload(toModel(definition())));
});

test("payload keeps a value that is no number as text (the server reports it)", () => {
  const model = toModel(definition());
  model.criteria[0].max = "thirty";
  assert.equal(payload(model).criteria[0].max, "thirty");
});

test("weights: sum, shares and the panel maximum", () => {
  const model = toModel(definition());
  assert.deepEqual(weightsSum(model), { panel: 60, indicators: 40, total: 100 });
  assert.equal(shareText(model, 40), "40%");
  model.composite.panel_weight = "";
  assert.equal(weightsSum(model).total, 140, "an empty panel weight counts as 100");
  model.indicators[0].weight = "x";
  assert.ok(Number.isNaN(weightsSum(model).total));
  assert.equal(shareText(model, 40), "");
  model.criteria.push({ id: "b", max: "10", weight: "2" });
  assert.equal(panelMax(model), 50);
  model.criteria[1].max = "";
  assert.ok(Number.isNaN(panelMax(model)));
});

test("renameReferences follows a changed id to where it is used", () => {
  const model = toModel(definition());
  model.recusals.push({ judge: "j1", project: "p01", reason: "" });
  for (const [list, before, after, read] of [
    ["categories", "elder", "old", (m) => m.projects[0].category],
    ["indicators", "sat", "happy", (m) => Object.keys(m.projects[0].indicators).join()],
    ["judges", "j1", "j9", (m) => m.recusals[0].judge],
    ["projects", "p01", "p99", (m) => m.recusals[0].project],
    ["awards", "best", "top", (m) => m.awards[1].of],
  ]) {
    renameReferences(model, list, before, after);
    assert.equal(read(model), after, list);
  }
  renameReferences(model, "judges", "", "x");
  assert.equal(model.recusals[0].judge, "j9", "an empty old id renames nothing");
});

test("shiftSet closes the gap a removed row leaves", () => {
  assert.deepEqual([...shiftSet(new Set([0, 2, 5]), 2)], [0, 4]);
  assert.deepEqual([...shiftSet(new Set([1]), -1)], [1]);
});

/** The problems of a definition changed by `edit`, as "field key" strings. */
function problemsAfter(edit) {
  const model = toModel(definition());
  edit(model);
  return checkModel(model).map((p) => `${p.field} ${p.key}${p.level === "warning" ? " (warning)" : ""}`);
}

test("checkModel: a valid definition has no problems", () => {
  assert.deepEqual(problemsAfter(() => {}), []);
});

test("checkModel finds each kind of problem at its field", () => {
  for (const [edit, expected] of [
    [(m) => { m.event.title = " "; }, "event.title v_required"],
    [(m) => { m.projects[0].id = "p 1"; }, "projects[0].id v_id_format"],
    [(m) => { m.projects[0].id = "x".repeat(41); }, "projects[0].id v_id_format"],
    [(m) => { m.judges.push({ id: "j1", name: "b" }); }, "judges[1].id v_id_duplicate"],
    [(m) => { m.judges = []; }, "judges v_list_empty"],
    [(m) => { m.criteria[0].max = ""; }, "criteria[0].max v_number_required"],
    [(m) => { m.criteria[0].max = "0"; }, "criteria[0].max v_positive"],
    [(m) => { m.criteria[0].step = "7"; }, "criteria[0].step w_step (warning)"],
    [(m) => { m.timing.qa_minutes = "-1"; }, "timing.qa_minutes v_at_least"],
    [(m) => { m.scoring.trim = "1.5"; }, "scoring.trim v_whole"],
    [(m) => { m.projects[0].category = "nope"; }, "projects[0].category v_category_unknown"],
    [(m) => { m.projects[0].indicators.sat = "101"; }, "projects[0].indicators.sat v_above_max"],
    [(m) => { m.projects[0].indicators.sat = "many"; }, "projects[0].indicators.sat v_number"],
    [(m) => { m.awards[1].of = ""; }, "awards[1].of v_award_of"],
    [(m) => { m.awards[0].count = "0"; }, "awards[0].count v_at_least"],
    [(m) => { m.recusals.push({ judge: "j9", project: "p01" }); }, "recusals[0].judge v_unknown_judge"],
    [(m) => { m.composite.panel_weight = "50"; }, "composite.panel_weight w_weights (warning)"],
  ]) {
    assert.ok(problemsAfter(edit).includes(expected), `${expected} in ${problemsAfter(edit).join(" | ")}`);
  }
});

test("checkModel accepts the id at its limit of 40 characters", () => {
  assert.deepEqual(problemsAfter((m) => { m.projects[0].id = "a".repeat(40); }), []);
});

test("payload gives back the [audience] table as loaded, and a people's-choice award's count", () => {
  const d = {
    event: { title: "T" },
    audience: { enabled: true, mode: "stars", window: "per_project", tickets: true },
    awards: [{ id: "pc", name: "PC", kind: "people_choice", count: 2, of: "x" }],
  };
  const out = payload(toModel(d));
  assert.deepEqual(out.audience, d.audience);
  assert.equal(out.awards[0].count, 2);
  assert.equal(out.awards[0].of, undefined);
  assert.equal(payload(toModel({ event: { title: "T" } })).audience, undefined);
});

test("a round's provenance and path are kept as loaded, follow a renamed project and leave with a removed one", () => {
  const d = definition();
  d.projects.push({ id: "p02", order: 2, category: "elder", title: "助餐", team: "乙社", indicators: { sat: 80 } });
  d.indicators[0].from_round = "初赛";
  d.round = { name: "决赛", index: 2, previous: { event: "初赛", round: "初赛", file: "pre.db", anchor_length: 9, anchor_head: "0123456789abcdef", advanced_by: "top_overall", count: 2 } };
  d.earlier_results = [
    { project: "p01", round: "初赛", index: 1, rank: 1, tied: false, composite: 90.5 },
    { project: "p02", round: "初赛", index: 1, rank: 2, tied: false, composite: 80.25 },
  ];
  const model = toModel(d);
  let out = payload(model);
  assert.deepEqual(out.round, d.round);
  assert.deepEqual(out.earlier_results, d.earlier_results);
  assert.equal(out.indicators[0].from_round, "初赛");
  renameReferences(model, "projects", "p01", "p1");
  model.projects[0].id = "p1";
  model.projects.splice(1, 1);
  out = payload(model);
  assert.deepEqual(out.earlier_results.map((e) => e.project), ["p1"]);
  model.projects.splice(0, 1);
  assert.equal(payload(model).earlier_results, undefined);
});

test("the audience vote's form: true/false as selects, defaults filled in, and back as the event file has it", () => {
  const m = toModel({ event: { title: "T" } });
  assert.deepEqual(m.audience, {
    enabled: "false", mode: "one_per_event", window: "end", use: "award", tickets: "false", weight: "", per_address_cap: "",
  });
  assert.equal(payload(m).audience, undefined); // all defaults: no table at all
  Object.assign(m.audience, { enabled: "true", use: "composite", weight: "0.1", per_address_cap: "50", tickets: "true" });
  assert.deepEqual(payload(m).audience, { enabled: true, use: "composite", weight: 0.1, per_address_cap: 50, tickets: true });
  m.audience.use = "award"; // the weight only counts in the composite: not sent
  assert.deepEqual(payload(m).audience, { enabled: true, per_address_cap: 50, tickets: true });
  const off = toModel({ event: { title: "T" }, audience: { mode: "stars" } });
  assert.deepEqual(payload(off).audience, { mode: "stars" }); // kept while the vote is off
});

test("checkModel: the audience vote's rules at their fields, in the event file's words", () => {
  const on = (m) => { m.audience.enabled = "true"; };
  for (const [edit, expected] of [
    [(m) => { on(m); m.audience.use = "composite"; }, "audience.weight v_audience_weight"],
    [(m) => { on(m); m.audience.use = "composite"; m.audience.weight = "1"; }, "audience.weight v_audience_weight"],
    [(m) => { on(m); m.audience.use = "composite"; m.audience.weight = "a tenth"; }, "audience.weight v_number"],
    [(m) => { on(m); m.audience.per_address_cap = "10001"; }, "audience.per_address_cap v_audience_cap"],
    [(m) => { on(m); m.audience.per_address_cap = "-1"; }, "audience.per_address_cap v_at_least"],
    [(m) => { on(m); m.audience.window = "per_project"; }, "audience.window v_audience_window"],
    [(m) => { m.awards.push({ id: "pc", name: "PC", kind: "people_choice", count: "1" }); }, "awards[2].kind v_people_choice"],
  ]) {
    assert.ok(problemsAfter(edit).includes(expected), `${expected} in ${problemsAfter(edit).join(" | ")}`);
  }
  const fine = (m) => {
    on(m);
    Object.assign(m.audience, { use: "composite", weight: "0.10", per_address_cap: "10000", mode: "stars", window: "per_project" });
    m.awards.push({ id: "pc", name: "PC", kind: "people_choice", count: "1" });
  };
  assert.deepEqual(problemsAfter(fine), []);
});
