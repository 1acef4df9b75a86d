// The rubric form: one row per criterion (a typed value or −/+ steppers that repeat when held), the
// comment, and the draft kept on the phone at every keystroke so nothing typed is ever lost.

import { t, h } from "../live.js";
import { EPS, fmtNum, normalize, parseTyped, topValue } from "./numbers.js";
import { $, MAX_COMMENT, criteria, screen, state, token } from "./page.js";

const DRAFT_PREFIX = `roadshow-draft-${token}-`;

// ------------------------------------------------------------------ drafts (never lose typing)

export function saveDraft() {
  if (!state.project) return;
  const draft = { values: state.values, comment: state.comment, at: state.live.serverNow() };
  try {
    localStorage.setItem(DRAFT_PREFIX + state.project, JSON.stringify(draft));
  } catch (err) {
    /* private mode or quota: the form still holds the values */
  }
}

export function loadDraft(pid) {
  try {
    const draft = JSON.parse(localStorage.getItem(DRAFT_PREFIX + pid) || "null");
    if (draft && typeof draft === "object" && draft.values && typeof draft.values === "object") return draft;
  } catch (err) {
    /* unreadable: ignore */
  }
  return null;
}

export function clearDraft(pid) {
  try {
    localStorage.removeItem(DRAFT_PREFIX + pid);
  } catch (err) {
    /* ignore */
  }
}

// ------------------------------------------------------------------ values

export function criteriaSignature() {
  return JSON.stringify(criteria().map((c) => [c.id, c.name, c.max, c.step, c.weight, c.description]));
}

/** The form's values for a project: the newer of the draft on the phone and the server's sheet. */
export function loadValues(pid, { preferSheet = false } = {}) {
  const values = {};
  for (const c of criteria()) values[c.id] = null;
  let comment = "";
  const draft = preferSheet ? null : loadDraft(pid);
  const mine = (state.view.my_scores || {})[pid];
  const source = draft && (!mine || (draft.at || 0) >= (mine.at || 0)) ? draft : mine;
  if (source) {
    for (const c of criteria()) {
      const v = source.values[c.id];
      values[c.id] = typeof v === "number" ? normalize(c, v) : null;
    }
    comment = typeof source.comment === "string" ? source.comment.slice(0, MAX_COMMENT) : "";
  }
  state.values = values;
  state.comment = comment;
}

export const formEditable = () => screen().editable;

export function missingCriteria() {
  return criteria().filter((c) => typeof state.values[c.id] !== "number");
}

// ------------------------------------------------------------------ the rubric

export function buildForm() {
  const list = $("criteria");
  state.inputs = {};
  const showWeights = criteria().some((c) => Math.abs(c.weight - 1) > EPS);
  list.replaceChildren(...criteria().map((c) => criterionRow(c, showWeights)));
  $("comment").value = state.comment;
  updateComment();
  for (const c of criteria()) showValue(c);
}

function stepButton(c, id, kind) {
  const up = kind === "inc";
  return h(
    "button",
    {
      type: "button",
      class: "j-step",
      "aria-label": t(up ? "increase" : "decrease", { criterion: c.name }),
      "aria-controls": id,
      dataset: { testid: `${kind}-${c.id}` },
    },
    up ? "+" : "−",
  );
}

function criterionRow(c, showWeights) {
  const id = `score-${c.id}`;
  const step = c.step > 0 ? c.step : 1;
  const input = h("input", {
    id,
    class: "j-input",
    type: "text",
    inputmode: "decimal",
    autocomplete: "off",
    enterkeyhint: "next",
    role: "spinbutton",
    "aria-valuemin": 0,
    "aria-valuemax": topValue(c),
    "aria-describedby": `range-${c.id} desc-${c.id} note-${c.id}`,
    placeholder: "–",
    dataset: { testid: id, criterion: c.id },
  });
  const dec = stepButton(c, id, "dec");
  const inc = stepButton(c, id, "inc");
  const note = h("p", { class: "j-crit-note", id: `note-${c.id}`, "aria-live": "polite" });
  const meterFill = h("span", { class: "j-meter-fill" });
  const row = h(
    "div",
    { class: "j-crit", dataset: { criterion: c.id } },
    h("div", { class: "j-crit-head" }, h("label", { for: id, class: "j-crit-name" }, c.name)),
    c.description ? h("p", { class: "j-crit-desc", id: `desc-${c.id}` }, c.description) : null,
    h(
      "div",
      { class: "j-stepper" },
      dec,
      h("div", { class: "j-field" }, input, h("span", { class: "j-of", "aria-hidden": "true" }, `/ ${fmtNum(c.max)}`)),
      inc,
    ),
    h("div", { class: "j-meter", "aria-hidden": "true" }, meterFill),
    h(
      "p",
      { class: "j-crit-range", id: `range-${c.id}` },
      t("range", { max: fmtNum(topValue(c), 6), step: fmtNum(step, 6) }),
      showWeights ? ` · ${t("weighted", { weight: fmtNum(c.weight, 6) })}` : null,
      ` · ${t("type_or_hold")}`,
    ),
    note,
  );

  input.addEventListener("input", () => {
    const typed = parseTyped(input.value);
    if (typed.empty) {
      setValue(c, null, { keepText: true });
      setNote(c, "");
    } else if (typed.bad) {
      setNote(c, t("not_a_number"), "warn");
    } else {
      const v = normalize(c, typed.value);
      setValue(c, v, { keepText: true });
      setNote(c, Math.abs(v - typed.value) > EPS ? adjustedText(c, v) : "", "warn");
    }
  });
  input.addEventListener("blur", () => {
    // what was typed and not understood is replaced by the stored value: the warning is obsolete
    if (parseTyped(input.value).bad) setNote(c, "");
    showValue(c);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      showValue(c);
      focusNext(c);
    } else if (event.key === "ArrowUp" || event.key === "ArrowDown") {
      event.preventDefault();
      nudge(c, event.key === "ArrowUp" ? 1 : -1);
    }
  });
  wireStepButton(dec, c, -1);
  wireStepButton(inc, c, 1);

  state.inputs[c.id] = { input, row, note, meterFill, dec, inc };
  return row;
}

function adjustedText(c, v) {
  return t("adjusted", { value: fmtNum(v, 6), max: fmtNum(topValue(c), 6), step: fmtNum(c.step > 0 ? c.step : 1, 6) });
}

function focusNext(c) {
  const list = criteria();
  const index = list.findIndex((x) => x.id === c.id);
  const next = list[index + 1];
  if (next && state.inputs[next.id]) state.inputs[next.id].input.focus();
  else $("comment").focus();
}

/** − / +: one step per tap; held down, it repeats (after a pause, then faster) until released, so
 * reaching 25 takes a second, not 50 taps. Typing the number is the other direct path. */
function wireStepButton(button, c, direction) {
  let holdTimer = null;
  let repeatTimer = null;
  let held = false;
  const stop = () => {
    clearTimeout(holdTimer);
    clearTimeout(repeatTimer);
    holdTimer = null;
    repeatTimer = null;
  };
  button.addEventListener("pointerdown", (event) => {
    if (button.disabled || (event.pointerType === "mouse" && event.button !== 0)) return;
    held = false;
    stop();
    holdTimer = setTimeout(() => {
      held = true;
      let repeats = 0;
      const repeat = () => {
        if (button.disabled) return stop();
        nudge(c, direction);
        repeats += 1;
        repeatTimer = setTimeout(repeat, repeats < 6 ? 160 : 60);
      };
      repeat();
    }, 450);
  });
  for (const type of ["pointerup", "pointerleave", "pointercancel", "blur"]) button.addEventListener(type, stop);
  button.addEventListener("contextmenu", (event) => event.preventDefault());
  button.addEventListener("click", () => {
    if (held) {
      held = false;
      return;
    }
    nudge(c, direction);
  });
}

function nudge(c, direction) {
  if (!formEditable()) return;
  const step = c.step > 0 ? c.step : 1;
  const now = state.values[c.id];
  const next = normalize(c, now === null || now === undefined ? (direction > 0 ? step : 0) : now + direction * step);
  setNote(c, "");
  setValue(c, next);
}

function setValue(c, value, { keepText = false } = {}) {
  if (!formEditable()) return;
  const changed = state.values[c.id] !== value;
  state.values[c.id] = value;
  if (!keepText) showValue(c);
  else showMeter(c);
  if (changed && state.onEdit) state.onEdit();
}

export function showValue(c) {
  const slot = state.inputs[c.id];
  if (!slot) return;
  const v = state.values[c.id];
  const text = v === null || v === undefined ? "" : fmtNum(v, 6);
  if (slot.input.value !== text) slot.input.value = text;
  showMeter(c);
}

function showMeter(c) {
  const slot = state.inputs[c.id];
  if (!slot) return;
  const v = state.values[c.id];
  const set = typeof v === "number";
  slot.row.classList.toggle("is-set", set);
  if (set) {
    slot.input.setAttribute("aria-valuenow", String(v));
    slot.input.setAttribute("aria-valuetext", `${fmtNum(v, 6)} / ${fmtNum(c.max)}`);
    slot.row.classList.remove("is-missing");
    if (slot.note.dataset.kind === "missing") setNote(c, "");
  } else {
    slot.input.removeAttribute("aria-valuenow");
    slot.input.setAttribute("aria-valuetext", t("not_scored"));
  }
  slot.meterFill.style.width = `${set && c.max > 0 ? Math.min(100, (v / c.max) * 100) : 0}%`;
}

export function setNote(c, text, kind = "") {
  const slot = state.inputs[c.id];
  if (!slot) return;
  if (slot.note.textContent !== text) slot.note.textContent = text;
  slot.note.dataset.kind = text ? kind : "";
}

export function updateComment() {
  const box = $("comment");
  $("comment-count").textContent = `${box.value.length} / ${MAX_COMMENT}`;
}

/** Inputs enabled as the screen says (read-only, not disabled: the values stay legible). */
export function renderInputsEnabled(editable) {
  for (const c of criteria()) {
    const slot = state.inputs[c.id];
    if (!slot) continue;
    slot.input.readOnly = !editable;
    slot.input.setAttribute("aria-readonly", String(!editable));
    const v = state.values[c.id];
    slot.dec.disabled = !editable || v === 0;
    slot.inc.disabled = !editable || (typeof v === "number" && v >= topValue(c) - EPS);
  }
  $("comment").readOnly = !editable;
  $("form").classList.toggle("is-locked", !editable);
}
