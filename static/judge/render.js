// Rendering of the judge's phone from the derived screen (state.js): the sticky phase bar, the project
// card and its clock, the one card that says where the score stands, the footer, the review and the
// list of the judge's own scores. Nothing here decides a phase: it only reads `screen`.

import { formatClock, h, t, timerRemaining } from "../live.js";
import { fmtNum, totalOf } from "./numbers.js";
import { latestSheet } from "./state.js";
import { renderInputsEnabled } from "./form.js";
import { $, app, criteria, decimals, fmtTime, maxTotal, pendingFor, projectById, state } from "./page.js";

const CONN_TEXT = {
  connecting: "connecting",
  online: "online",
  reconnecting: "reconnecting",
  offline: "offline",
  unauthorized: "unauthorized_title",
};

export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

const totalText = (sheet) => `${fmtNum(sheet.total, decimals())} / ${fmtNum(maxTotal())}`;

function renderConnection() {
  const banner = $("conn");
  banner.dataset.status = state.status;
  setText($("conn-text"), t(CONN_TEXT[state.status] || "connecting"));
}

function renderBar(screen) {
  const bar = screen.bar;
  const phase = $("phase");
  app.dataset.phase = screen.phase;
  phase.hidden = !bar;
  if (!bar) return;
  phase.dataset.kind = bar.kind;
  phase.dataset.stale = String(!!bar.stale);
  const params = bar.kind === "saved" ? { time: fmtTime(bar.params.time, false) } : bar.params || {};
  setText($("phase-title"), t(bar.title, params));
  let detail = bar.detail ? t(bar.detail, bar.counts || bar.params || {}) : "";
  if (bar.detail === "progress" && bar.stale) detail = `${detail} · ${t("stale")}`;
  setText($("phase-detail"), detail);
}

function renderProject(screen) {
  const p = screen.project;
  $("project").hidden = !screen.showProject;
  const waiting = $("waiting");
  waiting.hidden = screen.phase !== "waiting" && screen.phase !== "unauthorized";
  if (screen.phase === "unauthorized") {
    waiting.querySelector("h1").textContent = t("unauthorized_title");
    setText($("waiting-next"), t("unauthorized"));
    return;
  }
  if (screen.phase === "waiting") {
    const next = screen.card.next;
    setText($("waiting-next"), next ? t("next_project", { title: next.title }) : "");
    return;
  }
  if (!p) return;
  const count = (state.view.projects || []).length;
  const position = (state.view.current || {}).position || p.position;
  setText($("project-kicker"), t(screen.kicker));
  const pos = $("project-position");
  setText(pos, `${position}/${count}`);
  pos.setAttribute("aria-label", t("position_of", { position, count }));
  setText($("project-title"), p.title);
  setText($("project-team"), p.team || "");
  $("project-team").hidden = !p.team;
  setText($("project-category"), p.category_name || "");
  $("project-category").parentElement.hidden = !p.category_name;
  setText($("project-summary"), p.summary || "");
  $("project-summary").hidden = !p.summary || !screen.showTimer;
  $("timer").hidden = !screen.showTimer;
  $("timer-other").hidden = !screen.showTimer;
}

export function renderTimer() {
  const tv = state.view.timer;
  const box = $("timer");
  if (!tv || !tv.presentation || box.hidden || $("project").hidden) return;
  const hasQa = tv.qa && tv.qa.duration > 0;
  const used = (x) => x && (x.running || x.elapsed_before > 0);
  const name = tv.active || (hasQa && used(tv.qa) ? "qa" : "presentation");
  const timer = tv[name];
  const now = state.live.serverNow();
  const remaining = timerRemaining(timer, now);
  const over = remaining < 0;
  let stateText = timer.running ? t("running") : used(timer) ? t("paused") : t("not_started");
  if (over) stateText = `${t("overtime")} · ${stateText}`;
  setText($("timer-clock"), formatClock(remaining));
  setText($("timer-label"), t(name === "qa" ? "qa" : "presentation"));
  setText($("timer-state"), stateText);
  box.dataset.active = tv.active || "";
  box.dataset.overtime = String(over);
  box.dataset.running = String(!!timer.running);
  const otherName = name === "qa" ? "presentation" : "qa";
  const other = otherName === "qa" && !hasQa ? null : tv[otherName];
  setText(
    $("timer-other"),
    other ? t("timer_of", { name: t(otherName === "qa" ? "qa" : "presentation"), clock: formatClock(timerRemaining(other, now)) }) : "",
  );
}

function stateBox(kind, testid, icon, title, lines, extra = {}) {
  return h(
    "div",
    { class: `j-state j-state-${kind}`, dataset: { testid, ...extra } },
    h("span", { class: "j-state-icon", "aria-hidden": "true" }, icon),
    h("div", { class: "j-state-body" }, h("strong", { class: "j-state-title" }, title), ...lines),
  );
}

function cardContent(screen) {
  const card = screen.card;
  const p = (text, attrs = {}) => (text ? h("p", attrs, text) : null);
  switch (card.kind) {
    case "saving":
      return stateBox(
        "saving",
        "saving",
        card.offline ? "!" : h("span", { class: "j-spinner" }),
        card.offline ? t("will_send") : t("saving"),
        [p(card.offline ? t("kept_on_phone") : t("saving_detail"))],
        { offline: String(card.offline) },
      );
    case "error":
      return stateBox("error", "not-saved", "✕", t("not_saved_title"), [
        h("p", { class: "j-state-message", dataset: { testid: "submit-error", code: card.error.code || "" } }, card.error.message || card.error.code || t("error")),
        p(t("not_saved_keep")),
        card.sheet ? p(t("submitted_was", { total: totalText(card.sheet), time: fmtTime(card.sheet.at) })) : null,
      ]);
    case "refused": {
      const tried = totalOf(criteria(), state.values).total;
      return stateBox("error", "refused", "✕", t("refused_title"), [
        h("p", { class: "j-state-message", dataset: { testid: "submit-error", code: card.error.code || "" } }, t("refused_detail")),
        p(t("refused_numbers", { total: `${fmtNum(tried, decimals())} / ${fmtNum(maxTotal())}` })),
        card.sheet ? p(t("submitted_was", { total: totalText(card.sheet), time: fmtTime(card.sheet.at) })) : null,
      ]);
    }
    case "summary":
      return stateBox(
        card.unsent ? "changed" : "saved",
        card.unsent ? "summary-unsent" : "saved",
        "✓",
        t("submitted_summary", { total: fmtNum(card.sheet.total, decimals()) }),
        [
          p(t("saved_total", { total: totalText(card.sheet), time: fmtTime(card.sheet.at) }), { class: "j-state-total" }),
          card.unsent ? p(t("closed_unsent")) : null,
          card.final
            ? null
            : h("button", { type: "button", class: "j-btn j-btn-amend", dataset: { testid: "amend", action: "amend" } }, t("amend_button")),
        ],
      );
    case "changed":
      return stateBox("changed", "changed", "!", t("changed_short"), [
        p(t("changed")),
        p(t("submitted_was", { total: totalText(card.sheet), time: fmtTime(card.sheet.at) })),
      ]);
    case "recused":
      return stateBox("recused", "recused-card", "—", t("recused"), [p(t("recused_detail"))]);
    case "missed":
      return stateBox("missed", "missed", "—", t("scoring_closed"), [p(t("missed"))]);
    case "finished":
      return stateBox("finished", "end-screen", "✓", t("thanks_title"), [p(t("thanks_detail"))]);
    default:
      return null;
  }
}

function renderCard(screen) {
  const box = $("result");
  box.setAttribute("tabindex", "-1");
  const content = cardContent(screen);
  const signature = content ? content.outerHTML : "";
  if (box.dataset.signature !== signature) {
    box.dataset.signature = signature;
    box.replaceChildren(...(content ? [content] : []));
  }
  box.hidden = !content;
}

function renderFoot(screen) {
  $("foot").hidden = !screen.showFoot;
  const { total, done, count } = totalOf(criteria(), state.values);
  const totalEl = $("total");
  setText(totalEl, fmtNum(total, decimals()));
  totalEl.dataset.value = String(total);
  setText($("total-max"), ` / ${fmtNum(maxTotal())}`);
  let sub = t("scored_count", { done, count });
  if (screen.phase === "ready") sub += ` · ${t("scoring_not_open")}`;
  if (screen.card.kind === "changed") sub += ` · ${t("changed_short")}`;
  else if (screen.card.kind === "error") sub += ` · ${t("not_saved")}`;
  setText($("foot-sub"), sub);
  $("foot").dataset.state = screen.card.kind;
  $("review-btn").hidden = screen.reviewing;
  $("review-btn").disabled = !screen.canReview;
  $("review-actions").hidden = !screen.reviewing;
  const confirm = $("confirm-btn");
  confirm.disabled = !screen.canSubmit;
  setText(confirm, latestSheet(state.view, state.project, state.confirmed[state.project]) ? t("amend") : t("confirm_submit"));
}

export function renderReview() {
  const p = projectById(state.project);
  setText($("review-project"), p ? t("review_of", { title: p.title }) : "");
  $("review-list").replaceChildren(
    ...criteria().map((c) =>
      h("div", { class: "j-review-row" }, h("dt", {}, c.name), h("dd", {}, `${fmtNum(state.values[c.id], 6)} / ${fmtNum(c.max)}`)),
    ),
  );
  const comment = state.comment.trim();
  const commentEl = $("review-comment");
  commentEl.textContent = comment || t("no_comment");
  commentEl.classList.toggle("is-empty", !comment);
  setText($("review-total"), `${fmtNum(totalOf(criteria(), state.values).total, decimals())} / ${fmtNum(maxTotal())}`);
  const blocked = $("review-blocked");
  const why = state.status !== "online" ? t("cannot_submit_offline") : "";
  setText(blocked, why);
  blocked.hidden = !why;
  blocked.dataset.kind = "info";
}

function renderMine(screen) {
  const mine = state.view.my_scores || {};
  const pendingIds = new Set(state.live.pending().filter((c) => c.cmd === "submit_score" && c.args).map((c) => c.args.project));
  const ids = new Set([...Object.keys(mine), ...Object.keys(state.confirmed), ...pendingIds]);
  const order = (state.view.projects || []).map((p) => p.id);
  const sorted = [...ids].sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const rows = sorted.map((pid) => {
    const p = projectById(pid);
    const sheet = latestSheet(state.view, pid, state.confirmed[pid]);
    const result = state.results[pid];
    let flag = null;
    if (pendingFor(pid).length) flag = h("span", { class: "j-mine-flag is-pending" }, state.status === "online" ? t("sending_short") : t("not_saved"));
    else if (result && !result.ok) flag = h("span", { class: "j-mine-flag is-error" }, t("not_saved"));
    return h(
      "li",
      { class: "j-mine-row", dataset: { testid: `my-score-${pid}`, project: pid } },
      h("span", { class: "j-mine-pos", "aria-hidden": "true" }, p ? String(p.position) : ""),
      h(
        "span",
        { class: "j-mine-main" },
        h("span", { class: "j-mine-title" }, p ? p.title : pid),
        h("span", { class: "j-mine-meta" }, sheet ? fmtTime(sheet.at) : "", sheet && sheet.version > 1 ? ` · ${t("amended")}` : "", flag ? " " : "", flag),
      ),
      h("strong", { class: "j-mine-total" }, sheet ? t("my_total", { total: fmtNum(sheet.total, decimals()), max: fmtNum(maxTotal()) }) : "–"),
    );
  });
  const list = $("my-scores-list");
  if (rows.length) list.replaceChildren(...rows);
  else list.replaceChildren(h("li", { class: "j-mine-empty" }, t("no_scores")));
  setText($("my-scores-count"), String(Object.keys(mine).length));
  const details = $("my-scores");
  details.hidden = screen.reviewing || !state.ready || screen.phase === "unauthorized";
  // The end screen lists every score the judge gave: open the list once, when the event ends.
  if (screen.phase === "finished" && !details.dataset.opened) {
    details.open = true;
    details.dataset.opened = "1";
  }
}

/** Everything except rebuilding the rubric: safe to call on every update, keeps what is typed. */
export function renderAll(screen) {
  renderConnection();
  renderBar(screen);
  renderProject(screen);
  renderTimer();
  app.dataset.mode = screen.reviewing ? "review" : "form";
  $("review").hidden = !screen.reviewing;
  $("form").hidden = !screen.showForm;
  renderCard(screen);
  renderFoot(screen);
  renderInputsEnabled(screen.editable);
  if (screen.reviewing) renderReview();
  renderMine(screen);
}
