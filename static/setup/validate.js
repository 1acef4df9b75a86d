// The setup area's own checks, run before a save (the server checks again with the event-file rules).
// Pure: checkModel(model) returns problems as { field, key, params, level } with `key` a string of
// app/jsstrings/setup.py; the page translates them. Tested as tables by `node --test static/tests/`.

import { ID_RE, str, num, fmt, weightsSum } from "./model.js";

const AUDIENCE_MAX_CAP = 10000; // app/eventfile_audience.py MAX_ADDRESS_CAP

export function checkModel(m) {
  const out = [];
  const error = (field, key, params) => out.push({ field, key, params, level: "error" });
  const warn = (field, key, params) => out.push({ field, key, params, level: "warning" });

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

  // the audience vote: the event file's own rules and words (app/eventfile_audience.py)
  const au = m.audience || {};
  const voting = str(au.enabled) === "true";
  if (str(au.use) === "composite") {
    const w = num(au.weight);
    if (Number.isNaN(w)) error("audience.weight", "v_number", { value: str(au.weight) });
    else if (w === null || !(w > 0 && w < 1)) error("audience.weight", "v_audience_weight");
  }
  number("audience.per_address_cap", au.per_address_cap, { min: 0, whole: true });
  if ((num(au.per_address_cap) ?? 0) > AUDIENCE_MAX_CAP) error("audience.per_address_cap", "v_audience_cap", { maximum: AUDIENCE_MAX_CAP });
  if (str(au.window) === "per_project" && str(au.mode) !== "stars") error("audience.window", "v_audience_window");
  m.awards.forEach((a, i) => {
    if (a.kind === "people_choice" && !voting) error(`awards[${i}].kind`, "v_people_choice");
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

  const sum = weightsSum(m);
  if (panelWeight !== null && Number.isFinite(sum.total) && Math.abs(sum.total - 100) > 1e-9) {
    // shown by the live sum next to the weights; listed in the summary after a save attempt
    out.push({ field: "composite.panel_weight", key: "w_weights", params: { sum: fmt(sum.total) }, level: "warning", inline: false });
  }
  return out;
}
