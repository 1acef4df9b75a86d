// Press-and-hold confirmation for an irreversible host action: the alternative to typing a number.
// The button fills while it is held (pointer, or Enter / Space on the keyboard) and confirms once
// full; letting go earlier cancels and empties it. The timing is a small pure state (tested by
// static/tests/host-hold.test.mjs); attachHold() wires it to a button. Used by the confirmation dialog
// (dialogs.js, `hold: true`), so any guarded action can offer it.

export const HOLD_MS = 1500; // templates/host.html's hint (#hold-hint) says "1.5 seconds"

/** A hold not started: `since` is when it was pressed (null while released), `done` once it filled. */
export const idleHold = (ms = HOLD_MS) => ({ ms, since: null, done: false });

/** Pressed at `now` (a second press while held, e.g. a repeating key, changes nothing). */
export const pressHold = (s, now) => (s.since === null && !s.done ? { ...s, since: now } : s);

/** Let go: an unfinished hold starts again from empty; a finished one stays finished. */
export const releaseHold = (s) => (s.done ? s : { ...s, since: null });

/** How full the button is at `now`, 0 … 1. */
export function holdProgress(s, now) {
  if (s.done) return 1;
  if (s.since === null) return 0;
  return Math.min(1, Math.max(0, (now - s.since) / s.ms));
}

/** The state at `now`: finished once it has been held for the whole time. */
export const tickHold = (s, now) => (!s.done && holdProgress(s, now) >= 1 ? { ...s, done: true } : s);

const KEYS = new Set(["Enter", " ", "Spacebar"]);

/**
 * Make `button` a hold button. `onDone` runs once when a hold completes; `enabled()` is asked before
 * a hold starts. The fill is the CSS variable --hold (0 … 1) and data-progress (a rounded percentage).
 * Returns {reset, detach}.
 */
export function attachHold(button, { onDone, enabled = () => true, ms = HOLD_MS }) {
  let state = idleHold(ms);
  let frame = 0;
  const show = (p) => {
    button.style.setProperty("--hold", String(p));
    button.dataset.progress = String(Math.round(p * 100));
  };
  const tick = () => {
    state = tickHold(state, performance.now());
    show(holdProgress(state, performance.now()));
    if (state.done) {
      frame = 0;
      onDone();
    } else if (state.since !== null) {
      frame = requestAnimationFrame(tick);
    }
  };
  const start = () => {
    if (state.since !== null || state.done || button.disabled || !enabled()) return;
    state = pressHold(state, performance.now());
    button.dataset.holding = "true";
    frame = requestAnimationFrame(tick);
  };
  const stop = () => {
    cancelAnimationFrame(frame);
    frame = 0;
    state = releaseHold(state);
    delete button.dataset.holding;
    show(holdProgress(state, performance.now()));
  };
  const onPointerDown = (e) => {
    if (e.button !== 0) return;
    button.setPointerCapture?.(e.pointerId);
    start();
  };
  const onKeyDown = (e) => {
    if (!KEYS.has(e.key)) return;
    e.preventDefault(); // no click, no form submit: only a completed hold confirms
    if (!e.repeat) start();
  };
  const onKeyUp = (e) => {
    if (!KEYS.has(e.key)) return;
    e.preventDefault();
    stop();
  };
  const noClick = (e) => e.preventDefault();
  const events = [
    ["pointerdown", onPointerDown],
    ["pointerup", stop],
    ["pointercancel", stop],
    ["lostpointercapture", stop],
    ["blur", stop],
    ["keydown", onKeyDown],
    ["keyup", onKeyUp],
    ["click", noClick],
    ["contextmenu", noClick], // a long touch would open the context menu
  ];
  for (const [name, fn] of events) button.addEventListener(name, fn);
  show(0);
  return {
    reset() {
      stop();
      state = idleHold(ms);
      show(0);
    },
    detach() {
      stop();
      for (const [name, fn] of events) button.removeEventListener(name, fn);
    },
  };
}
