// Scenes loaded when first needed on a phone, at once on the projector (split from board.js): the
// ceremony and its sound, the stage scenes, the leaderboard's drawing, the audience vote's scenes, and
// the scenes' styles. `lazy.afterShow` is board.js's, set at start-up (no import cycle).

import { ctx } from "./page.js";

export const lazy = { afterShow: () => {} };
const afterShow = (justShown) => lazy.afterShow(justShown);

// The ceremony scene and its sound cues (projector only) are loaded when first needed on a phone: most
// of the audience joins long before the ceremony, and the audience page's first load stays within its
// 40 KB budget on venue Wi-Fi (docs/performance.md, "Page weight"). The projector loads them at once.
// So are the styles of those scenes (css/board-scenes.css): the projector's page links them; on a phone
// they are added (after board.css, which they refine) and waited for before a lazy scene first renders.
let sceneStyles = null;

function loadSceneStyles() {
  sceneStyles ??= document.querySelector('link[href$="/css/board-scenes.css"]')
    ? Promise.resolve()
    : new Promise((resolve) => {
        const link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = new URL("../css/board-scenes.css", import.meta.url).href; // the same versioned prefix
        link.onload = link.onerror = () => resolve(); // without its styles a scene is plain, not missing
        document.head.append(link);
      });
  return sceneStyles;
}

/** A lazy scene's module, with the scenes' styles in place before it renders. */
const loadScene = (...modules) => Promise.all([...modules, loadSceneStyles()]);

export let ceremony = null; // board/ceremony.js once loaded
let ceremonyLoading = null;
export let sound = null; // board/sound.js once loaded (projector only)
let soundWanted = null; // the host's setting, kept until sound.js is there

export function loadCeremony() {
  ceremonyLoading ??= loadScene(import("./ceremony.js")).then(([module]) => {
    ceremony = module;
    if (ctx.view && ctx.shown === "ceremony") {
      ceremony.renderCeremony();
      afterShow(true);
    }
  });
  return ceremonyLoading;
}

export function loadSound() {
  import("./sound.js").then((module) => {
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
  stageLoading ??= loadScene(import("./commentary.js"), import("./interludes.js")).then(
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
  leaderboardLoading ??= import("./leaderboard.js").then((module) => {
    leaderboardView = module;
    if (ctx.shown === "leaderboard") afterShow(false); // still dirty: drawn now
  });
}

// The audience vote's scenes (board/vote.js: the people's-choice scene and the projector's scan-to-vote
// corner) the same way: on a phone when the people's choice is first on screen, at once on the projector
// and on a phone that may vote (below).
let vote = null;
let voteLoading = null;

export function loadVote() {
  voteLoading ??= loadScene(import("./vote.js")).then(([module]) => {
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
