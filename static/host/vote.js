// The host's audience-vote panel (大众评审): open, close and reveal the vote, how many have voted, and
// what looks like stuffing (many phones from one address, a ticket tried on a second phone, phones
// voting too fast). Reads the `vote` and `vote_watch` sections (docs/protocol.md). Revealing shows the
// tally to the hall, so it is guarded by what it will show; closing can be undone by opening again.

import { h, t } from "../live.js";
import { ui, run, isPending, currentProject } from "./context.js";

const $ = (id) => document.getElementById(id);

export function wireVote({ ask }) {
  if (!$("vote-panel")) return;
  $("vote-open").addEventListener("click", () => {
    const vote = ui.view.vote || {};
    const current = currentProject();
    run("vote", "vote_open", vote.window === "per_project" && current ? { project: current.id } : {});
  });
  $("vote-close").addEventListener("click", () => run("vote", "vote_close"));
  $("vote-reveal").addEventListener("click", async () => {
    const vote = ui.view.vote || {};
    const { ok } = await ask({ message: t("vote_confirm_reveal", { n: vote.count || 0, voters: vote.voters || 0 }), okLabel: t("vote_reveal") });
    if (ok) run("vote", "vote_reveal");
  });
  $("vote-show").addEventListener("click", () => run("scene", "scene", { scene: "people_choice" }));
}

function refusals(watch) {
  const refused = watch.refused || {};
  const items = Object.entries(refused)
    .filter(([, n]) => n > 0)
    .map(([code, n]) => h("li", { "data-testid": `vote-refused-${code}` }, t(`vote_refused_${code}`, { n })));
  const addresses = (watch.top_addresses || []).map((a) => h("li", { "data-testid": "vote-address" }, t("vote_address", { address: a.address, n: a.voters })));
  return [...addresses, ...items];
}

export function renderVote() {
  const panel = $("vote-panel");
  if (!panel) return;
  const vote = ui.view.vote || {};
  const watch = ui.view.vote_watch || {};
  const online = ui.status === "online";
  const busy = isPending("vote");
  const current = currentProject();
  const perProject = vote.window === "per_project";
  const project = vote.project ? (ui.view.projects || []).find((p) => p.id === vote.project) : null;
  let state = vote.open ? t("vote_state_open") : t("vote_state_closed");
  if (vote.open && project) state = t("vote_state_open_for", { title: project.title });
  $("vote-state").textContent = state;
  $("vote-state").dataset.open = vote.open ? "1" : "0";
  $("vote-count").textContent = t("vote_cast", { n: vote.count || 0, voters: vote.voters || 0 });
  $("vote-count").dataset.count = String(vote.count || 0);
  const openLabel = perProject && current ? t("vote_open_for", { title: current.title }) : t("vote_open");
  $("vote-open").textContent = openLabel;
  $("vote-open").disabled = !online || busy || vote.open || (perProject && !current);
  $("vote-close").disabled = !online || busy || !vote.open;
  $("vote-reveal").disabled = !online || busy || vote.open || !vote.count;
  $("vote-show").disabled = !online || isPending("scene") || !vote.revealed;
  const pending = watch.waiting ? [h("li", {}, t("vote_waiting", { n: watch.waiting }))] : [];
  const tickets = vote.tickets ? [h("li", {}, t("vote_tickets_issued", { n: watch.tickets_issued || 0 }))] : [];
  const list = [...pending, ...tickets, ...refusals(watch)];
  $("vote-watch").replaceChildren(...(list.length ? list : [h("li", { class: "hint" }, t("vote_nothing_suspicious"))]));
}
