// Importing a spreadsheet: the file is checked first (POST /host/setup/import) and shown as a preview
// (problems by sheet and cell, counts, projects and judges added or removed); nothing is saved until
// "Use this" (POST /host/setup/import/apply).

import { h, t } from "../live.js";
import { state, byId, isDirty, setStatus, fetchJson } from "./context.js";
import { adopt } from "./save.js";

function importResult() {
  return byId("import-result");
}

function showImportMessage(message, kind = "error") {
  const box = importResult();
  box.hidden = false;
  box.replaceChildren(h("p", { class: kind === "error" ? "alert" : "hint", role: kind === "error" ? "alert" : null }, message));
}

export async function checkFile(event) {
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
