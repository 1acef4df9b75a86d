// Projector board (/board) and audience phone view (/board?audience=1): read-only, driven by the
// board stream (docs/protocol.md, sections built in app/views.py). Scenes follow view.scene.scene.
// Modules: board/state.js (the pure boardScreen() and ceremonyStage() the scenes read), presenting.js,
// result.js, leaderboard.js, ceremony.js, fit.js (shrink-to-fit), sound.js (cues), page.js (shared);
// this file: which scene is on screen, the welcome scene, the hall's settings and the wiring.
//
// Stable data-testid hooks (for browser tests):
//   board-scene             the scene container; data-scene = welcome | presenting | result | leaderboard | ceremony
//                           | commentary | break | thanks
//                           (always the scene the host chose; on the audience view the "Leaderboard" tab
//                           does not change it: see data-tab on #app)
//   board-title             the event title (welcome scene)
//   board-project-title     the title of the project on stage (presenting scene)
//   board-timer             the stage timer; data-state = normal | warning | overtime | paused,
//                           data-timer = presentation | qa
//   board-progress          "5 / 7 judges have scored"; data-submitted, data-expected
//   board-result            the revealed result; data-project
//   board-result-panel      the panel score; data-value = the final value
//   board-result-composite  the composite score; data-value = the final value (the text counts up)
//   board-leaderboard       the leaderboard; data-count = rows shown
//   board-row-<projectId>   one leaderboard row; data-rank (as shown), data-tied, data-move = up | down | new | ""
//   board-ceremony          the award ceremony; data-step
//   board-award-<awardId>   one award with the winners revealed so far ("?" while more may come:
//                           the board is never told how many); data-revealed, data-complete
//   board-award-title       the award's name on the ceremony stage (never clipped: wraps, then shrinks)
//   board-winner            the winner revealed now, second beat (absent when the current reveal is an
//                           honour roll); board-winner-pending during the first beat (award and place
//                           only); the stage carries data-beat = 1 | 2
//   board-join              the join corner (small QR + the address to type): every projector scene but
//                           the welcome, which has the big code
//   board-honour-roll       the honour roll when it is the current reveal
//   board-conn              the connection indicator: hidden while online; data-status
//   board-commentary, board-break, board-thanks: the stage scenes of issue 16 (hooks listed in
//                           board/commentary.js and board/interludes.js)
//
// Every text from the server goes into the DOM through h() / textContent, never as markup.

import { LiveConnection, t } from "./live.js";
import { boardScreen } from "./board/state.js";
import { AUDIENCE, OUTBOX_KEY, app, ctx, leaderboard, onMotionChange, panels, reducedMotion, updateMoves } from "./board/page.js";
import { fitAll } from "./board/fit.js";
import { renderPresenting, tickTimer } from "./board/presenting.js";
import { animateResult, renderResult } from "./board/result.js";
import { eventPictures } from "./board/pictures.js";

import {
  ceremony,
  lazy,
  loadBallot,
  loadCeremony,
  loadSound,
  loadStageScenes,
  loadVote,
  renderCeremony,
  renderLeaderboard,
  renderStageScenes,
  renderVote,
  setSound,
  sound,
  stageScenes,
} from "./board/lazy.js";

lazy.afterShow = afterShow; // a function declaration below: hoisted

// The phone's ballot (board/ballot.js) only on a page that may vote (the server set data-voter; the page
// preloads the module then; board/lazy.js asks again if it fails to load). The connection's outbox is set up at once, so that votes kept from an
// offline moment are resent at the first connection; their acks wait here until ballot.js is there.
const VOTER = Boolean(app.dataset.voter && document.getElementById("vote-panel"));
let ballot = null;
const earlyAcks = [];

function onVoteAck(ack, entry) {
  if (ballot) ballot.onVoteAck(ack, entry);
  else earlyAcks.push([ack, entry]);
}

function renderBallot() {
  ballot?.renderBallot();
}

if (VOTER) {
  loadBallot().then((module) => {
    ballot = module;
    for (const [ack, entry] of earlyAcks.splice(0)) module.onVoteAck(ack, entry);
    module.renderBallot();
  });
}

// A phone that opens the projector's address gets the audience layout (same stream, same language).
// The page keeps running until the new one loads: it must not follow the hall's language meanwhile,
// or the phone would land on the audience page in the projector's language instead of its own.
const LEAVING_FOR_AUDIENCE = !AUDIENCE && window.matchMedia("(max-width: 760px) and (pointer: coarse)").matches;
if (LEAVING_FOR_AUDIENCE) {
  const url = new URL(location.href);
  url.searchParams.set("audience", "1");
  location.replace(url.toString());
}

const stage = document.getElementById("board-scene");
const sceneLabel = document.getElementById("board-scene-label");
const brand = document.getElementById("board-brand");
const connEl = document.getElementById("board-conn");
const announcer = document.getElementById("board-announcer");
const joinCorner = document.getElementById("board-join");

let scene = "welcome"; // what the host chose
let tab = "now";
let lastAnnounced = "";

function announce(text) {
  if (!text) return;
  announcer.textContent = "";
  setTimeout(() => {
    announcer.textContent = text;
  }, 60);
}

// ---------------------------------------------------------------------------------- scenes
function showPanel() {
  const screen = boardScreen(ctx.view, { audience: AUDIENCE, tab });
  ctx.screen = screen;
  const name = screen.shown;
  stage.dataset.scene = scene;
  app.dataset.tab = tab;
  app.dataset.shown = name;
  sceneLabel.textContent = t(`scene_${name}`);
  if (joinCorner) joinCorner.hidden = !screen.join;
  app.dataset.join = screen.join && joinCorner ? "1" : "0"; // board.css keeps a strip free for it
  if (name === ctx.shown) return false;
  const previous = ctx.shown;
  ctx.shown = name;
  for (const [key, el] of Object.entries(panels)) el.hidden = key !== name;
  if (!reducedMotion() && previous !== null) {
    panels[name].animate([{ opacity: 0 }, { opacity: 1 }], { duration: 450, easing: "ease-out" });
  }
  return true;
}

function afterShow(justShown) {
  if (ctx.shown === "leaderboard" && leaderboard.dirty) {
    // Coming back to the leaderboard after a reveal: show the standings as they were for a moment,
    // then let the rows slide to their new places, so the hall sees who moved.
    const hasRows = panels.leaderboard.querySelector(".lb-row");
    if (justShown && hasRows && !reducedMotion()) {
      setTimeout(() => {
        if (ctx.shown === "leaderboard" && leaderboard.dirty) renderLeaderboard();
      }, 900);
    } else {
      renderLeaderboard();
    }
  }
  if (ctx.shown === "result") animateResult();
  if (ctx.shown === "ceremony") ceremony?.ceremonyRollScroll();
  if (justShown) fitAll(panels[ctx.shown]); // text in a hidden panel cannot be measured before
}

function announcement() {
  const name = ctx.shown;
  const view = ctx.view;
  if (name === "presenting") {
    const id = view.current?.project;
    const p = id ? (view.projects || []).find((x) => x.id === id) : null;
    return p ? [`presenting:${p.id}`, t("announce_presenting", { title: p.title })] : ["presenting", t("waiting")];
  }
  if (name === "result") {
    const r = view.result;
    if (!r) return ["result", t("no_result")];
    return [`result:${r.project}:${r.composite}`, t("announce_result", { title: r.title, score: r.composite, rank: r.rank ?? "—" })];
  }
  if (name === "ceremony") {
    const c = view.ceremony;
    const cur = c?.current;
    const award = cur ? c.awards?.[cur.award] : null;
    if (!award) return ["ceremony", t("ceremony")];
    if (cur.winner < 0 || award.kind === "honour_roll") {
      return [`ceremony:${c.step}`, t("announce_honour", { award: award.name, n: (award.winners || []).length })];
    }
    const w = award.winners?.[cur.winner];
    return [`ceremony:${c.step}`, w ? t("announce_winner", { award: award.name, name: w.name }) : award.name];
  }
  if (name === "leaderboard") return ["leaderboard", t("scene_leaderboard")];
  if (name === "commentary") {
    const speaker = view.commentary?.judge?.name || "";
    return [`commentary:${speaker}:${(view.commentary?.points || []).length}`, t("announce_commentary", { name: speaker })];
  }
  if (name === "break" || name === "thanks") return [name, t(`scene_${name}`)];
  return ["welcome", t("announce_welcome", { title: view.event?.title || "" })];
}

function announceIfChanged() {
  const [key, text] = announcement();
  if (key === lastAnnounced) return;
  lastAnnounced = key;
  announce(text);
}

// ---------------------------------------------------------------------------------- welcome
function renderWelcome() {
  const ev = ctx.view.event;
  if (!ev) return;
  brand.textContent = ev.title || "";
  const fields = [
    ["welcome-title", null, ev.title],
    ["welcome-subtitle", "welcome-subtitle", ev.subtitle],
    ["welcome-date", "welcome-date-row", ev.date],
    ["welcome-venue", "welcome-venue-row", ev.venue],
    ["welcome-organizer", "welcome-organizer-row", ev.organizer],
  ];
  for (const [id, rowId, value] of fields) {
    const el = document.getElementById(id);
    if (el) el.textContent = value || "";
    const row = rowId && document.getElementById(rowId);
    if (row) row.hidden = !value;
  }
  const { logo, sponsors } = eventPictures(ctx.view); // issue 16: the logo above the title, sponsors below
  document.getElementById("welcome-logo")?.replaceChildren(...(logo ? [logo] : []));
  document.getElementById("welcome-sponsors")?.replaceChildren(...(sponsors ? [sponsors] : []));
}

function scalableQr(selector) {
  // segno's inline SVG has width/height but no viewBox, so CSS could only crop it: add one.
  for (const svg of document.querySelectorAll(selector)) {
    if (svg.hasAttribute("viewBox")) continue;
    const w = parseFloat(svg.getAttribute("width"));
    const hgt = parseFloat(svg.getAttribute("height"));
    if (w > 0 && hgt > 0) {
      svg.setAttribute("viewBox", `0 0 ${w} ${hgt}`);
      svg.removeAttribute("width");
      svg.removeAttribute("height");
    }
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", t("follow_along"));
  }
}

// ---------------------------------------------------------------------------------- hall settings
/** The host's settings for the hall (the `scene` section): the projector's language and the sound. */
function applyHallSettings() {
  const settings = ctx.view.scene || {};
  if (!AUDIENCE && "sound" in settings) setSound(settings.sound !== false);
  const wanted = settings.language;
  const lang = document.documentElement.lang.startsWith("zh") ? "zh" : "en";
  if (!AUDIENCE && !LEAVING_FOR_AUDIENCE && (wanted === "zh" || wanted === "en") && wanted !== lang) {
    const url = new URL(location.href);
    url.searchParams.set("lang", wanted);
    location.replace(url.toString()); // the page is server-rendered in its language: load it again
  }
}

// ---------------------------------------------------------------------------------- connection
let connTimer = null;
function onStatus(status) {
  connEl.dataset.status = status;
  clearTimeout(connTimer);
  if (status === "online") {
    connEl.hidden = true;
    return;
  }
  const key = { unauthorized: "conn_refused", connecting: "connecting", offline: "board_offline" }[status] || "reconnecting";
  connEl.querySelector(".board-conn-text").textContent = t(key);
  // a first connection that succeeds within a moment shows nothing at all
  connTimer = setTimeout(() => {
    connEl.hidden = false;
  }, status === "connecting" ? 1500 : 400);
}

// ---------------------------------------------------------------------------------- wiring
function onView(v, changed, kind) {
  ctx.view = v;
  const all = kind === "snapshot";
  const has = (...names) => all || names.some((n) => changed.includes(n));
  if (has("scene")) applyHallSettings();
  const next = boardScreen(v, { audience: AUDIENCE, tab }).scene;
  if (next !== scene && AUDIENCE && tab === "leaderboard") markNowTab(true);
  scene = next;
  const justShown = showPanel(); // first, so that each scene knows whether it is on screen
  if (has("event")) renderWelcome();
  if (has("event", "projects", "current", "timer", "progress")) renderPresenting();
  if (has("event", "result", "leaderboard", "projects")) renderResult();
  if (has("event", "ceremony", "projects") || (justShown && ctx.shown === "ceremony")) renderCeremony();
  renderStageScenes(all, has);
  if (has("leaderboard")) updateMoves();
  if (has("vote", "projects") || (justShown && ctx.shown === "people_choice")) renderVote();
  if (has("vote", "projects")) renderBallot();
  if (has("event", "leaderboard", "projects")) leaderboard.dirty = true;
  afterShow(justShown);
  announceIfChanged();
}

function markNowTab(on) {
  const dot = document.querySelector("#tab-now .board-tab-dot");
  if (dot) dot.hidden = !on;
}

function setTab(name) {
  tab = name;
  for (const btn of document.querySelectorAll(".board-tab")) {
    btn.setAttribute("aria-pressed", btn.dataset.tab === name ? "true" : "false");
  }
  if (name === "now") markNowTab(false);
  afterShow(showPanel());
  announceIfChanged();
  window.scrollTo({ top: 0, behavior: "instant" });
}

if (AUDIENCE) {
  for (const btn of document.querySelectorAll(".board-tab")) {
    btn.addEventListener("click", () => setTab(btn.dataset.tab));
  }
} else {
  // Projector comforts: F toggles full screen, M the sound; the pointer hides itself; the screen stays awake.
  document.addEventListener("keydown", (event) => {
    if (event.key === "f" || event.key === "F") {
      if (document.fullscreenElement) document.exitFullscreen?.();
      else document.documentElement.requestFullscreen?.().catch(() => {});
    } else if (event.key === "m" || event.key === "M") {
      if (sound) setSound(!sound.soundEnabled());
    }
  });
  let idle = null;
  document.addEventListener("mousemove", () => {
    document.documentElement.classList.remove("hide-cursor");
    clearTimeout(idle);
    idle = setTimeout(() => document.documentElement.classList.add("hide-cursor"), 2500);
  });
  const keepAwake = () => navigator.wakeLock?.request("screen").catch(() => {});
  keepAwake();
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") keepAwake();
  });
}

onMotionChange(() => {
  if (ctx.shown === "ceremony") ceremony?.ceremonyRollScroll();
});

if (!AUDIENCE) {
  renderLeaderboard(); // loads it
  loadCeremony();
  loadStageScenes();
  loadSound();
  loadVote();
}
// A phone, even one that may vote, loads the people's-choice scene at the reveal (board/lazy.js retries a
// module or stylesheet that fails to load; docs/performance.md "Page weight").

scalableQr("#welcome-qr svg, #board-join-qr svg, #board-vote-qr svg");
// An audience phone that may vote keeps its unacknowledged votes in an outbox (board/ballot.js).
const voting = VOTER ? { outboxKey: OUTBOX_KEY, onAck: onVoteAck } : {};
ctx.live = new LiveConnection({ path: "/ws/board", onView, onStatus, ...voting });
showPanel();
ctx.live.start();
setInterval(() => {
  tickTimer();
  stageScenes?.tickCommentary();
  stageScenes?.tickBreak();
}, 250);
