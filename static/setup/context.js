// The setup area's shared state and small helpers: the one `state` object every module reads and edits,
// element lookup, the translated client checks, the status line and JSON fetches.

import { h, t, url } from "../live.js";
import { payload } from "./model.js";
import { checkModel } from "./validate.js";

export const state = {
  model: null, // the definition being edited (event-file shape; edited values are text)
  saved: "", // payload() as last loaded or saved, to tell whether anything changed
  base: "", // digest of the definition the page loaded (the server refuses a save over a newer one)
  locked: false, // scoring has started: rubric, weights and rule are fixed
  inUse: { projects: new Set(), judges: new Set() },
  clientProblems: [],
  serverProblems: [],
  serverError: null,
  attempted: false, // a save was tried: every client problem is shown, not only those of touched fields
  touched: new Set(),
  expanded: new Set(), // project rows whose "More" part is open (by index)
  undo: null,
  busy: false,
  preview: null,
};

// Set by static/setup.js: modules call hooks.reload() without importing save.js (no import cycle).
export const hooks = { reload: async () => false };

export const byId = (id) => document.getElementById(id);

/** The client checks of the model being edited, with their messages in the page's language. */
export function validate() {
  return checkModel(state.model).map((p) => ({ ...p, message: t(p.key, p.params) }));
}

export function isDirty() {
  return state.model !== null && JSON.stringify(payload(state.model)) !== state.saved;
}

/** The status line next to Save; `onUndo` adds an Undo button while a removed row can come back. */
export function setStatus(message, { onUndo = null, error = false } = {}) {
  const box = byId("status");
  box.className = `status${error ? " is-error" : ""}`;
  const children = [h("span", {}, message)];
  if (onUndo && state.undo) {
    children.push(h("button", { type: "button", class: "btn btn-small", onclick: onUndo }, t("undo")));
  }
  box.replaceChildren(...children);
}

/** GET or POST as the logged-in host; { status: 0 } when the network failed, body null when it is no JSON. */
export async function fetchJson(path, options = {}) {
  let response;
  try {
    response = await fetch(url(path), { credentials: "same-origin", ...options, headers: { accept: "application/json", ...(options.headers || {}) } });
  } catch (err) {
    return { status: 0, body: null };
  }
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = null;
  }
  return { status: response.status, body };
}
