// Dialogs of the host console: the confirmation (kept in step with the live state while it is open,
// so a second tab never ends in a stale error), the score correction, and the shortcuts sheet.

import { t, h } from "../live.js";
import { $, ui, live, bump, online, focusKey, restoreFocus, projectById, judgeName, hooks } from "./context.js";
import { attachHold } from "./hold.js";

let refreshOpen = null; // the open confirmation's refresh, called on every render

/** Re-check the open confirmation against the live state (called by the renderer). */
export function refreshDialogs() {
  if (refreshOpen) refreshOpen();
}

/**
 * A modal confirmation. Resolves to {ok: boolean, reason: string}.
 * - `message`: text, or a function of the live state (re-read while the dialog is open);
 * - `check`: a function returning null while the action still makes sense, else what changed (the
 *   dialog says so and its OK is disabled);
 * - `reason: true` asks for a required reason; `typed: {expect, label}` asks the host to type
 *   `expect` (e.g. the number of projects a skip leaves out) before OK is enabled;
 * - `hold: true` offers a press-and-hold button (hold.js) that confirms once held for 1.5 s: with
 *   `typed`, the alternative to typing.
 */
export function ask({ message, okLabel, danger = false, reason = false, typed = null, hold = false, check = null }) {
  const dialog = $("confirm-dialog");
  if (dialog.open) return Promise.resolve({ ok: false, reason: "" });
  const opener = focusKey(document.activeElement);
  const ok = $("confirm-ok");
  ok.textContent = okLabel || t("confirm");
  ok.className = `btn ${danger ? "btn-danger" : "btn-primary"}`;
  const field = $("reason-field");
  const input = $("reason-input");
  const error = $("reason-error");
  field.hidden = !reason;
  input.required = reason;
  input.value = "";
  error.hidden = true;
  input.removeAttribute("aria-invalid");
  const typedField = $("typed-field");
  const typedInput = $("typed-input");
  typedField.hidden = !typed;
  typedInput.value = "";
  if (typed) $("typed-label").textContent = typed.label;
  const holdField = $("hold-field");
  const holdButton = $("hold-confirm");
  holdField.hidden = !hold;
  $("hold-or").hidden = !typed;
  holdButton.querySelector(".hold-label").textContent = t("hold_label", { action: okLabel || t("confirm") });
  let held = false; // a completed hold stands in for the typed confirmation
  const stale = $("confirm-stale");
  const refresh = () => {
    const text = typeof message === "function" ? message() : message;
    if ($("confirm-message").textContent !== text) $("confirm-message").textContent = text;
    const what = check ? check() : null;
    stale.hidden = !what;
    stale.textContent = what || "";
    const typedOk = !typed || held || typedInput.value.trim() === String(typed.expect);
    ok.disabled = Boolean(what) || !typedOk || !online();
    holdButton.disabled = Boolean(what) || !online();
  };
  refresh();
  ui.dialogOpen = true;
  return new Promise((resolve) => {
    const form = $("confirm-form");
    const cancel = $("confirm-cancel");
    const finish = (result) => {
      form.removeEventListener("submit", onSubmit);
      cancel.removeEventListener("click", onCancel);
      dialog.removeEventListener("close", onClose);
      typedInput.removeEventListener("input", refresh);
      holding.detach();
      refreshOpen = null;
      if (dialog.open) dialog.close();
      ui.dialogOpen = false;
      restoreFocus(opener);
      resolve(result);
    };
    const onSubmit = (event) => {
      event.preventDefault();
      refresh();
      if (ok.disabled) return; // what it confirmed has changed, or the typed confirmation is missing
      const text = input.value.trim();
      if (reason && !text) {
        error.textContent = t("reason_missing");
        error.hidden = false;
        input.setAttribute("aria-invalid", "true");
        input.focus();
        return;
      }
      finish({ ok: true, reason: text });
    };
    const onCancel = () => finish({ ok: false, reason: "" });
    const onClose = () => finish({ ok: false, reason: "" }); // Escape
    const holding = attachHold(holdButton, {
      enabled: () => !holdButton.disabled,
      onDone: () => {
        held = true;
        form.requestSubmit(); // the same path as OK: re-checked against the live state, reason asked for
      },
    });
    form.addEventListener("submit", onSubmit);
    cancel.addEventListener("click", onCancel);
    dialog.addEventListener("close", onClose);
    typedInput.addEventListener("input", refresh);
    refreshOpen = refresh;
    dialog.showModal();
    (reason ? input : typed ? typedInput : ok).focus();
  });
}

/** The `?` sheet: every keyboard shortcut, and the switch that turns them off. */
export function openShortcuts() {
  const sheet = $("shortcuts-sheet");
  if (sheet.open || ui.dialogOpen) return;
  const opener = focusKey(document.activeElement);
  ui.dialogOpen = true;
  const done = () => {
    sheet.removeEventListener("close", done);
    ui.dialogOpen = false;
    restoreFocus(opener);
  };
  sheet.addEventListener("close", done);
  sheet.showModal();
  $("shortcuts-close").focus();
}

// correction dialog ------------------------------------------------------------------------
export function stepDecimals(step) {
  const text = String(step);
  return text.includes(".") ? text.split(".")[1].length : 0;
}

export function clampScore(value, criterion) {
  let v = Math.min(Number(criterion.max), Math.max(0, value));
  const step = Number(criterion.step) || 0;
  if (step > 0) v = Math.round(v / step) * step;
  v = Math.min(Number(criterion.max), Math.max(0, v));
  return Number(v.toFixed(Math.max(stepDecimals(criterion.step || 1), 0)));
}

/** The judge's latest values for a project: from the standings explanation, or the live judges table. */
export function currentSheet(judgeId, projectId) {
  const standings = ui.view.standings || {};
  const row = (standings.overall || []).find((r) => r.project === projectId);
  if (row && row.sheets && row.sheets[judgeId]) return { values: row.sheets[judgeId], comment: "" };
  const current = ui.view.current || {};
  if (current.project === projectId) {
    const judge = (ui.view.judges || []).find((j) => j.id === judgeId);
    if (judge && judge.values) return { values: judge.values, comment: judge.comment || "" };
  }
  return null;
}

/** The correction dialog; `prefill` ({values, comment}) starts it from another sheet (a refused score). */
export function openCorrection(judgeId, projectId, prefill = null) {
  const dialog = $("correct-dialog");
  if (dialog.open || ui.dialogOpen) return;
  const project = projectById(projectId);
  const criteria = (ui.view.event && ui.view.event.criteria) || [];
  const opener = focusKey(document.activeElement);
  $("correct-title").textContent = t("correct_title", {
    judge: judgeName(judgeId),
    project: project ? project.title : projectId,
  });
  const fields = criteria.map((c) => {
    const inputId = `correct-input-${c.id}`;
    const input = h("input", {
      id: inputId,
      "data-testid": inputId,
      type: "number",
      inputmode: "decimal",
      min: 0,
      max: c.max,
      step: c.step || "any",
      required: true,
      "data-criterion": c.id,
    });
    input.addEventListener("change", () => {
      if (input.value.trim() === "") return;
      const v = Number(input.value);
      if (Number.isFinite(v)) input.value = String(clampScore(v, c));
    });
    return h(
      "div",
      { class: "field field-score" },
      h("label", { for: inputId }, c.name, " ", h("span", { class: "hint" }, `(0–${c.max})`)),
      input,
    );
  });
  $("correct-fields").replaceChildren(...fields);
  // Start from the judge's current sheet (or the refused one), so a correction changes only what was wrong.
  const existing = prefill || currentSheet(judgeId, projectId);
  if (existing) {
    for (const c of criteria) {
      const v = existing.values && existing.values[c.id];
      if (typeof v === "number") $(`correct-input-${c.id}`).value = String(v);
    }
  }
  $("correct-comment").value = (existing && existing.comment) || "";
  $("correct-reason").value = "";
  const error = $("correct-error");
  error.hidden = true;
  const ok = $("correct-ok");
  ok.disabled = false;
  ui.dialogOpen = true;

  const form = $("correct-form");
  const cancel = $("correct-cancel");
  const finish = () => {
    form.removeEventListener("submit", onSubmit);
    cancel.removeEventListener("click", onCancel);
    dialog.removeEventListener("close", onClose);
    if (dialog.open) dialog.close();
    ui.dialogOpen = false;
    restoreFocus(opener);
  };
  const fail = (message, focusEl) => {
    error.textContent = message;
    error.hidden = false;
    if (focusEl) focusEl.focus();
  };
  const onSubmit = (event) => {
    event.preventDefault();
    const scores = {};
    for (const c of criteria) {
      const input = $(`correct-input-${c.id}`);
      const v = Number(input.value);
      if (input.value.trim() === "" || !Number.isFinite(v)) {
        input.setAttribute("aria-invalid", "true");
        fail(t("scores_missing"), input);
        return;
      }
      input.removeAttribute("aria-invalid");
      scores[c.id] = clampScore(v, c);
      input.value = String(scores[c.id]);
    }
    const reasonInput = $("correct-reason");
    const reason = reasonInput.value.trim();
    if (!reason) {
      reasonInput.setAttribute("aria-invalid", "true");
      fail(t("reason_missing"), reasonInput);
      return;
    }
    reasonInput.removeAttribute("aria-invalid");
    if (!online()) {
      fail(t("controls_offline"));
      return;
    }
    ok.disabled = true;
    error.hidden = true;
    const key = `correct:${judgeId}:${projectId}`;
    ui.pending.set(key, true);
    bump();
    live
      .command("correct_score", {
        judge: judgeId,
        project: projectId,
        scores,
        comment: $("correct-comment").value.trim(),
        reason,
      })
      .then(() => finish())
      .catch((err) => {
        ok.disabled = false;
        fail((err && err.message) || t("error"));
      })
      .finally(() => {
        ui.pending.delete(key);
        bump();
        hooks.render();
      });
  };
  const onCancel = () => finish();
  const onClose = () => finish();
  form.addEventListener("submit", onSubmit);
  cancel.addEventListener("click", onCancel);
  dialog.addEventListener("close", onClose);
  dialog.showModal();
  const first = fields.length ? $(`correct-input-${criteria[0].id}`) : $("correct-reason");
  first.focus();
}
