// Scenes loaded when first needed on a phone, at once on the projector (split from board.js): the
// ceremony and its sound, the stage scenes, the leaderboard's drawing, the audience vote's scenes, and
// the scenes' styles. `lazy.afterShow` is board.js's, set at start-up (no import cycle).

import { ctx } from "./page.js";

export const lazy = { afterShow: () => {} };
const afterShow = (justShown) => lazy.afterShow(justShown);

// The ceremony scene and its sound cues (projector only) are loaded when first needed on a phone: most
// of the audience joins long before the ceremony, and the audience page's first load stays within its
// 40 KB budget on venue Wi-Fi (docs/performance.md, "Page weight"). The projector loads them at once.
// So are the styles of those scenes (css/board-scenes.css, css/board-vote.css): the projector's page
// links them; on a phone they are added (after board.css, which they refine) and a lazy scene first
// renders once its module and its styles are both there: never half-styled.
//
// What is loaded late must not fail for good at the moment the hall watches (a reveal): a module or a
// stylesheet that fails to load (a dropped connection, a busy access point) is asked for again, after
// 0.5, 1, 2, 4, then every 8 seconds, until it is there. A browser may remember a failed module under its
// URL, so a retry asks under a new query (`?retry=2`); the module's own imports keep their URLs, so
// page.js and live.js stay one instance each.
const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 8000];
const retryDelay = (attempt) => RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1];
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `firstTry()` (a literal import of the file, so that tools see it), then `specifier` again until it loads. */
export async function importRetrying(firstTry, specifier) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      if (attempt === 0) return await firstTry();
      return await import(`${new URL(specifier, import.meta.url).href}?retry=${attempt}`);
    } catch (error) {
      console.warn(`${specifier} did not load (${error}); trying again`);
      await pause(retryDelay(attempt + 1));
    }
  }
}

const styles = new Map(); // file name -> a promise settled once the stylesheet is in place

function addStylesheet(name, attempt) {
  return new Promise((resolve) => {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    const url = new URL(`../css/${name}`, import.meta.url).href; // the same versioned prefix
    link.href = attempt ? `${url}?retry=${attempt}` : url;
    link.onload = () => resolve();
    link.onerror = () => {
      link.remove();
      pause(retryDelay(attempt + 1)).then(() => resolve(addStylesheet(name, attempt + 1)));
    };
    document.head.append(link);
  });
}

/** A scene's stylesheet of static/css/, linked by the page (projector) or added once (phone). */
function stylesheet(name) {
  if (!styles.has(name)) {
    const linked = document.querySelector(`link[rel="stylesheet"][href$="/css/${name}"]`);
    styles.set(name, linked ? Promise.resolve() : addStylesheet(name, 0));
  }
  return styles.get(name);
}

/** A lazy scene's modules, with its styles in place before it renders. */
const loadScene = (css, ...modules) => Promise.all([...modules, stylesheet(css)]);
const SCENES_CSS = "board-scenes.css";

export let ceremony = null; // board/ceremony.js once loaded
let ceremonyLoading = null;
export let sound = null; // board/sound.js once loaded (projector only)
let soundWanted = null; // the host's setting, kept until sound.js is there

export function loadCeremony() {
  ceremonyLoading ??= loadScene(SCENES_CSS, importRetrying(() => import("./ceremony.js"), "./ceremony.js")).then(([module]) => {
    ceremony = module;
    if (ctx.view && ctx.shown === "ceremony") {
      ceremony.renderCeremony();
      afterShow(true);
    }
  });
  return ceremonyLoading;
}

export function loadSound() {
  importRetrying(() => import("./sound.js"), "./sound.js").then((module) => {
    sound = module;
    if (soundWanted !== null) sound.setSound(soundWanted);
  });
}

export function setSound(on) {
  soundWanted = on;
  sound?.setSound(on);
}

export function renderCeremony() {
  if (ceremony) ceremony.renderCeremony();
  else if (ctx.shown === "ceremony") loadCeremony(); // renders once loaded
}

// The stage scenes (commentary, break, thanks) the same way: loaded on a phone when one is first
// needed, at once on the projector.
const STAGE_SCENES = ["commentary", "break", "thanks"];
export let stageScenes = null; // board/commentary.js and board/interludes.js once loaded
let stageLoading = null;

export function loadStageScenes() {
  stageLoading ??= loadScene(
    SCENES_CSS,
    importRetrying(() => import("./commentary.js"), "./commentary.js"),
    importRetrying(() => import("./interludes.js"), "./interludes.js"),
  ).then(
    ([commentary, interludes]) => {
      stageScenes = { ...commentary, ...interludes };
      if (ctx.view) {
        renderStageScenes(true);
        if (STAGE_SCENES.includes(ctx.shown)) afterShow(true);
      }
    },
  );
  return stageLoading;
}

export function renderStageScenes(all, has = () => true) {
  if (!stageScenes) {
    const v = ctx.view || {};
    if (v.commentary || v.interlude?.break || STAGE_SCENES.includes(ctx.shown)) loadStageScenes();
    return;
  }
  if (all || has("commentary")) stageScenes.renderCommentary();
  if (all || has("interlude")) stageScenes.renderBreak();
  if (all || has("event")) stageScenes.renderThanks();
}

// The leaderboard's drawing (board/leaderboard.js) too: on a phone when first shown (its tab or the
// scene), at once on the projector. Its state and movers are in board/page.js, updated all along.
let leaderboardView = null;
let leaderboardLoading = null;

export function renderLeaderboard() {
  if (leaderboardView) return leaderboardView.renderLeaderboard();
  leaderboardLoading ??= importRetrying(() => import("./leaderboard.js"), "./leaderboard.js").then((module) => {
    leaderboardView = module;
    if (ctx.shown === "leaderboard") afterShow(false); // still dirty: drawn now
  });
}

// The audience vote's scenes (board/vote.js: the people's-choice scene and the projector's scan-to-vote
// corner) the same way, with their own small stylesheet: on a phone when the people's choice is first on
// screen (a phone that may vote too: its ballot is board/ballot.js), at once on the projector.
let vote = null;
let voteLoading = null;

export function loadVote() {
  voteLoading ??= loadScene("board-vote.css", importRetrying(() => import("./vote.js"), "./vote.js")).then(([module]) => {
    vote = module;
    if (ctx.view) {
      renderVote();
      if (ctx.shown === "people_choice") afterShow(true);
    }
  });
  return voteLoading;
}

export function renderVote() {
  if (!vote) {
    if (ctx.shown === "people_choice") loadVote(); // renders once loaded
    return;
  }
  vote.renderVoteCorner();
  vote.renderPeopleChoice();
}

/** The phone's ballot (board/ballot.js), on a page that may vote: needed at once (the page preloads it). */
export const loadBallot = () => importRetrying(() => import("./ballot.js"), "./ballot.js");
