// The presenting scene: the project on stage, its stage timer and how many judges have scored.

import { formatClock, h, t, timerRemaining } from "../live.js";
import { categoryChip, ctx, currentProject, panels, reducedMotion } from "./page.js";
import { fitAll } from "./fit.js";
import { placePicture, projectPicture } from "./pictures.js";

const WARNING_SECONDS = 60;
export const presenting = { project: null, signature: null, refs: null };

function activeTimerName(timer) {
  if (!timer) return "presentation";
  if (timer.active === "presentation" || timer.active === "qa") return timer.active;
  const qa = timer.qa;
  if (qa && qa.duration > 0 && qa.elapsed_before > 0) return "qa";
  return "presentation";
}

export function renderPresenting() {
  const panel = panels.presenting;
  const p = currentProject();
  if (!p) {
    presenting.project = null;
    presenting.signature = null;
    presenting.refs = null;
    const upcoming = (ctx.view.projects || []).find((x) => x.id === ctx.view.current?.next);
    panel.replaceChildren(
      h(
        "div",
        { class: "presenting-empty" },
        h("p", { class: "empty-title" }, t("waiting")),
        upcoming
          ? h("p", { class: "empty-next" }, h("span", { class: "label" }, t("next_up")), " ", upcoming.title)
          : null
      )
    );
    return;
  }
  const total = (ctx.view.projects || []).length;
  const signature = JSON.stringify([p.id, p.title, p.team, p.leader, p.summary, p.category_name, p.position, total, p.picture]);
  if (presenting.signature !== signature || !presenting.refs) buildPresenting(p, presenting.project !== p.id);
  presenting.signature = signature;
  updatePresenting(p);
}

function buildPresenting(p, isNewProject) {
  const refs = {};
  const total = (ctx.view.projects || []).length;
  refs.timer = h(
    "div",
    { class: "timer", "data-testid": "board-timer", "data-state": "paused" },
    (refs.timerLabel = h("p", { class: "timer-label" })),
    (refs.timerClock = h("p", { class: "timer-clock" }, "00:00")),
    (refs.timerStatus = h("p", { class: "timer-status" }))
  );
  refs.progress = h(
    "div",
    { class: "progress", "data-testid": "board-progress" },
    h(
      "p",
      { class: "progress-figure" },
      (refs.submitted = h("b", {}, "0")),
      h("span", { class: "progress-of" }, " / "),
      (refs.expected = h("span", { class: "progress-expected" }, "0"))
    ),
    (refs.pips = h("p", { class: "progress-pips", "aria-hidden": "true" })),
    h("p", { class: "progress-label" }, t("judges_scored")),
    (refs.status = h("p", { class: "progress-status" }))
  );
  refs.next = h("p", { class: "presenting-next" });
  const longTitle = [...(p.title || "")].length > 20; // three lines at full size would crowd the timer
  const teamLine = [];
  if (p.team) teamLine.push(h("span", { class: "presenting-teamname" }, p.team));
  if (p.leader) {
    teamLine.push(
      h("span", { class: "presenting-leader" }, h("span", { class: "label" }, t("leader")), " ", p.leader)
    );
  }
  const root = h(
    "article",
    { class: "presenting", "data-project": p.id },
    h(
      "div",
      { class: `presenting-info${longTitle ? " is-long" : ""}` },
      h(
        "div",
        { class: "presenting-head" },
        h("p", { class: "kicker" }, t("now_presenting")),
        categoryChip(p.category, p.category_name),
      h(
        "p",
        { class: "presenting-pos" },
        h("span", { class: "label" }, t("position_label")),
        " ",
        h("b", {}, String(p.position)),
          h("span", { class: "of" }, ` / ${total}`)
        )
      ),
      h(
        "h1",
        { class: `presenting-title${longTitle ? " is-long" : ""}`, "data-testid": "board-project-title", "data-fit": "", "data-fit-lines": "3" },
        p.title
      ),
      teamLine.length ? h("p", { class: "presenting-team" }, teamLine) : null,
      p.summary ? h("p", { class: "presenting-summary" }, p.summary) : null
    ),
    h("div", { class: "presenting-foot" }, refs.timer, refs.progress),
    refs.next
  );
  placePicture(root.querySelector(".presenting-info"), projectPicture(ctx.view, p.id, "presenting-picture"));
  panels.presenting.replaceChildren(root);
  if (ctx.shown === "presenting") fitAll(root);
  presenting.project = p.id;
  presenting.refs = refs;
  if (isNewProject && !reducedMotion() && ctx.shown === "presenting") {
    root.animate([{ opacity: 0, transform: "translateY(2vh)" }, { opacity: 1, transform: "none" }], {
      duration: 600,
      easing: "cubic-bezier(.2,.8,.2,1)",
    });
  }
}

function updatePresenting(p) {
  const refs = presenting.refs;
  const progress = ctx.view.progress || {};
  const mine = progress.project === p.id;
  const submitted = mine ? progress.submitted || 0 : 0;
  const expected = mine ? progress.expected || 0 : 0;
  refs.submitted.textContent = String(submitted);
  refs.expected.textContent = String(expected);
  refs.progress.dataset.submitted = String(submitted);
  refs.progress.dataset.expected = String(expected);
  refs.progress.classList.toggle("is-complete", expected > 0 && submitted >= expected);
  if (refs.pips.childElementCount !== expected || refs.pips.dataset.filled !== String(submitted)) {
    const pips = [];
    for (let i = 0; i < Math.min(expected, 40); i += 1) {
      pips.push(h("span", { class: i < submitted ? "pip on" : "pip" }));
    }
    refs.pips.replaceChildren(...pips);
    refs.pips.dataset.filled = String(submitted);
  }
  const status = ctx.view.current?.status || p.status;
  const statusKey =
    status === "scoring"
      ? "scoring_open"
      : status === "closed" || status === "revealed"
        ? "scoring_closed"
        : "scoring_not_open";
  refs.status.textContent = t(statusKey);
  refs.progress.dataset.status = status || "";
  const upcoming = (ctx.view.projects || []).find((x) => x.id === ctx.view.current?.next);
  refs.next.replaceChildren();
  if (upcoming) refs.next.append(h("span", { class: "label" }, t("next_up")), " ", upcoming.title);
  refs.next.hidden = !upcoming;
  tickTimer();
}

export function tickTimer() {
  const refs = presenting.refs;
  if (!refs) return;
  const timer = ctx.view.timer;
  const name = activeTimerName(timer);
  const T = timer?.[name];
  if (!T) return;
  const remaining = timerRemaining(T, ctx.live.serverNow());
  const started = T.running || T.elapsed_before > 0;
  let state;
  if (!T.running) state = "paused";
  else if (remaining < 0) state = "overtime";
  else if (remaining < WARNING_SECONDS) state = "warning";
  else state = "normal";
  const clock = formatClock(remaining);
  const parts = [];
  if (!started) parts.push(t("timer_ready"));
  else if (!T.running) parts.push(t("paused"));
  if (remaining < 0) parts.push(t("overtime")); // the clock next to it reads "+00:12"
  else if (started && remaining < WARNING_SECONDS) parts.push(t("time_up_soon"));
  else if (T.running) parts.push(t("time_left"));
  const statusText = parts.join(" · ");
  const label = t(name === "qa" ? "qa" : "presentation");
  if (refs.timer.dataset.state !== state) refs.timer.dataset.state = state;
  refs.timer.dataset.timer = name;
  refs.timer.classList.toggle("is-over", remaining < 0);
  if (refs.timerClock.textContent !== clock) refs.timerClock.textContent = clock;
  if (refs.timerLabel.textContent !== label) refs.timerLabel.textContent = label;
  if (refs.timerStatus.textContent !== statusText) refs.timerStatus.textContent = statusText;
}

