// The always-visible action strip at the top of the host console (fits 1366×768): now / next, both
// clocks, the ONE primary next step, the projector scenes, a compact judge row that expands on demand,
// the undo of a start and scores refused after close.

import { t, h, timerRemaining, formatClock } from "../live.js";
import { $, ui, live, TIMERS, bump, changed, num, online, projectById, screen, duration, hooks } from "./context.js";
import { judgeStatus } from "./state.js";
import {
  startNext,
  openScoring,
  closeScoring,
  reveal,
  startCeremony,
  ceremonyStep,
  undoStart,
  takeIn,
  missingText,
} from "./actions.js";

// The primary step: its label, shortcut and action.
const PRIMARY = {
  start_next: {
    key: "S",
    label: (s) => t("start_named", { title: s.next.title }),
    enabled: (s) => s.startNext.enabled,
    run: () => startNext(),
  },
  open_scoring: {
    key: "O",
    label: (s) => t(s.open.reopen ? "reopen_scoring" : "open_scoring"),
    enabled: (s) => s.open.enabled,
    run: openScoring,
  },
  close_scoring: { key: "C", label: () => t("close_scoring"), enabled: (s) => s.close.enabled, run: closeScoring },
  reveal: { key: "R", label: () => t("reveal"), enabled: (s) => s.reveal.enabled, run: () => reveal(screen().current.id) },
  start_ceremony: {
    key: "",
    label: () => t("start_ceremony"),
    enabled: (s) => s.ceremony.canStart,
    run: startCeremony,
  },
  ceremony_next: {
    key: "N",
    label: () => t("ceremony_next"),
    enabled: (s) => s.ceremony.canNext,
    run: () => ceremonyStep("next"),
  },
};

const CHIP_MARK = { submitted: "✓", scoring: "✎", connected: "…", disconnected: "⚠", recused: "—" };

export function runPrimary() {
  const entry = PRIMARY[screen().primary];
  if (entry) entry.run();
}

export function renderStrip() {
  const s = screen();
  $("strip-now").textContent = s.current ? s.current.title : t("no_current");
  const badge = $("strip-status");
  badge.hidden = !s.current;
  if (s.current) {
    badge.className = `badge st-${s.current.status}`;
    badge.textContent = t(`status_${s.current.status}`);
  }
  $("strip-next").textContent = s.next ? s.next.title : t("no_next");

  const primary = $("primary-action");
  const entry = PRIMARY[s.primary];
  const enabled = Boolean(entry) && entry.enabled(s);
  primary.hidden = !entry;
  primary.disabled = !enabled;
  primary.dataset.action = s.primary || "";
  if (entry) {
    const label = entry.label(s);
    if (primary.querySelector(".label").textContent !== label) primary.querySelector(".label").textContent = label;
    const kbd = primary.querySelector("kbd");
    kbd.textContent = entry.key;
    kbd.hidden = !entry.key;
  }

  renderUndo(s);
  renderRefused(s);
  renderJudgeRow(s);
}

/** Both clocks, compact (called every 250 ms with the timers panel). */
export function renderStripClocks() {
  const tv = ui.view.timer;
  const now = live.serverNow();
  for (const name of TIMERS) {
    const el = $(`strip-clock-${name}`);
    const timer = tv && tv[name];
    const text = timer ? formatClock(timerRemaining(timer, now)) : "--:--";
    const clock = el.querySelector("b");
    if (clock.textContent !== text) clock.textContent = text;
    el.dataset.state = !timer ? "idle" : timer.running ? "running" : timer.elapsed_before > 0 ? "paused" : "idle";
    el.classList.toggle("is-over", Boolean(timer) && timerRemaining(timer, now) < 0);
  }
}

function renderUndo(s) {
  const bar = $("undo-bar");
  bar.hidden = !s.undo;
  if (!s.undo) return;
  const project = projectById(s.undo.project);
  $("undo-text").textContent = t("started_named", { title: project ? project.title : s.undo.project });
  $("undo-start").disabled = !online();
}

function renderRefused(s) {
  const list = $("refused-list");
  list.hidden = !s.refused.length;
  if (!changed("refused", [s.refused, ui.view.projects, ui.view.judges, ui.status])) return;
  list.replaceChildren(
    ...s.refused.map((r) => {
      const project = projectById(r.project);
      const judge = (ui.view.judges || []).find((j) => j.id === r.judge);
      const key = `${r.judge}-${r.project}`;
      return h(
        "li",
        { class: "refused", "data-testid": `refused-${key}` },
        h(
          "span",
          null,
          "⚠ ",
          t("refused_line", {
            judge: judge ? judge.name : r.judge,
            total: num(r.total),
            project: project ? project.title : r.project,
          }),
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            "data-testid": `take-in-${key}`,
            disabled: !online(),
            onclick: () => takeIn(r),
          },
          t("take_in"),
        ),
      );
    }),
  );
}

function renderJudgeRow(s) {
  const judges = ui.view.judges || [];
  const toggle = $("judges-toggle");
  toggle.setAttribute("aria-expanded", ui.judgesOpen ? "true" : "false");
  const progress = ui.view.progress || { submitted: 0, expected: 0 };
  toggle.querySelector(".label").textContent = s.current
    ? `${progress.submitted || 0}/${progress.expected || 0}`
    : t("judges_heading");
  const minute = Math.floor(live.serverNow() / 60);
  if (!changed("strip-judges", [judges, ui.view.current, ui.judgesOpen, minute, s.missing.length])) return;
  $("judge-chips").replaceChildren(
    ...judges.map((j) => {
      const st = s.current ? judgeStatus(j) : j.connected ? "connected" : "disconnected";
      return h(
        "span",
        { class: `jchip jchip-${st}`, "data-testid": `judge-chip-${j.id}`, "data-status": st, title: j.name },
        h("span", { "aria-hidden": "true" }, CHIP_MARK[st]),
        " ",
        j.name,
      );
    }),
  );
  const detail = $("judges-detail");
  detail.hidden = !ui.judgesOpen;
  detail.replaceChildren(
    s.missing.length ? h("p", null, t("close_missing", { names: missingText(s.missing) })) : null,
    h(
      "ul",
      null,
      judges.map((j) =>
        h(
          "li",
          null,
          h("strong", null, j.name),
          " — ",
          s.current ? t(`jstate_${judgeStatus(j)}`) : "",
          j.connected ? "" : ` · ${offlineFor(j)}`,
          j.total === null || j.total === undefined ? "" : ` · ${num(j.total)}`,
        ),
      ),
    ),
  );
}

function offlineFor(judge) {
  if (typeof judge.offline_since !== "number") return t("disconnected");
  return t("offline_for", { duration: duration(Math.max(0, live.serverNow() - judge.offline_since)) });
}

export function wireStrip() {
  $("primary-action").addEventListener("click", runPrimary);
  $("undo-start").addEventListener("click", undoStart);
  $("judges-toggle").addEventListener("click", () => {
    ui.judgesOpen = !ui.judgesOpen;
    bump();
    hooks.render();
  });
}
