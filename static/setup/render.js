// The setup area outside the lists: the event's own fields (event, timing, scoring, composite), the
// lock banner, the live numbers (weights' sum, shares, panel maximum, projects per category), selects
// whose options come from another list, and the save / discard buttons.

import { h, t } from "../live.js";
import { state, byId, isDirty } from "./context.js";
import { LIST_NAMES, fmt, weightsSum, shareText, panelMax } from "./model.js";
import { LISTS, columnsOf, isDisabled } from "./lists.js";
import { fillSelect, renderList } from "./render-list.js";
import { refreshProblems } from "./problems.js";

export function renderStatic() {
  for (const el of document.querySelectorAll("#setup-form [data-field]:not([data-list])")) {
    const [table, key] = el.dataset.field.split(".");
    const value = state.model[table][key];
    el.value = value === null || value === undefined ? "" : String(value);
    if (el.dataset.describedby === undefined) el.dataset.describedby = el.getAttribute("aria-describedby") || "";
    el.disabled = el.hasAttribute("data-lock") && state.locked;
  }
  for (const note of document.querySelectorAll("[data-lock-note]")) note.hidden = !state.locked;
  byId("lock-banner").hidden = !state.locked;
  refreshDependentFields();
}

/** Fields that apply only with another's value: the trim (trimmed mean), the audience vote's settings
 * (when it is on; the weight only in the composite). Fixed ones stay disabled once scoring began. */
export function refreshDependentFields() {
  const trimmed = state.model.scoring.rule === "trimmed_mean";
  for (const key of ["trim", "trim_min_judges"]) {
    const el = document.querySelector(`[data-field="scoring.${key}"]`);
    if (el) el.disabled = state.locked || !trimmed;
  }
  const au = state.model.audience;
  const on = au.enabled === "true";
  for (const el of document.querySelectorAll('#sec-audience [data-field]:not([data-field="audience.enabled"])')) {
    const applies = on && (el.dataset.field !== "audience.weight" || au.use === "composite");
    el.disabled = !applies || (el.hasAttribute("data-lock") && state.locked);
  }
}

export function renderAll() {
  renderStatic();
  for (const list of LIST_NAMES) renderList(list);
  refreshComputed();
  refreshProblems();
  refreshDirty();
}

/** Live numbers: the sum of the weights, each share, the panel maximum, projects per category. */
export function refreshComputed() {
  const sum = weightsSum(state.model);
  const box = byId("weights-sum");
  if (box) {
    const ok = Number.isFinite(sum.total) && Math.abs(sum.total - 100) < 1e-9;
    box.className = `weights-sum ${ok ? "is-ok" : "is-warn"}`;
    const parts = t("weights_parts", {
      panel: fmt(sum.panel),
      indicators: fmt(sum.indicators),
      total: fmt(sum.total),
      share: shareText(state.model, state.model.composite.panel_weight === "" ? 100 : state.model.composite.panel_weight) || "?",
    });
    const verdict = !Number.isFinite(sum.total)
      ? t("weights_unknown")
      : ok
        ? t("weights_ok")
        : t("weights_not_100", { sum: fmt(sum.total) });
    box.replaceChildren(
      h("span", { class: "sum-icon", "aria-hidden": "true" }, ok ? "✓" : "!"),
      h("span", { class: "sum-verdict" }, verdict),
      h("span", { class: "sum-parts" }, parts),
    );
  }
  const maxBox = byId("panel-max");
  if (maxBox) {
    const total = panelMax(state.model);
    maxBox.textContent = Number.isFinite(total) ? t("panel_max", { total: fmt(total) }) : "";
  }
  for (const el of document.querySelectorAll("[data-computed]")) {
    const [list, index, key] = el.dataset.computed.split(":");
    const row = state.model[list][Number(index)];
    const col = LISTS[list].cols.find((c) => c.key === key);
    if (row && col) el.textContent = col.value(row, Number(index));
  }
}

/** Update every select whose options come from another list (ids and names may have changed). */
export function refreshSelects() {
  for (const select of document.querySelectorAll("select[data-list]")) {
    const list = select.dataset.list;
    const index = Number(select.dataset.index);
    const col = LISTS[list].cols.find((c) => c.key === select.dataset.key);
    if (!col || !col.options) continue;
    const row = state.model[list][index];
    fillSelect(select, col.options(row, index), row[col.key], col.required);
  }
}

export function refreshEnabled() {
  for (const el of document.querySelectorAll("[data-list][data-key]")) {
    const list = el.dataset.list;
    const col = columnsOf(list).find((c) => c.key === el.dataset.key && (c.ind || "") === (el.dataset.ind || ""));
    if (col) el.disabled = isDisabled(list, Number(el.dataset.index), col);
  }
  refreshDependentFields();
}

export function refreshDirty() {
  const dirty = isDirty();
  byId("dirty").hidden = !dirty;
  byId("save").disabled = state.busy || state.model === null;
  byId("discard").disabled = state.busy || !dirty;
}
