// The judge's phone (templates/judge.html): the project now presenting, the stage timer, the rubric,
// a review step and the submission, with every keystroke kept on the phone until the server has
// committed the score. Protocol: docs/protocol.md; connection, outbox and helpers: static/live.js.
// Modules: judge/state.js (the ONE pure judgeScreen() every render reads), judge/render.js,
// judge/form.js (rubric, steppers, drafts), judge/numbers.js, judge/page.js; this file: the actions.
//
// Stable hooks for browser tests (data-testid):
//   conn-status          connection banner (also data-status="connecting|online|reconnecting|offline|unauthorized")
//   phase                the sticky phase bar: data-kind="wait|ready|open|saved|closed|recused|finished",
//                        data-stale="true" while the counts in it are not live (offline)
//   project-title        title of the project now presenting
//   timer                the stage timer block (data-active="presentation|qa|", data-overtime="true|false",
//                        data-running="true|false"); timer-clock is the "mm:ss" / "+mm:ss" text inside it;
//                        hidden once the project's scoring has closed (it is no longer presenting)
//   score-<criterionId>  the score input of one criterion (text input, inputmode=decimal, role=spinbutton;
//                        any typed value is clamped to 0..max and snapped to the step)
//   inc-<criterionId>    + button of that criterion      dec-<criterionId>  − button (held: repeats)
//   total                the running weighted total (number only, also data-value; "/ max" is beside it)
//   comment              the comment textarea (max 1000 characters)
//   review               "Review" button (footer; disabled unless scoring is open)
//   confirm-submit       "Confirm and submit" / "Submit amended score" button (footer, review mode only;
//                        disabled while a submission of this project is unacknowledged)
//   saved                the summary card "✓ submitted 91.5"; in the DOM ONLY when the server acknowledged
//                        (ok) the score now in the form, or my_scores holds exactly these values. The form
//                        is collapsed meanwhile; amend (inside it, while scoring is open) reopens it.
//   saving               shown while a submit_score for this project is unacknowledged (data-offline="true"
//                        when it waits for the connection)
//   synced               the short "sent and saved ✓" after a score that waited for the network is saved
//   submit-error         the translated error.message of the last failed submit (ack ok:false), data-code;
//                        inside `refused` when the score came after scoring closed (it was not counted)
//   recused-card         the one calm card of a judge recused from the project (no form at all)
//   end-screen           the thanks shown once the award ceremony has started (my-scores opened below)
//   my-scores            the collapsible list of this judge's own submitted scores (my-score-<projectId> rows)
//   points               the comment points for the expert commentary (hooks listed in judge/points.js)
//
// Page state: <main data-mode="form|review" data-phase="connecting|unauthorized|waiting|ready|open|saved|
// closed|recused|finished">.

import { LiveConnection, t, h } from "./live.js";
import { sameSheet, totalOf } from "./judge/numbers.js";
import { $, MAX_COMMENT, criteria, pendingFor, projectById, reducedMotion, screen, state, token } from "./judge/page.js";
import {
  buildForm,
  clearDraft,
  criteriaSignature,
  loadDraft,
  loadValues,
  missingCriteria,
  saveDraft,
  setNote,
  updateComment,
} from "./judge/form.js";
import { renderAll, renderTimer } from "./judge/render.js";
import { renderPoints } from "./judge/points.js";

const render = () => renderAll(screen());

// ------------------------------------------------------------------ presence

function setPresence(next) {
  if (state.presence === next) return;
  state.presence = next;
  state.live.send({ type: "presence", state: next });
}

/** Any change the judge makes: keep it on the phone at once, tell the host, refresh the totals. */
function edited() {
  saveDraft();
  const status = (state.view.current || {}).status;
  if (state.project && ["presenting", "scoring"].includes(status)) setPresence("scoring");
  $("missing").hidden = true;
  render();
}
state.onEdit = edited;

// ------------------------------------------------------------------ review, submit, amend

function openReview() {
  if (!screen().canReview) return;
  const missing = missingCriteria();
  if (missing.length) {
    for (const c of missing) {
      state.inputs[c.id].row.classList.add("is-missing");
      setNote(c, t("not_scored"), "missing");
    }
    const box = $("missing");
    box.textContent = t("missing", { names: missing.map((c) => c.name).join(t("list_separator")) });
    box.hidden = false;
    state.inputs[missing[0].id].input.focus();
    state.inputs[missing[0].id].row.scrollIntoView({ block: "center", behavior: reducedMotion ? "auto" : "smooth" });
    return;
  }
  state.formScroll = window.scrollY;
  state.mode = "review";
  render();
  window.scrollTo({ top: 0, behavior: "auto" });
  $("review-title").focus({ preventScroll: true });
}

function closeReview() {
  state.mode = "form";
  render();
  window.scrollTo({ top: state.formScroll || 0, behavior: "auto" });
  $("review-btn").focus({ preventScroll: true });
}

function showCard() {
  const card = $("result");
  card.scrollIntoView({ block: "center", behavior: reducedMotion ? "auto" : "smooth" });
  card.focus({ preventScroll: true });
}

function confirmSubmit() {
  const now = screen();
  if (!now.canSubmit || !now.reviewing || missingCriteria().length) return;
  const pid = state.project;
  const scores = {};
  for (const c of criteria()) scores[c.id] = state.values[c.id];
  const comment = state.comment.trim().slice(0, MAX_COMMENT);
  state.mode = "form";
  state.amending = false;
  setPresence("idle");
  const latest = (state.view.my_scores || {})[pid] || state.confirmed[pid];
  // The very sheet the server already holds (an amend that changed nothing), or one already on its
  // way: nothing to send. The server would not store it twice either (docs/protocol.md, ack).
  const queued = pendingFor(pid).some((c) => sameSheet(criteria(), { values: c.args.scores, comment: c.args.comment }, scores, comment));
  if (!queued && !sameSheet(criteria(), latest, scores, comment)) {
    delete state.results[pid];
    if (state.status !== "online") state.sentOffline = true;
    // The outbox keeps the command until the ack; onAck decides what is shown. The promise is only
    // caught here so that a refusal is not reported as an unhandled rejection.
    state.live.command("submit_score", { project: pid, scores, comment }).catch(() => {});
  }
  render();
  showCard();
}

function amend() {
  if (screen().phase !== "saved") return;
  state.amending = true;
  render();
  const first = criteria()[0];
  if (first && state.inputs[first.id]) state.inputs[first.id].input.focus();
}

function onAck(ack, command) {
  if (!command || command.cmd !== "submit_score" || !command.args) return;
  const pid = command.args.project;
  if (ack.ok) {
    const values = command.args.scores || {};
    const comment = (command.args.comment || "").trim();
    state.results[pid] = { ok: true };
    state.confirmed[pid] = { values, comment, total: totalOf(criteria(), values).total, at: state.live.serverNow() };
    if (pid === state.project && sameSheet(criteria(), state.confirmed[pid], state.values, state.comment)) clearDraft(pid);
    if (state.sentOffline && !state.live.pending().some((c) => c.cmd === "submit_score")) {
      state.sentOffline = false;
      flashSynced();
    }
  } else {
    const error = ack.error || { code: "error", message: t("error") };
    state.results[pid] = { ok: false, error };
    if (pid !== state.project) {
      const p = projectById(pid);
      showNotice(t("other_failed", { title: p ? p.title : pid, message: error.message || error.code }));
    }
  }
  render();
}

// ------------------------------------------------------------------ notices

let syncedTimer = null;
function flashSynced() {
  const box = $("synced");
  box.textContent = t("synced");
  box.hidden = false;
  clearTimeout(syncedTimer);
  syncedTimer = setTimeout(() => (box.hidden = true), 5000);
}

function showNotice(text) {
  const box = $("notice");
  box.replaceChildren(
    h("span", {}, text),
    h("button", { type: "button", class: "j-btn j-btn-small", onclick: () => (box.hidden = true) }, t("dismiss")),
  );
  box.hidden = false;
}

// ------------------------------------------------------------------ live view

function onView(view, changed, kind) {
  state.view = view;
  state.ready = true;
  const pid = (view.current && view.current.project) || null;
  const sig = criteriaSignature();
  if (pid !== state.project || sig !== state.criteriaSig) {
    if (pid !== state.project) {
      state.mode = "form";
      state.amending = false;
      setPresence("idle");
    }
    state.project = pid;
    state.criteriaSig = sig;
    if (pid) loadValues(pid);
    buildForm();
  } else if (pid && changed.includes("my_scores")) {
    maybePrefill(pid);
  }
  if (kind === "snapshot" && state.presence === "scoring") {
    // a reconnect: the server forgets the activity of a judge with no connection
    state.live.send({ type: "presence", state: "scoring" });
  }
  render();
  renderPoints();
}

/** my_scores arrived for a project whose form is still untouched: fill it in. */
function maybePrefill(pid) {
  const mine = (state.view.my_scores || {})[pid];
  const empty = criteria().every((c) => state.values[c.id] === null) && !state.comment;
  if (mine && empty && !loadDraft(pid)) {
    loadValues(pid);
    buildForm();
  }
}

function onStatus(status) {
  state.status = status;
  if (status !== "online" && pendingFor(state.project).length) state.sentOffline = true;
  render();
}

state.live = new LiveConnection({
  path: "/ws/judge/" + token,
  outboxKey: "roadshow-outbox-" + token,
  onView,
  onStatus,
  onAck,
  onError: (error) => {
    if (error && error.message) showNotice(error.message);
  },
});

// ------------------------------------------------------------------ wiring

$("comment").addEventListener("input", () => {
  const box = $("comment");
  if (box.value.length > MAX_COMMENT) box.value = box.value.slice(0, MAX_COMMENT);
  state.comment = box.value;
  updateComment();
  if (screen().editable) edited();
});
$("form").addEventListener("submit", (event) => event.preventDefault());
$("review-btn").addEventListener("click", openReview);
$("edit-btn").addEventListener("click", closeReview);
$("confirm-btn").addEventListener("click", confirmSubmit);
$("result").addEventListener("click", (event) => {
  if (event.target.closest("[data-action='amend']")) amend();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && state.mode === "review") closeReview();
});

// The footer is fixed: keep the page's bottom padding equal to its height, whatever it holds.
if (window.ResizeObserver) {
  new ResizeObserver(() => {
    const foot = $("foot");
    const height = foot.hidden ? 0 : foot.getBoundingClientRect().height;
    document.documentElement.style.setProperty("--j-foot-h", `${Math.ceil(height)}px`);
  }).observe($("foot"));
}

setInterval(renderTimer, 250);
render();
state.live.start();
