// The problems of the definition being edited: the client's checks (shown once a field was touched or a
// save tried) and the server's (by field, e.g. `projects[3].category`), as a message under each input
// and as the summary above the form whose entries jump to their field.

import { h, strings, t, url } from "../live.js";
import { state, byId, hooks, validate } from "./context.js";
import { str } from "./model.js";
import { LISTS, colLabel, rowLabel } from "./lists.js";

const S = strings();

function visibleProblems() {
  const client = state.clientProblems.filter(
    (p) => p.level === "warning" || state.attempted || state.touched.has(p.field),
  );
  return [...state.serverProblems, ...client];
}

/** The input a problem's field names: exactly, or the first input inside it (`projects[3]`). */
export function findField(field) {
  if (!field) return null;
  const exact = document.querySelector(`[data-field="${CSS.escape(field)}"]`);
  if (exact) return exact;
  for (const el of document.querySelectorAll("[data-field]")) {
    const f = el.dataset.field;
    if (f.startsWith(`${field}.`) || f.startsWith(`${field}[`)) return el;
  }
  const section = field.match(/^(\w+)/);
  return section ? document.querySelector(`[data-add="${section[1]}"]`) : null;
}

function describeField(field) {
  const m = /^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?(?:\.(.+))?$/.exec(field || "");
  if (!m) return field || t("whole_event");
  const [, table, index, key, sub] = m;
  const parts = [S[`sec_${table}`] || table];
  if (index !== undefined) {
    const row = (state.model[table] || [])[Number(index)];
    parts.push(rowLabel(table, Number(index), row));
  }
  if (key === "indicators" && sub) {
    const ind = state.model.indicators.find((i) => str(i.id) === sub);
    parts.push(ind ? str(ind.name) || sub : sub);
  } else if (key) {
    const col = LISTS[table] && LISTS[table].cols.find((c) => c.key === key);
    parts.push(col ? colLabel(col) : S[`col_${key}`] || key);
  }
  return parts.join(" · ");
}

export function refreshProblems() {
  for (const el of document.querySelectorAll(".field-msg")) el.remove();
  for (const el of document.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    const base = el.dataset.describedby || "";
    if (base) el.setAttribute("aria-describedby", base);
    else el.removeAttribute("aria-describedby");
  }
  const groups = new Map();
  for (const problem of visibleProblems()) {
    if (problem.inline === false) continue;
    const el = findField(problem.field);
    if (!el || !el.matches("[data-field]")) continue;
    if (!groups.has(el)) groups.set(el, []);
    groups.get(el).push(problem);
  }
  for (const [el, problems] of groups) {
    const hasError = problems.some((p) => p.level !== "warning");
    const msg = h(
      "p",
      { class: `field-msg ${hasError ? "is-error" : "is-warning"}`, id: `msg-${el.id}` },
      problems.flatMap((p, i) => [i ? h("br") : null, p.message]),
    );
    el.insertAdjacentElement("afterend", msg);
    if (hasError) el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", [el.dataset.describedby, msg.id].filter(Boolean).join(" "));
    openRowOf(el);
  }
  renderSummary();
}

export function openRowOf(el) {
  const more = el.closest("tr.more-row");
  if (more && more.hidden) {
    more.hidden = false;
    const index = Number(more.id.split("-").pop());
    state.expanded.add(index);
    const toggle = document.querySelector(`[data-toggle="${index}"]`);
    if (toggle) {
      toggle.setAttribute("aria-expanded", "true");
      toggle.textContent = t("less");
    }
  }
}

function renderSummary() {
  const box = byId("problems");
  const list = byId("problems-list");
  const actions = byId("problems-actions");
  const errors = visibleProblems().filter((p) => p.level !== "warning");
  const show = state.serverError || (state.attempted && errors.length) || state.serverProblems.length;
  if (!show) {
    box.hidden = true;
    list.replaceChildren();
    actions.replaceChildren();
    return;
  }
  box.hidden = false;
  box.className = "problems";
  actions.replaceChildren();
  if (state.serverError) {
    byId("problems-heading").textContent = t("not_saved");
    byId("problems-text").textContent = state.serverError.message || state.serverError.code;
    list.replaceChildren();
    if (state.serverError.code === "changed_elsewhere") {
      actions.append(h("button", { type: "button", class: "btn", onclick: () => hooks.reload(true) }, t("reload")));
    }
    if (state.serverError.code === "unauthorized") {
      actions.append(h("a", { class: "btn", href: url("/host/login") }, t("log_in")));
    }
    return;
  }
  const items = visibleProblems().filter((p) => p.level !== "warning" || state.attempted);
  byId("problems-heading").textContent = t("problems_heading", { n: errors.length });
  byId("problems-text").textContent = t("problems_text");
  list.replaceChildren(
    ...items.map((p) =>
      h(
        "li",
        { class: p.level === "warning" ? "is-warning" : "is-error" },
        h(
          "button",
          { type: "button", class: "linkish", "data-goto": p.field || "" },
          p.level === "warning" ? `${t("warning")}: ` : "",
          describeField(p.field),
        ),
        `: ${p.message}`,
      ),
    ),
  );
}

export function gotoField(field) {
  const el = findField(field);
  if (!el) return;
  openRowOf(el);
  el.scrollIntoView({ block: "center" });
  el.focus({ preventScroll: true });
}

let checkTimer = null;
export function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => {
    state.clientProblems = validate();
    refreshProblems();
  }, 200);
}
