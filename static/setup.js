// The setup area (templates/setup.html, app/routes/setup.py): edit the whole event, import a spreadsheet.
//
// The page loads the definition (GET /host/setup/event.json: the event-file data of
// app/eventfile_export.event_to_data), keeps it as a plain JS model, checks it here first and saves it
// as JSON (POST /host/setup/save). The server checks it again with the event-file rules and answers
// with the problems by field (`projects[3].category`), which are shown next to their inputs.
// Every input carries `data-field` with that path. Text is always set with h()/textContent.

import { h, strings, t } from "./live.js";

const S = strings();


const ID_RE = /^[A-Za-z0-9_.-]{1,40}$/;
// names: one per line, or the separators of the event file (, ; and their full-width forms, and the
// Chinese enumeration comma U+3001)
const NAME_SPLIT = /[\r\n,;\uFF0C\u3001\uFF1B]+/;
const NUMBER_KEYS = new Set([
  "presentation_minutes", "qa_minutes", "trim", "trim_min_judges", "min_panel", "decimals", "panel_weight",
  "max", "weight", "step", "order", "count", "max_per_category",
]);
const NAMES_KEYS = new Set(["members", "volunteers", "names"]);
const KEEP_EMPTY = new Set(["id", "name", "title", "team", "category", "kind", "judge", "project"]);
const LIST_NAMES = ["categories", "criteria", "indicators", "judges", "projects", "recusals", "awards"];
const TABLE_NAMES = ["event", "timing", "scoring", "composite"];

// ------------------------------------------------------------------------------------------ state
const state = {
  model: null, // the definition being edited (event-file shape; edited values are text)
  saved: "", // payload() as last loaded or saved, to tell whether anything changed
  base: "", // digest of the definition the page loaded (the server refuses a save over a newer one)
  locked: false, // scoring has started: rubric, weights and rule are fixed
  inUse: { projects: new Set(), judges: new Set() },
  clientProblems: [],
  serverProblems: [],
  serverError: null,
  attempted: false, // a save was tried: every client problem is shown, not only those of touched fields
  touched: new Set(),
  expanded: new Set(), // project rows whose "More" part is open (by index)
  undo: null,
  busy: false,
  preview: null,
};

// ------------------------------------------------------------------------------------ list layout
const LISTS = {
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
      id: "", order: String(nextOrder()), category: onlyCategory(), title: "", team: "", leader: "",
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
      { key: "_share", label: "col_share", type: "computed", size: "computed", value: (row) => shareText(row.weight) },
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
        options: () => ["top_projects", "team_leaders", "honour_roll"].map((k) => ({ value: k, label: t(`kind_${k}`) })),
      },
      { key: "count", type: "number", size: "num", inputmode: "numeric", enabled: (row) => row.kind === "top_projects" },
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
const DEPENDENTS = {
  categories: ["projects"],
  indicators: ["projects"],
  judges: ["recusals"],
  projects: ["recusals", "categories"],
  awards: [],
  criteria: [],
  recusals: [],
};

// -------------------------------------------------------------------------------------- utilities
const byId = (id) => document.getElementById(id);
const str = (value) => (value === null || value === undefined ? "" : String(value)).trim();

/** "92.5" -> 92.5; "" -> null; anything else that is no number -> NaN. */
function num(value) {
  if (typeof value === "number") return value;
  const text = str(value).replace(/\u3000/g, "");
  if (text === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : NaN;
}

function fmt(n) {
  if (!Number.isFinite(n)) return "?";
  return String(Math.round(n * 100) / 100);
}

function splitNames(value) {
  if (Array.isArray(value)) return value.map(str).filter(Boolean);
  return str(value).split(NAME_SPLIT).map((n) => n.trim()).filter(Boolean);
}

function namesText(value) {
  return Array.isArray(value) ? value.join("\n") : str(value) === "" ? "" : String(value);
}

/** A unique element id for a field path such as `projects[3].indicators.sat`. */
function fieldId(path) {
  return "f-" + path.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`);
}

function projectsIn(categoryId) {
  return state.model.projects.filter((p) => str(p.category) === str(categoryId)).length;
}

function nextOrder() {
  const orders = state.model.projects.map((p) => num(p.order)).filter((n) => Number.isFinite(n));
  return orders.length ? Math.max(...orders) + 1 : 1;
}

function onlyCategory() {
  return state.model.categories.length === 1 ? str(state.model.categories[0].id) : "";
}

/** The next free id in the list's own style: p18 -> p19, p09 -> p10, j7 -> j8; else prefix + n. */
function nextId(name) {
  const rows = state.model[name];
  const taken = new Set(rows.map((r) => str(r.id)));
  const matches = rows.map((r) => /^(.*?)(\d+)$/.exec(str(r.id))).filter(Boolean);
  let prefix = LISTS[name].prefix;
  let width = 1;
  let n = rows.length + 1;
  if (matches.length) {
    const last = matches[matches.length - 1];
    prefix = last[1];
    width = last[2].length;
    const numbers = matches.filter((m) => m[1] === prefix).map((m) => Number(m[2]));
    n = Math.max(...numbers) + 1;
  }
  let id;
  do {
    id = prefix + String(n).padStart(width, "0");
    n += 1;
  } while (taken.has(id));
  return id;
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

// ------------------------------------------------------------------------------------ the model
/** The definition as loaded, with every field the page shows present. */
function toModel(definition) {
  const d = structuredClone(definition || {});
  for (const table of TABLE_NAMES) if (!d[table] || typeof d[table] !== "object") d[table] = {};
  for (const list of LIST_NAMES) if (!Array.isArray(d[list])) d[list] = [];
  const ev = d.event;
  for (const key of ["title", "subtitle", "date", "venue", "organizer"]) ev[key] = ev[key] ?? "";
  ev.language = ev.language || "zh";
  const sc = d.scoring;
  sc.rule = sc.rule || "trimmed_mean";
  sc.normalize = sc.normalize || "none";
  sc.rounding = sc.rounding || "half_up";
  sc.publish_judge_scores = sc.publish_judge_scores || "never";
  for (const c of d.criteria) {
    c.weight = c.weight ?? 1;
    c.step = c.step ?? 1;
    c.description = c.description ?? "";
  }
  for (const i of d.indicators) {
    i.max = i.max ?? 100;
    i.description = i.description ?? "";
  }
  for (const j of d.judges) j.title = j.title ?? "";
  for (const p of d.projects) {
    for (const key of ["leader", "summary", "short_title", "short_team"]) p[key] = p[key] ?? "";
    p.members = namesText(p.members || []);
    p.volunteers = namesText(p.volunteers || []);
    p.indicators = p.indicators && typeof p.indicators === "object" ? p.indicators : {};
  }
  for (const a of d.awards) {
    a.count = a.count ?? (a.kind === "top_projects" ? 1 : "");
    a.max_per_category = a.max_per_category ?? "";
    a.of = a.of ?? "";
    a.names = namesText(a.names || []);
  }
  for (const r of d.recusals) r.reason = r.reason ?? "";
  return d;
}

function cleanValue(key, value) {
  if (NAMES_KEYS.has(key)) {
    const names = splitNames(value);
    return names.length ? names : undefined;
  }
  if (NUMBER_KEYS.has(key)) {
    const n = num(value);
    if (n === null) return undefined; // empty: the default (a required one is reported)
    return Number.isNaN(n) ? str(value) : n;
  }
  if (key === "indicators" && value && typeof value === "object") {
    const out = {};
    for (const [id, v] of Object.entries(value)) {
      const n = num(v);
      if (n !== null) out[id] = Number.isNaN(n) ? str(v) : n;
    }
    return out;
  }
  if (typeof value === "string" || value === null || value === undefined) {
    const text = str(value);
    return text === "" && !KEEP_EMPTY.has(key) ? undefined : text;
  }
  return value;
}

function cleanTable(table) {
  const out = {};
  for (const [key, value] of Object.entries(table)) {
    if (key.startsWith("_")) continue;
    const clean = cleanValue(key, value);
    if (clean !== undefined) out[key] = clean;
  }
  return out;
}

/** What is sent: the event-file data, numbers as numbers, names as lists, empty optional values left out. */
function payload() {
  const m = state.model;
  const out = {};
  for (const table of TABLE_NAMES) out[table] = cleanTable(m[table]);
  for (const list of LIST_NAMES) {
    const rows = m[list].map((row) => {
      const clean = cleanTable(row);
      if (list === "awards") {
        // only the settings of the award's kind (the others are ignored by the event file anyway)
        if (clean.kind !== "top_projects") {
          delete clean.count;
          delete clean.max_per_category;
        }
        if (clean.kind !== "team_leaders") delete clean.of;
        if (clean.kind !== "honour_roll") delete clean.names;
      }
      return clean;
    });
    if (rows.length || ["categories", "criteria", "judges", "projects"].includes(list)) out[list] = rows;
  }
  return out;
}

function isDirty() {
  return state.model !== null && JSON.stringify(payload()) !== state.saved;
}

// ------------------------------------------------------------------------------- client checks
function validate() {
  const m = state.model;
  const out = [];
  const error = (field, key, params) => out.push({ field, message: t(key, params), level: "error" });
  const warn = (field, key, params) => out.push({ field, message: t(key, params), level: "warning" });

  const required = (field, value) => {
    if (!str(value)) error(field, "v_required");
  };
  const number = (field, value, { requiredValue = false, positive = false, min = null, whole = false } = {}) => {
    const n = num(value);
    if (n === null) {
      if (requiredValue) error(field, "v_number_required");
      return null;
    }
    if (Number.isNaN(n)) return error(field, "v_number", { value: str(value) }), null;
    if (positive && n <= 0) return error(field, "v_positive"), null;
    if (min !== null && n < min) return error(field, "v_at_least", { min }), null;
    if (whole && !Number.isInteger(n)) return error(field, "v_whole"), null;
    return n;
  };

  required("event.title", m.event.title);
  number("timing.presentation_minutes", m.timing.presentation_minutes, { positive: true });
  number("timing.qa_minutes", m.timing.qa_minutes, { min: 0 });
  number("scoring.trim", m.scoring.trim, { min: 0, whole: true });
  number("scoring.trim_min_judges", m.scoring.trim_min_judges, { min: 1, whole: true });
  number("scoring.min_panel", m.scoring.min_panel, { min: 1, whole: true });
  number("scoring.decimals", m.scoring.decimals, { min: 0, whole: true });
  const panelWeight = number("composite.panel_weight", m.composite.panel_weight, { positive: true });

  // ids: present, well formed, unique within their list
  for (const list of ["categories", "criteria", "indicators", "judges", "projects", "awards"]) {
    const seen = new Map();
    m[list].forEach((row, i) => {
      const field = `${list}[${i}].id`;
      const id = str(row.id);
      if (!id) return error(field, "v_id_required");
      if (!ID_RE.test(id)) return error(field, "v_id_format");
      if (seen.has(id)) return error(field, "v_id_duplicate", { id, row: seen.get(id) + 1 });
      seen.set(id, i);
    });
  }
  for (const list of ["categories", "criteria", "judges", "projects"]) {
    if (!m[list].length) error(list, "v_list_empty");
  }

  m.categories.forEach((c, i) => required(`categories[${i}].name`, c.name));
  m.judges.forEach((j, i) => required(`judges[${i}].name`, j.name));
  m.criteria.forEach((c, i) => {
    const f = `criteria[${i}]`;
    required(`${f}.name`, c.name);
    const max = number(`${f}.max`, c.max, { requiredValue: true, positive: true });
    number(`${f}.weight`, c.weight, { positive: true });
    const step = number(`${f}.step`, c.step, { positive: true });
    if (max && step && Math.abs(max / step - Math.round(max / step)) > 1e-9) {
      warn(`${f}.step`, "w_step", { max: fmt(max), step: fmt(step) });
    }
  });
  const indicatorMax = new Map();
  m.indicators.forEach((ind, i) => {
    const f = `indicators[${i}]`;
    required(`${f}.name`, ind.name);
    number(`${f}.weight`, ind.weight, { requiredValue: true, positive: true });
    const max = number(`${f}.max`, ind.max, { positive: true });
    indicatorMax.set(str(ind.id), max ?? 100);
  });

  const categories = new Set(m.categories.map((c) => str(c.id)));
  m.projects.forEach((p, i) => {
    const f = `projects[${i}]`;
    required(`${f}.title`, p.title);
    required(`${f}.team`, p.team);
    number(`${f}.order`, p.order, { min: 0, whole: true });
    const category = str(p.category);
    if (!category) error(`${f}.category`, "v_category_missing");
    else if (!categories.has(category)) error(`${f}.category`, "v_category_unknown", { id: category });
    for (const ind of m.indicators) {
      const id = str(ind.id);
      if (!id) continue;
      const field = `${f}.indicators.${id}`;
      const value = number(field, (p.indicators || {})[id], { requiredValue: true, min: 0 });
      const max = indicatorMax.get(id);
      if (value !== null && max && value > max) error(field, "v_above_max", { max: fmt(max) });
    }
  });

  const topAwards = new Set();
  m.awards.forEach((a, i) => {
    const f = `awards[${i}]`;
    required(`${f}.name`, a.name);
    if (a.kind === "top_projects") {
      const count = number(`${f}.count`, a.count, { requiredValue: true, min: 1, whole: true });
      if (count !== null && count < 1) error(`${f}.count`, "v_at_least", { min: 1 });
      number(`${f}.max_per_category`, a.max_per_category, { min: 0, whole: true });
      if (str(a.id)) topAwards.add(str(a.id));
    } else if (a.kind === "team_leaders" && !topAwards.has(str(a.of))) {
      error(`${f}.of`, "v_award_of");
    } else if (!a.kind) {
      error(`${f}.kind`, "v_required");
    }
  });

  const judges = new Set(m.judges.map((j) => str(j.id)));
  const projects = new Set(m.projects.map((p) => str(p.id)));
  m.recusals.forEach((r, i) => {
    const f = `recusals[${i}]`;
    if (!str(r.judge)) error(`${f}.judge`, "v_required");
    else if (!judges.has(str(r.judge))) error(`${f}.judge`, "v_unknown_judge", { id: str(r.judge) });
    if (!str(r.project)) error(`${f}.project`, "v_required");
    else if (!projects.has(str(r.project))) error(`${f}.project`, "v_unknown_project", { id: str(r.project) });
  });

  const sum = weightsSum();
  if (panelWeight !== null && Number.isFinite(sum.total) && Math.abs(sum.total - 100) > 1e-9) {
    // shown by the live sum next to the weights; listed in the summary after a save attempt
    out.push({ field: "composite.panel_weight", message: t("w_weights", { sum: fmt(sum.total) }), level: "warning", inline: false });
  }
  return out;
}

function weightsSum() {
  const m = state.model;
  const panelValue = num(m.composite.panel_weight);
  const panel = panelValue === null ? 100 : panelValue;
  const indicators = m.indicators.map((i) => num(i.weight)).map((n) => (Number.isFinite(n) ? n : NaN));
  const total = indicators.reduce((a, b) => a + b, panel);
  return { panel, indicators: indicators.reduce((a, b) => a + b, 0), total };
}

function shareText(weight) {
  const { total } = weightsSum();
  const w = num(weight);
  if (!Number.isFinite(w) || !Number.isFinite(total) || total <= 0) return "";
  return `${fmt((100 * w) / total)}%`;
}

// ------------------------------------------------------------------------------------- rendering
function colLabel(col) {
  if (col.type === "indicator") return col.indicatorName || col.ind;
  return t(col.label || `col_${col.key}`);
}

function rowLabel(list, index, row) {
  const base = t(`row_${list}`, { n: index + 1 });
  const id = row && str(row.id);
  return id ? `${base} (${id})` : base;
}

function columnsOf(list) {
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

function pathOf(list, index, col) {
  return col.type === "indicator" ? `${list}[${index}].indicators.${col.ind}` : `${list}[${index}].${col.key}`;
}

function valueOf(list, index, col) {
  const row = state.model[list][index];
  if (col.type === "indicator") return (row.indicators || {})[col.ind];
  return row[col.key];
}

function isDisabled(list, index, col) {
  const row = state.model[list][index];
  if (col.lock && state.locked) return true;
  if (col.inUse && state.inUse[col.inUse].has(str(row._loadedId ?? ""))) return true;
  if (col.enabled && !col.enabled(row, index)) return true;
  return false;
}

function fillSelect(select, options, value, required) {
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

function renderList(list) {
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

function renderStatic() {
  for (const el of document.querySelectorAll("#setup-form [data-field]:not([data-list])")) {
    const [table, key] = el.dataset.field.split(".");
    const value = state.model[table][key];
    el.value = value === null || value === undefined ? "" : String(value);
    if (el.dataset.describedby === undefined) el.dataset.describedby = el.getAttribute("aria-describedby") || "";
    el.disabled = el.hasAttribute("data-lock") && state.locked;
  }
  for (const note of document.querySelectorAll("[data-lock-note]")) note.hidden = !state.locked;
  byId("lock-banner").hidden = !state.locked;
  refreshTrimFields();
}

function refreshTrimFields() {
  const trimmed = state.model.scoring.rule === "trimmed_mean";
  for (const key of ["trim", "trim_min_judges"]) {
    const el = document.querySelector(`[data-field="scoring.${key}"]`);
    if (el) el.disabled = state.locked || !trimmed;
  }
}

function renderAll() {
  renderStatic();
  for (const list of LIST_NAMES) renderList(list);
  refreshComputed();
  refreshProblems();
  refreshDirty();
}

/** Live numbers: the sum of the weights, each share, the panel maximum, projects per category. */
function refreshComputed() {
  const sum = weightsSum();
  const box = byId("weights-sum");
  if (box) {
    const ok = Number.isFinite(sum.total) && Math.abs(sum.total - 100) < 1e-9;
    box.className = `weights-sum ${ok ? "is-ok" : "is-warn"}`;
    const parts = t("weights_parts", {
      panel: fmt(sum.panel),
      indicators: fmt(sum.indicators),
      total: fmt(sum.total),
      share: shareText(state.model.composite.panel_weight === "" ? 100 : state.model.composite.panel_weight) || "?",
    });
    const verdict = !Number.isFinite(sum.total)
      ? t("weights_unknown")
      : ok
        ? t("weights_ok")
        : t("weights_not_100", { sum: fmt(sum.total) });
    box.replaceChildren(
      h("span", { class: "sum-icon", "aria-hidden": "true" }, ok ? "✓" : "!"),
      h("span", { class: "sum-verdict" }, verdict),
      h("span", { class: "sum-parts" }, parts),
    );
  }
  const panelMax = byId("panel-max");
  if (panelMax) {
    let total = 0;
    for (const c of state.model.criteria) {
      const w = num(c.weight);
      total += (w === null ? 1 : w) * (num(c.max) ?? NaN);
    }
    panelMax.textContent = Number.isFinite(total) ? t("panel_max", { total: fmt(total) }) : "";
  }
  for (const el of document.querySelectorAll("[data-computed]")) {
    const [list, index, key] = el.dataset.computed.split(":");
    const row = state.model[list][Number(index)];
    const col = LISTS[list].cols.find((c) => c.key === key);
    if (row && col) el.textContent = col.value(row, Number(index));
  }
}

/** Update every select whose options come from another list (ids and names may have changed). */
function refreshSelects() {
  for (const select of document.querySelectorAll("select[data-list]")) {
    const list = select.dataset.list;
    const index = Number(select.dataset.index);
    const col = LISTS[list].cols.find((c) => c.key === select.dataset.key);
    if (!col || !col.options) continue;
    const row = state.model[list][index];
    fillSelect(select, col.options(row, index), row[col.key], col.required);
  }
}

function refreshEnabled() {
  for (const el of document.querySelectorAll("[data-list][data-key]")) {
    const list = el.dataset.list;
    const col = columnsOf(list).find((c) => c.key === el.dataset.key && (c.ind || "") === (el.dataset.ind || ""));
    if (col) el.disabled = isDisabled(list, Number(el.dataset.index), col);
  }
  refreshTrimFields();
}

function refreshDirty() {
  const dirty = isDirty();
  byId("dirty").hidden = !dirty;
  byId("save").disabled = state.busy || state.model === null;
  byId("discard").disabled = state.busy || !dirty;
}

// -------------------------------------------------------------------------------------- problems
function visibleProblems() {
  const client = state.clientProblems.filter(
    (p) => p.level === "warning" || state.attempted || state.touched.has(p.field),
  );
  return [...state.serverProblems, ...client];
}

/** The input a problem's field names: exactly, or the first input inside it (`projects[3]`). */
function findField(field) {
  if (!field) return null;
  const exact = document.querySelector(`[data-field="${CSS.escape(field)}"]`);
  if (exact) return exact;
  for (const el of document.querySelectorAll("[data-field]")) {
    const f = el.dataset.field;
    if (f.startsWith(`${field}.`) || f.startsWith(`${field}[`)) return el;
  }
  const section = field.match(/^(\w+)/);
  return section ? document.querySelector(`[data-add="${section[1]}"]`) : null;
}

function describeField(field) {
  const m = /^(\w+)(?:\[(\d+)\])?(?:\.(\w+))?(?:\.(.+))?$/.exec(field || "");
  if (!m) return field || t("whole_event");
  const [, table, index, key, sub] = m;
  const parts = [S[`sec_${table}`] || table];
  if (index !== undefined) {
    const row = (state.model[table] || [])[Number(index)];
    parts.push(rowLabel(table, Number(index), row));
  }
  if (key === "indicators" && sub) {
    const ind = state.model.indicators.find((i) => str(i.id) === sub);
    parts.push(ind ? str(ind.name) || sub : sub);
  } else if (key) {
    const col = LISTS[table] && LISTS[table].cols.find((c) => c.key === key);
    parts.push(col ? colLabel(col) : S[`col_${key}`] || key);
  }
  return parts.join(" · ");
}

function refreshProblems() {
  for (const el of document.querySelectorAll(".field-msg")) el.remove();
  for (const el of document.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    const base = el.dataset.describedby || "";
    if (base) el.setAttribute("aria-describedby", base);
    else el.removeAttribute("aria-describedby");
  }
  const groups = new Map();
  for (const problem of visibleProblems()) {
    if (problem.inline === false) continue;
    const el = findField(problem.field);
    if (!el || !el.matches("[data-field]")) continue;
    if (!groups.has(el)) groups.set(el, []);
    groups.get(el).push(problem);
  }
  for (const [el, problems] of groups) {
    const hasError = problems.some((p) => p.level !== "warning");
    const msg = h(
      "p",
      { class: `field-msg ${hasError ? "is-error" : "is-warning"}`, id: `msg-${el.id}` },
      problems.flatMap((p, i) => [i ? h("br") : null, p.message]),
    );
    el.insertAdjacentElement("afterend", msg);
    if (hasError) el.setAttribute("aria-invalid", "true");
    el.setAttribute("aria-describedby", [el.dataset.describedby, msg.id].filter(Boolean).join(" "));
    openRowOf(el);
  }
  renderSummary();
}

function openRowOf(el) {
  const more = el.closest("tr.more-row");
  if (more && more.hidden) {
    more.hidden = false;
    const index = Number(more.id.split("-").pop());
    state.expanded.add(index);
    const toggle = document.querySelector(`[data-toggle="${index}"]`);
    if (toggle) {
      toggle.setAttribute("aria-expanded", "true");
      toggle.textContent = t("less");
    }
  }
}

function renderSummary() {
  const box = byId("problems");
  const list = byId("problems-list");
  const actions = byId("problems-actions");
  const errors = visibleProblems().filter((p) => p.level !== "warning");
  const show = state.serverError || (state.attempted && errors.length) || state.serverProblems.length;
  if (!show) {
    box.hidden = true;
    list.replaceChildren();
    actions.replaceChildren();
    return;
  }
  box.hidden = false;
  box.className = "problems";
  actions.replaceChildren();
  if (state.serverError) {
    byId("problems-heading").textContent = t("not_saved");
    byId("problems-text").textContent = state.serverError.message || state.serverError.code;
    list.replaceChildren();
    if (state.serverError.code === "changed_elsewhere") {
      actions.append(h("button", { type: "button", class: "btn", onclick: () => reload(true) }, t("reload")));
    }
    if (state.serverError.code === "unauthorized") {
      actions.append(h("a", { class: "btn", href: "/host/login" }, t("log_in")));
    }
    return;
  }
  const items = visibleProblems().filter((p) => p.level !== "warning" || state.attempted);
  byId("problems-heading").textContent = t("problems_heading", { n: errors.length });
  byId("problems-text").textContent = t("problems_text");
  list.replaceChildren(
    ...items.map((p) =>
      h(
        "li",
        { class: p.level === "warning" ? "is-warning" : "is-error" },
        h(
          "button",
          { type: "button", class: "linkish", "data-goto": p.field || "" },
          p.level === "warning" ? `${t("warning")}: ` : "",
          describeField(p.field),
        ),
        `: ${p.message}`,
      ),
    ),
  );
}

function gotoField(field) {
  const el = findField(field);
  if (!el) return;
  openRowOf(el);
  el.scrollIntoView({ block: "center" });
  el.focus({ preventScroll: true });
}

let checkTimer = null;
function scheduleCheck() {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => {
    state.clientProblems = validate();
    refreshProblems();
  }, 200);
}

// ----------------------------------------------------------------------------------------- edits
function setFromInput(el) {
  const field = el.dataset.field;
  if (el.dataset.list) {
    const row = state.model[el.dataset.list][Number(el.dataset.index)];
    if (!row) return;
    if (el.dataset.key === "indicators") {
      row.indicators = row.indicators || {};
      row.indicators[el.dataset.ind] = el.value;
    } else row[el.dataset.key] = el.value;
  } else {
    const [table, key] = field.split(".");
    state.model[table][key] = el.value;
  }
  // the server's word on this field no longer applies
  state.serverProblems = state.serverProblems.filter((p) => p.field !== field && !str(p.field).startsWith(`${field}.`));
  state.serverError = null;
}

function onInput(event) {
  const el = event.target;
  if (!el.matches || !el.matches("[data-field]")) return;
  setFromInput(el);
  if (el.dataset.field === "scoring.rule") refreshTrimFields();
  refreshComputed();
  refreshDirty();
  scheduleCheck();
}

function onChange(event) {
  const el = event.target;
  if (!el.matches || !el.matches("[data-field]")) return;
  setFromInput(el);
  state.touched.add(el.dataset.field);
  const list = el.dataset.list;
  const key = el.dataset.key;
  if (list && key === "id") renameReferences(list, el.dataset.before ?? "", str(el.value));
  if (list && key === "id") el.dataset.before = str(el.value);
  if (list === "indicators" && (key === "id" || key === "name")) renderList("projects");
  if (list === "awards" && key === "kind") refreshEnabled();
  if (list && (key === "id" || key === "name" || key === "title" || key === "kind")) refreshSelects();
  refreshComputed();
  refreshProblems();
  refreshDirty();
  scheduleCheck();
}

function onFocusIn(event) {
  const el = event.target;
  if (el.matches && el.matches("[data-key='id']")) el.dataset.before = str(el.value);
}

/** A changed id is changed where it is used too: a project's category, indicator values, recusals, awards. */
function renameReferences(list, before, after) {
  if (!before || before === after) return;
  const m = state.model;
  if (list === "categories") {
    for (const p of m.projects) if (str(p.category) === before) p.category = after;
  } else if (list === "indicators") {
    for (const p of m.projects) {
      if (p.indicators && before in p.indicators) {
        p.indicators[after] = p.indicators[before];
        delete p.indicators[before];
      }
    }
  } else if (list === "judges") {
    for (const r of m.recusals) if (str(r.judge) === before) r.judge = after;
  } else if (list === "projects") {
    for (const r of m.recusals) if (str(r.project) === before) r.project = after;
  } else if (list === "awards") {
    for (const a of m.awards) if (str(a.of) === before) a.of = after;
  }
}

function forgetServerProblems(list) {
  state.serverProblems = state.serverProblems.filter((p) => !str(p.field).startsWith(`${list}[`));
  state.serverError = null;
}

function rerender(list) {
  renderList(list);
  for (const other of DEPENDENTS[list] || []) renderList(other);
  refreshSelects();
  refreshComputed();
  state.clientProblems = validate();
  refreshProblems();
  refreshDirty();
}

function addRow(list) {
  const spec = LISTS[list];
  const row = spec.blank();
  if ("id" in row) row.id = nextId(list);
  state.model[list].push(row);
  forgetServerProblems(list);
  const index = state.model[list].length - 1;
  rerender(list);
  setStatus(t("row_added", { row: rowLabel(list, index, row) }));
  const el = document.querySelector(`[data-field="${CSS.escape(`${list}[${index}].${spec.focus}`)}"]`);
  if (el) {
    el.scrollIntoView({ block: "center" });
    el.focus({ preventScroll: true });
  }
}

function removeRow(list, index) {
  const rows = state.model[list];
  const [row] = rows.splice(index, 1);
  state.expanded = shiftSet(state.expanded, list === "projects" ? index : -1);
  state.undo = { list, index, row };
  forgetServerProblems(list);
  rerender(list);
  setStatus(t("row_removed", { row: rowLabel(list, index, row) }), { undo: true });
  const next =
    document.querySelector(`[data-remove="${list}"][data-index="${Math.min(index, rows.length - 1)}"]:not(:disabled)`) ||
    document.querySelector(`[data-add="${list}"]`);
  if (next) next.focus();
}

function shiftSet(set, removed) {
  if (removed < 0) return set;
  const out = new Set();
  for (const i of set) if (i < removed) out.add(i);
  else if (i > removed) out.add(i - 1);
  return out;
}

function undoRemove() {
  const undo = state.undo;
  if (!undo) return;
  state.undo = null;
  state.model[undo.list].splice(undo.index, 0, undo.row);
  if (undo.list === "projects") {
    const out = new Set();
    for (const i of state.expanded) out.add(i >= undo.index ? i + 1 : i);
    state.expanded = out;
  }
  rerender(undo.list);
  setStatus(t("row_restored", { row: rowLabel(undo.list, undo.index, undo.row) }));
  const el = document.querySelector(`[data-remove="${undo.list}"][data-index="${undo.index}"]`);
  if (el) el.focus();
}

function toggleMore(button) {
  const index = Number(button.dataset.toggle);
  const row = byId(`more-projects-${index}`);
  if (!row) return;
  const open = row.hidden;
  row.hidden = !open;
  button.setAttribute("aria-expanded", open ? "true" : "false");
  button.textContent = t(open ? "less" : "more");
  if (open) state.expanded.add(index);
  else state.expanded.delete(index);
}

function onClick(event) {
  const target = event.target.closest("button");
  if (!target || target.disabled) return;
  if (target.dataset.add) addRow(target.dataset.add);
  else if (target.dataset.remove) removeRow(target.dataset.remove, Number(target.dataset.index));
  else if (target.dataset.toggle !== undefined) toggleMore(target);
  else if (target.dataset.goto !== undefined) gotoField(target.dataset.goto);
}

// --------------------------------------------------------------------------------------- status
function setStatus(message, { undo = false, error = false } = {}) {
  const box = byId("status");
  box.className = `status${error ? " is-error" : ""}`;
  const children = [h("span", {}, message)];
  if (undo && state.undo) {
    children.push(h("button", { type: "button", class: "btn btn-small", onclick: undoRemove }, t("undo")));
  }
  box.replaceChildren(...children);
}

function setBusy(busy) {
  state.busy = busy;
  byId("save").textContent = busy ? t("saving") : t("save");
  refreshDirty();
}

function timeNow() {
  const d = new Date();
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

// ------------------------------------------------------------------------------------ load & save
function adopt(data) {
  state.model = toModel(data.definition);
  for (const list of ["projects", "judges"]) for (const row of state.model[list]) row._loadedId = str(row.id);
  state.base = data.base || "";
  state.locked = Boolean(data.scoring_started);
  byId("edit-reason").value = ""; // a reason belongs to one saved change
  state.inUse = {
    projects: new Set((data.in_use && data.in_use.projects) || []),
    judges: new Set((data.in_use && data.in_use.judges) || []),
  };
  state.saved = JSON.stringify(payload());
  state.clientProblems = validate();
  state.serverProblems = [];
  state.serverError = null;
  state.attempted = false;
  state.touched = new Set();
  state.expanded = new Set();
  state.undo = null;
  byId("bar-title").textContent = str(state.model.event.title);
  byId("loading").hidden = true;
  byId("setup-form").hidden = false;
  renderAll();
}

async function fetchJson(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { credentials: "same-origin", ...options, headers: { accept: "application/json", ...(options.headers || {}) } });
  } catch (err) {
    return { status: 0, body: null };
  }
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    body = null;
  }
  return { status: response.status, body };
}

async function reload(confirmFirst = false) {
  if (confirmFirst && isDirty() && !window.confirm(t("confirm_discard"))) return;
  const { status, body } = await fetchJson("/host/setup/event.json");
  if (status === 200 && body) {
    adopt(body);
    return true;
  }
  const error = byId("load-error");
  error.hidden = false;
  error.replaceChildren(
    status === 401 ? t("unauthorized") : t("load_failed"),
    " ",
    status === 401 ? h("a", { href: "/host/login" }, t("log_in")) : h("button", { type: "button", class: "btn btn-small", onclick: () => reload() }, t("retry")),
  );
  byId("loading").hidden = true;
  return false;
}

function focusSummary() {
  const box = byId("problems");
  if (!box.hidden) {
    box.scrollIntoView({ block: "start" });
    box.focus({ preventScroll: true });
  }
}

async function save() {
  if (state.busy || state.model === null) return;
  state.attempted = true;
  state.serverError = null;
  state.clientProblems = validate();
  const errors = state.clientProblems.filter((p) => p.level !== "warning");
  if (errors.length) {
    refreshProblems();
    setStatus(t("fix_first", { n: errors.length }), { error: true });
    focusSummary();
    return;
  }
  setBusy(true);
  setStatus(t("saving"));
  const { status, body } = await fetchJson("/host/setup/save", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ definition: payload(), base: state.base, reason: byId("edit-reason").value }),
  });
  setBusy(false);
  if (body && body.ok) {
    adopt(body);
    setStatus(t("saved_at", { time: timeNow() }));
    return;
  }
  if (body && Array.isArray(body.problems)) {
    state.serverProblems = body.problems.map((p) => ({ field: p.field || "", message: p.message, level: "error" }));
  } else if (body && body.error) {
    state.serverError = body.error;
  } else {
    state.serverError = { code: "network", message: status === 0 ? t("network_failed") : t("server_failed", { status }) };
  }
  refreshProblems();
  setStatus(t("not_saved"), { error: true });
  focusSummary();
}

// ----------------------------------------------------------------------------------------- import
function importResult() {
  return byId("import-result");
}

function showImportMessage(message, kind = "error") {
  const box = importResult();
  box.hidden = false;
  box.replaceChildren(h("p", { class: kind === "error" ? "alert" : "hint", role: kind === "error" ? "alert" : null }, message));
}

async function checkFile(event) {
  event.preventDefault();
  const input = byId("import-file");
  const file = input.files && input.files[0];
  if (!file) return showImportMessage(t("choose_file"));
  const maxMb = Number(byId("import-form").dataset.maxMb || "5");
  if (file.size > maxMb * 1024 * 1024) return showImportMessage(t("file_too_large", { mb: maxMb }));
  const form = new FormData();
  form.append("file", file, file.name);
  const button = byId("import-check");
  button.disabled = true;
  showImportMessage(t("checking"), "info");
  const { status, body } = await fetchJson("/host/setup/import", { method: "POST", body: form });
  button.disabled = false;
  if (!body || body.error) {
    return showImportMessage(body && body.error ? body.error.message : status === 0 ? t("network_failed") : t("server_failed", { status }));
  }
  state.preview = body;
  renderPreview(body);
}

function cellName(p) {
  if (p.column && p.row) return `${p.column}${p.row}`;
  if (p.row) return t("row_number", { n: p.row });
  if (p.column) return t("column_letter", { c: p.column });
  return "—";
}

function renderPreview(preview) {
  const box = importResult();
  box.hidden = false;
  const parts = [h("h3", {}, t("preview_of", { file: preview.file }))];
  if (preview.note) parts.push(h("p", { class: "hint" }, preview.note));
  if (preview.problems.length) {
    parts.push(
      h("p", { class: "alert", role: "alert" }, t("preview_problems", { n: preview.problems.length })),
      h(
        "div",
        { class: "table-wrap" },
        h(
          "table",
          { class: "grid preview-problems", "data-testid": "import-problems" },
          h("caption", { class: "visually-hidden" }, t("problems_caption")),
          h(
            "thead",
            {},
            h("tr", {}, ["p_sheet", "p_cell", "p_column", "p_problem"].map((k) => h("th", { scope: "col" }, t(k)))),
          ),
          h(
            "tbody",
            {},
            preview.problems.map((p) =>
              h(
                "tr",
                {},
                h("td", {}, p.sheet || t("whole_file")),
                h("td", { class: "mono" }, cellName(p)),
                h("td", {}, p.header || ""),
                h("td", {}, p.message),
              ),
            ),
          ),
        ),
      ),
    );
  }
  const s = preview.summary;
  if (s) {
    const counts = ["categories", "projects", "judges", "criteria", "indicators", "awards"];
    parts.push(
      h("p", { class: "preview-title" }, h("strong", {}, s.title), s.date ? ` · ${s.date}` : ""),
      h(
        "dl",
        { class: "preview-counts", "data-testid": "import-counts" },
        counts.map((k) => h("div", {}, h("dt", {}, t(`count_${k}`)), h("dd", {}, String(s.counts[k])))),
      ),
    );
    const ch = s.changes;
    const changes = [];
    if (ch.projects_added.length) changes.push(t("ch_projects_added", { ids: ch.projects_added.join(", ") }));
    if (ch.projects_removed.length) changes.push(t("ch_projects_removed", { ids: ch.projects_removed.join(", ") }));
    if (ch.judges_added.length) changes.push(t("ch_judges_added", { ids: ch.judges_added.join(", ") }));
    if (ch.judges_removed.length) changes.push(t("ch_judges_removed", { ids: ch.judges_removed.join(", ") }));
    if (changes.length) parts.push(h("ul", { class: "preview-changes" }, changes.map((c) => h("li", {}, c))));
    parts.push(
      h(
        "details",
        { class: "preview-projects", open: true },
        h("summary", {}, t("preview_project_list", { n: s.projects.length })),
        h(
          "div",
          { class: "table-wrap" },
          h(
            "table",
            { class: "grid" },
            h("thead", {}, h("tr", {}, ["col_order", "col_id", "col_title", "col_team", "col_category"].map((k) => h("th", { scope: "col" }, t(k))))),
            h(
              "tbody",
              {},
              s.projects.map((p) =>
                h("tr", {}, h("td", {}, String(p.order)), h("td", { class: "mono" }, p.id), h("td", {}, p.title), h("td", {}, p.team), h("td", {}, p.category)),
              ),
            ),
          ),
        ),
      ),
    );
    if (preview.blocked) parts.push(h("p", { class: "alert", role: "alert" }, preview.blocked.message));
  }
  parts.push(
    h("p", { class: "hint" }, t("nothing_saved_yet")),
    h(
      "div",
      { class: "btn-row" },
      preview.ok && preview.preview
        ? h(
            "button",
            {
              type: "button",
              class: "btn btn-primary",
              "data-testid": "import-apply",
              disabled: Boolean(preview.blocked),
              onclick: applyPreview,
            },
            t("use_this"),
          )
        : null,
      h("button", { type: "button", class: "btn btn-quiet", onclick: clearPreview }, t("cancel")),
    ),
  );
  box.replaceChildren(...parts);
  box.focus();
}

function clearPreview() {
  state.preview = null;
  importResult().hidden = true;
  importResult().replaceChildren();
  byId("import-file").value = "";
  byId("import-file").focus();
}

async function applyPreview() {
  const preview = state.preview;
  if (!preview || !preview.preview) return;
  if (isDirty() && !window.confirm(t("confirm_import_dirty"))) return;
  const { status, body } = await fetchJson("/host/setup/import/apply", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ preview: preview.preview, reason: byId("edit-reason").value }),
  });
  if (body && body.ok) {
    adopt(body);
    state.preview = null;
    showImportMessage(t("imported", { file: preview.file }), "info");
    setStatus(t("imported", { file: preview.file }));
    return;
  }
  const message =
    body && body.error
      ? body.error.message
      : body && body.problems
        ? body.problems.map((p) => `${p.field}: ${p.message}`).join("\n")
        : status === 0
          ? t("network_failed")
          : t("server_failed", { status });
  const box = importResult();
  box.prepend(h("p", { class: "alert", role: "alert" }, message));
}

// ------------------------------------------------------------------------------------------ start
function start() {
  const form = byId("setup-form");
  form.addEventListener("input", onInput);
  form.addEventListener("change", onChange);
  form.addEventListener("focusin", onFocusIn);
  form.addEventListener("click", onClick);
  byId("problems").addEventListener("click", onClick);
  byId("save").addEventListener("click", save);
  byId("discard").addEventListener("click", () => reload(true).then((ok) => ok && setStatus(t("discarded"))));
  byId("import-form").addEventListener("submit", checkFile);
  window.addEventListener("beforeunload", (event) => {
    if (isDirty()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // Ctrl+S / Cmd+S saves, as in a spreadsheet
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      save();
    }
  });
  reload();
}

start();
