// Shared state of the host console (static/host.js): the live connection, the local UI state, small
// helpers every module uses, and the screen state of the moment (static/host/state.js, pure).

import { LiveConnection, eventKey, strings, t, h } from "../live.js";
import { hostScreen } from "./state.js";

export const S = strings();
export const STATUS_CLASSES = ["pending", "presenting", "scoring", "closed", "revealed"];
export const SCENES = ["welcome", "presenting", "result", "leaderboard", "ceremony", "commentary", "break", "thanks"];
export const TIMERS = ["presentation", "qa"];
export const SHORTCUTS_KEY = "roadshow-host-shortcuts";

export const $ = (id) => document.getElementById(id);
export const byTestId = (id) => document.querySelector(`[data-testid="${CSS.escape(id)}"]`);

export const ui = {
  view: {},
  status: "connecting",
  pending: new Map(), // action key -> true while its command waits for the ack
  expanded: new Set(), // standings rows whose explanation is open
  tab: "overall",
  shortcuts: localStorage.getItem(SHORTCUTS_KEY) !== "off",
  dialogOpen: false,
  rev: 0, // bumped on every local UI change (pending commands, tabs, expanded rows)
  ceremonyShown: null, // null until the first view; then whether the ceremony panel was showing
  undo: null, // {project, until (ms)}: the last start, while its undo is offered
  judgesOpen: false, // the full judges table under the compact strip row
  openRowMenu: null, // the running-order row whose menu is open: kept across live re-renders
};

// The renderer, set by static/host.js: modules call hooks.render() without importing it (no cycle).
export const hooks = { render: () => {}, onAck: () => {} };
const render = () => hooks.render();

export const live = new LiveConnection({
  path: "/ws/host",
  outboxKey: eventKey("roadshow-outbox-host"), // a season's events each keep their own
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
    hooks.onAck(ack, command);
  },
  onError: (error) => showError(error && error.message),
});

// ---------------------------------------------------------------------------------- helpers
export function projects() {
  return ui.view.projects || [];
}

export function projectById(id) {
  return projects().find((p) => p.id === id) || null;
}

export function judgeName(id) {
  const judge = (ui.view.judges || []).find((j) => j.id === id);
  return judge ? judge.name : id;
}

export function currentProject() {
  const current = ui.view.current;
  return current && current.project ? projectById(current.project) : null;
}

export const online = () => ui.status === "online";

/** The screen state of this moment (static/host/state.js): what is enabled, shown and primary. */
export function screen() {
  return hostScreen(ui.view, {
    online: online(),
    pending: isPending,
    now: live.serverNow(),
    nowMs: Date.now(),
    undo: ui.undo,
  });
}

// Regions are rebuilt only when one of their inputs changed (sections are replaced whole on update,
// so identity is enough): a presence update must not rebuild the list the host is clicking in.
export const memo = new Map();
export function changed(region, deps) {
  const previous = memo.get(region);
  if (previous && previous.length === deps.length && previous.every((d, i) => d === deps[i])) return false;
  memo.set(region, deps);
  return true;
}

export function bump() {
  ui.rev += 1;
}
export function isPending(key) {
  return ui.pending.has(key);
}

export function decimals() {
  const scoring = ui.view.event && ui.view.event.scoring;
  return scoring && Number.isInteger(scoring.decimals) ? scoring.decimals : 2;
}

export function num(value, places = decimals()) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return "—";
  return Number(value).toFixed(places);
}

export function statusBadge(status) {
  return h("span", { class: `badge st-${STATUS_CLASSES.includes(status) ? status : "pending"}` }, t(`status_${status}`));
}

export function commandLabel(command) {
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
export function run(key, name, args = {}) {
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
export let toastTimer = null;
export function showError(message) {
  const toast = $("toast");
  $("toast-text").textContent = `${t("error")}: ${message || t("error")}`;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toast.hidden = true;
  }, 12_000);
}

export let noticeTimer = null;
export function notice(message) {
  const el = $("notice");
  el.textContent = message;
  el.classList.add("shown");
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    el.classList.remove("shown");
    el.textContent = "";
  }, 4000);
}

export function focusKey(el) {
  if (!el || el === document.body) return null;
  return el.dataset.testid ? { testid: el.dataset.testid } : el.id ? { id: el.id } : null;
}

export function findByKey(key) {
  if (!key) return null;
  return key.testid ? byTestId(key.testid) : $(key.id);
}

export function restoreFocus(key) {
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

export function hasQa() {
  const timing = ui.view.event && ui.view.event.timing;
  return !timing || timing.qa_seconds > 0;
}

export function canTimer() {
  return screen().timersEnabled;
}

/** "3 min" / "45 s": how long a judge has been offline. */
export function duration(seconds) {
  if (seconds === null || seconds === undefined) return t("offline_unknown");
  return seconds >= 60 ? t("minutes_short", { n: Math.floor(seconds / 60) }) : t("seconds_short", { n: Math.round(seconds) });
}

// Focus bookkeeping: the last focused control, and whether the user is using the pointer or the keyboard.
export const focus = { last: null, pointer: false };
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

