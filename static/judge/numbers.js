// Numbers on the judge's phone: the step grid of a criterion, what a judge typed, the running total.
// Pure functions (no DOM), tested by static/tests/judge-numbers.test.mjs.

export const EPS = 1e-6;

export function stepDecimals(step) {
  const text = String(step);
  if (text.includes("e-")) return Math.min(6, Number(text.split("e-")[1]));
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : Math.min(6, text.length - dot - 1);
}

export function roundTo(value, decimals) {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** The highest value on the criterion's step grid that does not exceed its maximum. */
export function topValue(c) {
  const step = c.step > 0 ? c.step : 1;
  return roundTo(Math.floor(c.max / step + EPS) * step, stepDecimals(step));
}

/** Clamp to 0..max and snap to the step. null for anything that is not a finite number. */
export function normalize(c, value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  const step = c.step > 0 ? c.step : 1;
  const snapped = Math.round(value / step) * step;
  const clamped = Math.min(topValue(c), Math.max(0, snapped));
  return roundTo(clamped, stepDecimals(step));
}

/** Parse what a judge typed: full-width digits, a decimal comma, spaces. */
export function parseTyped(text) {
  const ascii = text
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/[\uFF0E\u3002]/g, ".")
    .replace(/[\uFF0C,]/g, ".")
    .replace(/\s+/g, "");
  if (ascii === "") return { empty: true };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(ascii)) return { bad: true };
  return { value: Number(ascii) };
}

export function fmtNum(value, decimals = 2) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return String(roundTo(value, decimals));
}

/** Σ weight × value over the scored criteria (the server's formula), and how many are scored. */
export function totalOf(criteria, values) {
  let total = 0;
  let done = 0;
  for (const c of criteria) {
    const v = values[c.id];
    if (typeof v === "number") {
      total += c.weight * v;
      done += 1;
    }
  }
  return { total: roundTo(total, 6), done, count: criteria.length };
}

/** Whether a stored sheet holds exactly these values and (trimmed) comment: the server's own test
 * for "the same sheet again" (app/domain/state.py). */
export function sameSheet(criteria, sheet, values, comment) {
  if (!sheet || !criteria.length) return false;
  for (const c of criteria) {
    const a = sheet.values ? sheet.values[c.id] : undefined;
    const b = values[c.id];
    if (typeof a !== "number" || typeof b !== "number" || Math.abs(a - b) > EPS) return false;
  }
  return (sheet.comment || "").trim() === (comment || "").trim();
}
