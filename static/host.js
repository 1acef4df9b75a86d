// Host console (templates/host.html): running order, timers, scoring, standings, ceremony.
// Protocol: docs/protocol.md. Sections used: event, projects, current, timer, scene, progress,
// result, ceremony, judges, standings, awards_preview, host_ceremony.
//
// Stable data-testid attributes (for browser tests):
//   conn-status                      connection status (data-status: connecting|online|reconnecting|offline|unauthorized)
//   now-title, next-title            title of the current / next project
//   start-next                       "Start next project" = view.current.next (shortcut S)
//   order-list                       the running order <ol>
//   order-item-<projectId>           one project in the order (data-status: pending|presenting|scoring|closed|revealed)
//   start-<projectId>                start that (pending) project
//   move-up-<projectId>, move-down-<projectId>   reorder a pending project (only pending projects have them;
//                                    a move skips over started projects, which keep their place)
//   timer-presentation, timer-qa     clock + state text, e.g. "+01:05 Overtime · Running"
//                                    (data-state: idle|running|paused; data-overtime: true|false)
//   timer-<name>-start / -pause / -reset         timer buttons (<name>: presentation | qa)
//   open-scoring, close-scoring, reveal          scoring buttons (shortcuts O, C, R); close and reveal confirm first
//   progress                         "5 / 7 judges have scored" (data-submitted, data-expected)
//   judge-row-<judgeId>              a judge for the current project
//                                    (data-status: recused|submitted|scoring|connected|disconnected)
//   recuse-<judgeId>                 recuse / lift recusal for the current project (opens the confirmation
//                                    dialog with a required reason-input)
//   judge-correct-<judgeId>          correct this judge's score for the current project once it is closed
//   scene-<scene>                    projector scene buttons (aria-pressed="true" on the current scene)
//   standings                        the standings table; standing-tab-<overall|categoryId> its tabs
//   standing-row-<projectId>         one ranked project (data-rank, data-tied, data-revealed)
//   standing-details-<projectId>     the project title button that opens / closes its explanation
//   correct-<judgeId>-<projectId>    correct a score (in an open explanation; closed or revealed projects)
//   reveal-<projectId>               reveal a closed, not yet revealed project (in its explanation)
//   start-ceremony                   start the award ceremony (confirms first; hidden once started)
//   ceremony-next, ceremony-back     ceremony steps (shortcuts N, B)
//   ceremony-status                  "Step 2 of 5" / "Not started" (data-step, data-total)
//   ceremony-now, ceremony-upnext    what the board shows now / what the next step reveals
//   confirm-ok, confirm-cancel       the buttons of the confirmation dialog (close, reveal, ceremony, recusal)
//   reason-input                     the reason field of that dialog (shown for recuse / lift recusal)
//   correct-input-<criterionId>, correct-comment, correct-reason, correct-ok, correct-cancel
//                                    the score correction dialog
//   toast                            the error alert (role="alert") shown when a command is refused
//   reissue-<judgeId>                issue a new personal link (form POST after confirm-ok; reloads at #links)
//
// Keyboard shortcuts (not while typing in a field or while a dialog is open; the host can switch them off):
//   S start next project · O open scoring · C close scoring · R reveal · N / B ceremony next / back ·
//   P presentation timer start/pause · Q Q&A timer start/pause · Space start/pause the running timer
//   (resumes Q&A if it has run, else the presentation). A keyboard user on a button keeps Space's usual
//   meaning; after a mouse click Space is the timer shortcut.

import { LiveConnection, timerRemaining, formatClock, strings, t, h } from "./live.js";
import { bindFinalLock, renderFinalLock } from "./host_final_lock.js";

const S = strings();
const STATUS_CLASSES = ["pending", "presenting", "scoring", "closed", "revealed"];
const SCENES = ["welcome", "presenting", "result", "leaderboard", "ceremony"];
const TIMERS = ["presentation", "qa"];
const SHORTCUTS_KEY = "roadshow-host-shortcuts";


const $ = (id) => document.getElementById(id);
const byTestId = (id) => document.querySelector(`[data-testid="${CSS.escape(id)}"]`);

const ui = {
  view: {},
  status: "connecting",
  pending: new Map(), // action key -> true while its command waits for the ack
  expanded: new Set(), // standings rows whose explanation is open
  tab: "overall",
  shortcuts: localStorage.getItem(SHORTCUTS_KEY) !== "off",
  dialogOpen: false,
  rev: 0, // bumped on every local UI change (pending commands, tabs, expanded rows)
  ceremonyShown: null, // null until the first view; then whether the ceremony panel was showing
};

const live = new LiveConnection({
  path: "/ws/host",
  outboxKey: "roadshow-outbox-host",
  onView: (view) => {
    ui.view = view;
    render();
  },
  onStatus: (status) => {
    ui.status = status;
    render();
  },
  onAck: (ack, command) => {
    if (!ack.ok) showError(ack.error && ack.error.message);
    else if (command && !ack.duplicate) notice(t("done", { action: commandLabel(command) }));
  },
  onError: (error) => showError(error && error.message),
});

// ---------------------------------------------------------------------------------- helpers
function projects() {
  return ui.view.projects || [];
}

function projectById(id) {
  return projects().find((p) => p.id === id) || null;
}

function judgeName(id) {
  const judge = (ui.view.judges || []).find((j) => j.id === id);
  return judge ? judge.name : id;
}

function currentProject() {
  const current = ui.view.current;
  return current && current.project ? projectById(current.project) : null;
}

const online = () => ui.status === "online";

// Regions are rebuilt only when one of their inputs changed (sections are replaced whole on update,
// so identity is enough): a presence update must not rebuild the list the host is clicking in.
const memo = new Map();
function changed(region, deps) {
  const previous = memo.get(region);
  if (previous && previous.length === deps.length && previous.every((d, i) => d === deps[i])) return false;
  memo.set(region, deps);
  return true;
}

function bump() {
  ui.rev += 1;
}
const isPending = (key) => ui.pending.has(key);

function decimals() {
  const scoring = ui.view.event && ui.view.event.scoring;
  return scoring && Number.isInteger(scoring.decimals) ? scoring.decimals : 2;
}

function num(value, places = decimals()) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "—";
  return Number(value).toFixed(places);
}

function statusBadge(status) {
  return h("span", { class: `badge st-${STATUS_CLASSES.includes(status) ? status : "pending"}` }, t(`status_${status}`));
}

function commandLabel(command) {
  switch (command.cmd) {
    case "open_scoring":
      return t("open_scoring");
    case "close_scoring":
      return t("close_scoring");
    case "reveal":
      return t("reveal");
    case "recuse":
      return t("cmd_recuse");
    case "timer":
      return `${t("cmd_timer")} · ${t(command.args.timer === "qa" ? "qa" : "presentation")} · ${t(command.args.action)}`;
    case "scene":
      return `${t("cmd_scene")} · ${t(`scene_${command.args.scene}`)}`;
    default:
      return t(`cmd_${command.cmd}`);
  }
}

/**
 * Send a command; `key` names the action so its button stays disabled until the ack arrives.
 * Errors are shown by onAck (which also covers commands resent from the outbox after a reload).
 */
function run(key, name, args = {}) {
  if (isPending(key)) return Promise.resolve(null);
  ui.pending.set(key, true);
  bump();
  const promise = live.command(name, args);
  render();
  return promise
    .then((ack) => ack)
    .catch(() => null)
    .finally(() => {
      ui.pending.delete(key);
      bump();
      render();
    });
}

// ---------------------------------------------------------------------------------- feedback
let toastTimer = null;
function showError(message) {
  const toast = $("toast");
  $("toast-text").textContent = `${t("error")}: ${message || t("error")}`;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toast.hidden = true;
  }, 12_000);
}

let noticeTimer = null;
function notice(message) {
  const el = $("notice");
  el.textContent = message;
  el.classList.add("shown");
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    el.classList.remove("shown");
    el.textContent = "";
  }, 4000);
}

// ---------------------------------------------------------------------------------- dialogs
/**
 * A modal confirmation. With `reason: true` it also asks for a required reason.
 * Resolves to {ok: boolean, reason: string}.
 */
function ask({ message, okLabel, danger = false, reason = false }) {
  const dialog = $("confirm-dialog");
  if (dialog.open) return Promise.resolve({ ok: false, reason: "" });
  const opener = focusKey(document.activeElement);
  $("confirm-message").textContent = message;
  const ok = $("confirm-ok");
  ok.textContent = okLabel || t("confirm");
  ok.className = `btn ${danger ? "btn-danger" : "btn-primary"}`;
  const field = $("reason-field");
  const input = $("reason-input");
  const error = $("reason-error");
  field.hidden = !reason;
  input.required = reason;
  input.value = "";
  error.hidden = true;
  input.removeAttribute("aria-invalid");
  ui.dialogOpen = true;
  return new Promise((resolve) => {
    const form = $("confirm-form");
    const cancel = $("confirm-cancel");
    const finish = (result) => {
      form.removeEventListener("submit", onSubmit);
      cancel.removeEventListener("click", onCancel);
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close();
      ui.dialogOpen = false;
      restoreFocus(opener);
      resolve(result);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      const text = input.value.trim();
      if (reason && !text) {
        error.textContent = t("reason_missing");
        error.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      finish({ ok: true, reason: text });
    };
    const onCancel = () => finish({ ok: false, reason: "" });
    const onClose = () => finish({ ok: false, reason: "" }); // Escape
    form.addEventListener("submit", onSubmit);
    cancel.addEventListener("click", onCancel);
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    (reason ? input : ok).focus();
  });
}

function focusKey(el) {
  if (!el || el === document.body) return null;
  return el.dataset.testid ? { testid: el.dataset.testid } : el.id ? { id: el.id } : null;
}

function findByKey(key) {
  if (!key) return null;
  return key.testid ? byTestId(key.testid) : $(key.id);
}

function restoreFocus(key) {
  setTimeout(() => {
    if (document.activeElement && document.activeElement !== document.body) return;
    const el = findByKey(key);
    if (el && !el.disabled) el.focus();
    else if (el) {
      // a disabled button cannot take focus: keep the user near it
      const section = el.closest("section, li, tr");
      if (section) {
        section.setAttribute("tabindex", "-1");
        section.focus();
      }
    }
  }, 0);
}

// correction dialog ------------------------------------------------------------------------
function stepDecimals(step) {
  const text = String(step);
  return text.includes(".") ? text.split(".")[1].length : 0;
}

function clampScore(value, criterion) {
  let v = Math.min(Number(criterion.max), Math.max(0, value));
  const step = Number(criterion.step) || 0;
  if (step > 0) v = Math.round(v / step) * step;
  v = Math.min(Number(criterion.max), Math.max(0, v));
  return Number(v.toFixed(Math.max(stepDecimals(criterion.step || 1), 0)));
}

/** The judge's latest values for a project: from the standings explanation, or the live judges table. */
function currentSheet(judgeId, projectId) {
  const standings = ui.view.standings || {};
  const row = (standings.overall || []).find((r) => r.project === projectId);
  if (row && row.sheets && row.sheets[judgeId]) return { values: row.sheets[judgeId], comment: "" };
  const current = ui.view.current || {};
  if (current.project === projectId) {
    const judge = (ui.view.judges || []).find((j) => j.id === judgeId);
    if (judge && judge.values) return { values: judge.values, comment: judge.comment || "" };
  }
  return null;
}

function openCorrection(judgeId, projectId) {
  const dialog = $("correct-dialog");
  if (dialog.open || ui.dialogOpen) return;
  const project = projectById(projectId);
  const criteria = (ui.view.event && ui.view.event.criteria) || [];
  const opener = focusKey(document.activeElement);
  $("correct-title").textContent = t("correct_title", {
    judge: judgeName(judgeId),
    project: project ? project.title : projectId,
  });
  const fields = criteria.map((c) => {
    const inputId = `correct-input-${c.id}`;
    const input = h("input", {
      id: inputId,
      "data-testid": inputId,
      type: "number",
      inputmode: "decimal",
      min: 0,
      max: c.max,
      step: c.step || "any",
      required: true,
      "data-criterion": c.id,
    });
    input.addEventListener("change", () => {
      if (input.value.trim() === "") return;
      const v = Number(input.value);
      if (Number.isFinite(v)) input.value = String(clampScore(v, c));
    });
    return h(
      "div",
      { class: "field field-score" },
      h("label", { for: inputId }, c.name, " ", h("span", { class: "hint" }, `(0–${c.max})`)),
      input,
    );
  });
  $("correct-fields").replaceChildren(...fields);
  // Start from the judge's current sheet, so a correction changes only what was wrong.
  const existing = currentSheet(judgeId, projectId);
  if (existing) {
    for (const c of criteria) {
      const v = existing.values && existing.values[c.id];
      if (typeof v === "number") $(`correct-input-${c.id}`).value = String(v);
    }
  }
  $("correct-comment").value = (existing && existing.comment) || "";
  $("correct-reason").value = "";
  const error = $("correct-error");
  error.hidden = true;
  const ok = $("correct-ok");
  ok.disabled = false;
  ui.dialogOpen = true;

  const form = $("correct-form");
  const cancel = $("correct-cancel");
  const finish = () => {
    form.removeEventListener("submit", onSubmit);
    cancel.removeEventListener("click", onCancel);
    dialog.removeEventListener("close", onClose);
    if (dialog.open) dialog.close();
    ui.dialogOpen = false;
    restoreFocus(opener);
  };
  const fail = (message, focusEl) => {
    error.textContent = message;
    error.hidden = false;
    if (focusEl) focusEl.focus();
  };
  const onSubmit = (event) => {
    event.preventDefault();
    const scores = {};
    for (const c of criteria) {
      const input = $(`correct-input-${c.id}`);
      const v = Number(input.value);
      if (input.value.trim() === "" || !Number.isFinite(v)) {
        input.setAttribute("aria-invalid", "true");
        fail(t("scores_missing"), input);
        return;
      }
      input.removeAttribute("aria-invalid");
      scores[c.id] = clampScore(v, c);
      input.value = String(scores[c.id]);
    }
    const reasonInput = $("correct-reason");
    const reason = reasonInput.value.trim();
    if (!reason) {
      reasonInput.setAttribute("aria-invalid", "true");
      fail(t("reason_missing"), reasonInput);
      return;
    }
    reasonInput.removeAttribute("aria-invalid");
    if (!online()) {
      fail(t("controls_offline"));
      return;
    }
    ok.disabled = true;
    error.hidden = true;
    const key = `correct:${judgeId}:${projectId}`;
    ui.pending.set(key, true);
    bump();
    live
      .command("correct_score", {
        judge: judgeId,
        project: projectId,
        scores,
        comment: $("correct-comment").value.trim(),
        reason,
      })
      .then(() => finish())
      .catch((err) => {
        ok.disabled = false;
        fail((err && err.message) || t("error"));
      })
      .finally(() => {
        ui.pending.delete(key);
        bump();
        render();
      });
  };
  const onCancel = () => finish();
  const onClose = () => finish();
  form.addEventListener("submit", onSubmit);
  cancel.addEventListener("click", onCancel);
  dialog.addEventListener("close", onClose);
  dialog.showModal();
  const first = fields.length ? $(`correct-input-${criteria[0].id}`) : $("correct-reason");
  first.focus();
}

// ---------------------------------------------------------------------------------- actions
function startProject(pid) {
  const project = projectById(pid);
  if (!project) return;
  run(`start:${pid}`, "start_project", { project: pid });
}

function move(pid, direction) {
  const order = projects().map((p) => p.id);
  const next = movedOrder(order, pid, direction);
  if (!next) return;
  const project = projectById(pid);
  run("reorder", "reorder", { order: next }).then((ack) => {
    if (ack && ack.ok && project) notice(`${project.title} — ${t(direction < 0 ? "moved_up" : "moved_down")}`);
  });
}

/** The order with `pid` swapped with the nearest pending project in `direction`; started ones keep their place. */
function movedOrder(order, pid, direction) {
  const index = order.indexOf(pid);
  const project = projectById(pid);
  if (index < 0 || !project || project.status !== "pending") return null;
  let j = index + direction;
  while (j >= 0 && j < order.length && (projectById(order[j]) || {}).status !== "pending") j += direction;
  if (j < 0 || j >= order.length) return null;
  const next = order.slice();
  [next[index], next[j]] = [next[j], next[index]];
  return next;
}

function timerAction(name, action) {
  run(`timer:${name}`, "timer", { timer: name, action });
}

function toggleTimer(name) {
  const timer = ui.view.timer && ui.view.timer[name];
  if (!timer || !canTimer()) return;
  timerAction(name, timer.running ? "pause" : "start");
}

function toggleActiveTimer() {
  const tv = ui.view.timer;
  if (!tv || !canTimer()) return;
  if (tv.active) {
    timerAction(tv.active, "pause");
    return;
  }
  // Nothing running: resume Q&A if it has run, else the presentation.
  const name = tv.qa && tv.qa.elapsed_before > 0 && hasQa() ? "qa" : "presentation";
  timerAction(name, "start");
}

async function openScoring() {
  run("open_scoring", "open_scoring");
}

async function closeScoring() {
  const { ok } = await ask({ message: t("confirm_close"), okLabel: t("close_scoring"), danger: true });
  if (ok) run("close_scoring", "close_scoring");
}

async function reveal(pid) {
  const project = projectById(pid);
  const message = project ? `${t("confirm_reveal")}\n“${project.title}”` : t("confirm_reveal");
  const { ok } = await ask({ message, okLabel: t("reveal") });
  if (ok) run(`reveal:${pid}`, "reveal", { project: pid });
}

async function recuse(judgeId, recused) {
  const current = currentProject();
  if (!current) return;
  const { ok, reason } = await ask({
    message: `${t(recused ? "confirm_recuse" : "lift_confirm")}\n${judgeName(judgeId)} · “${current.title}”`,
    okLabel: t(recused ? "recuse" : "unrecuse"),
    danger: recused,
    reason: true,
  });
  if (ok) run(`recuse:${judgeId}`, "recuse", { judge: judgeId, project: current.id, recused, reason });
}

async function startCeremony() {
  const { ok } = await ask({ message: t("confirm_ceremony"), okLabel: t("start_ceremony"), danger: true });
  if (ok) run("start_ceremony", "start_ceremony");
}

function ceremonyStep(direction) {
  run("ceremony_step", "ceremony_step", { direction });
}

// ---------------------------------------------------------------------------------- legality
function hasQa() {
  const timing = ui.view.event && ui.view.event.timing;
  return !timing || timing.qa_seconds > 0;
}

function canTimer() {
  return online() && Boolean(currentProject());
}

function canStart(pid) {
  const project = projectById(pid);
  const current = currentProject();
  return (
    online() &&
    project !== null &&
    project.status === "pending" &&
    !ui.view.ceremony &&
    !(current && current.status === "scoring") &&
    !isPending(`start:${pid}`)
  );
}

// ---------------------------------------------------------------------------------- render
function render() {
  renderStatus();
  renderOrder();
  renderNow();
  renderTimers();
  renderScoring();
  renderScenes();
  renderStandings();
  renderCeremony();
  renderFinalLock(ui.view, { online, isPending });
  renderShortcutHints();
  // A control that lost focus (disabled while its command was pending, or its region rebuilt)
  // gets it back, so a keyboard user keeps their place.
  if (focus.last && !ui.dialogOpen && (!document.activeElement || document.activeElement === document.body)) {
    const el = findByKey(focus.last);
    if (el && !el.disabled && el.getClientRects().length) el.focus({ preventScroll: true });
  }
}

// Focus bookkeeping: the last focused control, and whether the user is using the pointer or the keyboard.
const focus = { last: null, pointer: false };
document.addEventListener(
  "pointerdown",
  () => {
    focus.pointer = true;
    focus.last = null; // a click on empty space leaves nothing to restore; focusin sets the new one
  },
  true,
);
document.addEventListener(
  "keydown",
  (event) => {
    if (event.key === "Tab" || event.key.startsWith("Arrow")) focus.pointer = false;
  },
  true,
);
document.addEventListener("focusin", (event) => {
  focus.last = focusKey(event.target);
});

function renderStatus() {
  const el = $("conn-status");
  el.dataset.status = ui.status;
  el.replaceChildren();
  if (ui.status === "unauthorized") {
    el.append(t("unauthorized"), " ", h("a", { href: "/host/login" }, t("log_in_again")));
  } else {
    const text = { online: "online", connecting: "connecting", reconnecting: "reconnecting", offline: "host_offline" };
    el.textContent = t(text[ui.status] || "connecting");
  }
  const banner = $("offline-banner");
  const off = ui.status !== "online" && ui.status !== "connecting";
  banner.hidden = !off;
  banner.textContent = off ? t("controls_offline") : "";
}

function renderOrder() {
  if (!changed("order", [ui.view.projects, ui.view.current, ui.view.ceremony, ui.status, ui.rev])) return;
  const list = $("order-list");
  const all = projects();
  const order = all.map((p) => p.id);
  const currentId = ui.view.current && ui.view.current.project;
  $("order-count").textContent = all.length ? t("order_count", { n: all.length }) : "";
  const items = all.map((p) => {
    const isCurrent = p.id === currentId;
    const actions = [];
    if (p.status === "pending") {
      const upOk = online() && !isPending("reorder") && movedOrder(order, p.id, -1) !== null;
      const downOk = online() && !isPending("reorder") && movedOrder(order, p.id, 1) !== null;
      actions.push(
        h(
          "button",
          {
            type: "button",
            class: "btn btn-icon",
            "data-testid": `move-up-${p.id}`,
            "aria-label": t("move_up_named", { title: p.title }),
            title: t("move_up"),
            disabled: !upOk,
            onclick: () => move(p.id, -1),
          },
          "↑",
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-icon",
            "data-testid": `move-down-${p.id}`,
            "aria-label": t("move_down_named", { title: p.title }),
            title: t("move_down"),
            disabled: !downOk,
            onclick: () => move(p.id, 1),
          },
          "↓",
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            "data-testid": `start-${p.id}`,
            "aria-label": t("start_named", { title: p.title }),
            disabled: !canStart(p.id),
            onclick: () => startProject(p.id),
          },
          t("start"),
        ),
      );
    }
    return h(
      "li",
      {
        class: `order-item os-${p.status}${isCurrent ? " is-current" : ""}`,
        "data-testid": `order-item-${p.id}`,
        "data-status": p.status,
        "aria-current": isCurrent ? "true" : null,
      },
      h("span", { class: "order-pos", "aria-hidden": "true" }, String(p.position)),
      h(
        "div",
        { class: "order-info" },
        h("span", { class: "order-title" }, p.title),
        h("span", { class: "order-meta" }, [p.team, p.category_name].filter(Boolean).join(" · ")),
      ),
      h("div", { class: "order-side" }, statusBadge(p.status), actions.length ? h("div", { class: "order-actions" }, actions) : null),
    );
  });
  list.replaceChildren(...items);
}

function renderNow() {
  const current = currentProject();
  const cur = ui.view.current || {};
  const title = $("now-title");
  const badge = $("now-status");
  if (current) {
    title.textContent = current.title;
    title.classList.remove("empty");
    $("now-meta").textContent = [current.team, current.category_name].filter(Boolean).join(" · ");
    badge.hidden = false;
    badge.className = `badge st-${current.status}`;
    badge.textContent = t(`status_${current.status}`);
    $("now-position").textContent = t("position_of", { n: cur.position, total: projects().length });
  } else {
    title.textContent = t("no_current");
    title.classList.add("empty");
    $("now-meta").textContent = "";
    badge.hidden = true;
    $("now-position").textContent = "";
  }
  const next = cur.next ? projectById(cur.next) : null;
  const nextTitle = $("next-title");
  nextTitle.textContent = next ? next.title : t("no_next");
  nextTitle.classList.toggle("empty", !next);
  $("next-meta").textContent = next ? [next.team, next.category_name].filter(Boolean).join(" · ") : "";
  const startNext = $("start-next");
  startNext.disabled = !next || !canStart(next.id);
  startNext.setAttribute("aria-describedby", "next-title");
}

function renderTimers() {
  const tv = ui.view.timer;
  const now = live.serverNow();
  const enabled = canTimer();
  for (const name of TIMERS) {
    const card = $(`timer-card-${name}`);
    if (name === "qa") card.hidden = !hasQa();
    const timer = tv && tv[name];
    const display = $(`timer-${name}`);
    const busy = isPending(`timer:${name}`);
    if (!timer) {
      $(`timer-clock-${name}`).textContent = "--:--";
      $(`timer-state-${name}`).textContent = "";
      continue;
    }
    const remaining = timerRemaining(timer, now);
    const over = remaining < 0;
    const state = timer.running ? "running" : timer.elapsed_before > 0 ? "paused" : "idle";
    const clock = formatClock(remaining);
    const clockEl = $(`timer-clock-${name}`);
    if (clockEl.textContent !== clock) clockEl.textContent = clock;
    const stateText = [over ? t("overtime") : null, t(state === "idle" ? "timer_ready" : state)]
      .filter(Boolean)
      .join(" · ");
    const stateEl = $(`timer-state-${name}`);
    if (stateEl.textContent !== stateText) stateEl.textContent = stateText;
    display.dataset.state = state;
    display.dataset.overtime = over ? "true" : "false";
    card.classList.toggle("is-running", timer.running);
    card.classList.toggle("is-over", over);
    const used = timer.duration > 0 ? Math.min(1, Math.max(0, 1 - remaining / timer.duration)) : 1;
    $(`timer-bar-${name}`).style.width = `${(used * 100).toFixed(1)}%`;
    for (const button of card.querySelectorAll("[data-timer-action]")) {
      const action = button.dataset.timerAction;
      let ok = enabled && !busy;
      if (action === "start") {
        ok = ok && !timer.running;
        const label = state === "paused" ? t("resume") : t("start");
        if (button.textContent !== label) button.textContent = label;
      }
      if (action === "pause") ok = ok && timer.running;
      if (action === "reset") ok = ok && (timer.running || timer.elapsed_before > 0);
      button.disabled = !ok;
    }
  }
}

function judgeStatus(j) {
  if (j.recused) return "recused";
  if (j.submitted) return "submitted";
  if (j.activity === "scoring" && j.connected) return "scoring";
  return j.connected ? "connected" : "disconnected";
}

function renderScoring() {
  const current = currentProject();
  const status = current ? current.status : null;
  const progress = ui.view.progress || { submitted: 0, expected: 0 };

  const open = $("open-scoring");
  open.disabled = !online() || !current || !["presenting", "closed"].includes(status) || isPending("open_scoring");
  open.querySelector(".label").textContent = t(status === "closed" ? "reopen_scoring" : "open_scoring");
  $("close-scoring").disabled = !online() || status !== "scoring" || isPending("close_scoring");
  $("reveal").disabled =
    !online() || status !== "closed" || !(progress.submitted > 0) || isPending(`reveal:${current && current.id}`);

  const progressEl = $("progress");
  progressEl.dataset.submitted = String(progress.submitted || 0);
  progressEl.dataset.expected = String(progress.expected || 0);
  progressEl.hidden = !current;
  $("progress-text").textContent = `${progress.submitted || 0} / ${progress.expected || 0} ${t("judges_scored")}`;
  const bar = $("progress-bar");
  bar.max = Math.max(1, progress.expected || 0);
  bar.value = progress.submitted || 0;

  if (!changed("judges", [ui.view.judges, ui.view.projects, ui.view.current, ui.view.event, ui.status, ui.rev])) return;
  const canRecuse = online() && current && status !== "revealed";
  const canCorrect = online() && current && (status === "closed" || status === "revealed");
  const rows = (ui.view.judges || []).map((j) => {
    const st = judgeStatus(j);
    const scoreText = {
      recused: t("judge_recused"),
      submitted: t("submitted"),
      scoring: t("scoring"),
      connected: t("waiting_judge"),
      disconnected: t("waiting_judge"),
    }[st];
    const actions = [];
    if (current) {
      actions.push(
        h(
          "button",
          {
            type: "button",
            class: `btn btn-small ${j.recused ? "" : "btn-quiet"}`,
            "data-testid": `recuse-${j.id}`,
            "aria-label": t(j.recused ? "unrecuse_named" : "recuse_named", { judge: j.name }),
            disabled: !canRecuse || isPending(`recuse:${j.id}`),
            onclick: () => recuse(j.id, !j.recused),
          },
          t(j.recused ? "unrecuse" : "recuse"),
        ),
      );
      if (canCorrect && !j.recused) {
        actions.push(
          h(
            "button",
            {
              type: "button",
              class: "btn btn-small btn-quiet",
              "data-testid": `judge-correct-${j.id}`,
              "aria-label": t("correct_named", { judge: j.name }),
              disabled: isPending(`correct:${j.id}:${current.id}`),
              onclick: () => openCorrection(j.id, current.id),
            },
            t("correct"),
          ),
        );
      }
    }
    return h(
      "tr",
      { "data-testid": `judge-row-${j.id}`, "data-status": st, class: `judge-row js-${st}` },
      h("th", { scope: "row" }, h("span", { class: "judge-name" }, j.name), j.title ? h("span", { class: "judge-title" }, j.title) : null),
      h(
        "td",
        { class: "judge-state" },
        current ? h("span", { class: `chip chip-${st}` }, scoreText) : null,
        j.submitted && j.version > 1 ? h("span", { class: "hint" }, ` (${t("amended")})`) : null,
        h(
          "span",
          { class: "conn-line" },
          h("span", { class: `dot ${j.connected ? "dot-on" : "dot-off"}`, "aria-hidden": "true" }),
          t(j.connected ? "connected" : "disconnected"),
        ),
      ),
      h("td", { class: "num" }, j.total === null || j.total === undefined ? "—" : num(j.total)),
      h("td", { class: "actions" }, actions),
    );
  });
  $("judges-body").replaceChildren(...rows);
}

function renderScenes() {
  const scene = ui.view.scene && ui.view.scene.scene;
  const legal = {
    welcome: true,
    presenting: Boolean(currentProject()),
    result: Boolean(ui.view.result),
    leaderboard: true,
    ceremony: Boolean(ui.view.ceremony),
  };
  for (const button of document.querySelectorAll("[data-scene]")) {
    const name = button.dataset.scene;
    const active = name === scene;
    button.setAttribute("aria-pressed", active ? "true" : "false");
    button.classList.toggle("is-active", active);
    button.disabled = !online() || !legal[name] || isPending("scene");
  }
}

// standings ---------------------------------------------------------------------------------
function renderStandings() {
  const names = (ui.view.judges || []).map((j) => `${j.id}:${j.name}`).join("|");
  const deps = [ui.view.standings, ui.view.projects, names, ui.view.event, ui.status, ui.rev];
  if (!changed("standings", deps)) return;
  const standings = ui.view.standings || { overall: [], by_category: {}, unranked: [] };
  const categories = (ui.view.event && ui.view.event.categories) || [];
  const tabs = [{ id: "overall", name: t("overall") }, ...categories];
  if (!tabs.some((tab) => tab.id === ui.tab)) ui.tab = "overall";

  const tablist = $("standings-tabs");
  const tabButtons = tabs.map((tab) => {
    const selected = tab.id === ui.tab;
    const count = tab.id === "overall" ? standings.overall.length : (standings.by_category[tab.id] || []).length;
    return h(
      "button",
      {
        type: "button",
        role: "tab",
        id: `standing-tab-${tab.id}`,
        "data-testid": `standing-tab-${tab.id}`,
        "aria-selected": selected ? "true" : "false",
        "aria-controls": "standings",
        tabindex: selected ? "0" : "-1",
        class: "tab",
        onclick: () => {
          ui.tab = tab.id;
          bump();
          render();
        },
      },
      tab.name,
      h("span", { class: "tab-count" }, String(count)),
    );
  });
  tablist.replaceChildren(...tabButtons);
  $("standings").setAttribute("aria-labelledby", `standing-tab-${ui.tab}`);

  const rows = ui.tab === "overall" ? standings.overall : standings.by_category[ui.tab] || [];
  const container = $("standings");
  if (!rows.length) {
    container.replaceChildren(h("p", { class: "hint empty-note" }, t("no_standings")));
    return;
  }
  const inCategory = ui.tab !== "overall";
  const body = [];
  for (const row of rows) {
    const rank = inCategory ? row.category_rank : row.rank;
    const tied = inCategory ? row.category_tied : row.tied;
    const open = ui.expanded.has(row.project);
    const detailsId = `explain-${row.project}`;
    const flagged = (row.flags || []).includes("insufficient_panel");
    body.push(
      h(
        "tr",
        {
          "data-testid": `standing-row-${row.project}`,
          "data-rank": String(rank),
          "data-tied": tied ? "true" : "false",
          "data-revealed": row.revealed ? "true" : "false",
          class: `standing-row${row.revealed ? " is-revealed" : ""}${open ? " is-open" : ""}`,
        },
        h(
          "td",
          { class: "rank" },
          tied ? h("span", { title: t("tied") }, `=${rank}`) : String(rank),
          tied ? h("span", { class: "visually-hidden" }, ` (${t("tied")})`) : null,
        ),
        h(
          "th",
          { scope: "row", class: "st-project" },
          h(
            "button",
            {
              type: "button",
              class: "st-toggle",
              "data-testid": `standing-details-${row.project}`,
              "aria-expanded": open ? "true" : "false",
              "aria-controls": detailsId,
              title: t("details"),
              onclick: () => {
                if (ui.expanded.has(row.project)) ui.expanded.delete(row.project);
                else ui.expanded.add(row.project);
                bump();
                render();
              },
            },
            h("span", { class: "st-caret", "aria-hidden": "true" }, open ? "▾" : "▸"),
            h("span", { class: "st-title" }, row.title),
          ),
          h("span", { class: "st-meta" }, [row.team, inCategory ? null : row.category_name].filter(Boolean).join(" · ")),
          h(
            "span",
            { class: "st-badges" },
            h("span", { class: `badge ${row.revealed ? "st-revealed" : "st-hidden"}` }, t(row.revealed ? "status_revealed" : "revealed_no")),
            flagged ? h("span", { class: "warn" }, `⚠ ${t("flag_insufficient_panel")}`) : null,
          ),
        ),
        h("td", { class: "num strong" }, num(row.composite)),
        h("td", { class: "num" }, num(row.panel)),
      ),
    );
    body.push(
      h(
        "tr",
        { class: "explain-row", id: detailsId, hidden: !open },
        h("td", { colspan: "4" }, open ? explanation(row) : null),
      ),
    );
  }
  const table = h(
    "table",
    { class: "standings-table" },
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, t("rank")),
        h("th", { scope: "col" }, t("project")),
        h("th", { scope: "col", class: "num" }, t("composite")),
        h("th", { scope: "col", class: "num" }, t("panel_score")),
      ),
    ),
    h("tbody", null, body),
  );
  const unranked = (standings.unranked || []).length;
  container.replaceChildren(
    table,
    !inCategory && unranked ? h("p", { class: "hint" }, t("unranked_count", { n: unranked })) : null,
  );
}

function explanation(row) {
  const project = projectById(row.project);
  const status = project ? project.status : null;
  const event = ui.view.event || {};
  const counted = new Set(row.counted || []);
  const dropped = new Set(row.dropped || []);
  const recused = new Set(row.recused || []);
  const normalized = event.scoring && event.scoring.normalize && event.scoring.normalize !== "none";
  const canCorrect = online() && (status === "closed" || status === "revealed");
  const names = (ids) => (ids && ids.length ? ids.map(judgeName).join(t("list_separator")) : t("none"));

  const judgeRows = (ui.view.judges || []).map((j) => {
    const role = recused.has(j.id) ? "recused" : dropped.has(j.id) ? "dropped" : counted.has(j.id) ? "counted" : "none";
    const total = row.totals ? row.totals[j.id] : undefined;
    return h(
      "tr",
      { class: `jr-${role}` },
      h("th", { scope: "row" }, j.name),
      h("td", { class: "num" }, num(total)),
      normalized ? h("td", { class: "num" }, num(row.adjusted ? row.adjusted[j.id] : undefined)) : null,
      h("td", null, h("span", { class: `chip chip-role-${role}` }, t(`role_${role}`))),
      h(
        "td",
        { class: "actions" },
        canCorrect && role !== "recused"
          ? h(
              "button",
              {
                type: "button",
                class: "btn btn-small btn-quiet",
                "data-testid": `correct-${j.id}-${row.project}`,
                "aria-label": t("correct_named", { judge: j.name }),
                disabled: isPending(`correct:${j.id}:${row.project}`),
                onclick: () => openCorrection(j.id, row.project),
              },
              t("correct"),
            )
          : null,
      ),
    );
  });

  const componentRows = (row.components || []).map((c) =>
    h(
      "tr",
      null,
      h("th", { scope: "row" }, c.id === "panel" ? t("panel_score") : c.name),
      h("td", { class: "num" }, num(c.weight, 0)),
      h("td", { class: "num" }, `${num(c.value)} / ${num(c.max, 0)}`),
      h("td", { class: "num" }, num(c.contribution)),
    ),
  );

  const flags = (row.flags || []).map((flag) =>
    h("p", { class: "warn" }, `⚠ ${S[`flag_${flag}`] ? t(`flag_${flag}`) : flag}`),
  );

  return h(
    "div",
    { class: "explain" },
    flags,
    h(
      "dl",
      { class: "explain-facts" },
      h("dt", null, t("method")),
      h("dd", null, S[`method_${row.method}`] ? t(`method_${row.method}`) : row.method, normalized ? ` — ${t("normalized_note")}` : ""),
      h("dt", null, t("counted_judges")),
      h("dd", null, `${(row.counted || []).length}: ${names(row.counted)}`),
      h("dt", null, t("dropped_judges")),
      h("dd", null, names(row.dropped)),
      h("dt", null, t("recused_judges")),
      h("dd", null, names(row.recused)),
      h("dt", null, t("first_places")),
      h("dd", null, String(row.first_places ?? 0)),
    ),
    h(
      "table",
      { class: "mini" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col" }, t("judge_label")),
          h("th", { scope: "col", class: "num" }, t("judge_total")),
          normalized ? h("th", { scope: "col", class: "num" }, t("adjusted")) : null,
          h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("method"))),
          h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, t("correct"))),
        ),
      ),
      h("tbody", null, judgeRows),
    ),
    h(
      "table",
      { class: "mini" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col" }, t("component")),
          h("th", { scope: "col", class: "num" }, t("weight")),
          h("th", { scope: "col", class: "num" }, t("value")),
          h("th", { scope: "col", class: "num" }, t("contribution")),
        ),
      ),
      h("tbody", null, componentRows),
      h(
        "tfoot",
        null,
        h("tr", null, h("th", { scope: "row", colspan: "3" }, t("composite")), h("td", { class: "num strong" }, num(row.composite))),
      ),
    ),
    h(
      "p",
      { class: "explain-reveal" },
      h("span", { class: `badge ${row.revealed ? "st-revealed" : "st-hidden"}` }, t(row.revealed ? "revealed_yes" : "revealed_no")),
      !row.revealed && status === "closed"
        ? h(
            "button",
            {
              type: "button",
              class: "btn btn-small btn-accent",
              "data-testid": `reveal-${row.project}`,
              "aria-label": t("reveal_named", { title: row.title }),
              disabled: !online() || isPending(`reveal:${row.project}`),
              onclick: () => reveal(row.project),
            },
            t("reveal"),
          )
        : null,
    ),
  );
}

// ceremony ----------------------------------------------------------------------------------
/** Reveal order, as app/domain/state.py ceremony_steps: ranked awards last place first; a roll at once. */
function ceremonySteps(awards) {
  const steps = [];
  awards.forEach((award, index) => {
    const count = (award.winners || []).length;
    if (award.kind === "honour_roll") {
      if (count) steps.push([index, -1]);
    } else {
      for (let w = count - 1; w >= 0; w -= 1) steps.push([index, w]);
    }
  });
  return steps;
}

function winnerText(winner) {
  if (!winner) return "";
  const parts = [winner.name];
  if (winner.project_title && winner.project_title !== winner.name) parts.push(`“${winner.project_title}”`);
  return parts.join(" · ");
}

function describeStep(awards, step) {
  if (!step) return null;
  const [awardIndex, winnerIndex] = step;
  const award = awards[awardIndex];
  if (!award) return null;
  if (winnerIndex < 0) return t("ceremony_whole_roll", { award: award.name, n: award.winners.length });
  const winner = award.winners[winnerIndex];
  const rank = winner && winner.rank ? ` (#${winner.rank})` : "";
  return `${award.name}: ${winnerText(winner)}${rank}`;
}

function renderCeremony() {
  const ceremony = ui.view.ceremony; // the board's view: winners revealed so far only
  const full = ui.view.host_ceremony; // every winner (host only)
  const status = $("ceremony-status");
  const started = Boolean(ceremony && full);
  $("col-results").classList.toggle("ceremony-first", started);
  if (started && ui.ceremonyShown === false) $("ceremony-panel").scrollIntoView({ block: "nearest" });
  ui.ceremonyShown = started;
  const current = currentProject();
  $("start-ceremony").disabled =
    !online() || Boolean(ceremony) || (current && current.status === "scoring") || isPending("start_ceremony");
  $("start-ceremony").hidden = Boolean(ceremony);
  const step = ceremony ? ceremony.step : 0;
  const total = full ? full.total_steps : 0; // the board's view carries no step count
  $("ceremony-back").disabled = !online() || !ceremony || step <= 0 || isPending("ceremony_step");
  $("ceremony-next").disabled = !online() || !ceremony || step >= total || isPending("ceremony_step");
  $("ceremony-back").hidden = !ceremony;
  $("ceremony-next").hidden = !ceremony;
  status.textContent = ceremony ? t("ceremony_step_of", { step, total }) : t("ceremony_not_started");
  status.className = `badge ${ceremony ? "st-scoring" : "st-pending"}`;
  status.dataset.step = String(step);
  status.dataset.total = String(total);

  const body = $("ceremony-body");
  if (!changed("ceremony", [ceremony, full, ui.view.awards_preview, ui.view.event])) return;
  if (!started) {
    const preview = ui.view.awards_preview || [];
    body.replaceChildren(h("h3", null, t("awards_preview")), awardList(preview, null, null));
    return;
  }
  const awards = full.awards;
  const steps = ceremonySteps(awards);
  const nowText = step > 0 ? describeStep(awards, steps[step - 1]) : null;
  const nextText = step < steps.length ? describeStep(awards, steps[step]) : null;
  body.replaceChildren(
    h(
      "div",
      { class: "ceremony-now-next" },
      h(
        "div",
        { class: "cn cn-now" },
        h("h3", null, t("ceremony_now")),
        h("p", { "data-testid": "ceremony-now" }, nowText || t("ceremony_nothing_yet")),
      ),
      h(
        "div",
        { class: "cn cn-next" },
        h("h3", null, t("ceremony_up_next")),
        h("p", { "data-testid": "ceremony-upnext" }, nextText || t("ceremony_all_done")),
      ),
    ),
    h("h3", null, t("awards_full_list")),
    awardList(awards, ceremony, steps[step] || null),
  );
}

/** A list of awards with their winners. With `shown` (the board's ceremony section) marks what is visible. */
function awardList(awards, shown, nextStep) {
  if (!awards.length) return h("p", { class: "hint" }, t("no_winners"));
  return h(
    "ol",
    { class: "awards" },
    awards.map((award, ai) => {
      // how many winners the board shows: the last ones, as the countdown reveals from the last place
      const revealed = shown && shown.awards[ai] ? shown.awards[ai].revealed ?? 0 : null;
      const winners = award.winners || [];
      if (award.kind === "honour_roll") {
        // one step reveals the whole roll: names in one paragraph, one state for the award
        let state = null;
        if (revealed !== null) state = revealed > 0 ? "shown" : nextStep && nextStep[0] === ai ? "next" : "hidden";
        return h(
          "li",
          { class: `award award-roll${state ? ` w-${state}` : ""}` },
          h(
            "p",
            { class: "award-name" },
            award.name,
            " ",
            h("span", { class: "hint" }, `(${winners.length})`),
            state ? h("span", { class: `chip chip-w-${state}` }, t(`state_${state}`)) : null,
          ),
          winners.length
            ? h("p", { class: "roll-names" }, winners.map((w) => w.name).join(t("list_separator")))
            : h("p", { class: "hint" }, t("no_winners")),
        );
      }
      return h(
        "li",
        { class: "award" },
        h("p", { class: "award-name" }, award.name),
        award.tie_at_cut ? h("p", { class: "warn" }, `⚠ ${t("tie_at_cut")}`) : null,
        winners.length
          ? h(
              "ol",
              { class: "winners" },
              winners.map((w, wi) => {
                let state = null;
                if (revealed !== null) {
                  const isNext = nextStep && nextStep[0] === ai && (nextStep[1] === wi || nextStep[1] < 0);
                  state = wi >= winners.length - revealed ? "shown" : isNext ? "next" : "hidden";
                }
                return h(
                  "li",
                  { class: `winner${state ? ` w-${state}` : ""}` },
                  w.rank ? h("span", { class: "w-rank" }, `#${w.rank}`) : null,
                  h("span", { class: "w-name" }, winnerText(w)),
                  w.composite !== null && w.composite !== undefined ? h("span", { class: "w-score" }, num(w.composite)) : null,
                  state ? h("span", { class: `chip chip-w-${state}` }, t(`state_${state}`)) : null,
                );
              }),
            )
          : h("p", { class: "hint" }, t("no_winners")),
      );
    }),
  );
}

// ---------------------------------------------------------------------------------- shortcuts
function renderShortcutHints() {
  document.body.classList.toggle("no-shortcuts", !ui.shortcuts);
  for (const el of document.querySelectorAll("[data-shortcut]")) {
    if (ui.shortcuts) el.setAttribute("aria-keyshortcuts", el.dataset.shortcut);
    else el.removeAttribute("aria-keyshortcuts");
  }
}

function isTyping(el) {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return !["checkbox", "radio", "button", "submit", "reset"].includes(el.type);
  return false;
}

function clickIfEnabled(id) {
  const el = $(id);
  if (el && !el.disabled && !el.hidden) el.click();
}

let spaceTaken = false;
for (const type of ["keypress", "keyup"]) {
  document.addEventListener(
    type,
    (event) => {
      if (spaceTaken && (event.key === " " || event.code === "Space")) {
        if (type === "keyup") spaceTaken = false;
        event.preventDefault();
      }
    },
    true,
  );
}

document.addEventListener("keydown", (event) => {
  if (!ui.shortcuts || ui.dialogOpen || event.defaultPrevented) return;
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (isTyping(target)) return;
  if (event.key === " " || event.code === "Space") {
    // A keyboard user on a button/link/summary keeps Space's usual meaning (press the control).
    const interactive = target && target.closest && target.closest("button, a, summary, [role=tab], input");
    if (interactive && !focus.pointer) return;
    event.preventDefault();
    // Chrome clicks a focused button on Space's keyup whatever keydown did: a button focused by the
    // mouse gives focus up, so the shortcut never also repeats the last clicked button.
    if (interactive && document.activeElement === interactive) {
      focus.last = null;
      interactive.blur();
    }
    spaceTaken = true;
    if (!event.repeat) toggleActiveTimer();
    return;
  }
  if (event.repeat) return;
  const key = event.key.toLowerCase();
  const map = { s: "start-next", o: "open-scoring", c: "close-scoring", r: "reveal", n: "ceremony-next", b: "ceremony-back" };
  if (map[key]) {
    event.preventDefault();
    clickIfEnabled(map[key]);
  } else if (key === "p") {
    event.preventDefault();
    toggleTimer("presentation");
  } else if (key === "q" && hasQa()) {
    event.preventDefault();
    toggleTimer("qa");
  }
});

// ---------------------------------------------------------------------------------- wiring
function wire() {
  $("start-next").addEventListener("click", () => {
    const next = ui.view.current && ui.view.current.next;
    if (next) startProject(next);
  });
  $("open-scoring").addEventListener("click", openScoring);
  $("close-scoring").addEventListener("click", closeScoring);
  $("reveal").addEventListener("click", () => {
    const current = currentProject();
    if (current) reveal(current.id);
  });
  for (const button of document.querySelectorAll("[data-timer-action]")) {
    button.addEventListener("click", () => timerAction(button.dataset.timerName, button.dataset.timerAction));
  }
  for (const button of document.querySelectorAll("[data-scene]")) {
    button.addEventListener("click", () => run("scene", "scene", { scene: button.dataset.scene }));
  }
  $("start-ceremony").addEventListener("click", startCeremony);
  bindFinalLock({ ask, run });
  $("ceremony-next").addEventListener("click", () => ceremonyStep("next"));
  $("ceremony-back").addEventListener("click", () => ceremonyStep("back"));
  $("toast-close").addEventListener("click", () => {
    $("toast").hidden = true;
  });

  const toggle = $("shortcuts-toggle");
  toggle.checked = ui.shortcuts;
  toggle.addEventListener("change", () => {
    ui.shortcuts = toggle.checked;
    try {
      localStorage.setItem(SHORTCUTS_KEY, ui.shortcuts ? "on" : "off");
    } catch (err) {
      /* private mode: the choice lasts for this page only */
    }
    renderShortcutHints();
  });

  // Tabs: arrow keys move between them (WAI-ARIA tabs pattern).
  $("standings-tabs").addEventListener("keydown", (event) => {
    if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
    const tabs = Array.from($("standings-tabs").querySelectorAll("[role=tab]"));
    const index = tabs.findIndex((tab) => tab.getAttribute("aria-selected") === "true");
    let next = index;
    if (event.key === "ArrowLeft") next = (index - 1 + tabs.length) % tabs.length;
    if (event.key === "ArrowRight") next = (index + 1) % tabs.length;
    if (event.key === "Home") next = 0;
    if (event.key === "End") next = tabs.length - 1;
    event.preventDefault();
    ui.tab = tabs[next].id.replace(/^standing-tab-/, "");
    bump();
    render();
    $(`standing-tab-${ui.tab}`).focus();
  });

  // Reissuing a judge's link is a plain form POST (the page reloads at #links); confirm it first.
  for (const form of document.querySelectorAll("form[data-confirm=reissue]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const { ok } = await ask({
        message: `${t("confirm_reissue")}\n${form.dataset.judgeName || ""}`,
        okLabel: t("reissue"),
        danger: true,
      });
      if (ok) form.submit();
    });
  }
  if (location.hash === "#links") $("links").open = true;

  // Copy buttons of the judge links.
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", () => copyField(button));
  }
}

async function copyField(button) {
  const input = $(button.dataset.copy);
  if (!input) return;
  let done = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(input.value);
      done = true;
    }
  } catch (err) {
    done = false;
  }
  if (!done) {
    // http:// on the venue network has no Clipboard API: fall back to the selection
    input.focus();
    input.select();
    try {
      done = document.execCommand("copy");
    } catch (err) {
      done = false;
    }
  }
  notice(done ? t("copied") : t("copy_failed"));
  if (!done) {
    input.focus();
    input.select();
  }
}

wire();
render();
setInterval(renderTimers, 250);
live.start();
