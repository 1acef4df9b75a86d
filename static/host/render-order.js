// The running order: reorder arrows on the right of each pending row; starting a project out of turn
// sits in the row's menu on the left, out of accidental reach (and asks first if it interrupts).

import { t, h } from "../live.js";
import { $, ui, changed, isPending, online, projects, screen, statusBadge } from "./context.js";
import { move, movedOrder, startProject } from "./actions.js";

export function renderOrder() {
  if (!changed("order", [ui.view.projects, ui.view.current, ui.view.ceremony, ui.status, ui.rev])) return;
  const s = screen();
  const list = $("order-list");
  const all = projects();
  const order = all.map((p) => p.id);
  const currentId = ui.view.current && ui.view.current.project;
  $("order-count").textContent = all.length ? t("order_count", { n: all.length }) : "";
  const items = all.map((p) => {
    const isCurrent = p.id === currentId;
    const actions = [];
    if (p.status === "pending") {
      const upOk = online() && !isPending("reorder") && movedOrder(order, p.id, -1) !== null;
      const downOk = online() && !isPending("reorder") && movedOrder(order, p.id, 1) !== null;
      actions.push(
        h(
          "button",
          {
            type: "button",
            class: "btn btn-icon",
            "data-testid": `move-up-${p.id}`,
            "aria-label": t("move_up_named", { title: p.title }),
            title: t("move_up"),
            disabled: !upOk,
            onclick: () => move(p.id, -1),
          },
          "↑",
        ),
        h(
          "button",
          {
            type: "button",
            class: "btn btn-icon",
            "data-testid": `move-down-${p.id}`,
            "aria-label": t("move_down_named", { title: p.title }),
            title: t("move_down"),
            disabled: !downOk,
            onclick: () => move(p.id, 1),
          },
          "↓",
        ),
      );
    }
    const menu = s.startable.has(p.id) ? rowMenu(p, s) : null;
    return h(
      "li",
      {
        class: `order-item os-${p.status}${isCurrent ? " is-current" : ""}`,
        "data-testid": `order-item-${p.id}`,
        "data-status": p.status,
        "aria-current": isCurrent ? "true" : null,
      },
      h("span", { class: "order-pos", "aria-hidden": "true" }, String(p.position)),
      h("div", { class: "order-menu" }, menu),
      h(
        "div",
        { class: "order-info" },
        h("span", { class: "order-title" }, p.title),
        h("span", { class: "order-meta" }, [p.team, p.category_name].filter(Boolean).join(" · ")),
      ),
      h("div", { class: "order-side" }, statusBadge(p.status), actions.length ? h("div", { class: "order-actions" }, actions) : null),
    );
  });
  list.replaceChildren(...items);
}

/** A row's menu: "Start now" (or "Return to it" for an interrupted project), closed by default.
 * Which menu is open lives in `ui`, so a live update (a judge's score) that redraws the list does
 * not close it under the host's pointer. */
function rowMenu(p, s) {
  const details = h(
    "details",
    {
      class: "row-menu",
      open: ui.openRowMenu === p.id,
      ontoggle: () => {
        if (details.open) ui.openRowMenu = p.id;
        else if (ui.openRowMenu === p.id) ui.openRowMenu = null;
      },
    },
    h(
      "summary",
      { "data-testid": `row-menu-${p.id}`, "aria-label": t("row_menu_named", { title: p.title }), title: t("row_menu") },
      "⋯",
    ),
    h(
      "div",
      { class: "row-menu-body" },
      h(
        "button",
        {
          type: "button",
          class: "btn btn-small",
          "data-testid": `start-${p.id}`,
          "aria-label": t("start_named", { title: p.title }),
          disabled: !s.canStart(p.id),
          onclick: () => {
            details.open = false;
            ui.openRowMenu = null;
            startProject(p.id);
          },
        },
        t(p.status === "pending" ? "start_now" : "return_to"),
      ),
    ),
  );
  return details;
}
