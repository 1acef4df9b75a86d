// The commentary scene (专家点评): the judge speaking (name, title, affiliation), what about (a
// project or the whole event), the speaking timer with the stage timer's states, and the points the
// host chose from that judge's SHARED points (section `commentary`, docs/protocol.md; the server
// never sends a point that is not both shared and chosen).
//
// Stable hooks (data-testid): board-commentary (data-judge, data-project), board-commentary-name,
// board-commentary-timer (data-state = normal | warning | overtime | paused), board-commentary-point
// (one per point shown; data-kind = highlight | suggestion).

import { formatClock, h, t, timerRemaining } from "../live.js";
import { clockState } from "./state.js";
import { ctx, panels } from "./page.js";
import { fitAll } from "./fit.js";
import { picture } from "./pictures.js";

let refs = null;
let signature = null;

export function renderCommentary() {
  const c = ctx.view.commentary;
  const panel = panels.commentary;
  if (!c) {
    refs = null;
    signature = null;
    panel.replaceChildren(h("div", { class: "scene-empty" }, h("p", { class: "empty-title" }, t("scene_commentary"))));
    return;
  }
  const sig = JSON.stringify([c.judge, c.project, c.points, Boolean(c.timer)]);
  if (sig !== signature) {
    signature = sig;
    build(c);
  }
  tickCommentary();
}

function build(c) {
  const j = c.judge;
  const about = c.project ? [c.project.title, c.project.team].filter(Boolean).join(" · ") : t("commentary_about_event");
  refs = {};
  const timer = c.timer
    ? (refs.timer = h(
        "div",
        { class: "timer commentary-timer", "data-testid": "board-commentary-timer", "data-state": "paused" },
        h("p", { class: "timer-label" }, t("commentary_speaking")),
        (refs.clock = h("p", { class: "timer-clock" }, "00:00"))
      ))
    : null;
  const points = c.points.map((p) =>
    h(
      "li",
      { class: `commentary-point is-${p.kind}`, "data-testid": "board-commentary-point", "data-kind": p.kind },
      h("span", { class: "chip commentary-kind" }, t(`point_${p.kind}`)),
      h("span", { class: "commentary-text" }, p.text)
    )
  );
  const root = h(
    "article",
    { class: "commentary", "data-testid": "board-commentary", "data-judge": j.id, "data-project": c.project ? c.project.id : "" },
    h(
      "header",
      { class: `commentary-head${j.portrait ? " has-portrait" : ""}` },
      picture(j.portrait, "commentary-portrait", "board-picture", `judge:${j.id}`),
      h("p", { class: "kicker" }, t("scene_commentary")),
      h("h1", { class: "commentary-name", "data-testid": "board-commentary-name", "data-fit": "", "data-fit-lines": "1" }, j.name),
      j.title || j.affiliation
        ? h("p", { class: "commentary-role" }, [j.affiliation, j.title].filter(Boolean).join(" · "))
        : null,
      h("p", { class: "commentary-about" }, about)
    ),
    points.length ? h("ul", { class: "commentary-points" }, points) : null,
    timer
  );
  panels.commentary.replaceChildren(root);
  if (ctx.shown === "commentary") fitAll(root);
}

/** The speaking clock, every quarter second (board.js). */
export function tickCommentary() {
  const T = ctx.view.commentary && ctx.view.commentary.timer;
  if (!refs || !refs.timer || !T) return;
  const remaining = timerRemaining(T, ctx.live.serverNow());
  const state = clockState(T.running, remaining);
  if (refs.timer.dataset.state !== state) refs.timer.dataset.state = state;
  refs.timer.classList.toggle("is-over", remaining < 0);
  const text = formatClock(remaining);
  if (refs.clock.textContent !== text) refs.clock.textContent = text;
}
