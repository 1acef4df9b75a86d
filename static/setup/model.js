// The setup area's pure model (no DOM, no strings): turning the loaded definition into the form model
// (edited values are text) and back into the event-file data that is saved, ids and names, the weights'
// sum, and renaming an id where it is used. Tested as tables by `node --test static/tests/`.

export const ID_RE = /^[A-Za-z0-9_.-]{1,40}$/;
// names: one per line, or the separators of the event file (, ; and their full-width forms, and the
// Chinese enumeration comma U+3001)
const NAME_SPLIT = /[\r\n,;\uFF0C\u3001\uFF1B]+/;
const NUMBER_KEYS = new Set([
  "presentation_minutes", "qa_minutes", "commentary_minutes", "trim", "trim_min_judges", "min_panel", "decimals", "panel_weight",
  "max", "weight", "step", "order", "count", "max_per_category", "per_address_cap",
]);
const NAMES_KEYS = new Set(["members", "volunteers", "names"]);
const KEEP_EMPTY = new Set(["id", "name", "title", "team", "category", "kind", "judge", "project"]);
// Kept as loaded: a round's provenance and path (docs/event-file.md §12).
export const KEPT_TABLES = ["round", "earlier_results"];
export const LIST_NAMES = ["categories", "criteria", "indicators", "judges", "projects", "recusals", "awards"];
const TABLE_NAMES = ["event", "timing", "scoring", "composite", "audience"];
// the [audience] table's defaults (app/domain/models.py AudienceRules); true/false are "true"/"false" in the form
export const AUDIENCE_DEFAULTS = { enabled: false, mode: "one_per_event", window: "end", use: "award", tickets: false };

export const str = (value) => (value === null || value === undefined ? "" : String(value)).trim();

/** "92.5" -> 92.5; "" -> null; anything else that is no number -> NaN. */
export function num(value) {
  if (typeof value === "number") return value;
  const text = str(value).replace(/\u3000/g, "");
  if (text === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : NaN;
}

export function fmt(n) {
  if (!Number.isFinite(n)) return "?";
  return String(Math.round(n * 100) / 100);
}

export function splitNames(value) {
  if (Array.isArray(value)) return value.map(str).filter(Boolean);
  return str(value).split(NAME_SPLIT).map((n) => n.trim()).filter(Boolean);
}

export function namesText(value) {
  return Array.isArray(value) ? value.join("\n") : str(value) === "" ? "" : String(value);
}

/** A unique element id for a field path such as `projects[3].indicators.sat`. */
export function fieldId(path) {
  return "f-" + path.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16)}_`);
}

/** The next free id in the list's own style: p18 -> p19, p09 -> p10, j7 -> j8; else prefix + n. */
export function nextId(rows, fallbackPrefix) {
  const taken = new Set(rows.map((r) => str(r.id)));
  const matches = rows.map((r) => /^(.*?)(\d+)$/.exec(str(r.id))).filter(Boolean);
  let prefix = fallbackPrefix;
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

/** The order a new project gets: one after the highest. */
export function nextOrder(model) {
  const orders = model.projects.map((p) => num(p.order)).filter((n) => Number.isFinite(n));
  return orders.length ? Math.max(...orders) + 1 : 1;
}

/** The definition as loaded, with every field the page shows present. */
export function toModel(definition) {
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
  const au = d.audience;
  for (const [key, value] of Object.entries(AUDIENCE_DEFAULTS)) au[key] = String(au[key] ?? value);
  au.weight = au.weight ?? "";
  au.per_address_cap = au.per_address_cap ?? "";
  return d;
}

/** The `[audience]` table as the event file has it: true/false as such, the weight only for the
 * composite, defaults left out (as the server's export does); nothing at all when all are defaults. */
function audienceTable(table) {
  const out = cleanTable(table);
  for (const key of ["enabled", "tickets"]) out[key] = out[key] === true || out[key] === "true";
  if (out.use !== "composite") delete out.weight;
  for (const [key, value] of Object.entries(AUDIENCE_DEFAULTS)) if (out[key] === value) delete out[key];
  return out;
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
    if (key.startsWith("_")) continue; // the page's own bookkeeping (_loadedId)
    const clean = cleanValue(key, value);
    if (clean !== undefined) out[key] = clean;
  }
  return out;
}

/** What is sent: the event-file data, numbers as numbers, names as lists, empty optional values left out. */
export function payload(model) {
  const out = {};
  for (const table of TABLE_NAMES) out[table] = table === "audience" ? audienceTable(model[table]) : cleanTable(model[table]);
  if (!Object.keys(out.audience).length) delete out.audience;
  for (const list of LIST_NAMES) {
    const rows = model[list].map((row) => {
      const clean = cleanTable(row);
      if (list === "awards") {
        // only the settings of the award's kind (the others are ignored by the event file anyway)
        if (clean.kind !== "top_projects" && clean.kind !== "people_choice") {
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
  // Tables this page does not edit (a round's provenance, docs/event-file.md §12) are kept as loaded.
  for (const table of KEPT_TABLES) if (model[table] && Object.keys(model[table]).length) out[table] = structuredClone(model[table]);
  // a project removed here takes its earlier rounds' results with it (§12)
  if (out.earlier_results) {
    const ids = new Set(model.projects.map((p) => str(p.id)));
    out.earlier_results = out.earlier_results.filter((e) => ids.has(str(e.project)));
    if (!out.earlier_results.length) delete out.earlier_results;
  }
  return out;
}

/** The panel's weight (100 when empty), the indicators' weights and their total (NaN if one is no number). */
export function weightsSum(model) {
  const panelValue = num(model.composite.panel_weight);
  const panel = panelValue === null ? 100 : panelValue;
  const indicators = model.indicators.map((i) => num(i.weight)).map((n) => (Number.isFinite(n) ? n : NaN));
  const total = indicators.reduce((a, b) => a + b, panel);
  return { panel, indicators: indicators.reduce((a, b) => a + b, 0), total };
}

/** One weight's share of the total, "25%"; "" when it cannot be known. */
export function shareText(model, weight) {
  const { total } = weightsSum(model);
  const w = num(weight);
  if (!Number.isFinite(w) || !Number.isFinite(total) || total <= 0) return "";
  return `${fmt((100 * w) / total)}%`;
}

/** The panel's maximum total: each criterion's maximum times its weight (1 when empty); NaN if unknown. */
export function panelMax(model) {
  let total = 0;
  for (const c of model.criteria) {
    const w = num(c.weight);
    total += (w === null ? 1 : w) * (num(c.max) ?? NaN);
  }
  return total;
}

/** A changed id is changed where it is used too: a project's category, indicator values, recusals, awards. */
export function renameReferences(model, list, before, after) {
  if (!before || before === after) return;
  const m = model;
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
    for (const e of m.earlier_results || []) if (str(e.project) === before) e.project = after;
  } else if (list === "awards") {
    for (const a of m.awards) if (str(a.of) === before) a.of = after;
  }
}

/** The indexes of a set after the row at `removed` is taken out (-1: nothing removed). */
export function shiftSet(set, removed) {
  if (removed < 0) return set;
  const out = new Set();
  for (const i of set) if (i < removed) out.add(i);
  else if (i > removed) out.add(i - 1);
  return out;
}
