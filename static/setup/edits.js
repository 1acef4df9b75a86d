// What the setup area's inputs and buttons do: keeping the model in step with each input, renaming an id
// where it is used, adding a row, removing one (with an undo in the status line) and opening a project's
// "More" fields.

import { t } from "../live.js";
import { state, byId, validate, setStatus } from "./context.js";
import { str, nextId, renameReferences, shiftSet } from "./model.js";
import { LISTS, DEPENDENTS, rowLabel } from "./lists.js";
import { renderList } from "./render-list.js";
import { refreshComputed, refreshSelects, refreshEnabled, refreshDirty, refreshDependentFields } from "./render.js";
import { refreshProblems, scheduleCheck, gotoField } from "./problems.js";

function setFromInput(el) {
  const field = el.dataset.field;
  if (el.dataset.list) {
    const row = state.model[el.dataset.list][Number(el.dataset.index)];
    if (!row) return;
    if (el.dataset.key === "indicators") {
      row.indicators = row.indicators || {};
      row.indicators[el.dataset.ind] = el.value;
    } else row[el.dataset.key] = el.value;
  } else {
    const [table, key] = field.split(".");
    state.model[table][key] = el.value;
  }
  // the server's word on this field no longer applies
  state.serverProblems = state.serverProblems.filter((p) => p.field !== field && !str(p.field).startsWith(`${field}.`));
  state.serverError = null;
}

export function onInput(event) {
  const el = event.target;
  if (!el.matches || !el.matches("[data-field]")) return;
  setFromInput(el);
  if (el.dataset.field === "scoring.rule" || el.dataset.field.startsWith("audience.")) refreshDependentFields();
  refreshComputed();
  refreshDirty();
  scheduleCheck();
}

export function onChange(event) {
  const el = event.target;
  if (!el.matches || !el.matches("[data-field]")) return;
  setFromInput(el);
  state.touched.add(el.dataset.field);
  const list = el.dataset.list;
  const key = el.dataset.key;
  if (list && key === "id") renameReferences(state.model, list, el.dataset.before ?? "", str(el.value));
  if (list && key === "id") el.dataset.before = str(el.value);
  if (list === "indicators" && (key === "id" || key === "name")) renderList("projects");
  if (list === "awards" && key === "kind") refreshEnabled();
  if (list && (key === "id" || key === "name" || key === "title" || key === "kind")) refreshSelects();
  refreshComputed();
  refreshProblems();
  refreshDirty();
  scheduleCheck();
}

export function onFocusIn(event) {
  const el = event.target;
  if (el.matches && el.matches("[data-key='id']")) el.dataset.before = str(el.value);
}

function forgetServerProblems(list) {
  state.serverProblems = state.serverProblems.filter((p) => !str(p.field).startsWith(`${list}[`));
  state.serverError = null;
}

function rerender(list) {
  renderList(list);
  for (const other of DEPENDENTS[list] || []) renderList(other);
  refreshSelects();
  refreshComputed();
  state.clientProblems = validate();
  refreshProblems();
  refreshDirty();
}

function addRow(list) {
  const spec = LISTS[list];
  const row = spec.blank();
  if ("id" in row) row.id = nextId(state.model[list], spec.prefix);
  state.model[list].push(row);
  forgetServerProblems(list);
  const index = state.model[list].length - 1;
  rerender(list);
  setStatus(t("row_added", { row: rowLabel(list, index, row) }));
  const el = document.querySelector(`[data-field="${CSS.escape(`${list}[${index}].${spec.focus}`)}"]`);
  if (el) {
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
  }
}

function removeRow(list, index) {
  const rows = state.model[list];
  const [row] = rows.splice(index, 1);
  state.expanded = shiftSet(state.expanded, list === "projects" ? index : -1);
  state.undo = { list, index, row };
  forgetServerProblems(list);
  rerender(list);
  setStatus(t("row_removed", { row: rowLabel(list, index, row) }), { onUndo: undoRemove });
  const next =
    document.querySelector(`[data-remove="${list}"][data-index="${Math.min(index, rows.length - 1)}"]:not(:disabled)`) ||
    document.querySelector(`[data-add="${list}"]`);
  if (next) next.focus();
}

function undoRemove() {
  const undo = state.undo;
  if (!undo) return;
  state.undo = null;
  state.model[undo.list].splice(undo.index, 0, undo.row);
  if (undo.list === "projects") {
    const out = new Set();
    for (const i of state.expanded) out.add(i >= undo.index ? i + 1 : i);
    state.expanded = out;
  }
  rerender(undo.list);
  setStatus(t("row_restored", { row: rowLabel(undo.list, undo.index, undo.row) }));
  const el = document.querySelector(`[data-remove="${undo.list}"][data-index="${undo.index}"]`);
  if (el) el.focus();
}

function toggleMore(button) {
  const index = Number(button.dataset.toggle);
  const row = byId(`more-projects-${index}`);
  if (!row) return;
  const open = row.hidden;
  row.hidden = !open;
  button.setAttribute("aria-expanded", open ? "true" : "false");
  button.textContent = t(open ? "less" : "more");
  if (open) state.expanded.add(index);
  else state.expanded.delete(index);
}

export function onClick(event) {
  const target = event.target.closest("button");
  if (!target || target.disabled) return;
  if (target.dataset.add) addRow(target.dataset.add);
  else if (target.dataset.remove) removeRow(target.dataset.remove, Number(target.dataset.index));
  else if (target.dataset.toggle !== undefined) toggleMore(target);
  else if (target.dataset.goto !== undefined) gotoField(target.dataset.goto);
}
