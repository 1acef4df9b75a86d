// Projector board (/board) and audience phone view (/board?audience=1): read-only, driven by the
// board stream (docs/protocol.md, sections built in app/views.py). Scenes follow view.scene.scene.
//
// Stable data-testid hooks (for browser tests):
//   board-scene             the scene container; data-scene = welcome | presenting | result | leaderboard | ceremony
//                           (always the scene the host chose; on the audience view the "Leaderboard" tab
//                           does not change it: see data-tab on #app)
//   board-title             the event title (welcome scene)
//   board-project-title     the title of the project on stage (presenting scene)
//   board-timer             the stage timer; data-state = normal | warning | overtime | paused,
//                           data-timer = presentation | qa
//   board-progress          "5 / 7 judges have scored"; data-submitted, data-expected
//   board-result            the revealed result; data-project
//   board-result-panel      the panel score; data-value = the final value
//   board-result-composite  the composite score; data-value = the final value (the text counts up)
//   board-leaderboard       the leaderboard; data-count = rows shown
//   board-row-<projectId>   one leaderboard row; data-rank (as shown), data-tied, data-move = up | down | new | ""
//   board-ceremony          the award ceremony; data-step
//   board-award-<awardId>   one award with the winners revealed so far ("?" while more may come:
//                           the board is never told how many); data-revealed, data-complete
//   board-winner            the winner revealed now (absent when the current reveal is an honour roll)
//   board-honour-roll       the honour roll when it is the current reveal
//   board-conn              the connection indicator: hidden while online; data-status
//
// Every text from the server goes into the DOM through h() / textContent, never as markup.

import { LiveConnection, timerRemaining, formatClock, strings, t, h } from "./live.js";

const S = strings();

const SCENES = ["welcome", "presenting", "result", "leaderboard", "ceremony"];
const WARNING_SECONDS = 60;
const PAGE_SIZE = 18; // leaderboard rows per projector page (two columns of nine)
const PAGE_SECONDS = 15;
const COUNT_MS = 1800;
const CATEGORY_COLOURS = 6; // .cat-0 … .cat-5 in board.css

const app = document.getElementById("app");
const AUDIENCE = app.dataset.audience === "1";
const stage = document.getElementById("board-scene");
const sceneLabel = document.getElementById("board-scene-label");
const brand = document.getElementById("board-brand");
const connEl = document.getElementById("board-conn");
const announcer = document.getElementById("board-announcer");
const panels = Object.fromEntries(SCENES.map((name) => [name, document.getElementById(`scene-${name}`)]));
const motionQuery = window.matchMedia("(prefers-reduced-motion: reduce)");
const reducedMotion = () => motionQuery.matches;

let view = {};
let scene = "welcome"; // what the host chose
let shown = null; // the panel on screen (differs on the audience "Leaderboard" tab)
let tab = "now";
let lastAnnounced = "";

// ---------------------------------------------------------------------------------- helpers
function decimals() {
  const d = view.event?.scoring?.decimals;
  return Number.isInteger(d) && d >= 0 && d <= 6 ? d : 2;
}

function num(value, places = decimals()) {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(places) : "—";
}

function plainNumber(value) {
  // a maximum or a weight: "100", "12.5" (no trailing zeros)
  return typeof value === "number" && Number.isFinite(value) ? String(+value.toFixed(2)) : "—";
}

function categoryIndex(categoryId) {
  const list = view.event?.categories || [];
  const i = list.findIndex((c) => c.id === categoryId);
  return i < 0 ? 0 : i % CATEGORY_COLOURS;
}

function categoryChip(categoryId, name, extra) {
  if (!name) return null;
  return h("span", { class: `chip chip-cat cat-${categoryIndex(categoryId)}` }, name, extra || null);
}

function rankText(rank) {
  return rank == null ? "—" : t("rank_no", { rank });
}

function announce(text) {
  if (!text) return;
  announcer.textContent = "";
  setTimeout(() => {
    announcer.textContent = text;
  }, 60);
}

function currentProject() {
  const id = view.current?.project;
  return id ? (view.projects || []).find((p) => p.id === id) || null : null;
}

// ---------------------------------------------------------------------------------- scenes
function panelFor() {
  return AUDIENCE && tab === "leaderboard" ? "leaderboard" : scene;
}

function showPanel() {
  const name = panelFor();
  stage.dataset.scene = scene;
  app.dataset.tab = tab;
  app.dataset.shown = name;
  sceneLabel.textContent = t(`scene_${name}`);
  if (name === shown) return false;
  const previous = shown;
  shown = name;
  for (const [key, el] of Object.entries(panels)) el.hidden = key !== name;
  if (!reducedMotion() && previous !== null) {
    panels[name].animate([{ opacity: 0 }, { opacity: 1 }], { duration: 450, easing: "ease-out" });
  }
  return true;
}

function afterShow(justShown) {
  if (shown === "leaderboard" && leaderboard.dirty) {
    // Coming back to the leaderboard after a reveal: show the standings as they were for a moment,
    // then let the rows slide to their new places, so the hall sees who moved.
    const hasRows = panels.leaderboard.querySelector(".lb-row");
    if (justShown && hasRows && !reducedMotion()) {
      setTimeout(() => {
        if (shown === "leaderboard" && leaderboard.dirty) renderLeaderboard();
      }, 900);
    } else {
      renderLeaderboard();
    }
  }
  if (shown === "result") animateResult();
  if (shown === "ceremony") ceremonyRollScroll();
}

function announcement() {
  const name = shown;
  if (name === "presenting") {
    const p = currentProject();
    return p ? [`presenting:${p.id}`, t("announce_presenting", { title: p.title })] : ["presenting", t("waiting")];
  }
  if (name === "result") {
    const r = view.result;
    if (!r) return ["result", t("no_result")];
    return [
      `result:${r.project}:${r.composite}`,
      t("announce_result", { title: r.title, score: num(r.composite), rank: r.rank ?? "—" }),
    ];
  }
  if (name === "ceremony") {
    const c = view.ceremony;
    const cur = c?.current;
    const award = cur ? c.awards?.[cur.award] : null;
    if (!award) return ["ceremony", t("ceremony")];
    if (cur.winner < 0 || award.kind === "honour_roll") {
      return [`ceremony:${c.step}`, t("announce_honour", { award: award.name, n: (award.winners || []).length })];
    }
    const w = award.winners?.[cur.winner];
    return [`ceremony:${c.step}`, w ? t("announce_winner", { award: award.name, name: w.name }) : award.name];
  }
  if (name === "leaderboard") return ["leaderboard", t("scene_leaderboard")];
  return ["welcome", t("announce_welcome", { title: view.event?.title || "" })];
}

function announceIfChanged() {
  const [key, text] = announcement();
  if (key === lastAnnounced) return;
  lastAnnounced = key;
  announce(text);
}

// ---------------------------------------------------------------------------------- welcome
function renderWelcome() {
  const ev = view.event;
  if (!ev) return;
  brand.textContent = ev.title || "";
  const fields = [
    ["welcome-title", null, ev.title],
    ["welcome-subtitle", "welcome-subtitle", ev.subtitle],
    ["welcome-date", "welcome-date-row", ev.date],
    ["welcome-venue", "welcome-venue-row", ev.venue],
    ["welcome-organizer", "welcome-organizer-row", ev.organizer],
  ];
  for (const [id, rowId, value] of fields) {
    const el = document.getElementById(id);
    if (el) el.textContent = value || "";
    const row = rowId && document.getElementById(rowId);
    if (row) row.hidden = !value;
  }
}

function scalableQr() {
  // segno's inline SVG has width/height but no viewBox, so CSS could only crop it: add one.
  const svg = document.querySelector("#welcome-qr svg");
  if (!svg || svg.hasAttribute("viewBox")) return;
  const w = parseFloat(svg.getAttribute("width"));
  const hgt = parseFloat(svg.getAttribute("height"));
  if (w > 0 && hgt > 0) {
    svg.setAttribute("viewBox", `0 0 ${w} ${hgt}`);
    svg.removeAttribute("width");
    svg.removeAttribute("height");
  }
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("follow_along"));
}

// ---------------------------------------------------------------------------------- presenting
const presenting = { project: null, signature: null, refs: null };

function activeTimerName(timer) {
  if (!timer) return "presentation";
  if (timer.active === "presentation" || timer.active === "qa") return timer.active;
  const qa = timer.qa;
  if (qa && qa.duration > 0 && qa.elapsed_before > 0) return "qa";
  return "presentation";
}

function renderPresenting() {
  const panel = panels.presenting;
  const p = currentProject();
  if (!p) {
    presenting.project = null;
    presenting.signature = null;
    presenting.refs = null;
    const upcoming = (view.projects || []).find((x) => x.id === view.current?.next);
    panel.replaceChildren(
      h(
        "div",
        { class: "presenting-empty" },
        h("p", { class: "empty-title" }, t("waiting")),
        upcoming
          ? h("p", { class: "empty-next" }, h("span", { class: "label" }, t("next_up")), " ", upcoming.title)
          : null
      )
    );
    return;
  }
  const total = (view.projects || []).length;
  const signature = JSON.stringify([p.id, p.title, p.team, p.leader, p.summary, p.category_name, p.position, total]);
  if (presenting.signature !== signature || !presenting.refs) buildPresenting(p, presenting.project !== p.id);
  presenting.signature = signature;
  updatePresenting(p);
}

function buildPresenting(p, isNewProject) {
  const refs = {};
  const total = (view.projects || []).length;
  refs.timer = h(
    "div",
    { class: "timer", "data-testid": "board-timer", "data-state": "paused" },
    (refs.timerLabel = h("p", { class: "timer-label" })),
    (refs.timerClock = h("p", { class: "timer-clock" }, "00:00")),
    (refs.timerStatus = h("p", { class: "timer-status" }))
  );
  refs.progress = h(
    "div",
    { class: "progress", "data-testid": "board-progress" },
    h(
      "p",
      { class: "progress-figure" },
      (refs.submitted = h("b", {}, "0")),
      h("span", { class: "progress-of" }, " / "),
      (refs.expected = h("span", { class: "progress-expected" }, "0"))
    ),
    (refs.pips = h("p", { class: "progress-pips", "aria-hidden": "true" })),
    h("p", { class: "progress-label" }, t("judges_scored")),
    (refs.status = h("p", { class: "progress-status" }))
  );
  refs.next = h("p", { class: "presenting-next" });
  const longTitle = [...(p.title || "")].length > 20; // three lines at full size would crowd the timer
  const teamLine = [];
  if (p.team) teamLine.push(h("span", { class: "presenting-teamname" }, p.team));
  if (p.leader) {
    teamLine.push(
      h("span", { class: "presenting-leader" }, h("span", { class: "label" }, t("leader")), " ", p.leader)
    );
  }
  const root = h(
    "article",
    { class: "presenting", "data-project": p.id },
    h(
      "div",
      { class: `presenting-info${longTitle ? " is-long" : ""}` },
      h(
        "div",
        { class: "presenting-head" },
        h("p", { class: "kicker" }, t("now_presenting")),
        categoryChip(p.category, p.category_name),
      h(
        "p",
        { class: "presenting-pos" },
        h("span", { class: "label" }, t("position_label")),
        " ",
        h("b", {}, String(p.position)),
          h("span", { class: "of" }, ` / ${total}`)
        )
      ),
      h(
        "h1",
        { class: `presenting-title${longTitle ? " is-long" : ""}`, "data-testid": "board-project-title" },
        p.title
      ),
      teamLine.length ? h("p", { class: "presenting-team" }, teamLine) : null,
      p.summary ? h("p", { class: "presenting-summary" }, p.summary) : null
    ),
    h("div", { class: "presenting-foot" }, refs.timer, refs.progress),
    refs.next
  );
  panels.presenting.replaceChildren(root);
  presenting.project = p.id;
  presenting.refs = refs;
  if (isNewProject && !reducedMotion() && shown === "presenting") {
    root.animate([{ opacity: 0, transform: "translateY(2vh)" }, { opacity: 1, transform: "none" }], {
      duration: 600,
      easing: "cubic-bezier(.2,.8,.2,1)",
    });
  }
}

function updatePresenting(p) {
  const refs = presenting.refs;
  const progress = view.progress || {};
  const mine = progress.project === p.id;
  const submitted = mine ? progress.submitted || 0 : 0;
  const expected = mine ? progress.expected || 0 : 0;
  refs.submitted.textContent = String(submitted);
  refs.expected.textContent = String(expected);
  refs.progress.dataset.submitted = String(submitted);
  refs.progress.dataset.expected = String(expected);
  refs.progress.classList.toggle("is-complete", expected > 0 && submitted >= expected);
  if (refs.pips.childElementCount !== expected || refs.pips.dataset.filled !== String(submitted)) {
    const pips = [];
    for (let i = 0; i < Math.min(expected, 40); i += 1) {
      pips.push(h("span", { class: i < submitted ? "pip on" : "pip" }));
    }
    refs.pips.replaceChildren(...pips);
    refs.pips.dataset.filled = String(submitted);
  }
  const status = view.current?.status || p.status;
  const statusKey =
    status === "scoring"
      ? "scoring_open"
      : status === "closed" || status === "revealed"
        ? "scoring_closed"
        : "scoring_not_open";
  refs.status.textContent = t(statusKey);
  refs.progress.dataset.status = status || "";
  const upcoming = (view.projects || []).find((x) => x.id === view.current?.next);
  refs.next.replaceChildren();
  if (upcoming) refs.next.append(h("span", { class: "label" }, t("next_up")), " ", upcoming.title);
  refs.next.hidden = !upcoming;
  tickTimer();
}

function tickTimer() {
  const refs = presenting.refs;
  if (!refs) return;
  const timer = view.timer;
  const name = activeTimerName(timer);
  const T = timer?.[name];
  if (!T) return;
  const remaining = timerRemaining(T, live.serverNow());
  const started = T.running || T.elapsed_before > 0;
  let state;
  if (!T.running) state = "paused";
  else if (remaining < 0) state = "overtime";
  else if (remaining < WARNING_SECONDS) state = "warning";
  else state = "normal";
  const clock = formatClock(remaining);
  const parts = [];
  if (!started) parts.push(t("timer_ready"));
  else if (!T.running) parts.push(t("paused"));
  if (remaining < 0) parts.push(t("overtime")); // the clock next to it reads "+00:12"
  else if (started && remaining < WARNING_SECONDS) parts.push(t("time_up_soon"));
  else if (T.running) parts.push(t("time_left"));
  const statusText = parts.join(" · ");
  const label = t(name === "qa" ? "qa" : "presentation");
  if (refs.timer.dataset.state !== state) refs.timer.dataset.state = state;
  refs.timer.dataset.timer = name;
  refs.timer.classList.toggle("is-over", remaining < 0);
  if (refs.timerClock.textContent !== clock) refs.timerClock.textContent = clock;
  if (refs.timerLabel.textContent !== label) refs.timerLabel.textContent = label;
  if (refs.timerStatus.textContent !== statusText) refs.timerStatus.textContent = statusText;
}

// ---------------------------------------------------------------------------------- result
const result = { key: null, animated: null, refs: null, anims: [] };

function renderResult() {
  const panel = panels.result;
  const r = view.result;
  if (!r) {
    result.key = null;
    result.refs = null;
    panel.replaceChildren(h("div", { class: "scene-empty" }, h("p", { class: "empty-title" }, t("no_result"))));
    return;
  }
  const key = JSON.stringify([r.project, r.composite, r.panel, r.rank, r.tied, r.counted, r.dropped, r.anchor]);
  if (key === result.key) return;
  result.key = key;
  const refs = {};
  const d = decimals();
  const weightTotal = (r.components || []).reduce((sum, c) => sum + (c.weight || 0), 0) || 1;
  const components = (r.components || []).map((c) => {
    const pct = typeof c.score_100 === "number" ? Math.max(0, Math.min(100, c.score_100)) : 0;
    const bar = h("span", { class: "comp-bar-fill" });
    bar.style.width = `${pct}%`;
    const name = c.id === "panel" ? t("panel_score") : c.name;
    return h(
      "li",
      { class: `comp${c.id === "panel" ? " comp-panel" : ""}`, "data-component": c.id },
      h("span", { class: "comp-name" }, name),
      h("span", { class: "comp-weight" }, `${plainNumber((100 * (c.weight || 0)) / weightTotal)}%`),
      h("span", { class: "comp-value" }, num(c.value, d), h("small", {}, ` / ${plainNumber(c.max)}`)),
      h("span", { class: "comp-bar", "aria-hidden": "true" }, bar),
      h("span", { class: "comp-points" }, c.contribution == null ? "—" : `+${num(c.contribution, d)}`)
    );
  });
  const flags = (r.flags || []).filter((f) => S[`flag_${f}`]).map((f) => h("li", {}, t(`flag_${f}`)));
  refs.composite = h("span", { class: "num" }, num(r.composite, d));
  refs.panel = h("span", { class: "num" }, num(r.panel, d));
  refs.rank = h(
    "p",
    { class: "result-rank" },
    h("span", { class: "label" }, t("rank")),
    h("b", {}, rankText(r.rank)),
    r.tied ? h("span", { class: "chip chip-tied" }, t("tied")) : null
  );
  refs.bars = components.map((li) => li.querySelector(".comp-bar-fill"));
  const root = h(
    "article",
    { class: "result", "data-testid": "board-result", "data-project": r.project },
    h(
      "header",
      { class: "result-head" },
      h("p", { class: "kicker" }, t("scene_result")),
      categoryChip(r.category, r.category_name),
      h("h1", { class: "result-title" }, r.title),
      r.team ? h("p", { class: "result-team" }, r.team) : null
    ),
    h(
      "div",
      { class: "result-body" },
      h(
        "div",
        { class: "result-main" },
        h("p", { class: "result-label" }, t("composite")),
        h(
          "p",
          { class: "result-composite", "data-testid": "board-result-composite", "data-value": num(r.composite, d) },
          refs.composite,
          h("span", { class: "of" }, t("out_of", { max: 100 }))
        ),
        refs.rank
      ),
      h(
        "div",
        { class: "result-side" },
        h(
          "div",
          { class: "result-panel", "data-testid": "board-result-panel", "data-value": num(r.panel, d) },
          h("p", { class: "result-label" }, t("panel_score")),
          h(
            "p",
            { class: "result-panel-value" },
            refs.panel,
            h("span", { class: "of" }, ` / ${plainNumber(r.panel_max)}`)
          )
        ),
        h(
          "div",
          { class: "comps" },
          h(
            "p",
            { class: "comp comp-head", "aria-hidden": "true" },
            h("span", { class: "comp-name" }, t("col_component")),
            h("span", { class: "comp-weight" }, t("col_weight")),
            h("span", { class: "comp-value" }, t("col_score")),
            h("span", { class: "comp-bar" }),
            h("span", { class: "comp-points" }, t("col_points"))
          ),
          h("ol", { class: "comp-list" }, components)
        ),
        h(
          "p",
          { class: "result-counts" },
          h("span", {}, t("n_counted", { n: r.counted ?? 0 })),
          r.dropped ? h("span", {}, t("n_dropped", { n: r.dropped })) : null
        ),
        flags.length ? h("ul", { class: "result-flags" }, flags) : null
      )
    ),
    // the audit chain's anchor at this reveal (docs/reliability.md): small, in the corner
    r.anchor ? h("p", { class: "result-anchor", "data-testid": "board-anchor" }, t("anchor", r.anchor)) : null
  );
  panel.replaceChildren(root);
  result.refs = refs;
  result.values = { composite: r.composite, panel: r.panel };
  if (shown === "result") animateResult();
}

function countUp(el, to, places, duration, delay = 0) {
  const start = performance.now() + delay;
  const frame = (now) => {
    if (!el.isConnected) return;
    const p = Math.max(0, Math.min(1, (now - start) / duration));
    const eased = 1 - (1 - p) ** 3;
    el.textContent = (to * eased).toFixed(places);
    if (p < 1) requestAnimationFrame(frame);
    else el.textContent = to.toFixed(places);
  };
  el.textContent = (0).toFixed(places);
  requestAnimationFrame(frame);
}

function animateResult() {
  const refs = result.refs;
  if (!refs || result.animated === result.key) return;
  result.animated = result.key;
  if (reducedMotion()) return;
  const d = decimals();
  const { composite, panel } = result.values;
  if (typeof panel === "number") countUp(refs.panel, panel, d, COUNT_MS * 0.7);
  if (typeof composite === "number") countUp(refs.composite, composite, d, COUNT_MS, 300);
  refs.bars.forEach((bar, i) =>
    bar.animate([{ transform: "scaleX(0)" }, { transform: "scaleX(1)" }], {
      duration: 900,
      delay: 150 + i * 120,
      easing: "cubic-bezier(.2,.8,.2,1)",
      fill: "backwards",
    })
  );
  refs.rank.animate(
    [
      { opacity: 0, transform: "scale(.6)" },
      { opacity: 1, transform: "scale(1.08)", offset: 0.7 },
      { opacity: 1, transform: "scale(1)" },
    ],
    { duration: 700, delay: COUNT_MS + 350, easing: "ease-out", fill: "backwards" }
  );
}

// ---------------------------------------------------------------------------------- leaderboard
const leaderboard = {
  dirty: true,
  ranksKey: null, // the (project, rank) list last shown, to find movers
  ranks: null, // project -> rank last shown
  moves: new Map(), // project -> "up:n" | "down:n" | "new"
  page: 0,
  filter: "overall", // audience: "overall" or a category id
  pageTimer: null,
};

function leaderboardRows() {
  const lb = view.leaderboard || {};
  if (leaderboard.filter !== "overall") {
    return ((lb.by_category || {})[leaderboard.filter] || []).map((row) => ({
      ...row,
      shownRank: row.category_rank,
      shownTied: row.category_tied,
    }));
  }
  return (lb.overall || []).map((row) => ({ ...row, shownRank: row.rank, shownTied: row.tied }));
}

function updateMoves() {
  // Movers are measured against the previous standings received (not only those shown), so a board
  // that sat on the result scene during a reveal still shows who moved when it turns to the leaderboard.
  const rows = view.leaderboard?.overall || [];
  const key = JSON.stringify(rows.map((r) => [r.project, r.rank]));
  if (key === leaderboard.ranksKey) return;
  const before = leaderboard.ranks;
  const moves = new Map();
  if (before) {
    for (const row of rows) {
      const old = before.get(row.project);
      if (old == null) moves.set(row.project, "new");
      else if (row.rank < old) moves.set(row.project, `up:${old - row.rank}`);
      else if (row.rank > old) moves.set(row.project, `down:${row.rank - old}`);
    }
  }
  leaderboard.moves = moves;
  leaderboard.ranksKey = key;
  leaderboard.ranks = new Map(rows.map((r) => [r.project, r.rank]));
}

function moveBadge(move) {
  if (!move) return h("span", { class: "lb-move" });
  if (move === "new") return h("span", { class: "lb-move is-new" }, t("new_entry"));
  const [dir, n] = move.split(":");
  const up = dir === "up";
  return h(
    "span",
    { class: `lb-move ${up ? "is-up" : "is-down"}`, title: `${t(up ? "moved_up" : "moved_down")} ${n}` },
    h("span", { "aria-hidden": "true" }, `${up ? "▲" : "▼"}${n}`),
    h("span", { class: "sr-only" }, `${t(up ? "moved_up" : "moved_down")} ${n}`)
  );
}

function leaderboardRow(row, move) {
  return h(
    "li",
    {
      class: `lb-row${row.shownRank === 1 ? " is-first" : ""}${move ? " is-mover" : ""}`,
      "data-key": row.project,
      "data-testid": `board-row-${row.project}`,
      "data-rank": row.shownRank,
      "data-tied": row.shownTied ? "true" : "false",
      "data-move": move ? move.split(":")[0] : "",
    },
    h(
      "span",
      { class: "lb-rank" },
      h("b", {}, row.shownRank ?? "—"),
      row.shownTied ? h("small", {}, t("tied")) : null
    ),
    h(
      "span",
      { class: "lb-main" },
      h("span", { class: "lb-name" }, row.title),
      h(
        "span",
        { class: "lb-sub" },
        leaderboard.filter === "overall"
          ? h("span", { class: `lb-cat cat-${categoryIndex(row.category)}` }, row.category_name)
          : null,
        row.team ? h("span", { class: "lb-team" }, row.team) : null
      )
    ),
    moveBadge(move),
    h("span", { class: "lb-score" }, num(row.composite))
  );
}

function categoryStrip() {
  const cats = view.event?.categories || [];
  const byCat = view.leaderboard?.by_category || {};
  if (!cats.length) return null;
  return h(
    "section",
    { class: "lb-cats", "aria-label": t("by_category") },
    h("h2", { class: "lb-cats-title" }, t("category_leaders")),
    h(
      "ol",
      { class: "lb-cats-list" },
      cats.map((cat) => {
        const rows = (byCat[cat.id] || []).filter((r) => r.category_rank === 1);
        return h(
          "li",
          { class: `lb-cat-card cat-${categoryIndex(cat.id)}`, "data-category": cat.id },
          h("p", { class: "lb-cat-name" }, cat.name),
          rows.length
            ? h(
                "p",
                { class: "lb-cat-leader" },
                h("span", { class: "lb-cat-title" }, rows.map((r) => r.title).join(" / ")),
                h("span", { class: "lb-cat-score" }, num(rows[0].composite))
              )
            : h("p", { class: "lb-cat-leader is-empty" }, "—")
        );
      })
    )
  );
}

function filterBar() {
  const cats = view.event?.categories || [];
  const options = [["overall", t("overall")], ...cats.map((c) => [c.id, c.name])];
  return h(
    "div",
    { class: "lb-filter", role: "group", "aria-label": t("by_category") },
    options.map(([id, label]) =>
      h(
        "button",
        {
          type: "button",
          class: "lb-filter-btn",
          "aria-pressed": leaderboard.filter === id ? "true" : "false",
          onclick: () => {
            leaderboard.filter = id;
            leaderboard.dirty = true;
            renderLeaderboard();
          },
        },
        label
      )
    )
  );
}

function renderLeaderboard() {
  const panel = panels.leaderboard;
  const rows = leaderboardRows();
  leaderboard.dirty = false;
  const total = (view.projects || []).length;
  const overallCount = (view.leaderboard?.overall || []).length;
  const pages = AUDIENCE ? 1 : Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
  if (leaderboard.page >= pages) leaderboard.page = 0;
  const pageRows = AUDIENCE ? rows : rows.slice(leaderboard.page * PAGE_SIZE, (leaderboard.page + 1) * PAGE_SIZE);
  schedulePages(pages);

  // FLIP: where each row is now (only meaningful while the panel is on screen)
  const visible = !panel.hidden;
  const before = new Map();
  if (visible) {
    for (const el of panel.querySelectorAll(".lb-row")) before.set(el.dataset.key, el.getBoundingClientRect());
  }

  const twoColumns = !AUDIENCE && pageRows.length > 6;
  const perColumn = twoColumns ? Math.ceil(pageRows.length / 2) : pageRows.length;
  const list = h(
    "ol",
    { class: `lb-rows${twoColumns ? " is-two" : ""}` },
    pageRows.map((row) =>
      leaderboardRow(row, leaderboard.filter === "overall" ? leaderboard.moves.get(row.project) : null)
    )
  );
  list.style.setProperty("--per-column", String(Math.max(1, perColumn)));
  const scopeName =
    leaderboard.filter === "overall"
      ? t("overall")
      : (view.event?.categories || []).find((c) => c.id === leaderboard.filter)?.name || "";
  const meta = h(
    "p",
    { class: "lb-meta" },
    h("span", { class: "lb-scope" }, scopeName),
    h("span", {}, t("revealed_count", { n: overallCount, total })),
    pages > 1 ? h("span", { class: "lb-page" }, `${leaderboard.page + 1} / ${pages}`) : null
  );
  const body = pageRows.length
    ? list
    : h("div", { class: "scene-empty" }, h("p", { class: "empty-title" }, t("no_leaderboard")));
  panel.replaceChildren(
    h(
      "div",
      {
        class: "lb",
        "data-testid": "board-leaderboard",
        "data-count": String(pageRows.length),
        "data-filter": leaderboard.filter,
      },
      h("header", { class: "lb-head" }, h("h1", { class: "lb-title" }, t("leaderboard")), meta),
      AUDIENCE ? filterBar() : null,
      body,
      AUDIENCE || !overallCount ? null : categoryStrip()
    )
  );
  if (!visible || reducedMotion()) return;
  let entering = 0;
  for (const el of list.querySelectorAll(".lb-row")) {
    const old = before.get(el.dataset.key);
    const now = el.getBoundingClientRect();
    const mover = el.dataset.move === "up";
    if (!old) {
      el.animate([{ opacity: 0, transform: "translateY(1.5vh)" }, { opacity: 1, transform: "none" }], {
        duration: 500,
        delay: before.size ? 500 : Math.min(entering * 45, 900),
        easing: "ease-out",
        fill: "backwards",
      });
      entering += 1;
      continue;
    }
    const dx = old.left - now.left;
    const dy = old.top - now.top;
    if (Math.abs(dx) >= 1 || Math.abs(dy) >= 1) {
      el.animate([{ transform: `translate(${dx}px, ${dy}px)` }, { transform: "none" }], {
        duration: 1100,
        easing: "cubic-bezier(.25,.8,.25,1)",
        fill: "backwards",
      });
    }
    if (mover) el.classList.add("flash");
  }
}

function schedulePages(pages) {
  if (pages <= 1) {
    clearInterval(leaderboard.pageTimer);
    leaderboard.pageTimer = null;
    return;
  }
  if (leaderboard.pageTimer) return;
  leaderboard.pageTimer = setInterval(() => {
    if (shown !== "leaderboard") return;
    const count = Math.max(1, Math.ceil(leaderboardRows().length / PAGE_SIZE));
    leaderboard.page = (leaderboard.page + 1) % count;
    renderLeaderboard();
  }, PAGE_SECONDS * 1000);
}

// ---------------------------------------------------------------------------------- ceremony
const ceremony = { currentKey: null, rollTimer: null };

function winnerSecondary(w) {
  const parts = [];
  for (const part of [w.project_title, w.team]) if (part && part !== w.name && !parts.includes(part)) parts.push(part);
  return parts;
}

function ceremonyStage(c) {
  const cur = c?.current;
  const award = cur ? c.awards?.[cur.award] : null;
  if (!c || !award) {
    return h(
      "div",
      { class: "cer-stage is-intro" },
      h("p", { class: "kicker" }, t("ceremony")),
      h("h1", { class: "cer-intro-title" }, view.event?.title || ""),
      h("p", { class: "cer-intro-sub" }, t("awards_pending"))
    );
  }
  if (award.kind === "honour_roll" || cur.winner < 0) {
    const names = (award.winners || []).filter(Boolean);
    return h(
      "div",
      { class: "cer-stage is-honour" },
      h("p", { class: "cer-award-name" }, award.name),
      h("p", { class: "cer-honour-count" }, t("names_count", { n: names.length })),
      h(
        "div",
        { class: "cer-roll-viewport" },
        h(
          "ul",
          { class: "cer-roll", "data-testid": "board-honour-roll", "data-count": String(names.length) },
          names.map((w) => h("li", { class: "cer-roll-name", title: w.team || null }, w.name))
        )
      )
    );
  }
  const w = award.winners?.[cur.winner];
  if (!w) {
    return h(
      "div",
      { class: "cer-stage" },
      h("p", { class: "cer-award-name" }, award.name),
      h("p", { class: "cer-winner-name is-unknown" }, "?")
    );
  }
  const secondary = winnerSecondary(w);
  return h(
    "div",
    { class: `cer-stage is-winner${w.rank === 1 ? " is-first" : ""}` },
    h("p", { class: "cer-award-name" }, award.name),
    h(
      "div",
      { class: "cer-winner", "data-testid": "board-winner", "data-award": award.id, "data-index": String(cur.winner) },
      w.rank != null ? h("p", { class: "cer-winner-rank" }, rankText(w.rank)) : null,
      h("p", { class: "cer-winner-name" }, w.name),
      secondary.length ? h("p", { class: "cer-winner-more" }, secondary.join(" · ")) : null
    ),
    h("div", { class: "confetti", "aria-hidden": "true" })
  );
}

function unknownSlot(tag, withRank = true) {
  // winners still to come: the board is not told who nor how many, so one question mark stands for them
  return h(
    tag,
    { class: "cer-slot is-unknown" },
    withRank ? h("span", { class: "cer-slot-rank" }) : null,
    h("span", { class: "cer-slot-name", "aria-hidden": "true" }, "?"),
    h("span", { class: "sr-only" }, t("not_revealed"))
  );
}

function awardColumn(award, index, cur) {
  const isHonour = award.kind === "honour_roll";
  const winners = award.winners || [];
  let body;
  if (isHonour) {
    const names = winners.filter(Boolean);
    const onStage = cur && cur.award === index; // the stage shows every name: the column just counts them
    body = names.length
      ? h(
          "div",
          { class: "cer-col-roll" },
          h("p", { class: "cer-col-count" }, t("names_count", { n: names.length })),
          onStage ? null : h("p", { class: "cer-col-names" }, names.map((w) => h("span", {}, w.name)))
        )
      : h(
          "div",
          { class: "cer-col-roll is-hidden" },
          unknownSlot("p", false)
        );
  } else {
    body = h(
      "ol",
      { class: `cer-slots${winners.length > 6 ? " is-two" : ""}` },
      [award.complete ? null : unknownSlot("li")].concat(winners.map((w, j) => {
        const now = cur && cur.award === index && cur.winner === j;
        return h(
          "li",
          { class: `cer-slot${now ? " is-now" : ""}` },
          h("span", { class: "cer-slot-rank" }, w.rank != null ? rankText(w.rank) : ""),
          h("span", { class: "cer-slot-name" }, w.name),
          w.project_title && w.project_title !== w.name ? h("span", { class: "cer-slot-more" }, w.project_title) : null
        );
      }))
    );
  }
  return h(
    "section",
    {
      class: `cer-col${cur && cur.award === index ? " is-current" : ""}${isHonour ? " is-honour" : ""}`,
      "data-testid": `board-award-${award.id}`,
      "data-revealed": String(award.revealed ?? 0),
      "data-complete": String(Boolean(award.complete)),
    },
    h(
      "h2",
      { class: "cer-col-title" },
      h("span", {}, award.name),
      h("small", {}, String(award.revealed ?? 0))
    ),
    award.tie_at_cut ? h("p", { class: "cer-col-note" }, t("tie_at_cut")) : null,
    body
  );
}

function renderCeremony() {
  const panel = panels.ceremony;
  const c = view.ceremony;
  const cur = c?.current || null;
  const awards = c?.awards || [];
  const currentKey = c ? `${c.step}:${cur ? `${cur.award}:${cur.winner}` : "-"}` : "none";
  const stageEl = ceremonyStage(c);
  const root = h(
    "div",
    {
      class: `cer${stageEl.classList.contains("is-honour") ? " is-honour-now" : ""}`,
      "data-testid": "board-ceremony",
      "data-step": String(c?.step ?? 0),
    },
    stageEl,
    awards.length
      ? h(
          "div",
          { class: "cer-awards", "data-awards": String(awards.length) },
          awards.map((a, i) => awardColumn(a, i, cur))
        )
      : null,
    c && c.total_steps ? h("p", { class: "cer-steps" }, t("reveal_step", { step: c.step, total: c.total_steps })) : null
  );
  panel.replaceChildren(root);
  const isNew = currentKey !== ceremony.currentKey && ceremony.currentKey !== null;
  ceremony.currentKey = currentKey;
  if (shown === "ceremony") ceremonyRollScroll();
  if (isNew && cur && !reducedMotion() && shown === "ceremony") celebrate(stageEl);
}

function celebrate(stageEl) {
  const winner = stageEl.querySelector(".cer-winner, .cer-roll");
  if (winner) {
    winner.animate(
      [
        { opacity: 0, transform: "scale(.7)", filter: "blur(8px)" },
        { opacity: 1, transform: "scale(1.04)", filter: "blur(0)", offset: 0.65 },
        { opacity: 1, transform: "scale(1)", filter: "blur(0)" },
      ],
      { duration: 1100, easing: "cubic-bezier(.2,.8,.2,1)" }
    );
  }
  const confetti = stageEl.querySelector(".confetti");
  if (!confetti) return;
  const colours = ["#ffcc4d", "#5cc8ff", "#ff7a9a", "#7ee2a8", "#c9a7ff", "#ffffff"];
  for (let i = 0; i < 70; i += 1) {
    const bit = h("i", {});
    bit.style.left = `${Math.random() * 100}%`;
    bit.style.background = colours[i % colours.length];
    confetti.append(bit);
    const drift = (Math.random() - 0.5) * 30;
    bit.animate(
      [
        { transform: `translate(0, -10vh) rotate(0deg)`, opacity: 1 },
        { transform: `translate(${drift}vw, 95vh) rotate(${Math.random() * 900}deg)`, opacity: 0.9 },
      ],
      {
        duration: 2600 + Math.random() * 2200,
        delay: Math.random() * 600,
        easing: "cubic-bezier(.3,.6,.5,1)",
        fill: "both",
      }
    );
  }
  setTimeout(() => confetti.replaceChildren(), 6000);
}

function ceremonyRollScroll() {
  // A long honour roll scrolls slowly (or turns pages when motion is reduced): nobody needs to be at
  // the mouse of the projector.
  clearInterval(ceremony.rollTimer);
  ceremony.rollTimer = null;
  const viewport = panels.ceremony.querySelector(".cer-roll-viewport");
  if (!viewport) return;
  requestAnimationFrame(() => {
    const list = viewport.firstElementChild;
    const overflow = list ? list.scrollHeight - viewport.clientHeight : 0;
    viewport.classList.toggle("is-overflowing", overflow > 4);
    if (overflow <= 4) return;
    if (reducedMotion()) {
      ceremony.rollTimer = setInterval(() => {
        const next = viewport.scrollTop + viewport.clientHeight * 0.9;
        viewport.scrollTop = next >= list.scrollHeight - 2 ? 0 : next;
      }, 8000);
      return;
    }
    const seconds = Math.max(12, overflow / 25);
    list.animate(
      [
        { transform: "translateY(0)" },
        { transform: "translateY(0)", offset: 0.12 },
        { transform: `translateY(${-overflow}px)`, offset: 0.88 },
        { transform: `translateY(${-overflow}px)` },
      ],
      { duration: seconds * 1000, iterations: Infinity, direction: "alternate", easing: "linear" }
    );
  });
}

// ---------------------------------------------------------------------------------- connection
let connTimer = null;
function onStatus(status) {
  connEl.dataset.status = status;
  clearTimeout(connTimer);
  if (status === "online") {
    connEl.hidden = true;
    return;
  }
  const text =
    status === "unauthorized"
      ? t("conn_refused")
      : status === "connecting"
        ? t("connecting")
        : status === "offline"
          ? t("board_offline")
          : t("reconnecting");
  connEl.querySelector(".board-conn-text").textContent = text;
  // a first connection that succeeds within a moment shows nothing at all
  connTimer = setTimeout(() => {
    connEl.hidden = false;
  }, status === "connecting" ? 1500 : 400);
}

// ---------------------------------------------------------------------------------- wiring
function onView(v, changed, kind) {
  view = v;
  const all = kind === "snapshot";
  const has = (...names) => all || names.some((n) => changed.includes(n));
  if (has("event")) renderWelcome();
  if (has("event", "projects", "current", "timer", "progress")) renderPresenting();
  if (has("event", "result")) renderResult();
  if (has("event", "ceremony")) renderCeremony();
  if (has("leaderboard")) updateMoves();
  if (has("event", "leaderboard", "projects")) leaderboard.dirty = true;
  const next = SCENES.includes(v.scene?.scene) ? v.scene.scene : "welcome";
  if (next !== scene && AUDIENCE && tab === "leaderboard") markNowTab(true);
  scene = next;
  afterShow(showPanel());
  announceIfChanged();
}

function markNowTab(on) {
  const dot = document.querySelector("#tab-now .board-tab-dot");
  if (dot) dot.hidden = !on;
}

function setTab(name) {
  tab = name;
  for (const btn of document.querySelectorAll(".board-tab")) {
    btn.setAttribute("aria-pressed", btn.dataset.tab === name ? "true" : "false");
  }
  if (name === "now") markNowTab(false);
  afterShow(showPanel());
  announceIfChanged();
  window.scrollTo({ top: 0, behavior: "instant" });
}

if (AUDIENCE) {
  for (const btn of document.querySelectorAll(".board-tab")) {
    btn.addEventListener("click", () => setTab(btn.dataset.tab));
  }
} else {
  // Projector comforts: F toggles full screen; the pointer hides itself; the screen stays awake.
  document.addEventListener("keydown", (event) => {
    if (event.key === "f" || event.key === "F") {
      if (document.fullscreenElement) document.exitFullscreen?.();
      else document.documentElement.requestFullscreen?.().catch(() => {});
    }
  });
  let idle = null;
  document.addEventListener("mousemove", () => {
    document.documentElement.classList.remove("hide-cursor");
    clearTimeout(idle);
    idle = setTimeout(() => document.documentElement.classList.add("hide-cursor"), 2500);
  });
  const keepAwake = () => navigator.wakeLock?.request("screen").catch(() => {});
  keepAwake();
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") keepAwake();
  });
}

motionQuery.addEventListener?.("change", () => {
  if (shown === "ceremony") ceremonyRollScroll();
});

scalableQr();
const live = new LiveConnection({ path: "/ws/board", onView, onStatus });
showPanel();
live.start();
setInterval(tickTimer, 250);
