// The audience phone's vote panel (大众评审; docs/protocol.md "Audience votes", the `vote` section).
// Large targets; "Vote saved ✓" only after the server's ack (the vote is on disk); the vote can be
// changed until the host closes it (the latest counts); votes wait in the connection's outbox while the
// phone is offline and are resent with the same id. Plain DOM and localStorage only (WeChat's browser).
//
// data-testid hooks: vote-panel (data-state = open | closed), vote-choice-<projectId> (aria-pressed:
// this phone's counted vote), vote-star-<projectId>-<n>, vote-ticket (the ticket code input), vote-status
// (data-state = idle | sending | saved | error | offline | closed).

import { eventKey, h, t } from "../live.js";
import { app, ctx } from "./page.js";

const MINE_KEY = eventKey("roadshow-vote-mine"); // {ballot key: choice} acknowledged by the server
const VOTER_KEY = eventKey("roadshow-voter"); // each event of a season signs its own voter ids
const TICKET_KEY = eventKey("roadshow-vote-ticket");

const panel = document.getElementById("vote-panel");
let status = { state: "idle", text: "" };

function stored(key, fallback) {
  try {
    const value = localStorage.getItem(key);
    return value === null ? fallback : JSON.parse(value);
  } catch (err) {
    return fallback;
  }
}

function store(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch (err) {
    /* private mode: this page still works until it is reloaded */
  }
}

/** The code of the ticket slip whose QR code opened this page (`?ticket=`): read here, not rendered by
 * the server, so the compressed page holds no visitor-chosen text beside the voter id (BREACH). */
function slipTicket() {
  const code = new URLSearchParams(location.search).get("ticket") || "";
  return /^[A-Za-z0-9]{1,32}$/.test(code) ? code.toUpperCase() : "";
}

/** This phone's voter id: the one kept in local storage (survives a cleared cookie), else the page's. */
function voterId() {
  const kept = stored(VOTER_KEY, null);
  if (typeof kept === "string" && kept) return kept;
  const given = app.dataset.voter || "";
  if (given) store(VOTER_KEY, given);
  return given;
}

export const votingEnabled = () => Boolean(panel && app.dataset.voter);

/** The ballot key a choice belongs to (as the server computes it): what "my vote" is looked up by. */
function ballotKey(vote, projectId) {
  if (vote.mode === "one_per_event") return "event";
  if (vote.mode === "stars") return projectId;
  const p = (ctx.view.projects || []).find((x) => x.id === projectId);
  return p ? p.category : "";
}

function send(vote, choice, project) {
  const fields = { voter: voterId(), choice };
  if (project) fields.project = project;
  if (vote.tickets) {
    const input = document.getElementById("vote-ticket");
    const ticket = stored(TICKET_KEY, "") || (input ? input.value.trim() : "");
    if (ticket) fields.ticket = ticket;
  }
  status = navigator.onLine === false ? { state: "offline", text: t("vote_offline") } : { state: "sending", text: t("vote_sending") };
  ctx.live.vote(fields).catch(() => {}); // the ack (or refusal) arrives through onVoteAck
  renderBallot();
}

/** The server's answer to a vote (from this page or a resend after a reload). */
export function onVoteAck(ack, entry) {
  if (!entry || entry.type !== "vote") return;
  if (ack.ok) {
    const mine = stored(MINE_KEY, {});
    mine[ack.key] = ack.choice;
    store(MINE_KEY, mine);
    if (entry.ticket) store(TICKET_KEY, entry.ticket);
    status = { state: "saved", text: t("vote_saved") };
  } else {
    status = { state: "error", text: (ack.error && ack.error.message) || t("vote_failed") };
  }
  renderBallot();
}

function projectsToVoteFor(vote) {
  const projects = ctx.view.projects || [];
  // a per-project window rates the project it is open for; one window at the end covers every project
  if (vote.window === "per_project") return projects.filter((p) => p.id === vote.project);
  return projects;
}

function choiceButton(vote, project, mine, open) {
  const chosen = mine[ballotKey(vote, project.id)] === project.id;
  const button = h(
    "button",
    { type: "button", class: "vote-choice", "data-testid": `vote-choice-${project.id}`, "aria-pressed": chosen ? "true" : "false" },
    h("span", { class: "vote-choice-title" }, project.title),
    h("span", { class: "vote-choice-team" }, project.team),
  );
  button.disabled = !open;
  button.addEventListener("click", () => send(vote, project.id, null));
  return button;
}

function starButtons(vote, project, mine, open) {
  const given = mine[project.id];
  const row = h("div", { class: "vote-stars", role: "group", "aria-label": t("vote_stars_label") });
  for (let n = 1; n <= 5; n += 1) {
    const button = h(
      "button",
      { type: "button", class: "vote-star", "data-testid": `vote-star-${project.id}-${n}`, "aria-pressed": given === n ? "true" : "false", "aria-label": t("vote_n_stars", { n }) },
      n <= (given || 0) ? "★" : "☆",
    );
    button.disabled = !open;
    button.addEventListener("click", () => send(vote, n, project.id));
    row.append(button);
  }
  return h("section", { class: "vote-group" }, h("h3", {}, project.title), row);
}

function ticketField(vote) {
  if (!vote.tickets || stored(TICKET_KEY, "")) return null;
  const input = h("input", { id: "vote-ticket", "data-testid": "vote-ticket", autocomplete: "off", autocapitalize: "characters", maxlength: "32", inputmode: "text" });
  input.value = slipTicket();
  return h("label", { class: "vote-ticket" }, h("span", {}, t("vote_ticket_label")), input);
}

function heading(vote) {
  if (vote.mode === "stars") return vote.window === "per_project" ? t("vote_title_stars") : t("vote_title_stars_all");
  return vote.mode === "one_per_category" ? t("vote_title_category") : t("vote_title_event");
}

export function renderBallot() {
  if (!votingEnabled()) return;
  const vote = ctx.view.vote;
  const mine = stored(MINE_KEY, {});
  if (!vote || !vote.enabled || (!vote.open && !Object.keys(mine).length)) {
    panel.hidden = true;
    return;
  }
  const open = Boolean(vote.open);
  const waiting = ctx.live ? ctx.live.pending().filter((c) => c.type === "vote").length : 0;
  let shown = status;
  if (!open) shown = { state: "closed", text: t("vote_closed") };
  else if (waiting && status.state !== "error") shown = navigator.onLine === false ? { state: "offline", text: t("vote_offline") } : { state: "sending", text: t("vote_sending") };
  const body = [h("h2", {}, heading(vote)), ticketField(vote)].filter(Boolean);
  const projects = projectsToVoteFor(vote);
  if (vote.mode === "stars") {
    for (const p of projects) body.push(starButtons(vote, p, mine, open));
  } else if (vote.mode === "one_per_category") {
    for (const c of ctx.view.event?.categories || []) {
      const inCategory = projects.filter((p) => p.category === c.id);
      if (inCategory.length) body.push(h("section", { class: "vote-group" }, h("h3", {}, c.name), ...inCategory.map((p) => choiceButton(vote, p, mine, open))));
    }
  } else {
    body.push(h("div", { class: "vote-group" }, ...projects.map((p) => choiceButton(vote, p, mine, open))));
  }
  body.push(h("p", { class: "vote-status", "data-testid": "vote-status", "data-state": shown.state, role: "status" }, shown.text));
  if (open) body.push(h("p", { class: "vote-hint" }, t("vote_change_hint")));
  panel.replaceChildren(...body);
  panel.dataset.state = open ? "open" : "closed";
  panel.hidden = false;
}

if (votingEnabled()) {
  window.addEventListener("online", renderBallot);
  window.addEventListener("offline", renderBallot);
}
