// The leaderboard scene: revealed projects in rank order (pages of 18 on the projector, a category
// filter on phones), rows that slide to their new places, and the category leaders.

import { h, t } from "../live.js";
import { shortTeam, shortTitle } from "./state.js";
import { AUDIENCE, categoryIndex, ctx, leaderboard, num, panels, reducedMotion } from "./page.js";

const PAGE_SIZE = 18; // leaderboard rows per projector page (two columns of nine)
const PAGE_SECONDS = 15;
function leaderboardRows() {
  const lb = ctx.view.leaderboard || {};
  if (leaderboard.filter !== "overall") {
    return ((lb.by_category || {})[leaderboard.filter] || []).map((row) => ({
      ...row,
      shownRank: row.category_rank,
      shownTied: row.category_tied,
    }));
  }
  return (lb.overall || []).map((row) => ({ ...row, shownRank: row.rank, shownTied: row.tied }));
}

function moveBadge(move) {
  if (!move) return h("span", { class: "lb-move" });
  if (move === "new") return h("span", { class: "lb-move is-new" }, t("new_entry"));
  const [dir, n] = move.split(":");
  const up = dir === "up";
  // Neutral on purpose: at a community event a team pushed down by a new entry is not "in the red".
  return h(
    "span",
    { class: `lb-move ${up ? "is-up" : "is-down"}`, title: `${t(up ? "moved_up" : "moved_down")} ${n}` },
    h("span", { "aria-hidden": "true" }, `${up ? "↑" : "↓"}${n}`),
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
      h("span", { class: "lb-name", title: row.title }, AUDIENCE ? row.title : shortTitle(row)),
      h(
        "span",
        { class: "lb-sub" },
        leaderboard.filter === "overall"
          ? h("span", { class: `lb-cat cat-${categoryIndex(row.category)}` }, row.category_name)
          : null,
        row.team ? h("span", { class: "lb-team" }, shortTeam(row)) : null
      )
    ),
    moveBadge(move),
    h("span", { class: "lb-score" }, num(row.composite))
  );
}

function categoryStrip() {
  const cats = ctx.view.event?.categories || [];
  const byCat = ctx.view.leaderboard?.by_category || {};
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
                h("span", { class: "lb-cat-title" }, rows.map((r) => shortTitle(r)).join(" / ")),
                h("span", { class: "lb-cat-score" }, num(rows[0].composite))
              )
            : h("p", { class: "lb-cat-leader is-empty" }, "—")
        );
      })
    )
  );
}

function filterBar() {
  const cats = ctx.view.event?.categories || [];
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

export function renderLeaderboard() {
  const panel = panels.leaderboard;
  const rows = leaderboardRows();
  leaderboard.dirty = false;
  const total = (ctx.view.projects || []).length;
  const overallCount = (ctx.view.leaderboard?.overall || []).length;
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
      : (ctx.view.event?.categories || []).find((c) => c.id === leaderboard.filter)?.name || "";
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
    if (ctx.shown !== "leaderboard") return;
    const count = Math.max(1, Math.ceil(leaderboardRows().length / PAGE_SIZE));
    leaderboard.page = (leaderboard.page + 1) % count;
    renderLeaderboard();
  }, PAGE_SECONDS * 1000);
}

