// What every board module shares: the page's elements, the live view and what is on screen now, and
// small formatting helpers. board.js owns the connection and sets ctx.view / ctx.shown.

import { eventKey, h } from "../live.js";
import { SCENES, moveOf } from "./state.js";

export const CATEGORY_COLOURS = 6; // .cat-0 … .cat-5 in board.css
export const app = document.getElementById("app");
export const AUDIENCE = app.dataset.audience === "1";
export const OUTBOX_KEY = eventKey("roadshow-vote-outbox"); // a voting phone's unacknowledged votes (board/ballot.js)
export const panels = Object.fromEntries(SCENES.map((name) => [name, document.getElementById(`scene-${name}`)]));
const motionQuery = window.matchMedia("(prefers-reduced-motion: reduce)");
export const reducedMotion = () => motionQuery.matches;
export const onMotionChange = (fn) => motionQuery.addEventListener?.("change", fn);

export const ctx = {
  view: {},
  shown: null, // the panel on screen (differs from the scene on the audience "Leaderboard" tab)
  live: null,
  screen: null, // boardScreen(view) of the last update
};

export function decimals() {
  const d = ctx.view.event?.scoring?.decimals;
  return Number.isInteger(d) && d >= 0 && d <= 6 ? d : 2;
}

export function num(value, places = decimals()) {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(places) : "—";
}

export function plainNumber(value) {
  // a maximum or a weight: "100", "12.5" (no trailing zeros)
  return typeof value === "number" && Number.isFinite(value) ? String(+value.toFixed(2)) : "—";
}

export function categoryIndex(categoryId) {
  const list = ctx.view.event?.categories || [];
  const i = list.findIndex((c) => c.id === categoryId);
  return i < 0 ? 0 : i % CATEGORY_COLOURS;
}

export function categoryChip(categoryId, name, extra) {
  if (!name) return null;
  return h("span", { class: `chip chip-cat cat-${categoryIndex(categoryId)}` }, name, extra || null);
}

export function currentProject() {
  const id = ctx.view.current?.project;
  return id ? (ctx.view.projects || []).find((p) => p.id === id) || null : null;
}

// The leaderboard's state, kept here because board/leaderboard.js (which draws it) is loaded on a phone
// only when the leaderboard is first shown, while movers are measured on every update received.
export const leaderboard = {
  dirty: true,
  ranksKey: null, // the (project, rank) list last ctx.shown, to find movers
  ranks: null, // project -> rank last shown
  moves: new Map(), // project -> "up:n" | "down:n" | "new"
  page: 0,
  filter: "overall", // audience: "overall" or a category id
  pageTimer: null,
};

export function updateMoves() {
  // Movers are measured against the previous standings received (not only those shown), so a board
  // that sat on the result scene during a reveal still shows who moved when it turns to the leaderboard.
  const rows = ctx.view.leaderboard?.overall || [];
  const key = JSON.stringify(rows.map((r) => [r.project, r.rank]));
  if (key === leaderboard.ranksKey) return;
  const before = leaderboard.ranks;
  const moves = new Map();
  if (before) {
    for (const row of rows) {
      const move = moveOf(before.get(row.project), row.rank);
      if (move) moves.set(row.project, move);
    }
  }
  leaderboard.moves = moves;
  leaderboard.ranksKey = key;
  leaderboard.ranks = new Map(rows.map((r) => [r.project, r.rank]));
}
