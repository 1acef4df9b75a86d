// The result scene: the revealed project's composite score, counted up, with its components and rank.

import { h, strings, t } from "../live.js";
import { rankWording } from "./state.js";
import { categoryChip, ctx, decimals, num, panels, plainNumber, reducedMotion } from "./page.js";
import { fitAll } from "./fit.js";
import { placePicture, projectPicture } from "./pictures.js";

const S = strings();
const COUNT_MS = 1800;
export const result = { key: null, animated: null, refs: null, anims: [] };

/** "provisional 1st · 1 of 18 revealed" while ranks can still change, "No. 1" at the end. */
function provisionalRank(rank) {
  const screen = ctx.screen || { provisional: false };
  const wording = rankWording(rank, screen);
  return t(wording.key, wording.params);
}

export function renderResult() {
  const panel = panels.result;
  const r = ctx.view.result;
  if (!r) {
    result.key = null;
    result.refs = null;
    panel.replaceChildren(h("div", { class: "scene-empty" }, h("p", { class: "empty-title" }, t("no_result"))));
    return;
  }
  const revealed = (ctx.view.leaderboard?.overall || []).length;
  const pictureUrl = (ctx.view.projects || []).find((p) => p.id === r.project)?.picture || null;
  const key = JSON.stringify([r.project, r.composite, r.panel, r.rank, r.tied, r.counted, r.dropped, revealed, r.anchor, pictureUrl]);
  if (key === result.key) return;
  result.key = key;
  const refs = {};
  const d = decimals();
  const weightTotal = (r.components || []).reduce((sum, c) => sum + (c.weight || 0), 0) || 1;
  const components = (r.components || []).map((c) => {
    const pct = typeof c.score_100 === "number" ? Math.max(0, Math.min(100, c.score_100)) : 0;
    const bar = h("span", { class: "comp-bar-fill" });
    bar.style.width = `${pct}%`;
    const name = c.id === "panel" ? t("panel_score") : c.name;
    return h(
      "li",
      { class: `comp${c.id === "panel" ? " comp-panel" : ""}`, "data-component": c.id },
      h("span", { class: "comp-name" }, name),
      h("span", { class: "comp-weight" }, `${plainNumber((100 * (c.weight || 0)) / weightTotal)}%`),
      h("span", { class: "comp-value" }, num(c.value, d), h("small", {}, ` / ${plainNumber(c.max)}`)),
      h("span", { class: "comp-bar", "aria-hidden": "true" }, bar),
      h("span", { class: "comp-points" }, c.contribution == null ? "—" : `+${num(c.contribution, d)}`)
    );
  });
  const flags = (r.flags || []).filter((f) => S[`flag_${f}`]).map((f) => h("li", {}, t(`flag_${f}`)));
  refs.composite = h("span", { class: "num" }, num(r.composite, d));
  refs.panel = h("span", { class: "num" }, num(r.panel, d));
  refs.rank = h(
    "p",
    { class: "result-rank" },
    h("span", { class: "label" }, t("rank")),
    h("b", {}, provisionalRank(r.rank)),
    r.tied ? h("span", { class: "chip chip-tied" }, t("tied")) : null
  );
  refs.bars = components.map((li) => li.querySelector(".comp-bar-fill"));
  const root = h(
    "article",
    { class: "result", "data-testid": "board-result", "data-project": r.project },
    h(
      "header",
      { class: "result-head" },
      h("p", { class: "kicker" }, t("scene_result")),
      categoryChip(r.category, r.category_name),
      h("h1", { class: "result-title", "data-fit": "", "data-fit-lines": "2" }, r.title),
      r.team ? h("p", { class: "result-team" }, r.team) : null
    ),
    h(
      "div",
      { class: "result-body" },
      h(
        "div",
        { class: "result-main" },
        h("p", { class: "result-label" }, t("composite")),
        h(
          "p",
          { class: "result-composite", "data-testid": "board-result-composite", "data-value": num(r.composite, d) },
          refs.composite,
          h("span", { class: "of" }, t("out_of", { max: 100 }))
        ),
        refs.rank
      ),
      h(
        "div",
        { class: "result-side" },
        h(
          "div",
          { class: "result-panel", "data-testid": "board-result-panel", "data-value": num(r.panel, d) },
          h("p", { class: "result-label" }, t("panel_score")),
          h(
            "p",
            { class: "result-panel-value" },
            refs.panel,
            h("span", { class: "of" }, ` / ${plainNumber(r.panel_max)}`)
          )
        ),
        h(
          "div",
          { class: "comps" },
          h(
            "p",
            { class: "comp comp-head", "aria-hidden": "true" },
            h("span", { class: "comp-name" }, t("col_component")),
            h("span", { class: "comp-weight" }, t("col_weight")),
            h("span", { class: "comp-value" }, t("col_score")),
            h("span", { class: "comp-bar" }),
            h("span", { class: "comp-points" }, t("col_points"))
          ),
          h("ol", { class: "comp-list" }, components)
        ),
        h(
          "p",
          { class: "result-counts" },
          h("span", {}, t("n_counted", { n: r.counted ?? 0 })),
          r.dropped ? h("span", {}, t("n_dropped", { n: r.dropped })) : null
        ),
        flags.length ? h("ul", { class: "result-flags" }, flags) : null
      )
    ),
    // the audit chain's anchor at this reveal (docs/reliability.md): small, in the corner
    r.anchor ? h("p", { class: "result-anchor", "data-testid": "board-anchor" }, t("anchor", r.anchor)) : null
  );
  placePicture(root.querySelector(".result-head"), projectPicture(ctx.view, r.project, "result-picture"));
  panel.replaceChildren(root);
  if (ctx.shown === "result") fitAll(panel);
  result.refs = refs;
  result.values = { composite: r.composite, panel: r.panel };
  if (ctx.shown === "result") animateResult();
}

function countUp(el, to, places, duration, delay = 0) {
  const start = performance.now() + delay;
  const frame = (now) => {
    if (!el.isConnected) return;
    const p = Math.max(0, Math.min(1, (now - start) / duration));
    const eased = 1 - (1 - p) ** 3;
    el.textContent = (to * eased).toFixed(places);
    if (p < 1) requestAnimationFrame(frame);
    else el.textContent = to.toFixed(places);
  };
  el.textContent = (0).toFixed(places);
  requestAnimationFrame(frame);
}

export function animateResult() {
  const refs = result.refs;
  if (!refs || result.animated === result.key) return;
  result.animated = result.key;
  if (reducedMotion()) return;
  const d = decimals();
  const { composite, panel } = result.values;
  if (typeof panel === "number") countUp(refs.panel, panel, d, COUNT_MS * 0.7);
  if (typeof composite === "number") countUp(refs.composite, composite, d, COUNT_MS, 300);
  refs.bars.forEach((bar, i) =>
    bar.animate([{ transform: "scaleX(0)" }, { transform: "scaleX(1)" }], {
      duration: 900,
      delay: 150 + i * 120,
      easing: "cubic-bezier(.2,.8,.2,1)",
      fill: "backwards",
    })
  );
  refs.rank.animate(
    [
      { opacity: 0, transform: "scale(.6)" },
      { opacity: 1, transform: "scale(1.08)", offset: 0.7 },
      { opacity: 1, transform: "scale(1)" },
    ],
    { duration: 700, delay: COUNT_MS + 350, easing: "ease-out", fill: "backwards" }
  );
}

