// Livestream overlay (templates/overlay.html, /overlay): a transparent page for OBS's browser source.
// It holds the board's live socket (/ws/board: read-only, the board's view) and shows one lower third
// for the scene the host chose, derived by the pure overlayScreen() (overlay/state.js).
//
// Stable hooks (data-testid): overlay (data-kind = none | presenting | result | winner | honour |
// commentary), overlay-lower-third, overlay-title, overlay-clock (data-state as the board's timer).

import { LiveConnection, formatClock, h, t, timerRemaining } from "./live.js";
import { overlayScreen } from "./overlay/state.js";
import { clockState } from "./board/state.js";

const root = document.getElementById("overlay");
const box = document.getElementById("lower-third");
let live = null;
let screen = { kind: "none", key: "none" };
let clock = null;
let decimals = 2; // the event's (scoring.decimals): results are shown as the board shows them

function num(value) {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(decimals) : "—";
}

function figure(big, small, state) {
  return h("p", { class: "lt-figure", "data-testid": "overlay-clock", "data-state": state || "" }, h("b", {}, big), small ? h("span", {}, small) : null);
}

function render() {
  root.dataset.kind = screen.kind;
  box.dataset.kind = screen.kind;
  box.hidden = screen.kind === "none";
  clock = null;
  let text = [];
  let side = null;
  if (screen.kind === "presenting") {
    text = [t("overlay_presenting"), screen.title, [screen.team, screen.category].filter(Boolean).join(" · ")];
    if (screen.timer) side = clock = figure("--:--", t(screen.timerName === "qa" ? "qa" : "presentation"));
  } else if (screen.kind === "result") {
    text = [t("overlay_result"), screen.title, screen.team];
    side = figure(num(screen.composite), `${t("overlay_composite")}${screen.rank ? ` · ${t("rank_no", { rank: screen.rank })}` : ""}`);
  } else if (screen.kind === "winner") {
    const place = screen.place ? ` · ${t("place_no", { place: screen.place })}` : "";
    text = [`${screen.award}${place}`, screen.name, screen.secondary];
  } else if (screen.kind === "honour") {
    text = [t("overlay_winner"), screen.award, t("names_count", { n: screen.count })];
  } else if (screen.kind === "commentary") {
    text = [t("scene_commentary"), screen.name, [screen.role, screen.about].filter(Boolean).join(" · ")];
    if (screen.timer) side = clock = figure("--:--", t("commentary_speaking"));
  }
  const [kicker, title, sub] = text;
  box.replaceChildren(
    h("div", {}, h("p", { class: "lt-kicker" }, kicker || ""), h("p", { class: "lt-title", "data-testid": "overlay-title" }, title || ""), sub ? h("p", { class: "lt-sub" }, sub) : null),
    ...(side ? [side] : []) // replaceChildren would write a null as the text "null"
  );
  tick();
}

function tick() {
  if (!clock || !screen.timer || !live) return;
  const remaining = timerRemaining(screen.timer, live.serverNow());
  clock.dataset.state = clockState(screen.timer.running, remaining);
  const text = formatClock(remaining);
  if (clock.firstChild.textContent !== text) clock.firstChild.textContent = text;
}

function onView(view) {
  const d = view.event && view.event.scoring && view.event.scoring.decimals;
  if (Number.isInteger(d) && d >= 0 && d <= 6) decimals = d;
  const next = overlayScreen(view);
  const same = next.key === screen.key;
  screen = next;
  if (!same || next.kind === "presenting" || next.kind === "commentary") render(); // timers change in place
}

live = new LiveConnection({ path: "/ws/board", onView });
live.start();
setInterval(tick, 250);
