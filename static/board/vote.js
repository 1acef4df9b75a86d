// The audience vote on the projector: the "scan to vote" corner with the live number of votes while the
// host has the vote open (never who leads), and the people's-choice scene after the host reveals it,
// with bars that grow to each project's share. The audience phones show the same scene.
//
// data-testid hooks: board-vote (the corner; data-count), board-people-choice (the scene; data-rows),
// board-pc-<projectId> (one bar; data-rank, data-votes).

import { h, t } from "../live.js";
import { AUDIENCE, ctx, panels, reducedMotion } from "./page.js";
import { shortTitle } from "./state.js";

const corner = document.getElementById("board-vote");

/** The corner: shown while voting is open, on every projector scene. */
export function renderVoteCorner() {
  if (!corner || AUDIENCE) return;
  const vote = ctx.view.vote || {};
  corner.hidden = !(vote.enabled && vote.open);
  const count = Number.isInteger(vote.count) ? vote.count : 0;
  corner.dataset.count = String(count);
  const project = vote.project ? (ctx.view.projects || []).find((p) => p.id === vote.project) : null;
  const label = document.getElementById("board-vote-label");
  if (label) label.textContent = project ? t("vote_scan_project", { title: shortTitle(project) }) : t("vote_scan");
  const counter = document.getElementById("board-vote-count");
  if (counter) counter.textContent = t("vote_count", { n: count });
}

function bar(row, project, vote, widest) {
  const fill = h("span", { class: "pc-bar-fill" });
  const share = widest > 0 ? (100 * (vote.mode === "stars" ? row.mean_stars || 0 : row.votes)) / widest : 0;
  fill.style.width = reducedMotion() ? `${share}%` : "0%";
  fill.dataset.width = `${share}%`;
  const amount = vote.mode === "stars" ? t("vote_mean_stars", { stars: row.mean_stars ?? "—", n: row.votes }) : t("vote_votes", { n: row.votes });
  return h(
    "li",
    { class: "pc-row", "data-testid": `board-pc-${row.project}`, "data-rank": String(row.rank), "data-votes": String(row.votes) },
    h("span", { class: "pc-rank" }, String(row.rank)),
    h("span", { class: "pc-title" }, project ? shortTitle(project) : row.project),
    h("span", { class: "pc-bar" }, fill),
    h("span", { class: "pc-amount" }, amount),
  );
}

let shownKey = "";

/** The people's-choice scene: the revealed tally, best first. */
export function renderPeopleChoice() {
  const panel = panels.people_choice;
  if (!panel) return;
  const vote = ctx.view.vote || {};
  const revealed = vote.revealed;
  if (!revealed) {
    panel.replaceChildren(h("div", { class: "scene-empty" }, h("p", { class: "empty-title" }, t("vote_not_revealed"))));
    shownKey = "";
    return;
  }
  const key = JSON.stringify(revealed);
  if (key === shownKey) return;
  shownKey = key;
  const rows = revealed.projects.filter((r) => r.votes > 0);
  const widest = Math.max(0, ...rows.map((r) => (vote.mode === "stars" ? r.mean_stars || 0 : r.votes)));
  const projects = ctx.view.projects || [];
  const list = h("ol", { class: "pc-list" }, ...rows.map((r) => bar(r, projects.find((p) => p.id === r.project), vote, widest)));
  panel.replaceChildren(
    h(
      "div",
      { class: "pc", "data-testid": "board-people-choice", "data-rows": String(rows.length) },
      h("p", { class: "kicker" }, t("scene_people_choice")),
      h("h2", { class: "pc-heading" }, t("vote_voters", { n: revealed.voters })),
      list,
    ),
  );
  // Grow the bars once they are on screen (the hall watches them race).
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      for (const fill of list.querySelectorAll(".pc-bar-fill")) fill.style.width = fill.dataset.width;
    }),
  );
}
