// The award ceremony panel: before it, the awards as they would be decided now and the guarded start
// (a skip of the unrevealed projects states how many); during it, now / up next, back, next, and the
// way back to the running order while nothing has been shown.

import { t, h } from "../live.js";
import { $, ui, changed, num, screen } from "./context.js";
import { stepContent, stepReveals } from "./ceremony-steps.js";

export function winnerText(winner) {
  if (!winner) return "";
  const parts = [winner.name];
  if (winner.project_title && winner.project_title !== winner.name) parts.push(`“${winner.project_title}”`);
  return parts.join(" · ");
}

/** What a step shows, as the host reads it: "Award: team · “project” (#3) + Leader award: name". */
export function describeStep(awards, step) {
  const c = stepContent(awards, step);
  if (!c) return null;
  if (c.whole) return t("ceremony_whole_roll", { award: c.award.name, n: c.award.winners.length });
  const rank = c.winner && c.winner.rank ? ` (#${c.winner.rank})` : "";
  const together = c.together.map((x) => ` + ${x.award.name}: ${x.winner.name}`).join("");
  return `${c.award.name}: ${winnerText(c.winner)}${rank}${together}`;
}

export function renderCeremony() {
  const ceremony = ui.view.ceremony; // the board's view: winners revealed so far only
  const full = ui.view.host_ceremony; // every winner (host only)
  const status = $("ceremony-status");
  const started = Boolean(ceremony && full);
  $("col-results").classList.toggle("ceremony-first", started);
  if (started && ui.ceremonyShown === false) $("ceremony-panel").scrollIntoView({ block: "nearest" });
  ui.ceremonyShown = started;
  const gate = screen().ceremony;
  const start = $("start-ceremony");
  start.disabled = !gate.canStart;
  start.hidden = gate.running;
  // Before every project is revealed the button says what it skips, and stays quiet (not primary).
  start.textContent = gate.skipNeeded ? t("skip_and_start", { n: gate.remaining }) : t("start_ceremony");
  start.classList.toggle("btn-primary", !gate.skipNeeded && screen().primary === "start_ceremony");
  start.dataset.remaining = String(gate.remaining);
  const step = gate.step;
  const total = gate.total;
  $("ceremony-back").disabled = !gate.canBack;
  $("ceremony-next").disabled = !gate.canNext;
  $("ceremony-back").hidden = !ceremony;
  $("ceremony-next").hidden = !ceremony;
  $("leave-ceremony").hidden = !ceremony || step > 0;
  $("leave-ceremony").disabled = !gate.canLeave;
  status.textContent = ceremony ? t("ceremony_step_of", { step, total }) : t("ceremony_not_started");
  status.className = `badge ${ceremony ? "st-scoring" : "st-pending"}`;
  status.dataset.step = String(step);
  status.dataset.total = String(total);

  const body = $("ceremony-body");
  if (!changed("ceremony", [ceremony, full, ui.view.awards_preview, ui.view.event])) return;
  if (!started) {
    const preview = ui.view.awards_preview || [];
    body.replaceChildren(h("h3", null, t("awards_preview")), awardList(preview, null, null));
    return;
  }
  const awards = full.awards;
  const steps = full.steps || []; // the server's reveal order (app/domain/ceremony.py)
  const nowText = step > 0 ? describeStep(awards, steps[step - 1]) : null;
  const nextText = step < steps.length ? describeStep(awards, steps[step]) : null;
  body.replaceChildren(
    h(
      "div",
      { class: "ceremony-now-next" },
      h(
        "div",
        { class: "cn cn-now" },
        h("h3", null, t("ceremony_now")),
        h("p", { "data-testid": "ceremony-now" }, nowText || t("ceremony_nothing_yet")),
      ),
      h(
        "div",
        { class: "cn cn-next" },
        h("h3", null, t("ceremony_up_next")),
        h("p", { "data-testid": "ceremony-upnext" }, nextText || t("ceremony_all_done")),
      ),
    ),
    h("h3", null, t("awards_full_list")),
    awardList(awards, steps.slice(0, step), steps[step] || null),
  );
}

/** A list of awards with their winners. With `shown` (the steps revealed so far) marks each winner
 * shown, next (what the next key reveals) or hidden. */
export function awardList(awards, shown, nextStep) {
  if (!awards.length) return h("p", { class: "hint" }, t("no_winners"));
  return h(
    "ol",
    { class: "awards" },
    awards.map((award, ai) => {
      const isShown = (wi) => shown.some((step) => stepReveals(step, ai, wi));
      const winners = award.winners || [];
      if (award.kind === "honour_roll") {
        // one step reveals the whole roll: names in one paragraph, one state for the award
        let state = null;
        if (shown) state = isShown(-1) ? "shown" : nextStep && nextStep.award === ai ? "next" : "hidden";
        return h(
          "li",
          { class: `award award-roll${state ? ` w-${state}` : ""}` },
          h(
            "p",
            { class: "award-name" },
            award.name,
            " ",
            h("span", { class: "hint" }, `(${winners.length})`),
            state ? h("span", { class: `chip chip-w-${state}` }, t(`state_${state}`)) : null,
          ),
          winners.length
            ? h("p", { class: "roll-names" }, winners.map((w) => w.name).join(t("list_separator")))
            : h("p", { class: "hint" }, t("no_winners")),
        );
      }
      return h(
        "li",
        { class: "award" },
        h("p", { class: "award-name" }, award.name),
        award.tie_at_cut ? h("p", { class: "warn" }, `⚠ ${t("tie_at_cut")}`) : null,
        winners.length
          ? h(
              "ol",
              { class: "winners" },
              winners.map((w, wi) => {
                let state = null;
                if (shown) {
                  const isNext = stepReveals(nextStep, ai, wi);
                  state = isShown(wi) ? "shown" : isNext ? "next" : "hidden";
                }
                return h(
                  "li",
                  { class: `winner${state ? ` w-${state}` : ""}` },
                  w.rank ? h("span", { class: "w-rank" }, `#${w.rank}`) : null,
                  h("span", { class: "w-name" }, winnerText(w)),
                  w.composite !== null && w.composite !== undefined ? h("span", { class: "w-score" }, num(w.composite)) : null,
                  state ? h("span", { class: `chip chip-w-${state}` }, t(`state_${state}`)) : null,
                );
              }),
            )
          : h("p", { class: "hint" }, t("no_winners")),
      );
    }),
  );
}
