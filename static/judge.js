// The judge's phone (templates/judge.html): the project now presenting, the stage timer, the rubric,
// a review step and the submission, with every keystroke kept on the phone until the server has
// committed the score. Protocol: docs/protocol.md; connection, outbox and helpers: static/live.js.
//
// Stable hooks for browser tests (data-testid):
//   conn-status          connection banner (also data-status="connecting|online|reconnecting|offline|unauthorized")
//   project-title        title of the project now presenting
//   timer                the stage timer block (data-active="presentation|qa|", data-overtime="true|false",
//                        data-running="true|false"); timer-clock is the "mm:ss" / "+mm:ss" text inside it
//   score-<criterionId>  the score input of one criterion (text input, inputmode=decimal, role=spinbutton;
//                        any typed value is clamped to 0..max and snapped to the step)
//   inc-<criterionId>    + button of that criterion      dec-<criterionId>  − button
//   total                the running weighted total (number only, also data-value; "/ max" is beside it)
//   comment              the comment textarea (max 1000 characters)
//   review               "Review" button (footer; disabled unless scoring is open)
//   confirm-submit       "Confirm and submit" / "Submit amended score" button (footer, review mode only)
//   saved                green confirmation; in the DOM ONLY when the server acknowledged (ok) the score
//                        now in the form, or my_scores holds exactly these values
//   saving               shown while a submit_score for this project is unacknowledged (data-offline="true"
//                        when it waits for the connection)
//   submit-error         the translated error.message of the last failed submit (ack ok:false)
//   my-scores            the collapsible list of this judge's own submitted scores (my-score-<projectId> rows)
//
// Page state: <main data-mode="form|review" data-phase="none|wait|open|closed|recused">.

import { LiveConnection, timerRemaining, formatClock, strings, t, h } from "./live.js";

const S = strings();
const MAX_COMMENT = 1000;
const EPS = 1e-6;


const $ = (id) => document.getElementById(id);
const app = $("app");
const token = app.dataset.token;
const DRAFT_PREFIX = `roadshow-draft-${token}-`;
const reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
const htmlLang = document.documentElement.lang || undefined;

const state = {
  view: {},
  ready: false, // first snapshot received
  status: "connecting",
  project: null, // project id the form is built for
  criteriaSig: "",
  values: {}, // criterion id -> number | null (not scored yet)
  comment: "",
  mode: "form", // form | review
  formScroll: 0, // where the form was scrolled when the review opened
  presence: "idle",
  results: {}, // project id -> {ok: true} | {ok: false, error}
  confirmed: {}, // project id -> {values, comment, total, at} acknowledged in this session
  inputs: {}, // criterion id -> {input, row, note, meter}
};

// ------------------------------------------------------------------ numbers

function stepDecimals(step) {
  const text = String(step);
  if (text.includes("e-")) return Math.min(6, Number(text.split("e-")[1]));
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : Math.min(6, text.length - dot - 1);
}

function roundTo(value, decimals) {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** The highest value on the criterion's step grid that does not exceed its maximum. */
function topValue(c) {
  const step = c.step > 0 ? c.step : 1;
  return roundTo(Math.floor(c.max / step + EPS) * step, stepDecimals(step));
}

/** Clamp to 0..max and snap to the step. null for anything that is not a finite number. */
function normalize(c, value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return null;
  const step = c.step > 0 ? c.step : 1;
  const snapped = Math.round(value / step) * step;
  const clamped = Math.min(topValue(c), Math.max(0, snapped));
  return roundTo(clamped, stepDecimals(step));
}

/** Parse what a judge typed: full-width digits, a decimal comma, spaces. */
function parseTyped(text) {
  const ascii = text
    .replace(/[\uFF10-\uFF19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 48))
    .replace(/[\uFF0E\u3002]/g, ".")
    .replace(/[\uFF0C,]/g, ".")
    .replace(/\s+/g, "");
  if (ascii === "") return { empty: true };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(ascii)) return { bad: true };
  return { value: Number(ascii) };
}

function fmtNum(value, decimals = 2) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return String(roundTo(value, decimals));
}

function fmtTime(at) {
  if (!at) return "";
  try {
    return new Date(at * 1000).toLocaleTimeString(htmlLang, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  } catch (err) {
    return new Date(at * 1000).toLocaleTimeString();
  }
}

// ------------------------------------------------------------------ view helpers

const criteria = () => (state.view.event && state.view.event.criteria) || [];
const decimals = () => {
  const d = state.view.event && state.view.event.scoring && state.view.event.scoring.decimals;
  return typeof d === "number" ? Math.max(2, d) : 2;
};
const maxTotal = () => criteria().reduce((sum, c) => sum + c.weight * c.max, 0);
const projectById = (pid) => (state.view.projects || []).find((p) => p.id === pid) || null;
const current = () => state.view.current || {};
const projectStatus = () => (current().project === state.project ? current().status : null);
const isRecused = () => {
  const me = state.view.me || {};
  return !!state.project && Array.isArray(me.recused) && me.recused.includes(state.project);
};
const isOpen = () =>
  state.ready && !!state.project && projectStatus() === "scoring" && state.status !== "unauthorized" && !isRecused();
const isClosed = () => ["closed", "revealed"].includes(projectStatus());

/** Σ weight × value over the scored criteria (the server's formula), and how many are scored. */
function totalOf(values) {
  let total = 0;
  let done = 0;
  for (const c of criteria()) {
    const v = values[c.id];
    if (typeof v === "number") {
      total += c.weight * v;
      done += 1;
    }
  }
  return { total: roundTo(total, 6), done, count: criteria().length };
}

function pendingFor(pid) {
  return live.pending().filter((c) => c.cmd === "submit_score" && c.args && c.args.project === pid);
}

function sameSheet(sheet, values, comment) {
  if (!sheet) return false;
  for (const c of criteria()) {
    const a = sheet.values ? sheet.values[c.id] : undefined;
    const b = values[c.id];
    if (typeof a !== "number" || typeof b !== "number" || Math.abs(a - b) > EPS) return false;
  }
  return (sheet.comment || "").trim() === (comment || "").trim();
}

/** The server-side sheet equal to what the form holds now, if any. */
function savedMatch(pid) {
  const mine = (state.view.my_scores || {})[pid];
  if (sameSheet(mine, state.values, state.comment)) return mine;
  const confirmed = state.confirmed[pid];
  if (sameSheet(confirmed, state.values, state.comment)) return confirmed;
  return null;
}

/** The latest sheet the server holds for the project (from my_scores or an ack in this session). */
function latestSheet(pid) {
  const mine = (state.view.my_scores || {})[pid];
  const confirmed = state.confirmed[pid];
  if (mine && confirmed) return (confirmed.at || 0) > (mine.at || 0) + 1 ? confirmed : mine;
  return mine || confirmed || null;
}

// ------------------------------------------------------------------ drafts (never lose typing)

function saveDraft() {
  if (!state.project) return;
  const draft = { values: state.values, comment: state.comment, at: live.serverNow() };
  try {
    localStorage.setItem(DRAFT_PREFIX + state.project, JSON.stringify(draft));
  } catch (err) {
    /* private mode or quota: the form still holds the values */
  }
}

function loadDraft(pid) {
  try {
    const draft = JSON.parse(localStorage.getItem(DRAFT_PREFIX + pid) || "null");
    if (draft && typeof draft === "object" && draft.values && typeof draft.values === "object") return draft;
  } catch (err) {
    /* unreadable: ignore */
  }
  return null;
}

function clearDraft(pid) {
  try {
    localStorage.removeItem(DRAFT_PREFIX + pid);
  } catch (err) {
    /* ignore */
  }
}

// ------------------------------------------------------------------ presence

function setPresence(next) {
  if (state.presence === next) return;
  state.presence = next;
  live.send({ type: "presence", state: next });
}

// ------------------------------------------------------------------ the form

function criteriaSignature() {
  return JSON.stringify(criteria().map((c) => [c.id, c.name, c.max, c.step, c.weight, c.description]));
}

function loadValues(pid) {
  const values = {};
  for (const c of criteria()) values[c.id] = null;
  let comment = "";
  const draft = loadDraft(pid);
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

function buildForm() {
  const list = $("criteria");
  state.inputs = {};
  const showWeights = criteria().some((c) => Math.abs(c.weight - 1) > EPS);
  list.replaceChildren(...criteria().map((c) => criterionRow(c, showWeights)));
  $("comment").value = state.comment;
  updateComment();
  for (const c of criteria()) showValue(c);
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
  const dec = h("button", {
    type: "button",
    class: "j-step",
    "aria-label": t("decrease", { criterion: c.name }),
    "aria-controls": id,
    dataset: { testid: `dec-${c.id}` },
  }, "−");
  const inc = h("button", {
    type: "button",
    class: "j-step",
    "aria-label": t("increase", { criterion: c.name }),
    "aria-controls": id,
    dataset: { testid: `inc-${c.id}` },
  }, "+");
  const note = h("p", { class: "j-crit-note", id: `note-${c.id}`, "aria-live": "polite" });
  const meterFill = h("span", { class: "j-meter-fill" });
  const row = h(
    "div",
    { class: "j-crit", dataset: { criterion: c.id } },
    h(
      "div",
      { class: "j-crit-head" },
      h("label", { for: id, class: "j-crit-name" }, c.name),
    ),
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

/** − / +: one step per tap; held down, it repeats (after a pause) until released. */
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
        repeatTimer = setTimeout(repeat, repeats < 6 ? 160 : 60); // slow at first, then faster
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
  if (changed) edited();
}

function showValue(c) {
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

function setNote(c, text, kind = "") {
  const slot = state.inputs[c.id];
  if (!slot) return;
  if (slot.note.textContent !== text) slot.note.textContent = text;
  slot.note.dataset.kind = text ? kind : "";
}

function updateComment() {
  const box = $("comment");
  $("comment-count").textContent = `${box.value.length} / ${MAX_COMMENT}`;
}

/** Any change the judge makes: keep it on the phone at once, tell the host, refresh the totals. */
function edited() {
  saveDraft();
  if (state.project && ["presenting", "scoring"].includes(projectStatus())) setPresence("scoring");
  $("missing").hidden = true;
  renderDynamic();
}

function formEditable() {
  return state.ready && !!state.project && state.status !== "unauthorized" && !isClosed();
}

// ------------------------------------------------------------------ review and submit

function missingCriteria() {
  return criteria().filter((c) => typeof state.values[c.id] !== "number");
}

function openReview() {
  if (!isOpen()) return;
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
  renderReview();
  renderDynamic();
  window.scrollTo({ top: 0, behavior: "auto" });
  $("review-title").focus({ preventScroll: true });
}

function closeReview() {
  state.mode = "form";
  renderDynamic();
  window.scrollTo({ top: state.formScroll || 0, behavior: "auto" });
  $("review-btn").focus({ preventScroll: true });
}

function renderReview() {
  const p = projectById(state.project);
  $("review-project").textContent = p ? t("review_of", { title: p.title }) : "";
  $("review-list").replaceChildren(
    ...criteria().map((c) =>
      h("div", { class: "j-review-row" }, h("dt", {}, c.name), h("dd", {}, `${fmtNum(state.values[c.id], 6)} / ${fmtNum(c.max)}`)),
    ),
  );
  const comment = state.comment.trim();
  const commentEl = $("review-comment");
  commentEl.textContent = comment || t("no_comment");
  commentEl.classList.toggle("is-empty", !comment);
}

function confirmSubmit() {
  if (!isOpen() || state.mode !== "review" || missingCriteria().length) return;
  const pid = state.project;
  const scores = {};
  for (const c of criteria()) scores[c.id] = state.values[c.id];
  const comment = state.comment.trim().slice(0, MAX_COMMENT);
  delete state.results[pid];
  // The outbox keeps the command until the ack; onAck decides what is shown. The promise is only
  // caught here so that a refusal is not reported as an unhandled rejection.
  live.command("submit_score", { project: pid, scores, comment }).catch(() => {});
  setPresence("idle");
  state.mode = "form";
  renderDynamic();
  const card = $("result");
  card.scrollIntoView({ block: "center", behavior: reducedMotion ? "auto" : "smooth" });
  card.focus({ preventScroll: true });
}

function onAck(ack, command) {
  if (!command || command.cmd !== "submit_score" || !command.args) return;
  const pid = command.args.project;
  if (ack.ok) {
    const values = command.args.scores || {};
    const comment = (command.args.comment || "").trim();
    state.results[pid] = { ok: true };
    state.confirmed[pid] = { values, comment, total: totalOf(values).total, at: live.serverNow() };
    if (pid === state.project && sameSheet(state.confirmed[pid], state.values, state.comment)) clearDraft(pid);
  } else {
    const error = ack.error || { code: "error", message: t("error") };
    state.results[pid] = { ok: false, error };
    if (pid !== state.project) {
      const p = projectById(pid);
      showNotice(t("other_failed", { title: p ? p.title : pid, message: error.message || error.code }));
    }
  }
  renderDynamic();
}

// ------------------------------------------------------------------ notices

function showNotice(text) {
  const box = $("notice");
  box.replaceChildren(
    h("span", {}, text),
    h("button", { type: "button", class: "j-btn j-btn-small", onclick: () => (box.hidden = true) }, t("dismiss")),
  );
  box.hidden = false;
}

// ------------------------------------------------------------------ rendering

const CONN_TEXT = {
  connecting: "connecting",
  online: "online",
  reconnecting: "reconnecting",
  offline: "offline",
  unauthorized: "unauthorized_title",
};

function renderConnection() {
  const banner = $("conn");
  banner.dataset.status = state.status;
  const text = t(CONN_TEXT[state.status] || "connecting");
  if ($("conn-text").textContent !== text) $("conn-text").textContent = text;
}

function renderProject() {
  const pid = current().project;
  const p = pid ? projectById(pid) : null;
  const unauthorized = state.status === "unauthorized";
  $("project").hidden = !p || unauthorized;
  const waiting = $("waiting");
  waiting.hidden = !state.ready ? !unauthorized : !!p && !unauthorized;
  if (unauthorized) {
    waiting.querySelector("h1").textContent = t("unauthorized_title");
    $("waiting-next").textContent = t("unauthorized");
    return;
  }
  if (!p) {
    const next = current().next ? projectById(current().next) : null;
    $("waiting-next").textContent = next ? t("next_project", { title: next.title }) : "";
    return;
  }
  const count = (state.view.projects || []).length;
  const position = current().position || p.position;
  const pos = $("project-position");
  pos.textContent = `${position}/${count}`;
  pos.setAttribute("aria-label", t("position_of", { position, count }));
  $("project-title").textContent = p.title;
  $("project-team").textContent = p.team || "";
  $("project-team").hidden = !p.team;
  $("project-category").textContent = p.category_name || "";
  $("project-category").parentElement.hidden = !p.category_name;
  $("project-summary").textContent = p.summary || "";
  $("project-summary").hidden = !p.summary;
}

function renderTimer() {
  const tv = state.view.timer;
  const box = $("timer");
  if (!tv || !tv.presentation || $("project").hidden) return;
  const hasQa = tv.qa && tv.qa.duration > 0;
  const used = (x) => x && (x.running || x.elapsed_before > 0);
  const name = tv.active || (hasQa && used(tv.qa) ? "qa" : "presentation");
  const timer = tv[name];
  const now = live.serverNow();
  const remaining = timerRemaining(timer, now);
  const over = remaining < 0;
  const clock = formatClock(remaining);
  const label = t(name === "qa" ? "qa" : "presentation");
  let stateText = timer.running ? t("running") : used(timer) ? t("paused") : t("not_started");
  if (over) stateText = `${t("overtime")} · ${stateText}`;
  setText($("timer-clock"), clock);
  setText($("timer-label"), label);
  setText($("timer-state"), stateText);
  box.dataset.active = tv.active || "";
  box.dataset.overtime = String(over);
  box.dataset.running = String(!!timer.running);
  const otherName = name === "qa" ? "presentation" : "qa";
  const other = otherName === "qa" && !hasQa ? null : tv[otherName];
  setText(
    $("timer-other"),
    other ? t("timer_of", { name: t(otherName === "qa" ? "qa" : "presentation"), clock: formatClock(timerRemaining(other, now)) }) : "",
  );
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

function renderPhase() {
  const phase = $("phase");
  const st = projectStatus();
  let kind = "none";
  if (state.project && state.ready && state.status !== "unauthorized") {
    kind = st === "scoring" ? "open" : st === "closed" || st === "revealed" ? "closed" : "wait";
    if (isRecused()) kind = "recused";
  }
  app.dataset.phase = kind;
  phase.hidden = kind === "none";
  phase.dataset.kind = kind;
  if (kind === "none") return;
  let title;
  let detail;
  if (kind === "open") {
    const progress = state.view.progress || {};
    title = t("scoring_open");
    detail = progress.project === state.project && progress.expected ? t("progress", progress) : "";
  } else if (kind === "recused") {
    title = t("recused");
    detail = t("recused_detail");
  } else if (kind === "closed") {
    title = t("scoring_closed");
    detail = t("closed_hint");
  } else {
    title = t("scoring_not_open");
    detail = t("draft_hint");
  }
  setText($("phase-title"), title);
  setText($("phase-detail"), detail);
}

/** The submission state of the current project: saving / error / saved / changed / nothing. */
function submissionState() {
  const pid = state.project;
  if (!pid) return { kind: "none" };
  if (pendingFor(pid).length) return { kind: "saving", offline: state.status !== "online" };
  const result = state.results[pid];
  if (result && !result.ok) return { kind: "error", error: result.error, sheet: latestSheet(pid) };
  const match = savedMatch(pid);
  if (match) return { kind: "saved", sheet: match };
  const latest = latestSheet(pid);
  if (latest) return { kind: "changed", sheet: latest };
  return { kind: "none" };
}

function renderResult(sub) {
  const card = $("result");
  card.setAttribute("tabindex", "-1");
  const max = fmtNum(maxTotal());
  let content = null;
  if (sub.kind === "saving") {
    content = h(
      "div",
      { class: "j-state j-state-saving", dataset: { testid: "saving", offline: String(sub.offline) } },
      h("span", { class: "j-state-icon", "aria-hidden": "true" }, sub.offline ? "!" : h("span", { class: "j-spinner" })),
      h(
        "div",
        {},
        h("strong", { class: "j-state-title" }, sub.offline ? t("will_send") : t("saving")),
        h("p", {}, sub.offline ? t("kept_on_phone") : t("saving_detail")),
      ),
    );
  } else if (sub.kind === "error") {
    content = h(
      "div",
      { class: "j-state j-state-error" },
      h("span", { class: "j-state-icon", "aria-hidden": "true" }, "✕"),
      h(
        "div",
        {},
        h("strong", { class: "j-state-title" }, t("not_saved_title")),
        h("p", { class: "j-state-message", dataset: { testid: "submit-error", code: sub.error.code || "" } }, sub.error.message || sub.error.code || t("error")),
        h("p", {}, t("not_saved_keep")),
        sub.sheet ? h("p", {}, t("submitted_was", { total: `${fmtNum(sub.sheet.total, decimals())} / ${max}`, time: fmtTime(sub.sheet.at) })) : null,
      ),
    );
  } else if (sub.kind === "saved") {
    content = h(
      "div",
      { class: "j-state j-state-saved", dataset: { testid: "saved" } },
      h("span", { class: "j-state-icon", "aria-hidden": "true" }, "✓"),
      h(
        "div",
        {},
        h("strong", { class: "j-state-title" }, t("saved")),
        h("p", { class: "j-state-total" }, t("saved_total", { total: `${fmtNum(sub.sheet.total, decimals())} / ${max}`, time: fmtTime(sub.sheet.at) })),
        isOpen() ? h("p", {}, t("saved_amend")) : null,
      ),
    );
  } else if (sub.kind === "changed") {
    const was = t("submitted_was", { total: `${fmtNum(sub.sheet.total, decimals())} / ${max}`, time: fmtTime(sub.sheet.at) });
    content = h(
      "div",
      { class: "j-state j-state-changed" },
      h("span", { class: "j-state-icon", "aria-hidden": "true" }, "!"),
      h(
        "div",
        {},
        h("strong", { class: "j-state-title" }, isClosed() ? t("closed_unsent") : t("changed_short")),
        h("p", {}, isClosed() ? was : t("changed")),
        isClosed() ? null : h("p", {}, was),
      ),
    );
  }
  const signature = content ? content.outerHTML : "";
  if (card.dataset.signature !== signature) {
    card.dataset.signature = signature;
    card.replaceChildren(...(content ? [content] : []));
  }
  card.hidden = !content;
}

function renderFoot(sub) {
  const foot = $("foot");
  foot.hidden = !state.project || !state.ready || state.status === "unauthorized" || $("project").hidden;
  const { total, done, count } = totalOf(state.values);
  const totalEl = $("total");
  setText(totalEl, fmtNum(total, decimals()));
  totalEl.dataset.value = String(total);
  setText($("total-max"), ` / ${fmtNum(maxTotal())}`);
  let sub2 = t("scored_count", { done, count });
  if (!isOpen() && state.mode === "form" && projectStatus() && !isClosed()) sub2 += ` · ${t("scoring_not_open")}`;
  if (sub.kind === "saving") sub2 += ` · ${sub.offline ? t("not_saved") : t("sending_short")}`;
  else if (sub.kind === "saved") sub2 += ` · ✓ ${t("saved_short")}`;
  else if (sub.kind === "changed" && !isClosed()) sub2 += ` · ${t("changed_short")}`;
  else if (sub.kind === "error") sub2 += ` · ${t("not_saved")}`;
  setText($("foot-sub"), sub2);
  foot.dataset.state = sub.kind;

  const reviewing = state.mode === "review";
  const reviewBtn = $("review-btn");
  reviewBtn.hidden = reviewing;
  reviewBtn.disabled = !isOpen();
  $("review-actions").hidden = !reviewing;
  const confirm = $("confirm-btn");
  confirm.disabled = !isOpen();
  const amending = !!latestSheet(state.project);
  setText(confirm, amending ? t("amend") : t("confirm_submit"));
}

function renderMode() {
  const reviewing = state.mode === "review" && !!state.project;
  app.dataset.mode = reviewing ? "review" : "form";
  $("review").hidden = !reviewing;
  $("form").hidden = reviewing || !state.project || !state.ready || state.status === "unauthorized" || $("project").hidden;
  $("my-scores").hidden = reviewing || !state.ready || state.status === "unauthorized";
  if (reviewing) {
    const { total } = totalOf(state.values);
    setText($("review-total"), `${fmtNum(total, decimals())} / ${fmtNum(maxTotal())}`);
    const blocked = $("review-blocked");
    const st = projectStatus();
    let why = "";
    if (isClosed()) why = t("cannot_submit_closed");
    else if (st !== "scoring") why = t("cannot_submit_yet");
    else if (state.status !== "online") why = t("cannot_submit_offline");
    setText(blocked, why);
    blocked.hidden = !why;
    blocked.dataset.kind = isOpen() ? "info" : "warn";
  }
}

function renderInputsEnabled() {
  const editable = formEditable();
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

function renderMine() {
  const mine = state.view.my_scores || {};
  const pendingIds = new Set(live.pending().filter((c) => c.cmd === "submit_score" && c.args).map((c) => c.args.project));
  const ids = new Set([...Object.keys(mine), ...Object.keys(state.confirmed), ...pendingIds]);
  const order = (state.view.projects || []).map((p) => p.id);
  const sorted = [...ids].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const max = fmtNum(maxTotal());
  const rows = sorted.map((pid) => {
    const p = projectById(pid);
    const sheet = latestSheet(pid);
    const result = state.results[pid];
    let status = null;
    if (pendingIds.has(pid)) status = h("span", { class: "j-mine-flag is-pending" }, state.status === "online" ? t("sending_short") : t("not_saved"));
    else if (result && !result.ok) status = h("span", { class: "j-mine-flag is-error" }, t("not_saved"));
    return h(
      "li",
      { class: "j-mine-row", dataset: { testid: `my-score-${pid}`, project: pid } },
      h("span", { class: "j-mine-pos", "aria-hidden": "true" }, p ? String(p.position) : ""),
      h(
        "span",
        { class: "j-mine-main" },
        h("span", { class: "j-mine-title" }, p ? p.title : pid),
        h(
          "span",
          { class: "j-mine-meta" },
          sheet ? fmtTime(sheet.at) : "",
          sheet && sheet.version > 1 ? ` · ${t("amended")}` : "",
          status ? " " : "",
          status,
        ),
      ),
      h("strong", { class: "j-mine-total" }, sheet ? t("my_total", { total: fmtNum(sheet.total, decimals()), max }) : "–"),
    );
  });
  const list = $("my-scores-list");
  if (rows.length) list.replaceChildren(...rows);
  else list.replaceChildren(h("li", { class: "j-mine-empty" }, t("no_scores")));
  setText($("my-scores-count"), String(Object.keys(mine).length));
}

/** Everything except rebuilding the rubric: safe to call on every update, keeps what is typed. */
function renderDynamic() {
  renderConnection();
  renderProject();
  renderTimer();
  renderPhase();
  renderMode();
  const sub = submissionState();
  renderResult(sub);
  renderFoot(sub);
  renderInputsEnabled();
  if (state.mode === "review") renderReview();
  renderMine();
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
    live.send({ type: "presence", state: "scoring" });
  }
  renderDynamic();
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
  renderDynamic();
}

const live = new LiveConnection({
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
  if (formEditable()) edited();
});
$("form").addEventListener("submit", (event) => event.preventDefault());
$("review-btn").addEventListener("click", openReview);
$("edit-btn").addEventListener("click", closeReview);
$("confirm-btn").addEventListener("click", confirmSubmit);
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
renderDynamic();
live.start();
