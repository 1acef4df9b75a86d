// The stage column of the host console: connection status, now / next, both timers, the scoring
// buttons and the judges table, the projector scene buttons. Reads the screen state (state.js).

import { t, h, timerRemaining, formatClock, url } from "../live.js";
import {
  $,
  ui,
  live,
  TIMERS,
  changed,
  isPending,
  num,
  online,
  projects,
  projectById,
  currentProject,
  hasQa,
  screen,
  duration,
} from "./context.js";
import { judgeStatus } from "./state.js";
import { recuse, missingLabel } from "./actions.js";
import { openCorrection } from "./dialogs.js";

export function renderStatus() {
  const el = $("conn-status");
  el.dataset.status = ui.status;
  el.replaceChildren();
  if (ui.status === "unauthorized") {
    el.append(t("unauthorized"), " ", h("a", { href: url("/host/login") }, t("log_in_again")));
  } else {
    const text = { online: "online", connecting: "connecting", reconnecting: "reconnecting", offline: "host_offline" };
    el.textContent = t(text[ui.status] || "connecting");
  }
  const banner = $("offline-banner");
  const off = ui.status !== "online" && ui.status !== "connecting";
  banner.hidden = !off;
  banner.textContent = off ? t("controls_offline") : "";
}

export function renderNow() {
  const current = currentProject();
  const cur = ui.view.current || {};
  const title = $("now-title");
  const badge = $("now-status");
  if (current) {
    title.textContent = current.title;
    title.classList.remove("empty");
    $("now-meta").textContent = [current.team, current.category_name].filter(Boolean).join(" · ");
    badge.hidden = false;
    badge.className = `badge st-${current.status}`;
    badge.textContent = t(`status_${current.status}`);
    $("now-position").textContent = t("position_of", { n: cur.position, total: projects().length });
  } else {
    title.textContent = t("no_current");
    title.classList.add("empty");
    $("now-meta").textContent = "";
    badge.hidden = true;
    $("now-position").textContent = "";
  }
  const next = cur.next ? projectById(cur.next) : null;
  const nextTitle = $("next-title");
  nextTitle.textContent = next ? next.title : t("no_next");
  nextTitle.classList.toggle("empty", !next);
  $("next-meta").textContent = next ? [next.team, next.category_name].filter(Boolean).join(" · ") : "";
  // "Start next" is quiet until the project on stage is revealed; then it is the one primary step.
  const s = screen();
  const startNext = $("start-next");
  startNext.disabled = !s.startNext.enabled;
  startNext.classList.toggle("btn-primary", s.startNext.primary);
  startNext.setAttribute("aria-describedby", "next-title");
}

export function renderTimers() {
  const tv = ui.view.timer;
  const now = live.serverNow();
  const enabled = screen().timersEnabled;
  for (const name of TIMERS) {
    const card = $(`timer-card-${name}`);
    if (name === "qa") card.hidden = !hasQa();
    const timer = tv && tv[name];
    const display = $(`timer-${name}`);
    const busy = isPending(`timer:${name}`);
    if (!timer) {
      $(`timer-clock-${name}`).textContent = "--:--";
      $(`timer-state-${name}`).textContent = "";
      continue;
    }
    const remaining = timerRemaining(timer, now);
    const over = remaining < 0;
    const state = timer.running ? "running" : timer.elapsed_before > 0 ? "paused" : "idle";
    const clock = formatClock(remaining);
    const clockEl = $(`timer-clock-${name}`);
    if (clockEl.textContent !== clock) clockEl.textContent = clock;
    const stateText = [over ? t("overtime") : null, t(state === "idle" ? "timer_ready" : state)]
      .filter(Boolean)
      .join(" · ");
    const stateEl = $(`timer-state-${name}`);
    if (stateEl.textContent !== stateText) stateEl.textContent = stateText;
    display.dataset.state = state;
    display.dataset.overtime = over ? "true" : "false";
    card.classList.toggle("is-running", timer.running);
    card.classList.toggle("is-over", over);
    const used = timer.duration > 0 ? Math.min(1, Math.max(0, 1 - remaining / timer.duration)) : 1;
    $(`timer-bar-${name}`).style.width = `${(used * 100).toFixed(1)}%`;
    for (const button of card.querySelectorAll("[data-timer-action]")) {
      const action = button.dataset.timerAction;
      let ok = enabled && !busy;
      if (action === "start") {
        ok = ok && !timer.running;
        const label = state === "paused" ? t("resume") : t("start");
        if (button.textContent !== label) button.textContent = label;
      }
      if (action === "pause") ok = ok && timer.running;
      if (action === "reset") ok = ok && (timer.running || timer.elapsed_before > 0);
      button.disabled = !ok;
    }
  }
}

export function renderScoring() {
  const current = currentProject();
  const status = current ? current.status : null;
  const progress = ui.view.progress || { submitted: 0, expected: 0 };

  const s = screen();
  const open = $("open-scoring");
  open.disabled = !s.open.enabled;
  open.querySelector(".label").textContent = t(s.open.reopen ? "reopen_scoring" : "open_scoring");
  $("close-scoring").disabled = !s.close.enabled;
  $("reveal").disabled = !s.reveal.enabled;
  // Only the next step of the evening is primary (blue); nothing here is red: close can be reopened.
  open.classList.toggle("btn-primary", s.primary === "open_scoring");
  $("close-scoring").classList.toggle("btn-primary", s.primary === "close_scoring");
  $("reveal").classList.toggle("btn-primary", s.primary === "reveal");
  const missing = $("missing-judges");
  missing.hidden = !(s.status === "scoring" || s.status === "closed") || !s.missing.length;
  missing.replaceChildren(
    ...s.missing.map((m) =>
      h(
        "span",
        { class: `chip ${m.offline ? "chip-disconnected" : "chip-connected"}`, "data-testid": `missing-${m.id}` },
        missingLabel(m),
      ),
    ),
  );
  if (!missing.hidden) missing.prepend(h("span", { class: "missing-label" }, t("not_submitted")));

  const progressEl = $("progress");
  progressEl.dataset.submitted = String(progress.submitted || 0);
  progressEl.dataset.expected = String(progress.expected || 0);
  progressEl.hidden = !current;
  $("progress-text").textContent = `${progress.submitted || 0} / ${progress.expected || 0} ${t("judges_scored")}`;
  const bar = $("progress-bar");
  bar.max = Math.max(1, progress.expected || 0);
  bar.value = progress.submitted || 0;

  const minute = Math.floor(live.serverNow() / 60); // offline durations move on every minute
  if (!changed("judges", [ui.view.judges, ui.view.projects, ui.view.current, ui.view.event, ui.status, ui.rev, minute]))
    return;
  const canRecuse = online() && current && status !== "revealed";
  const canCorrect = online() && current && (status === "closed" || status === "revealed");
  const rows = (ui.view.judges || []).map((j) => {
    const st = judgeStatus(j);
    const scoreText = {
      recused: t("judge_recused"),
      submitted: t("submitted"),
      scoring: t("scoring"),
      connected: t("waiting_judge"),
      disconnected: t("waiting_judge"),
    }[st];
    const actions = [];
    if (current) {
      actions.push(
        h(
          "button",
          {
            type: "button",
            class: `btn btn-small ${j.recused ? "" : "btn-quiet"}`,
            "data-testid": `recuse-${j.id}`,
            "aria-label": t(j.recused ? "unrecuse_named" : "recuse_named", { judge: j.name }),
            disabled: !canRecuse || isPending(`recuse:${j.id}`),
            onclick: () => recuse(j.id, !j.recused),
          },
          t(j.recused ? "unrecuse" : "recuse"),
        ),
      );
      if (canCorrect && !j.recused) {
        actions.push(
          h(
            "button",
            {
              type: "button",
              class: "btn btn-small btn-quiet",
              "data-testid": `judge-correct-${j.id}`,
              "aria-label": t("correct_named", { judge: j.name }),
              disabled: isPending(`correct:${j.id}:${current.id}`),
              onclick: () => openCorrection(j.id, current.id),
            },
            t("correct"),
          ),
        );
      }
    }
    return h(
      "tr",
      { "data-testid": `judge-row-${j.id}`, "data-status": st, class: `judge-row js-${st}` },
      h("th", { scope: "row" }, h("span", { class: "judge-name" }, j.name), j.title ? h("span", { class: "judge-title" }, j.title) : null),
      h(
        "td",
        { class: "judge-state" },
        current ? h("span", { class: `chip chip-${st}` }, scoreText) : null,
        j.submitted && j.version > 1 ? h("span", { class: "hint" }, ` (${t("amended")})`) : null,
        h(
          "span",
          { class: "conn-line" },
          h("span", { class: `dot ${j.connected ? "dot-on" : "dot-off"}`, "aria-hidden": "true" }),
          j.connected ? t("connected") : offlineText(j),
        ),
      ),
      h("td", { class: "num" }, j.total === null || j.total === undefined ? "—" : num(j.total)),
      h("td", { class: "actions" }, actions),
    );
  });
  $("judges-body").replaceChildren(...rows);
}

/** "not connected · 3 min" for an offline judge. */
export function offlineText(judge) {
  if (typeof judge.offline_since !== "number") return t("disconnected");
  return `${t("disconnected")} · ${duration(Math.max(0, live.serverNow() - judge.offline_since))}`;
}

export function renderScenes() {
  const s = screen();
  for (const button of document.querySelectorAll("[data-scene]")) {
    const name = button.dataset.scene;
    const active = name === s.scene;
    button.setAttribute("aria-pressed", active ? "true" : "false");
    button.classList.toggle("is-active", active);
    button.disabled = !s.scenes[name];
  }
}

