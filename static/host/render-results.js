// The host's standings (every scored project, revealed or not) with each project's explanation:
// method, counted / dropped / recused judges, components, correct and reveal buttons.

import { t, h } from "../live.js";
import { $, S, ui, bump, changed, isPending, num, online, projectById, judgeName, hooks } from "./context.js";
import { reveal } from "./actions.js";
import { openCorrection } from "./dialogs.js";

// standings ---------------------------------------------------------------------------------
export function renderStandings() {
  const names = (ui.view.judges || []).map((j) => `${j.id}:${j.name}`).join("|");
  const deps = [ui.view.standings, ui.view.projects, names, ui.view.event, ui.status, ui.rev];
  if (!changed("standings", deps)) return;
  const standings = ui.view.standings || { overall: [], by_category: {}, unranked: [] };
  const categories = (ui.view.event && ui.view.event.categories) || [];
  const tabs = [{ id: "overall", name: t("overall") }, ...categories];
  if (!tabs.some((tab) => tab.id === ui.tab)) ui.tab = "overall";

  const tablist = $("standings-tabs");
  const tabButtons = tabs.map((tab) => {
    const selected = tab.id === ui.tab;
    const count = tab.id === "overall" ? standings.overall.length : (standings.by_category[tab.id] || []).length;
    return h(
      "button",
      {
        type: "button",
        role: "tab",
        id: `standing-tab-${tab.id}`,
        "data-testid": `standing-tab-${tab.id}`,
        "aria-selected": selected ? "true" : "false",
        "aria-controls": "standings",
        tabindex: selected ? "0" : "-1",
        class: "tab",
        onclick: () => {
          ui.tab = tab.id;
          bump();
          hooks.render();
        },
      },
      tab.name,
      h("span", { class: "tab-count" }, String(count)),
    );
  });
  tablist.replaceChildren(...tabButtons);
  $("standings").setAttribute("aria-labelledby", `standing-tab-${ui.tab}`);

  const rows = ui.tab === "overall" ? standings.overall : standings.by_category[ui.tab] || [];
  const container = $("standings");
  if (!rows.length) {
    container.replaceChildren(h("p", { class: "hint empty-note" }, t("no_standings")));
    return;
  }
  const inCategory = ui.tab !== "overall";
  const body = [];
  for (const row of rows) {
    const rank = inCategory ? row.category_rank : row.rank;
    const tied = inCategory ? row.category_tied : row.tied;
    const open = ui.expanded.has(row.project);
    const detailsId = `explain-${row.project}`;
    const flagged = (row.flags || []).includes("insufficient_panel");
    body.push(
      h(
        "tr",
        {
          "data-testid": `standing-row-${row.project}`,
          "data-rank": String(rank),
          "data-tied": tied ? "true" : "false",
          "data-revealed": row.revealed ? "true" : "false",
          class: `standing-row${row.revealed ? " is-revealed" : ""}${open ? " is-open" : ""}`,
        },
        h(
          "td",
          { class: "rank" },
          tied ? h("span", { title: t("tied") }, `=${rank}`) : String(rank),
          tied ? h("span", { class: "visually-hidden" }, ` (${t("tied")})`) : null,
        ),
        h(
          "th",
          { scope: "row", class: "st-project" },
          h(
            "button",
            {
              type: "button",
              class: "st-toggle",
              "data-testid": `standing-details-${row.project}`,
              "aria-expanded": open ? "true" : "false",
              "aria-controls": detailsId,
              title: t("details"),
              onclick: () => {
                if (ui.expanded.has(row.project)) ui.expanded.delete(row.project);
                else ui.expanded.add(row.project);
                bump();
                hooks.render();
              },
            },
            h("span", { class: "st-caret", "aria-hidden": "true" }, open ? "▾" : "▸"),
            h("span", { class: "st-title" }, row.title),
          ),
          h("span", { class: "st-meta" }, [row.team, inCategory ? null : row.category_name].filter(Boolean).join(" · ")),
          h(
            "span",
            { class: "st-badges" },
            h("span", { class: `badge ${row.revealed ? "st-revealed" : "st-hidden"}` }, t(row.revealed ? "status_revealed" : "revealed_no")),
            flagged ? h("span", { class: "warn" }, `⚠ ${t("flag_insufficient_panel")}`) : null,
          ),
        ),
        h("td", { class: "num strong" }, num(row.composite)),
        h("td", { class: "num" }, num(row.panel)),
      ),
    );
    body.push(
      h(
        "tr",
        { class: "explain-row", id: detailsId, hidden: !open },
        h("td", { colspan: "4" }, open ? explanation(row) : null),
      ),
    );
  }
  const table = h(
    "table",
    { class: "standings-table" },
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, t("rank")),
        h("th", { scope: "col" }, t("project")),
        h("th", { scope: "col", class: "num" }, t("composite")),
        h("th", { scope: "col", class: "num" }, t("panel_score")),
      ),
    ),
    h("tbody", null, body),
  );
  const unranked = (standings.unranked || []).length;
  container.replaceChildren(
    table,
    !inCategory && unranked ? h("p", { class: "hint" }, t("unranked_count", { n: unranked })) : null,
  );
}

export function explanation(row) {
  const project = projectById(row.project);
  const status = project ? project.status : null;
  const event = ui.view.event || {};
  const counted = new Set(row.counted || []);
  const dropped = new Set(row.dropped || []);
  const recused = new Set(row.recused || []);
  const normalized = event.scoring && event.scoring.normalize && event.scoring.normalize !== "none";
  const canCorrect = online() && (status === "closed" || status === "revealed");
  const names = (ids) => (ids && ids.length ? ids.map(judgeName).join(t("list_separator")) : t("none"));

  const judgeRows = (ui.view.judges || []).map((j) => {
    const role = recused.has(j.id) ? "recused" : dropped.has(j.id) ? "dropped" : counted.has(j.id) ? "counted" : "none";
    const total = row.totals ? row.totals[j.id] : undefined;
    return h(
      "tr",
      { class: `jr-${role}` },
      h("th", { scope: "row" }, j.name),
      h("td", { class: "num" }, num(total)),
      normalized ? h("td", { class: "num" }, num(row.adjusted ? row.adjusted[j.id] : undefined)) : null,
      h("td", null, h("span", { class: `chip chip-role-${role}` }, t(`role_${role}`))),
      h(
        "td",
        { class: "actions" },
        canCorrect && role !== "recused"
          ? h(
              "button",
              {
                type: "button",
                class: "btn btn-small btn-quiet",
                "data-testid": `correct-${j.id}-${row.project}`,
                "aria-label": t("correct_named", { judge: j.name }),
                disabled: isPending(`correct:${j.id}:${row.project}`),
                onclick: () => openCorrection(j.id, row.project),
              },
              t("correct"),
            )
          : null,
      ),
    );
  });

  const componentRows = (row.components || []).map((c) =>
    h(
      "tr",
      null,
      h("th", { scope: "row" }, c.id === "panel" ? t("panel_score") : c.name),
      h("td", { class: "num" }, num(c.weight, 0)),
      h("td", { class: "num" }, `${num(c.value)} / ${num(c.max, 0)}`),
      h("td", { class: "num" }, num(c.contribution)),
    ),
  );

  const flags = (row.flags || []).map((flag) =>
    h("p", { class: "warn" }, `⚠ ${S[`flag_${flag}`] ? t(`flag_${flag}`) : flag}`),
  );

  return h(
    "div",
    { class: "explain" },
    flags,
    h(
      "dl",
      { class: "explain-facts" },
      h("dt", null, t("method")),
      h("dd", null, S[`method_${row.method}`] ? t(`method_${row.method}`) : row.method, normalized ? ` — ${t("normalized_note")}` : ""),
      h("dt", null, t("counted_judges")),
      h("dd", null, `${(row.counted || []).length}: ${names(row.counted)}`),
      h("dt", null, t("dropped_judges")),
      h("dd", null, names(row.dropped)),
      h("dt", null, t("recused_judges")),
      h("dd", null, names(row.recused)),
      h("dt", null, t("first_places")),
      h("dd", null, String(row.first_places ?? 0)),
      // a later round of a competition: the project's earlier rounds, frozen when it advanced
      row.path && row.path.length ? [h("dt", null, t("earlier_rounds")), h("dd", { "data-testid": `path-${row.project}` }, pathText(row.path))] : null,
    ),
    miniTable(
      [
        col(t("judge_label")),
        col(t("judge_total"), "num"),
        normalized ? col(t("adjusted"), "num") : null,
        col(h("span", { class: "visually-hidden" }, t("method"))),
        col(h("span", { class: "visually-hidden" }, t("correct"))),
      ],
      judgeRows,
    ),
    miniTable(
      [col(t("component")), col(t("weight"), "num"), col(t("value"), "num"), col(t("contribution"), "num")],
      componentRows,
      h("tr", null, h("th", { scope: "row", colspan: "3" }, t("composite")), h("td", { class: "num strong" }, num(row.composite))),
    ),
    h(
      "p",
      { class: "explain-reveal" },
      h("span", { class: `badge ${row.revealed ? "st-revealed" : "st-hidden"}` }, t(row.revealed ? "revealed_yes" : "revealed_no")),
      !row.revealed && status === "closed"
        ? h(
            "button",
            {
              type: "button",
              class: "btn btn-small btn-accent",
              "data-testid": `reveal-${row.project}`,
              "aria-label": t("reveal_named", { title: row.title }),
              disabled: !online() || isPending(`reveal:${row.project}`),
              onclick: () => reveal(row.project),
            },
            t("reveal"),
          )
        : null,
    ),
  );
}

// ceremony ----------------------------------------------------------------------------------

/** A column header; `cls` e.g. "num" for a right-aligned number column. */
function col(content, cls = null) {
  return h("th", { scope: "col", class: cls }, content);
}

/** The small tables of an explanation: header cells, body rows, an optional footer row. */
function miniTable(headCells, bodyRows, footRow = null) {
  return h(
    "table",
    { class: "mini" },
    h("thead", null, h("tr", null, headCells)),
    h("tbody", null, bodyRows),
    footRow ? h("tfoot", null, footRow) : null,
  );
}

/** "初赛 #3 (86.20) → 半决赛 #1= (90.25)": each earlier round's rank ("=" when shared) and composite. */
export function pathText(path) {
  return path
    .map((s) => `${s.round} ${s.rank == null ? "–" : `#${s.rank}${s.tied ? "=" : ""}`}${s.composite == null ? "" : ` (${num(s.composite)})`}`)
    .join(" → ");
}
