// The judge's screen derived from the live view and what the phone holds: ONE pure function, so the
// page cannot say two contradictory things at once (a recused judge told "scoring has not opened",
// a "presenting" clock after the reveal). render.js reads only its result.
// Tested as a table by static/tests/judge-state.test.mjs.

import { sameSheet } from "./numbers.js";

/** Error codes meaning "the score arrived after scoring closed": it was not counted and cannot be
 * fixed on the phone (`scoring_closed`; `not_open` from servers that do not have that code yet). */
const TOO_LATE = new Set(["scoring_closed", "not_open"]);

/** A form at rest: collapsed behind its card, nothing to tap twice. */
const RESTING = { showForm: false, editable: false, showFoot: false, reviewing: false, canReview: false, canSubmit: false };
const hasValues = (values) => Object.values(values || {}).some((v) => typeof v === "number");
const criteriaOf = (view) => (view.event && view.event.criteria) || [];

/** The latest sheet the server holds for the project: my_scores, or an ack received since. */
export function latestSheet(view, pid, confirmed) {
  const mine = (view.my_scores || {})[pid] || null;
  if (mine && confirmed) return (confirmed.at || 0) > (mine.at || 0) + 1 ? confirmed : mine;
  return mine || confirmed || null;
}

/**
 * @param {object} view   the live view (sections of docs/protocol.md)
 * @param {object} local  {ready, status, values, comment, pending: [{values, comment}], result,
 *                         confirmed, amending, mode}
 * @returns {{phase: string, bar: object|null, project: object|null, card: object, kicker: string,
 *            showProject: boolean, showTimer: boolean, showForm: boolean, editable: boolean,
 *            showFoot: boolean, canReview: boolean, canSubmit: boolean, stale: boolean, reviewing: boolean}}
 */
export function judgeScreen(view, local) {
  const stale = local.status !== "online";
  const screen = {
    phase: "connecting",
    bar: null,
    project: null,
    card: { kind: "none" },
    kicker: "",
    showProject: false,
    showTimer: false,
    showForm: false,
    editable: false,
    showFoot: false,
    canReview: false,
    canSubmit: false,
    stale,
    reviewing: false,
  };
  if (local.status === "unauthorized") return { ...screen, phase: "unauthorized", card: { kind: "unauthorized" } };
  if (!local.ready) return screen;

  if (view.scene && view.scene.ceremony) {
    // Scoring is over for good: thank the judge and list what they gave.
    return { ...screen, phase: "finished", bar: { kind: "finished", title: "event_finished" }, card: { kind: "finished" } };
  }

  const current = view.current || {};
  const pid = current.project || null;
  const project = pid ? (view.projects || []).find((p) => p.id === pid) || null : null;
  if (!project) {
    const next = current.next ? (view.projects || []).find((p) => p.id === current.next) || null : null;
    return { ...screen, phase: "waiting", bar: { kind: "wait", title: "phase_waiting" }, card: { kind: "waiting", next } };
  }

  const status = current.status || project.status;
  const live = status === "presenting" || status === "scoring";
  const base = { ...screen, project, showProject: true, kicker: live ? "now_presenting" : "project_done" };
  const me = view.me || {};
  if (Array.isArray(me.recused) && me.recused.includes(pid)) {
    return { ...base, phase: "recused", bar: { kind: "recused", title: "recused" }, card: { kind: "recused" } };
  }

  const criteria = criteriaOf(view);
  const sheet = latestSheet(view, pid, local.confirmed || null);
  const pending = local.pending || [];
  const result = local.result || null;
  const matches = sheet && sameSheet(criteria, sheet, local.values || {}, local.comment || "");
  const progress = view.progress || {};
  const counts = progress.project === pid && progress.expected ? { ...progress } : null;

  if (status === "closed" || status === "revealed") {
    let card;
    if (pending.length) card = { kind: "saving", offline: stale };
    else if (result && !result.ok && TOO_LATE.has(result.error && result.error.code)) card = { kind: "refused", error: result.error, sheet };
    else if (sheet) card = { kind: "summary", sheet, final: true, unsent: !matches && hasValues(local.values) };
    else card = { kind: "missed" };
    return { ...base, phase: "closed", bar: { kind: "closed", title: "scoring_closed", detail: "closed_hint" }, card };
  }

  const open = status === "scoring";
  const reviewing = local.mode === "review" && open;
  const formScreen = {
    ...base,
    showTimer: true,
    showForm: !reviewing,
    editable: true,
    showFoot: true,
    reviewing,
    canReview: open,
    canSubmit: open && !pending.length,
  };
  if (!open) {
    const card = pending.length ? { kind: "saving", offline: stale } : { kind: "none" };
    return { ...formScreen, phase: "ready", bar: { kind: "ready", title: "scoring_not_open", detail: "draft_hint" }, card };
  }
  const openBar = { kind: "open", title: "scoring_open", detail: counts ? "progress" : "", params: counts, stale };
  if (pending.length) {
    // Sent (or waiting for the network): the form rests; the same sheet cannot be sent twice.
    return {
      ...formScreen,
      phase: "open",
      bar: openBar,
      ...RESTING,
      card: { kind: "saving", offline: stale },
    };
  }
  if (result && !result.ok) return { ...formScreen, phase: "open", bar: openBar, card: { kind: "error", error: result.error, sheet } };
  if (matches && !local.amending) {
    return {
      ...formScreen,
      phase: "saved",
      bar: { kind: "saved", title: "phase_saved", params: { time: sheet.at }, detail: counts ? "progress" : "", counts, stale },
      ...RESTING,
      card: { kind: "summary", sheet, final: false },
    };
  }
  const card = sheet && !matches ? { kind: "changed", sheet } : { kind: "none" };
  return { ...formScreen, phase: "open", bar: openBar, card };
}
