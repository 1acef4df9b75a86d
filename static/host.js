// Host console (templates/host.html): the entry module. The console is split by concern under
// static/host/: state.js (the ONE pure function hostScreen(view) that derives what is enabled, shown and
// primary; tested by `node --test static/tests/`), context.js (connection, local UI state, helpers),
// actions.js (what the controls do, with their guards), dialogs.js, keys.js, and the renderers
// render-strip.js (the always-visible action strip), render-stage.js, render-order.js,
// render-results.js, render-ceremony.js.
// Protocol: docs/protocol.md. Sections used: event, projects, current, timer, scene, progress,
// result, ceremony, judges, standings, awards_preview, host_ceremony, refused; commentary, interlude and
// host_commentary (static/host/stage-scenes.js: the expert commentary, the break; its testids are listed there).
//
// Stable data-testid attributes (for browser tests):
//   conn-status                      connection status (data-status: connecting|online|reconnecting|offline|unauthorized)
//   action-strip                     the always-visible strip at the top: strip-now, strip-next (titles),
//                                    strip-clock-presentation, strip-clock-qa (data-state: idle|running|paused),
//                                    primary-action (the ONE next step; data-action: start_next|open_scoring|
//                                    close_scoring|reveal|start_ceremony|ceremony_next), judge-chip-<judgeId>
//                                    (data-status as judge-row), judges-toggle (expands the judge details)
//   undo-bar, undo-start             shown for a few seconds after a start: undo it (shortcut U)
//   refused-list                     scores refused because scoring had closed: refused-<judgeId>-<projectId>,
//                                    take-in-<judgeId>-<projectId> opens the correction prefilled with it
//   missing-judges                   who has not submitted (missing-<judgeId>; offline ones with how long)
//   now-title, next-title            title of the current / next project
//   start-next                       "Start next project" = view.current.next (shortcut S); quiet (not primary)
//                                    until the project on stage is revealed; confirms before interrupting it
//   order-list                       the running order <ol>
//   order-item-<projectId>           one project in the order (data-status: pending|presenting|scoring|closed|revealed)
//   row-menu-<projectId>             the row's menu (a <summary>, left of the title); inside it:
//   start-<projectId>                start that project now (pending), or return to an interrupted one
//   move-up-<projectId>, move-down-<projectId>   reorder a pending project (right side of the row;
//                                    a move skips over started projects, which keep their place)
//   timer-presentation, timer-qa     clock + state text, e.g. "+01:05 Overtime · Running"
//                                    (data-state: idle|running|paused; data-overtime: true|false)
//   timer-<name>-start / -pause / -reset         timer buttons (<name>: presentation | qa)
//   open-scoring, close-scoring, reveal          scoring buttons (shortcuts O, C, R); close and reveal confirm first
//   progress                         "5 / 7 judges have scored" (data-submitted, data-expected)
//   judge-row-<judgeId>              a judge for the current project
//                                    (data-status: recused|submitted|scoring|connected|disconnected)
//   recuse-<judgeId>                 recuse / lift recusal for the current project (opens the confirmation
//                                    dialog with a required reason-input, and the minimum-panel warning)
//   judge-correct-<judgeId>          correct this judge's score for the current project once it is closed
//   scene-<scene>                    projector scene buttons in the strip (shortcuts 1-8; aria-pressed="true"
//                                    on the current scene)
//   standings                        the standings table; standing-tab-<overall|categoryId> its tabs
//   standing-row-<projectId>         one ranked project (data-rank, data-tied, data-revealed)
//   standing-details-<projectId>     the project title button that opens / closes its explanation
//   correct-<judgeId>-<projectId>    correct a score (in an open explanation; closed or revealed projects)
//   reveal-<projectId>               reveal a closed, not yet revealed project (in its explanation)
//   start-ceremony                   start the award ceremony (hidden once started; data-remaining: projects
//                                    not revealed; while > 0 it reads "Skip N projects…" and asks for N typed)
//   leave-ceremony                   back to the running order (only while no award has been shown)
//   ceremony-next, ceremony-back     ceremony steps (shortcuts N, B)
//   ceremony-status                  "Step 2 of 5" / "Not started" (data-step, data-total)
//   ceremony-now, ceremony-upnext    what the board shows now / what the next step reveals
//   confirm-ok, confirm-cancel       the buttons of the confirmation dialog (start, close, reveal, ceremony, recusal)
//   confirm-stale                    in that dialog: what changed since it opened (another tab); OK is disabled
//   reason-input                     the reason field of that dialog (shown for recuse / lift recusal)
//   typed-input                      the typed confirmation (the number of projects a ceremony skips)
//   correct-input-<criterionId>, correct-comment, correct-reason, correct-ok, correct-cancel
//                                    the score correction dialog
//   shortcuts-help, shortcuts-sheet  the `?` button and the sheet of keyboard shortcuts
//   toast                            the error alert (role="alert") shown when a command is refused
//   reissue-<judgeId>                issue a new personal link (form POST after confirm-ok; reloads at #links)
//
// Keyboard shortcuts (not while typing in a field or while a dialog is open; the host can switch them off
// in the `?` sheet): S start next project · O open scoring · C close scoring · R reveal · U undo a start ·
//   N / B ceremony next / back · 1-8 projector scenes (6 commentary, 7 break, 8 thanks) · P presentation timer start/pause · Q Q&A timer
//   start/pause · Space start/pause the running timer (resumes Q&A if it has run, else the presentation) ·
//   ? the shortcuts sheet. A keyboard user on a button keeps Space's usual meaning; after a mouse click
//   Space is the timer shortcut.

import { t } from "./live.js";
import {
  $,
  ui,
  live,
  run,
  bump,
  hooks,
  notice,
  focus,
  findByKey,
  currentProject,
  online,
  isPending,
  SHORTCUTS_KEY,
} from "./host/context.js";
import {
  startNext,
  openScoring,
  closeScoring,
  reveal,
  timerAction,
  startCeremony,
  leaveCeremony,
  ceremonyStep,
} from "./host/actions.js";
import { ask, refreshDialogs, openShortcuts } from "./host/dialogs.js";
import { listen, renderShortcutHints } from "./host/keys.js";
import { renderStatus, renderNow, renderTimers, renderScoring, renderScenes } from "./host/render-stage.js";
import { renderStrip, renderStripClocks, wireStrip } from "./host/render-strip.js";
import { renderOrder } from "./host/render-order.js";
import { renderStandings } from "./host/render-results.js";
import { renderCeremony } from "./host/render-ceremony.js";
import { bindFinalLock, renderFinalLock } from "./host/final-lock.js";
import { mountHallControls, updateHallControls } from "./host/hall.js";
import { mountStageScenes, renderStageScenes, tickStageScenes } from "./host/stage-scenes.js";
import { renderVote, wireVote } from "./host/vote.js";

function render() {
  renderStatus();
  renderStrip();
  renderStripClocks();
  renderOrder();
  renderNow();
  renderTimers();
  renderScoring();
  renderScenes();
  renderStandings();
  renderCeremony();
  renderFinalLock(ui.view, { online, isPending });
  updateHallControls(ui.view);
  renderStageScenes(ui.view);
  renderVote();
  renderShortcutHints();
  refreshDialogs(); // an open confirmation follows the live state (a second tab, a judge coming back)
  // A control that lost focus (disabled while its command was pending, or its region rebuilt)
  // gets it back, so a keyboard user keeps their place.
  if (focus.last && !ui.dialogOpen && (!document.activeElement || document.activeElement === document.body)) {
    const el = findByKey(focus.last);
    if (el && !el.disabled && el.getClientRects().length) el.focus({ preventScroll: true });
  }
}
hooks.render = render;

// ---------------------------------------------------------------------------------- wiring
function wire() {
  $("start-next").addEventListener("click", startNext);
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
  wireVote({ ask });
  mountHallControls($("hall-controls"), live);
  mountStageScenes($("stage-scenes-body"), run);
  $("ceremony-next").addEventListener("click", () => ceremonyStep("next"));
  $("ceremony-back").addEventListener("click", () => ceremonyStep("back"));
  $("leave-ceremony").addEventListener("click", leaveCeremony);
  $("shortcuts-help").addEventListener("click", openShortcuts);
  wireStrip();
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
listen();
render();
setInterval(() => {
  renderTimers();
  renderStripClocks();
  tickStageScenes(live.serverNow());
}, 250);
live.start();
