// What the host's controls do. Every move that changes the hall is guarded by what it will do: a start
// that interrupts a project names it (and can be undone for a few seconds), closing names who has not
// scored and who is offline, a recusal below the minimum panel says so, the ceremony before every
// reveal needs the number of skipped projects typed in (or the confirmation held down). Dialogs stay
// in step with the live state.

import { t, url } from "../live.js";
import {
  ui,
  run,
  bump,
  hooks,
  notice,
  screen,
  projects,
  projectById,
  judgeName,
  currentProject,
  canTimer,
  hasQa,
  duration,
} from "./context.js";
import { ask, openCorrection, refreshDialogs } from "./dialogs.js";
import { UNDO_START_MS, panelAfterRecusal } from "./state.js";

const MAX_TITLES_LISTED = 6; // a skip dialog names this many projects, then "and N more"

// ---------------------------------------------------------------------------------- starting
export async function startProject(pid) {
  const s = screen();
  const project = projectById(pid);
  if (!project || !s.canStart(pid)) return;
  const args = { project: pid };
  const onStage = s.onStage;
  if (onStage) {
    const phase = onStage.status;
    const { ok } = await ask({
      message: t(phase === "scoring" ? "confirm_interrupt_scoring" : "confirm_interrupt", {
        current: onStage.title,
        title: project.title,
        phase: t(`status_${phase}`),
      }),
      okLabel: t("start_now"),
      check: () => {
        const now = screen();
        const same = now.onStage && now.onStage.id === onStage.id && now.onStage.status === phase;
        return same && now.canStart(pid) ? null : t("stale_stage");
      },
    });
    if (!ok) return;
    args.interrupt = onStage.id; // the server refuses if this is no longer what is on stage
  }
  const ack = await run(`start:${pid}`, "start_project", args);
  if (ack && ack.ok) offerUndo(pid);
}

function offerUndo(pid) {
  ui.undo = { project: pid, until: Date.now() + UNDO_START_MS };
  bump();
  hooks.render();
  setTimeout(() => {
    bump();
    hooks.render(); // the undo bar goes away
  }, UNDO_START_MS + 50);
}

export function undoStart() {
  const undo = screen().undo;
  if (!undo) return;
  run("undo_start", "undo_start", { project: undo.project }).then((ack) => {
    if (ack && ack.ok) {
      ui.undo = null;
      bump();
      hooks.render();
    }
  });
}

export function startNext() {
  const next = screen().next;
  if (next) startProject(next.id);
}

export function move(pid, direction) {
  const order = projects().map((p) => p.id);
  const next = movedOrder(order, pid, direction);
  if (!next) return;
  const project = projectById(pid);
  run("reorder", "reorder", { order: next }).then((ack) => {
    if (ack && ack.ok && project) notice(`${project.title} — ${t(direction < 0 ? "moved_up" : "moved_down")}`);
  });
}

/** The order with `pid` swapped with the nearest pending project in `direction`; started ones keep their place. */
export function movedOrder(order, pid, direction) {
  const index = order.indexOf(pid);
  const project = projectById(pid);
  if (index < 0 || !project || project.status !== "pending") return null;
  let j = index + direction;
  while (j >= 0 && j < order.length && (projectById(order[j]) || {}).status !== "pending") j += direction;
  if (j < 0 || j >= order.length) return null;
  const next = order.slice();
  [next[index], next[j]] = [next[j], next[index]];
  return next;
}

// ---------------------------------------------------------------------------------- timers
export function timerAction(name, action) {
  run(`timer:${name}`, "timer", { timer: name, action });
}

export function toggleTimer(name) {
  const timer = ui.view.timer && ui.view.timer[name];
  if (!timer || !canTimer()) return;
  timerAction(name, timer.running ? "pause" : "start");
}

export function toggleActiveTimer() {
  const tv = ui.view.timer;
  if (!tv || !canTimer()) return;
  if (tv.active) {
    timerAction(tv.active, "pause");
    return;
  }
  // Nothing running: resume Q&A if it has run, else the presentation.
  const name = tv.qa && tv.qa.elapsed_before > 0 && hasQa() ? "qa" : "presentation";
  timerAction(name, "start");
}

// ---------------------------------------------------------------------------------- scoring
export function openScoring() {
  run("open_scoring", "open_scoring");
}

/** Who has not submitted, offline ones with how long they have been gone: for the strip and the dialog. */
export function missingText(missing) {
  return missing.map(missingLabel).join(t("list_separator"));
}

/** "B (offline 3 min)", "C (not connected yet)" or just "D" (connected, not submitted). */
export function missingLabel(m) {
  if (!m.offline) return m.name;
  if (m.offlineFor === null) return t("judge_never_seen", { name: m.name });
  return t("judge_offline_for", { name: m.name, duration: duration(m.offlineFor) });
}

export async function closeScoring() {
  const current = currentProject();
  if (!current || !screen().close.enabled) return;
  const outliers = watchOutliers(current.id);
  const message = () => {
    const missing = screen().missing;
    const lines = [t("confirm_close")];
    if (!missing.length) lines.push(t("close_all_in"));
    else lines.push(t("close_missing", { names: missingText(missing) }));
    if (missing.some((m) => m.offline)) lines.push(t("close_offline_warning"));
    lines.push(...outliers.lines());
    return lines.join("\n");
  };
  const { ok } = await ask({
    message, // re-read while open: a judge who submits or comes back is taken off the list
    okLabel: t("close_scoring"),
    check: () => (screen().status === "scoring" && screen().current.id === current.id ? null : t("stale_not_open")),
  });
  if (ok) run("close_scoring", "close_scoring");
}

/**
 * Scores of a project far from the rest of the panel (a possible typing slip: the judging report's
 * outlier rule, docs/judging-statistics.md), for the close and reveal dialogs. The dialog opens at
 * once; the lines appear when the answer arrives. A failed request shows nothing.
 */
function watchOutliers(pid) {
  let found = [];
  fetch(url(`/host/api/judging/outliers?project=${encodeURIComponent(pid)}`), { cache: "no-store" })
    .then((response) => (response.ok ? response.json() : { outliers: [] }))
    .then((body) => {
      found = body.outliers || [];
      refreshDialogs();
    })
    .catch(() => {});
  return {
    lines: () =>
      found.map((o) => `⚠ ${t("close_outlier", { judge: o.judge_name, total: o.total, reference: o.reference })}`),
  };
}

export async function reveal(pid) {
  const project = projectById(pid);
  const outliers = watchOutliers(pid); // the last chance to check a slip: a reveal cannot be taken back
  const message = () =>
    [project ? `${t("confirm_reveal")}\n“${project.title}”` : t("confirm_reveal"), ...outliers.lines()].join("\n");
  const { ok } = await ask({
    message,
    okLabel: t("reveal"),
    danger: true, // on the projector at once: cannot be taken back
    check: () => ((projectById(pid) || {}).status === "closed" ? null : t("stale_generic")),
  });
  if (ok) run(`reveal:${pid}`, "reveal", { project: pid });
}

export async function recuse(judgeId, recused) {
  const current = currentProject();
  if (!current) return;
  const message = () => {
    const lines = [`${t(recused ? "confirm_recuse" : "lift_confirm")}`, `${judgeName(judgeId)} · “${current.title}”`];
    const panel = panelAfterRecusal(ui.view, judgeId);
    if (recused && panel.below) lines.push(`⚠ ${t("recuse_below_min", panel)}`);
    return lines.join("\n");
  };
  const { ok, reason } = await ask({
    message,
    okLabel: t(recused ? "recuse" : "unrecuse"),
    reason: true,
    check: () => {
      const now = currentProject();
      return now && now.id === current.id && now.status !== "revealed" ? null : t("stale_stage");
    },
  });
  if (ok) run(`recuse:${judgeId}`, "recuse", { judge: judgeId, project: current.id, recused, reason });
}

/** A score refused because scoring had closed: the correction dialog, prefilled with it. */
export function takeIn(refused) {
  openCorrection(refused.judge, refused.project, { values: refused.values, comment: refused.comment || "" });
}

// ---------------------------------------------------------------------------------- ceremony
function unrevealedTitles() {
  const titles = projects()
    .filter((p) => p.status !== "revealed")
    .map((p) => `“${p.title}”`);
  const shown = titles.slice(0, MAX_TITLES_LISTED).join(t("list_separator"));
  return titles.length > MAX_TITLES_LISTED ? t("and_more", { list: shown, n: titles.length - MAX_TITLES_LISTED }) : shown;
}

export async function startCeremony() {
  const gate = screen().ceremony;
  if (!gate.canStart) return;
  if (!gate.skipNeeded) {
    const { ok } = await ask({
      message: t("ceremony_ready"),
      okLabel: t("start_ceremony"),
      danger: true,
      check: () => (screen().ceremony.canStart && !screen().ceremony.skipNeeded ? null : t("stale_generic")),
    });
    if (ok) run("start_ceremony", "start_ceremony");
    return;
  }
  const n = gate.remaining;
  const { ok } = await ask({
    message: () => t("confirm_skip", { n, titles: unrevealedTitles() }),
    okLabel: t("skip_ok", { n }),
    danger: true,
    typed: { expect: n, label: t("type_to_confirm", { n }) },
    hold: true, // or press and hold (hold.js) instead of typing
    check: () => {
      const now = screen().ceremony;
      return now.canStart && now.remaining === n ? null : t("stale_remaining", { n: now.remaining });
    },
  });
  // The server refuses unless `remaining` is still the number of unrevealed projects.
  if (ok) run("start_ceremony", "start_ceremony", { skip: true, remaining: n });
}

export async function leaveCeremony() {
  if (!screen().ceremony.canLeave) return;
  const { ok } = await ask({
    message: t("confirm_leave"),
    okLabel: t("leave_ceremony"),
    check: () => (screen().ceremony.canLeave ? null : t("stale_generic")),
  });
  if (ok) run("leave_ceremony", "leave_ceremony");
}

export function ceremonyStep(direction) {
  run("ceremony_step", "ceremony_step", { direction });
}
