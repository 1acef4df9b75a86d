// Keyboard shortcuts of the host console (listed in the `?` sheet, templates/host.html). Not while
// typing in a field or while a dialog is open; the host can switch them off. A shortcut clicks the same
// button as the mouse would, so it meets the same guard (S confirms before interrupting a project).

import { $, ui, focus, hasQa } from "./context.js";
import { toggleActiveTimer, toggleTimer, undoStart } from "./actions.js";
import { openShortcuts } from "./dialogs.js";

const SCENE_KEYS = {
  1: "welcome",
  2: "presenting",
  3: "result",
  4: "leaderboard",
  5: "ceremony",
  6: "commentary",
  7: "break",
  8: "thanks",
};

export function renderShortcutHints() {
  document.body.classList.toggle("no-shortcuts", !ui.shortcuts);
  for (const el of document.querySelectorAll("[data-shortcut]")) {
    if (ui.shortcuts) el.setAttribute("aria-keyshortcuts", el.dataset.shortcut);
    else el.removeAttribute("aria-keyshortcuts");
  }
}

export function isTyping(el) {
  if (!el) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return !["checkbox", "radio", "button", "submit", "reset"].includes(el.type);
  return false;
}

export function clickIfEnabled(id) {
  const el = $(id) || document.querySelector(`[data-testid="${id}"]`);
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

export function listen() {
  document.addEventListener("keydown", onKey);
}

function onKey(event) {
  if (ui.dialogOpen || event.defaultPrevented) return;
  if (event.key === "?" && !isTyping(event.target)) {
    event.preventDefault();
    openShortcuts(); // the sheet opens even with shortcuts off: it is where they are switched on
    return;
  }
  if (!ui.shortcuts) return;
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
  } else if (key === "u") {
    event.preventDefault();
    undoStart();
  } else if (SCENE_KEYS[key]) {
    event.preventDefault();
    clickIfEnabled(`scene-${SCENE_KEYS[key]}`);
  }
}
