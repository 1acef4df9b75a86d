// The judge's comment points for the commentary (专家点评): short highlights (亮点) and suggestions
// (建议) on the project on stage, each shared or private (docs/protocol.md: save_point, delete_point,
// my_points). Only a shared point can be put on the board by the host; a private one never leaves
// this judge's own view. Commands go through the outbox like a score, so nothing typed is lost.
//
// Stable hooks (data-testid): points (the card), points-project (which project: the one on stage
// unless the judge picks another that has presented), point-text (the input), point-kind-highlight /
// point-kind-suggestion (the kind buttons), point-shared (share the new point), point-add,
// point-<id> (one point; data-shared, data-pending), point-share-<id> (its share toggle), point-delete-<id>.

import { h, t } from "../live.js";
import { $, projectById, state } from "./page.js";

export const MAX_POINT_TEXT = 200;
const MAX_POINTS = 10;
let kind = "highlight";
let root = null;
let signature = "";
let picked = null; // a project the judge chose in the card's list; null: follow the project on stage
let followed = null; // the project on stage when the card last rendered

function newPointId() {
  const bytes = new Uint8Array(6);
  crypto.getRandomValues(bytes);
  return `pt-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

const recusedFrom = () => (state.view.me && state.view.me.recused) || [];

/** The project the points are for: the one the judge picked, else the one on stage (never one this
 * judge is recused from). A new project on stage takes over from an earlier pick. */
function pointsProject() {
  const onStage = (state.view.current && state.view.current.project) || null;
  if (onStage !== followed) {
    followed = onStage;
    picked = null;
  }
  const pid = picked || onStage || (state.view.projects || []).find((p) => p.status !== "pending")?.id || null;
  return pid && !recusedFrom().includes(pid) ? pid : null;
}

/** The judge's points on a project: what the server holds, with unacknowledged edits laid over it. */
export function pointsFor(pid) {
  const byId = new Map(((state.view.my_points || {})[pid] || []).map((p) => [p.id, { ...p, pending: false }]));
  for (const c of state.live ? state.live.pending() : []) {
    if (!c.args || c.args.project !== pid) continue;
    if (c.cmd === "save_point") byId.set(c.args.point, { id: c.args.point, kind: c.args.kind, text: c.args.text, shared: c.args.shared, pending: true });
    else if (c.cmd === "delete_point") byId.delete(c.args.point);
  }
  return [...byId.values()];
}

function send(cmd, args) {
  state.live.command(cmd, args).then(
    () => renderPoints(true),
    (error) => {
      const box = $("point-error");
      box.textContent = (error && error.message) || t("error");
      box.hidden = false;
      renderPoints(true);
    }
  );
  $("point-error").hidden = true;
  renderPoints(true);
}

function addPoint() {
  const pid = pointsProject();
  const input = $("point-text");
  const text = input.value.trim().slice(0, MAX_POINT_TEXT);
  if (!pid || !text) return;
  send("save_point", { project: pid, point: newPointId(), kind, text, shared: $("point-shared").checked });
  input.value = "";
  $("point-shared").checked = false; // private unless the judge shares each point on purpose
  input.focus();
}

function build() {
  const kindButton = (name) =>
    h("button", {
      type: "button",
      class: "j-btn j-btn-small j-point-kind",
      "data-kind": name,
      "data-testid": `point-kind-${name}`,
      "aria-pressed": String(kind === name),
      onclick: () => {
        kind = name;
        for (const b of root.querySelectorAll(".j-point-kind")) b.setAttribute("aria-pressed", String(b.dataset.kind === kind));
      },
    }, t(`point_${name}`));
  root = h(
    "details",
    { class: "j-card j-mine j-points", id: "points", "data-testid": "points", open: true },
    h("summary", {}, h("span", {}, t("points_title")), " ", h("span", { class: "j-badge", id: "points-count" }, "0")),
    h("p", { class: "hint" }, t("points_hint")),
    h(
      "label",
      { class: "j-points-project" },
      h("select", {
        id: "points-project",
        "data-testid": "points-project",
        "aria-label": t("points_project"),
        onchange: (e) => {
          picked = e.target.value || null;
          renderPoints(true);
        },
      })
    ),
    h("ol", { class: "j-mine-list j-points-list", id: "points-list" }),
    h("p", { class: "j-point-error", id: "point-error", role: "alert", "data-testid": "point-error", hidden: true }),
    h(
      "form",
      { class: "j-point-form", id: "point-form", onsubmit: (e) => (e.preventDefault(), addPoint()) },
      h("div", { class: "j-point-kinds", role: "group", "aria-label": t("point_kind") }, kindButton("highlight"), kindButton("suggestion")),
      h("input", { id: "point-text", type: "text", "aria-label": t("point_text"), maxlength: String(MAX_POINT_TEXT), autocomplete: "off", "data-testid": "point-text", placeholder: t("point_placeholder") }),
      h("label", { class: "j-point-share" }, h("input", { type: "checkbox", id: "point-shared", "data-testid": "point-shared" }), " ", t("point_share")),
      h("button", { type: "submit", class: "j-btn j-btn-primary", id: "point-add", "data-testid": "point-add" }, t("point_add"))
    )
  );
  $("points-root").replaceChildren(root);
}

function row(pid, p) {
  return h(
    "li",
    { class: "j-mine-row j-point", "data-testid": `point-${p.id}`, "data-shared": String(!!p.shared), "data-pending": String(!!p.pending) },
    h("span", { class: `j-chip j-point-chip is-${p.kind}` }, t(`point_${p.kind}`)),
    h("span", { class: "j-mine-main j-point-text" }, p.text),
    h(
      "label",
      { class: "j-point-toggle" },
      h("input", {
        type: "checkbox",
        "data-testid": `point-share-${p.id}`,
        checked: !!p.shared,
        onchange: (e) => send("save_point", { project: pid, point: p.id, kind: p.kind, text: p.text, shared: e.target.checked }),
      }),
      " ",
      t(p.shared ? "point_shared" : "point_private")
    ),
    h("button", { type: "button", class: "j-btn j-btn-small", "data-testid": `point-delete-${p.id}`, "aria-label": t("point_delete"), onclick: () => send("delete_point", { project: pid, point: p.id }) }, "✕")
  );
}

/** Render the card; `force` after a local edit (the view may not have changed). */
export function renderPoints(force = false) {
  if (!root) build();
  const pid = pointsProject();
  root.hidden = !pid;
  if (!pid) return;
  const points = pointsFor(pid);
  const sig = JSON.stringify([pid, points]);
  if (!force && sig === signature) return;
  signature = sig;
  const select = $("points-project");
  const options = (state.view.projects || []).filter((p) => p.status !== "pending" && !recusedFrom().includes(p.id));
  if (!options.some((p) => p.id === pid) && projectById(pid)) options.unshift(projectById(pid));
  const optionsSig = JSON.stringify(options.map((p) => [p.id, p.title]));
  if (select.dataset.sig !== optionsSig) {
    select.dataset.sig = optionsSig;
    select.replaceChildren(...options.map((p) => h("option", { value: p.id }, p.title)));
  }
  select.value = pid;
  $("points-count").textContent = String(points.length);
  $("points-list").replaceChildren(...points.map((x) => row(pid, x)));
  const full = points.length >= MAX_POINTS;
  $("point-add").disabled = full;
  $("point-text").disabled = full;
}
