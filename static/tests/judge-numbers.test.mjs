// The judge's number helpers as tables (node --test static/tests/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { normalize, parseTyped, topValue, sameSheet, totalOf } from "../judge/numbers.js";

const HALF = { id: "a", max: 30, step: 0.5, weight: 1 };
const THIRD = { id: "b", max: 10, step: 3, weight: 2 };

test("normalize clamps to 0..max and snaps to the step", () => {
  for (const [c, input, out] of [
    [HALF, 25.2, 25], [HALF, 25.3, 25.5], [HALF, -4, 0], [HALF, 99, 30], [HALF, NaN, null],
    [THIRD, 10, 9], [THIRD, 4, 3], ["x", "7", null],
  ]) assert.equal(normalize(c === "x" ? HALF : c, input), out, `${input}`);
  assert.equal(topValue(THIRD), 9);
});

test("parseTyped reads full-width digits and decimal commas", () => {
  for (const [text, out] of [["２５", { value: 25 }], ["25,5", { value: 25.5 }], ["２５。５", { value: 25.5 }], [" ", { empty: true }], ["abc", { bad: true }]]) {
    assert.deepEqual(parseTyped(text), out, text);
  }
});

test("sameSheet compares values and the trimmed comment", () => {
  const sheet = { values: { a: 25, b: 9 }, comment: "ok" };
  assert.equal(sameSheet([HALF, THIRD], sheet, { a: 25, b: 9 }, " ok "), true);
  assert.equal(sameSheet([HALF, THIRD], sheet, { a: 25, b: 6 }, "ok"), false);
  assert.equal(sameSheet([HALF, THIRD], sheet, { a: 25, b: 9 }, "ok!"), false);
  assert.equal(sameSheet([HALF, THIRD], null, { a: 25, b: 9 }, "ok"), false);
  assert.deepEqual(totalOf([HALF, THIRD], { a: 25, b: 9 }), { total: 43, done: 2, count: 2 });
});
