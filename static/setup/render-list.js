// The setup area's lists as tables: one row per item, one input per column (the project's "More" fields
// in a second row that opens and closes). Every input carries `data-field` with its path
// (`projects[3].indicators.sat`) and data-list / data-index / data-key for the edit handlers.

import { h, t } from "../live.js";
import { state, byId } from "./context.js";
import { str, namesText, fieldId } from "./model.js";
import { LISTS, colLabel, rowLabel, columnsOf, pathOf, valueOf, isDisabled } from "./lists.js";

export function fillSelect(select, options, value, required) {
  const current = str(value);
  const items = [];
  if (!current || !required) items.push({ value: "", label: t(required ? "choose" : "none_option") });
  for (const o of options) items.push(o);
  if (current && !options.some((o) => o.value === current)) {
    items.push({ value: current, label: t("unknown_option", { id: current }) });
  }
  select.replaceChildren(...items.map((o) => h("option", { value: o.value }, o.label)));
  select.value = current;
}

function control(list, index, col) {
  const row = state.model[list][index];
  const path = pathOf(list, index, col);
  const id = fieldId(path);
  const attrs = {
    id,
    "data-field": path,
    "data-list": list,
    "data-index": String(index),
    "data-key": col.key,
    "data-ind": col.ind,
    class: `in in-${col.size || "text"}`,
    "aria-required": col.required ? "true" : null,
  };
  let input;
  if (col.type === "computed") {
    return h("span", { class: "computed", "data-computed": `${list}:${index}:${col.key}` }, col.value(row, index));
  }
  if (col.type === "select") {
    input = h("select", attrs);
    fillSelect(input, col.options(row, index), valueOf(list, index, col), col.required);
  } else if (col.type === "names" || col.type === "textarea") {
    input = h("textarea", { ...attrs, rows: col.detail ? "3" : "2" });
    input.value = col.type === "names" ? namesText(valueOf(list, index, col)) : str(valueOf(list, index, col));
  } else {
    input = h("input", {
      ...attrs,
      type: "text",
      autocomplete: "off",
      spellcheck: col.type === "id" || col.type === "number" || col.type === "indicator" ? "false" : null,
      inputmode: col.inputmode || (col.type === "number" || col.type === "indicator" ? "decimal" : null),
      maxlength: col.maxlength || null,
    });
    const value = valueOf(list, index, col);
    input.value = value === null || value === undefined ? "" : String(value);
  }
  input.disabled = isDisabled(list, index, col);
  const label = h("label", { for: id, class: "visually-hidden" }, `${rowLabel(list, index, row)}: ${colLabel(col)}`);
  const described = [];
  if (col.inUse && input.disabled && !col.lock) described.push(`note-${list}-in-use`);
  if (described.length) input.setAttribute("aria-describedby", described.join(" "));
  input.dataset.describedby = described.join(" ");
  return [label, input];
}

export function renderList(list) {
  const box = document.querySelector(`[data-list-box="${list}"]`);
  if (!box) return;
  const rows = state.model[list];
  const cols = columnsOf(list);
  const main = cols.filter((c) => !c.detail);
  const details = cols.filter((c) => c.detail);
  const head = h(
    "tr",
    {},
    h("th", { scope: "col", class: "c-rownum" }, h("span", { class: "visually-hidden" }, t("col_row")), "#"),
    main.map((c) =>
      h("th", { scope: "col", class: `c-${c.size || "text"}` }, colLabel(c), c.required ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
    ),
    h("th", { scope: "col", class: "c-actions" }, h("span", { class: "visually-hidden" }, t("col_actions"))),
  );
  const body = h("tbody");
  rows.forEach((row, index) => {
    const inUse = list === "projects" || list === "judges" ? state.inUse[list].has(str(row._loadedId ?? "")) : false;
    const removeLocked = (LISTS[list].locked && state.locked) || inUse;
    const actions = [];
    if (details.length) {
      const open = state.expanded.has(index);
      actions.push(
        h(
          "button",
          {
            type: "button",
            class: "btn btn-small btn-quiet",
            "data-toggle": String(index),
            "aria-expanded": open ? "true" : "false",
            "aria-controls": `more-${list}-${index}`,
            "aria-label": t("more_named", { row: rowLabel(list, index, row) }),
          },
          t(open ? "less" : "more"),
        ),
      );
    }
    actions.push(
      h(
        "button",
        {
          type: "button",
          class: "btn btn-small btn-quiet btn-remove",
          "data-remove": list,
          "data-index": String(index),
          "aria-label": t("remove_named", { row: rowLabel(list, index, row) }),
          "aria-describedby": inUse ? `note-${list}-in-use` : null,
          title: inUse ? t("in_use_title") : null,
          disabled: removeLocked,
        },
        t("remove"),
      ),
    );
    body.append(
      h(
        "tr",
        { class: `row${inUse ? " in-use" : ""}`, "data-row": String(index) },
        h("th", { scope: "row", class: "c-rownum" }, String(index + 1)),
        main.map((c) => h("td", { class: `c-${c.size || "text"}` }, control(list, index, c))),
        h("td", { class: "c-actions" }, h("div", { class: "row-actions" }, actions)),
      ),
    );
    if (details.length) {
      body.append(
        h(
          "tr",
          { class: "more-row", id: `more-${list}-${index}`, hidden: !state.expanded.has(index) },
          h("td", {}),
          h(
            "td",
            { colspan: String(main.length + 1) },
            h(
              "div",
              { class: "more-fields" },
              details.map((c) => {
                const [label, input] = control(list, index, c);
                label.className = "more-label";
                label.textContent = colLabel(c);
                input.setAttribute("aria-label", `${rowLabel(list, index, state.model[list][index])}: ${colLabel(c)}`);
                return h("div", { class: "more-field" }, label, input);
              }),
            ),
          ),
        ),
      );
    }
  });
  if (!rows.length) {
    body.append(h("tr", {}, h("td", { colspan: String(main.length + 2), class: "empty-note hint" }, t("list_empty"))));
  }
  const table = h("table", { class: `grid grid-${list}`, "aria-labelledby": `h-${list}` }, h("thead", {}, head), body);
  box.replaceChildren(h("div", { class: "table-wrap" }, table));
  const count = byId(`count-${list}`);
  if (count) count.textContent = t("count_rows", { n: rows.length });
  const add = document.querySelector(`[data-add="${list}"]`);
  if (add) add.disabled = Boolean(LISTS[list].locked && state.locked);
}
