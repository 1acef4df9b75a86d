// The board's interludes (issue 16): the break (茶歇) counting down to the time the host set (section
// `interlude`), and the thanks scene (the event, its organiser and, when the event has them, the
// sponsors' logos).
//
// Stable hooks (data-testid): board-break (data-state = counting | over), board-break-clock,
// board-thanks.

import { formatClock, h, t } from "../live.js";
import { ctx, panels } from "./page.js";
import { eventPictures } from "./pictures.js";

let breakRefs = null;
let breakKey = null;

export function renderBreak() {
  const b = ctx.view.interlude && ctx.view.interlude.break;
  const key = b ? JSON.stringify(b) : null;
  if (key === breakKey) return tickBreak();
  breakKey = key;
  if (!b) {
    breakRefs = null;
    panels.break.replaceChildren(h("div", { class: "scene-empty" }, h("p", { class: "empty-title" }, t("break_title"))));
    return;
  }
  breakRefs = {};
  panels.break.replaceChildren(
    (breakRefs.root = h(
      "article",
      { class: "interlude break", "data-testid": "board-break", "data-state": "counting" },
      h("h1", { class: "interlude-title" }, t("break_title")),
      (breakRefs.label = h("p", { class: "interlude-label" }, t("break_back_in"))),
      (breakRefs.clock = h("p", { class: "interlude-clock", "data-testid": "board-break-clock" }, "00:00")),
      b.message ? h("p", { class: "interlude-message" }, b.message) : null
    ))
  );
  tickBreak();
}

/** The countdown, every quarter second (board.js): never below zero; then "we continue shortly". */
export function tickBreak() {
  const b = ctx.view.interlude && ctx.view.interlude.break;
  if (!breakRefs || !b) return;
  const remaining = Math.max(0, b.until - ctx.live.serverNow());
  const over = remaining <= 0;
  breakRefs.root.dataset.state = over ? "over" : "counting";
  const text = formatClock(Math.ceil(remaining));
  if (breakRefs.clock.textContent !== text) breakRefs.clock.textContent = text;
  breakRefs.clock.hidden = over;
  const label = t(over ? "break_over" : "break_back_in");
  if (breakRefs.label.textContent !== label) breakRefs.label.textContent = label;
}

export function renderThanks() {
  const ev = ctx.view.event || {};
  panels.thanks.replaceChildren(
    h(
      "article",
      { class: "interlude thanks", "data-testid": "board-thanks" },
      h("h1", { class: "interlude-title" }, t("thanks_title")),
      h("p", { class: "interlude-message" }, ev.title || ""),
      ev.organizer ? h("p", { class: "interlude-label" }, t("thanks_organizer"), " ", ev.organizer) : null,
      eventPictures(ctx.view).sponsors
    )
  );
}
