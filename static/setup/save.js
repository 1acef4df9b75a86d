// Loading and saving the definition: GET /host/setup/event.json, POST /host/setup/save with the digest
// of what was loaded (a save over a newer definition is refused) and the edit reason; the server's
// problems come back by field and are shown next to their inputs.

import { h, t, url } from "../live.js";
import { state, byId, validate, isDirty, setStatus, fetchJson } from "./context.js";
import { str, toModel, payload } from "./model.js";
import { renderAll, refreshDirty } from "./render.js";
import { refreshProblems } from "./problems.js";

function setBusy(busy) {
  state.busy = busy;
  byId("save").textContent = busy ? t("saving") : t("save");
  refreshDirty();
}

function timeNow() {
  const d = new Date();
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

export function adopt(data) {
  state.model = toModel(data.definition);
  for (const list of ["projects", "judges"]) for (const row of state.model[list]) row._loadedId = str(row.id);
  state.base = data.base || "";
  state.locked = Boolean(data.scoring_started);
  byId("edit-reason").value = ""; // a reason belongs to one saved change
  state.inUse = {
    projects: new Set((data.in_use && data.in_use.projects) || []),
    judges: new Set((data.in_use && data.in_use.judges) || []),
  };
  state.saved = JSON.stringify(payload(state.model));
  state.clientProblems = validate();
  state.serverProblems = [];
  state.serverError = null;
  state.attempted = false;
  state.touched = new Set();
  state.expanded = new Set();
  state.undo = null;
  byId("bar-title").textContent = str(state.model.event.title);
  byId("loading").hidden = true;
  byId("setup-form").hidden = false;
  renderAll();
}

export async function reload(confirmFirst = false) {
  if (confirmFirst && isDirty() && !window.confirm(t("confirm_discard"))) return;
  const { status, body } = await fetchJson("/host/setup/event.json");
  if (status === 200 && body) {
    adopt(body);
    return true;
  }
  const error = byId("load-error");
  error.hidden = false;
  error.replaceChildren(
    status === 401 ? t("unauthorized") : t("load_failed"),
    " ",
    status === 401 ? h("a", { href: url("/host/login") }, t("log_in")) : h("button", { type: "button", class: "btn btn-small", onclick: () => reload() }, t("retry")),
  );
  byId("loading").hidden = true;
  return false;
}

function focusSummary() {
  const box = byId("problems");
  if (!box.hidden) {
    box.scrollIntoView({ block: "start" });
    box.focus({ preventScroll: true });
  }
}

export async function save() {
  if (state.busy || state.model === null) return;
  state.attempted = true;
  state.serverError = null;
  state.clientProblems = validate();
  const errors = state.clientProblems.filter((p) => p.level !== "warning");
  if (errors.length) {
    refreshProblems();
    setStatus(t("fix_first", { n: errors.length }), { error: true });
    focusSummary();
    return;
  }
  setBusy(true);
  setStatus(t("saving"));
  const { status, body } = await fetchJson("/host/setup/save", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ definition: payload(state.model), base: state.base, reason: byId("edit-reason").value }),
  });
  setBusy(false);
  if (body && body.ok) {
    adopt(body);
    setStatus(t("saved_at", { time: timeNow() }));
    return;
  }
  if (body && Array.isArray(body.problems)) {
    state.serverProblems = body.problems.map((p) => ({ field: p.field || "", message: p.message, level: "error" }));
  } else if (body && body.error) {
    state.serverError = body.error;
  } else {
    state.serverError = { code: "network", message: status === 0 ? t("network_failed") : t("server_failed", { status }) };
  }
  refreshProblems();
  setStatus(t("not_saved"), { error: true });
  focusSummary();
}
