// The setup area (templates/setup.html, app/routes/setup.py): the entry module. Edit the whole event,
// import a spreadsheet.
//
// The page loads the definition (GET /host/setup/event.json: the event-file data of
// app/eventfile_export.event_to_data), keeps it as a plain JS model, checks it here first and saves it
// as JSON (POST /host/setup/save). The server checks it again with the event-file rules and answers
// with the problems by field (`projects[3].category`), which are shown next to their inputs.
// Every input carries `data-field` with that path. Text is always set with h()/textContent.
//
// Split by concern under static/setup/: model.js (pure: the form model from the definition and back,
// ids, weights; tested by `node --test static/tests/`), validate.js (pure: the client checks),
// context.js (the shared state, status line, fetch), lists.js (the lists' columns and labels),
// render-list.js, render.js, problems.js (messages by field and the summary), edits.js (inputs, add,
// remove / undo), save.js (load and save), import.js (spreadsheet check, preview and apply).
//
// Stable data-testid attributes (for browser tests):
//   setup-save, setup-discard        save (also Ctrl+S / Cmd+S) and discard the unsaved changes
//   setup-dirty                      "Unsaved changes" (hidden when nothing changed)
//   setup-status                     the status line: "Saved at 10:32", "Not saved", a removed row's Undo
//   edit-reason                      the reason recorded with a saved change (emptied after each save)
//   setup-problems                   the summary of problems; its entries jump to their field
//   lock-banner                      shown once scoring has started (rubric, weights and rule are fixed)
//   weights-sum                      the live sum of the composite weights (class is-ok | is-warn)
//   add-<list>                       add a row (<list>: categories projects judges criteria indicators
//                                    awards recusals); each input is found by [data-field="<path>"]
//   template-link                    the blank spreadsheet template
//   import-file, import-check        choose a spreadsheet, check it
//   import-result                    the preview or the message of a check; inside it import-problems
//                                    (the problems table), import-counts, import-apply ("Use this")

import { t } from "./live.js";
import { byId, hooks, isDirty, setStatus } from "./setup/context.js";
import { onInput, onChange, onFocusIn, onClick } from "./setup/edits.js";
import { reload, save } from "./setup/save.js";
import { checkFile } from "./setup/import.js";

function start() {
  hooks.reload = reload;
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
