// The layout of the setup area's lists (categories, projects, judges, criteria, indicators, awards,
// recusals): their columns, blank rows and select options, and how a row, a column and a cell are named.

import { t } from "../live.js";
import { state } from "./context.js";
import { str, nextOrder, shareText } from "./model.js";

export const LISTS = {
  categories: {
    prefix: "cat",
    focus: "name",
    blank: () => ({ id: "", name: "" }),
    cols: [
      { key: "id", type: "id", size: "id" },
      { key: "name", label: "col_category_name", required: true, size: "wide" },
      { key: "_count", label: "col_projects_in", type: "computed", size: "computed", value: (row) => String(projectsIn(row.id)) },
    ],
  },
  projects: {
    prefix: "p",
    focus: "title",
    blank: () => ({
      id: "", order: String(nextOrder(state.model)), category: onlyCategory(), title: "", team: "", leader: "",
      summary: "", members: "", volunteers: "", indicators: {}, short_title: "", short_team: "",
    }),
    cols: [
      { key: "order", type: "number", size: "tiny", inputmode: "numeric" },
      { key: "id", type: "id", size: "id", inUse: "projects" },
      { key: "title", required: true, size: "wide" },
      { key: "team", required: true, size: "mid" },
      { key: "leader", size: "short" },
      { key: "category", type: "select", options: () => categoryOptions(), required: true, size: "mid" },
      { key: "indicators", type: "indicators" },
      { key: "members", type: "names", detail: true },
      { key: "volunteers", type: "names", detail: true },
      { key: "summary", type: "textarea", detail: true },
      // short names (简称, at most 20 characters): the projector uses them where space is short
      { key: "short_title", size: "short", detail: true, maxlength: 20 },
      { key: "short_team", size: "short", detail: true, maxlength: 20 },
    ],
  },
  judges: {
    prefix: "j",
    focus: "name",
    blank: () => ({ id: "", name: "", title: "" }),
    cols: [
      { key: "id", type: "id", size: "id", inUse: "judges" },
      { key: "name", label: "col_judge_name", required: true, size: "mid" },
      { key: "title", label: "col_affiliation", size: "wide" },
      { key: "affiliation", label: "col_organisation", size: "mid" }, // shown on the commentary scene
    ],
  },
  criteria: {
    prefix: "c",
    focus: "name",
    locked: true,
    blank: () => ({ id: "", name: "", max: "", weight: "1", step: "1", description: "" }),
    cols: [
      { key: "id", type: "id", size: "id", lock: true },
      { key: "name", label: "col_criterion_name", required: true, size: "mid" },
      { key: "max", type: "number", required: true, lock: true, size: "num" },
      { key: "weight", type: "number", lock: true, size: "num" },
      { key: "step", type: "number", lock: true, size: "num" },
      { key: "description", size: "wide" },
    ],
  },
  indicators: {
    prefix: "i",
    focus: "name",
    locked: true,
    blank: () => ({ id: "", name: "", weight: "", max: "100", description: "" }),
    cols: [
      { key: "id", type: "id", size: "id", lock: true },
      { key: "name", label: "col_indicator_name", required: true, size: "mid" },
      { key: "weight", type: "number", required: true, lock: true, size: "num" },
      { key: "_share", label: "col_share", type: "computed", size: "computed", value: (row) => shareText(state.model, row.weight) },
      { key: "max", type: "number", lock: true, size: "num" },
      { key: "description", size: "wide" },
    ],
  },
  awards: {
    prefix: "a",
    focus: "name",
    blank: () => ({ id: "", name: "", kind: "top_projects", count: "1", max_per_category: "", of: "", names: "" }),
    cols: [
      { key: "id", type: "id", size: "id" },
      { key: "name", label: "col_award_name", required: true, size: "mid" },
      {
        key: "kind", type: "select", required: true, size: "mid",
        options: () =>
          ["top_projects", "team_leaders", "honour_roll", "people_choice"].map((k) => ({ value: k, label: t(`kind_${k}`) })),
      },
      {
        key: "count", type: "number", size: "num", inputmode: "numeric",
        enabled: (row) => row.kind === "top_projects" || row.kind === "people_choice",
      },
      {
        key: "max_per_category", type: "number", size: "num", inputmode: "numeric",
        enabled: (row) => row.kind === "top_projects",
      },
      {
        key: "of", type: "select", size: "mid", options: (row, i) => topAwardOptions(i),
        enabled: (row) => row.kind === "team_leaders",
      },
      { key: "names", type: "names", size: "wide", enabled: (row) => row.kind === "honour_roll" },
    ],
  },
  recusals: {
    focus: "judge",
    blank: () => ({ judge: "", project: "", reason: "" }),
    cols: [
      { key: "judge", type: "select", required: true, options: () => judgeOptions(), size: "mid" },
      { key: "project", type: "select", required: true, options: () => projectOptions(), size: "wide" },
      { key: "reason", size: "wide" },
    ],
  },
};

// which lists' selects or columns depend on which
export const DEPENDENTS = {
  categories: ["projects"],
  indicators: ["projects"],
  judges: ["recusals"],
  projects: ["recusals", "categories"],
  awards: [],
  criteria: [],
  recusals: [],
};

function projectsIn(categoryId) {
  return state.model.projects.filter((p) => str(p.category) === str(categoryId)).length;
}

function onlyCategory() {
  return state.model.categories.length === 1 ? str(state.model.categories[0].id) : "";
}

function categoryOptions() {
  return state.model.categories.map((c) => ({ value: str(c.id), label: labelWithId(c.name, c.id) }));
}
function judgeOptions() {
  return state.model.judges.map((j) => ({ value: str(j.id), label: labelWithId(j.name, j.id) }));
}
function projectOptions() {
  return state.model.projects.map((p) => ({ value: str(p.id), label: labelWithId(p.title, p.id) }));
}
function topAwardOptions(index) {
  return state.model.awards
    .slice(0, index)
    .filter((a) => a.kind === "top_projects" && str(a.id))
    .map((a) => ({ value: str(a.id), label: labelWithId(a.name, a.id) }));
}
function labelWithId(name, id) {
  return str(name) ? `${str(name)} (${str(id)})` : str(id);
}

export function colLabel(col) {
  if (col.type === "indicator") return col.indicatorName || col.ind;
  return t(col.label || `col_${col.key}`);
}

export function rowLabel(list, index, row) {
  const base = t(`row_${list}`, { n: index + 1 });
  const id = row && str(row.id);
  return id ? `${base} (${id})` : base;
}

/** The list's columns, with the "indicators" column expanded into one column per indicator. */
export function columnsOf(list) {
  const cols = [];
  for (const col of LISTS[list].cols) {
    if (col.type === "indicators") {
      for (const ind of state.model.indicators) {
        if (!str(ind.id)) continue;
        cols.push({
          key: "indicators", type: "indicator", ind: str(ind.id), indicatorName: str(ind.name) || str(ind.id),
          size: "num", inputmode: "decimal",
        });
      }
    } else cols.push(col);
  }
  return cols;
}

export function pathOf(list, index, col) {
  return col.type === "indicator" ? `${list}[${index}].indicators.${col.ind}` : `${list}[${index}].${col.key}`;
}

export function valueOf(list, index, col) {
  const row = state.model[list][index];
  if (col.type === "indicator") return (row.indicators || {})[col.ind];
  return row[col.key];
}

export function isDisabled(list, index, col) {
  const row = state.model[list][index];
  if (col.lock && state.locked) return true;
  if (col.inUse && state.inUse[col.inUse].has(str(row._loadedId ?? ""))) return true;
  if (col.enabled && !col.enabled(row, index)) return true;
  return false;
}
