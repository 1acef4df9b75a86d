// What the projector and the audience phones show, derived from the board's live view by pure
// functions (no DOM): the scene on screen, the provisional wording of early ranks, and each ceremony
// reveal (its place within the award, whether a rank means anything, the leader paired with a team).
// Tested as tables by static/tests/board-state.test.mjs.

// commentary, break and thanks: the stage scenes of issue 16 (board/commentary.js, board/interludes.js)
export const SCENES = ["welcome", "presenting", "result", "leaderboard", "ceremony", "commentary", "break", "thanks", "people_choice"];
export const WARNING_SECONDS = 60; // a stage clock shows its warning state in its last minute

/** A stage clock's state, as the presenting timer shows it: paused, normal, warning (last minute) or
 * overtime. `remaining` in seconds (negative: overtime). */
export function clockState(running, remaining) {
  if (!running) return "paused";
  if (remaining < 0) return "overtime";
  return remaining < WARNING_SECONDS ? "warning" : "normal";
}

/**
 * @param {object} view  the board's live view (docs/protocol.md)
 * @param {{audience?: boolean, tab?: string}} local
 */
export function boardScreen(view, { audience = false, tab = "now" } = {}) {
  const scene = SCENES.includes(view.scene && view.scene.scene) ? view.scene.scene : "welcome";
  const shown = audience && tab === "leaderboard" ? "leaderboard" : scene;
  const total = (view.projects || []).length;
  const revealed = ((view.leaderboard && view.leaderboard.overall) || []).length;
  return {
    scene,
    shown,
    revealed,
    total,
    provisional: revealed < total, // until every project is revealed, a rank can still change
    join: !audience && shown !== "welcome", // the welcome scene has the big QR code itself
    stage: ceremonyStage(view),
  };
}

/** A rank as the hall should read it: "provisional 1st · 1 of 18 revealed" while it can change. */
export function rankWording(rank, { provisional, revealed, total }) {
  if (rank == null) return { key: "no_rank", params: {} };
  if (!provisional) return { key: "rank_no", params: { rank } };
  return { key: "rank_provisional", params: { rank, n: revealed, total } };
}

/** A leaderboard movement, told without alarm: up, down, new or nothing. */
export function moveOf(previousRank, rank) {
  if (previousRank == null) return "new";
  if (rank < previousRank) return `up:${previousRank - rank}`;
  if (rank > previousRank) return `down:${rank - previousRank}`;
  return "";
}

/** Where a rank means something: awards that rank projects. A team-leader award follows another
 * award's teams and an honour roll is a list of names: neither shows a rank. */
export const awardShowsRank = (award) => award.kind === "top_projects" || award.kind === "people_choice";

/** The place of winner `index` within its award: the server's `place` (ties share it), else its
 * position in the award (older ceremonies). Never the overall rank. */
export function placeWithin(award, index) {
  if (!awardShowsRank(award)) return null;
  const w = (award.winners || [])[index];
  if (w && Number.isInteger(w.place)) return w.place;
  return index + 1;
}

/** The team leader of a winning project (shown with the team, so the two are revealed together). */
export function leaderOf(view, winner) {
  if (!winner || !winner.project) return "";
  const p = (view.projects || []).find((x) => x.id === winner.project);
  return p && p.leader && p.leader !== winner.name ? p.leader : "";
}

/** Whether winner `winner` of award `award` is the one on stage now, or revealed with it (a leader). */
export function onStage(current, award, winner) {
  if (!current) return false;
  if (current.award === award && current.winner === winner) return true;
  return (current.with || []).some((w) => w.award === award && w.winner === winner);
}

/** The short name (简称) where space is short, else the full one. */
export const shortTitle = (p) => (p && (p.short_title || p.title)) || "";
export const shortTeam = (p) => (p && (p.short_team || p.team)) || "";

/** The ceremony's stage now: the intro, an honour roll, or one winner with its place. */
export function ceremonyStage(view) {
  const c = view.ceremony;
  const cur = c && c.current;
  const award = cur && c.awards ? c.awards[cur.award] : null;
  if (!c || !award) return { kind: "intro" };
  if (award.kind === "honour_roll" || cur.winner < 0) return { kind: "honour", award, key: `${c.step}` };
  const winner = (award.winners || [])[cur.winner] || null;
  if (!winner) return { kind: "unknown", award, key: `${c.step}` };
  const place = placeWithin(award, cur.winner);
  // A team's leader revealed on the same step (current.with, app/domain/ceremony.py): named with the
  // leader award's title; without such an award, the project's leader as plain information.
  const paired = (cur.with || [])
    .map((w) => ({ award: c.awards[w.award], winner: ((c.awards[w.award] || {}).winners || [])[w.winner] }))
    .filter((p) => p.award && p.winner)
    .map((p) => ({ label: p.award.name, name: p.winner.name }));
  const plain = award.kind === "top_projects" ? leaderOf(view, winner) : "";
  const leaders = paired.length ? paired : plain ? [{ label: null, name: plain }] : [];
  return {
    kind: "winner",
    award,
    winner,
    index: cur.winner,
    key: `${c.step}:${cur.award}:${cur.winner}`,
    place,
    showRank: place != null,
    first: place === 1, // the finale: the biggest moment of an award
    leaders,
    leader: leaders.length ? leaders[0].name : "",
    secondary: [winner.project_title, winner.team].filter((x, i, all) => x && x !== winner.name && all.indexOf(x) === i),
  };
}
