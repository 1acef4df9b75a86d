// What the judge's page holds besides the live view: the form's values, the review mode, the acks of
// this session; and the small lookups every judge module shares. screen() hands all of it to the
// pure judgeScreen() (state.js).

import { judgeScreen } from "./state.js";

export const $ = (id) => document.getElementById(id);
export const app = $("app");
export const token = app.dataset.token;
export const MAX_COMMENT = 1000;
export const reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
const htmlLang = document.documentElement.lang || undefined;

export const state = {
  live: null, // the LiveConnection (judge.js)
  view: {},
  ready: false, // first snapshot received
  status: "connecting",
  project: null, // project id the form is built for
  criteriaSig: "",
  values: {}, // criterion id -> number | null (not scored yet)
  comment: "",
  mode: "form", // form | review
  amending: false, // the judge reopened a saved sheet
  formScroll: 0, // where the form was scrolled when the review opened
  presence: "idle",
  results: {}, // project id -> {ok: true} | {ok: false, error}
  confirmed: {}, // project id -> {values, comment, total, at} acknowledged in this session
  inputs: {}, // criterion id -> {input, row, note, meterFill, dec, inc}
  sentOffline: false, // a score waited for the network: say "sent and saved" when it is acknowledged
};

export const criteria = () => (state.view.event && state.view.event.criteria) || [];
export const decimals = () => {
  const d = state.view.event && state.view.event.scoring && state.view.event.scoring.decimals;
  return typeof d === "number" ? Math.max(2, d) : 2;
};
export const maxTotal = () => criteria().reduce((sum, c) => sum + c.weight * c.max, 0);
export const projectById = (pid) => (state.view.projects || []).find((p) => p.id === pid) || null;

export function fmtTime(at, withSeconds = true) {
  if (!at) return "";
  const options = withSeconds ? { hour: "2-digit", minute: "2-digit", second: "2-digit" } : { hour: "2-digit", minute: "2-digit" };
  try {
    return new Date(at * 1000).toLocaleTimeString(htmlLang, options);
  } catch (err) {
    return new Date(at * 1000).toLocaleTimeString();
  }
}

/** Unacknowledged submit_score commands for a project (they live in the connection's outbox). */
export function pendingFor(pid) {
  if (!state.live) return [];
  return state.live.pending().filter((c) => c.cmd === "submit_score" && c.args && c.args.project === pid);
}

/** The screen as judgeScreen() derives it from the view and the phone's own state. */
export function screen() {
  const pid = state.project;
  return judgeScreen(state.view, {
    ready: state.ready,
    status: state.status,
    values: state.values,
    comment: state.comment,
    pending: pid ? pendingFor(pid).map((c) => ({ values: c.args.scores, comment: c.args.comment })) : [],
    result: pid ? state.results[pid] : null,
    confirmed: pid ? state.confirmed[pid] || null : null,
    amending: state.amending,
    mode: state.mode,
  });
}
