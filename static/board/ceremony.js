// The award ceremony: the stage (the winner revealed now, in two beats: the award and the place
// first, the name a moment later with a celebration — bigger for a first place), the columns of every
// award with the winners revealed so far, and an optional sound cue (WebAudio, no sound file).
// The two beats are a board-side timing inside one host step (docs/protocol.md, `ceremony`): the
// host's next key reveals the next winner, as before.

import { h, t } from "../live.js";
import { awardShowsRank, ceremonyStage, onStage, placeWithin } from "./state.js";
import { ctx, panels, reducedMotion } from "./page.js";
import { fitAll } from "./fit.js";
import { cue } from "./sound.js";

const BEAT_MS = 1600; // award and place alone on the stage before the name
const FINALE_BEAT_MS = 2600; // a first place keeps the hall waiting a little longer

const ceremony = { currentKey: null, rollTimer: null, beatTimer: null, named: null };

const placeText = (place) => t("place_no", { place });

function winnerBlock(s, withName) {
  return h(
    "div",
    { class: "cer-winner", "data-testid": withName ? "board-winner" : "board-winner-pending", "data-award": s.award.id, "data-index": String(s.index) },
    s.showRank ? h("p", { class: "cer-winner-rank" }, placeText(s.place)) : null,
    withName
      ? h("p", { class: "cer-winner-name", "data-fit": "", "data-fit-lines": "2" }, s.winner.name)
      : h("p", { class: "cer-winner-name is-unknown", "aria-hidden": "true" }, "?"),
    ...(withName ? s.leaders : []).map((l) =>
      h("p", { class: "cer-winner-leader", "data-testid": "board-winner-leader", "data-fit": "", "data-fit-lines": "2" }, h("span", { class: "label" }, l.label || t("leader")), " ", l.name),
    ),
    withName && s.secondary.length ? h("p", { class: "cer-winner-more", "data-fit": "", "data-fit-lines": "2" }, s.secondary.join(" · ")) : null,
  );
}

function stageElement(s, beat) {
  if (s.kind === "intro") {
    return h(
      "div",
      { class: "cer-stage is-intro" },
      h("p", { class: "kicker" }, t("ceremony")),
      h("h1", { class: "cer-intro-title", "data-fit": "" }, ctx.view.event?.title || ""),
      h("p", { class: "cer-intro-sub" }, t("awards_pending")),
    );
  }
  const title = h("p", { class: "cer-award-name", "data-testid": "board-award-title", "data-fit": "", "data-fit-lines": "2" }, s.award.name);
  if (s.kind === "honour") {
    const names = (s.award.winners || []).filter(Boolean);
    return h(
      "div",
      { class: "cer-stage is-honour" },
      title,
      h("p", { class: "cer-honour-count" }, t("names_count", { n: names.length })),
      h(
        "div",
        { class: "cer-roll-viewport" },
        h(
          "ul",
          { class: "cer-roll", "data-testid": "board-honour-roll", "data-count": String(names.length) },
          names.map((w) => h("li", { class: "cer-roll-name", title: w.team || null }, w.name)),
        ),
      ),
    );
  }
  if (s.kind === "unknown") return h("div", { class: "cer-stage", "data-fit-box": "" }, title, h("p", { class: "cer-winner-name is-unknown" }, "?"));
  return h(
    "div",
    { class: `cer-stage is-winner${s.first ? " is-first" : ""}`, "data-beat": String(beat), "data-fit-box": "" },
    title,
    winnerBlock(s, beat === 2),
    h("div", { class: "confetti", "aria-hidden": "true" }),
  );
}

function unknownSlot(tag, withRank) {
  // a winner not revealed yet: the data holds nothing, so there is nothing to show but a question mark
  return h(
    tag,
    { class: "cer-slot is-unknown" },
    withRank ? h("span", { class: "cer-slot-rank" }) : null,
    h("span", { class: "cer-slot-name", "aria-hidden": "true" }, "?"),
    h("span", { class: "sr-only" }, t("not_revealed")),
  );
}

const isCurrentAward = (cur, index) => Boolean(cur && (cur.award === index || (cur.with || []).some((w) => w.award === index)));

function awardColumn(award, index, cur, hideNow) {
  // The board holds only the winners revealed so far, best first (docs/protocol.md, `ceremony`): it is
  // never told how many are still to come, so one "?" stands above them until the award is complete.
  const isHonour = award.kind === "honour_roll";
  const ranked = awardShowsRank(award);
  const winners = (award.winners || []).filter(Boolean);
  const revealed = award.revealed ?? winners.length;
  let body;
  if (isHonour) {
    const rollOnStage = cur && cur.award === index; // the stage shows every name: the column just counts them
    body = winners.length
      ? h(
          "div",
          { class: "cer-col-roll" },
          h("p", { class: "cer-col-count" }, t("names_count", { n: winners.length })),
          rollOnStage ? null : h("p", { class: "cer-col-names" }, winners.map((w) => h("span", {}, w.name))),
        )
      : h("div", { class: "cer-col-roll is-hidden" }, unknownSlot("p", false));
  } else {
    const slots = award.complete ? [] : [unknownSlot("li", ranked)];
    winners.forEach((w, j) => {
      const now = onStage(cur, index, j); // a leader revealed with its team is hidden with it in beat one
      if (now && hideNow) {
        slots.push(unknownSlot("li", ranked));
        return;
      }
      slots.push(
        h(
          "li",
          { class: `cer-slot${now ? " is-now" : ""}` },
          ranked ? h("span", { class: "cer-slot-rank" }, placeText(placeWithin(award, j))) : null,
          h(
            "span",
            { class: "cer-slot-text" },
            h("span", { class: "cer-slot-name", "data-fit": "" }, w.name),
            !ranked && w.team && w.team !== w.name ? h("span", { class: "cer-slot-more", "data-fit": "" }, w.team) : null,
          ),
        ),
      );
    });
    body = h("ol", { class: `cer-slots${slots.length > 6 ? " is-two" : ""}` }, slots);
  }
  return h(
    "section",
    {
      class: `cer-col${isCurrentAward(cur, index) ? " is-current" : ""}${isHonour ? " is-honour" : ""}`,
      "data-testid": `board-award-${award.id}`,
      "data-fit-box": "", // long names shrink together until the column holds every winner
      "data-revealed": String(revealed),
      "data-complete": String(Boolean(award.complete)),
    },
    h("h2", { class: "cer-col-title" }, h("span", { class: "cer-col-name", "data-fit": "", "data-fit-lines": "2" }, award.name), h("small", {}, String(revealed))),
    award.complete && award.tie_at_cut ? h("p", { class: "cer-col-note" }, t("tie_at_cut")) : null,
    body,
  );
}

function draw(beat) {
  const panel = panels.ceremony;
  const c = ctx.view.ceremony;
  const cur = c?.current || null;
  const s = ceremonyStage(ctx.view);
  const stageEl = stageElement(s, beat);
  const root = h(
    "div",
    {
      class: `cer${s.kind === "honour" ? " is-honour-now" : ""}`,
      "data-testid": "board-ceremony",
      "data-step": String(c?.step ?? 0),
    },
    stageEl,
    (c?.awards || []).length
      ? h("div", { class: "cer-awards", "data-awards": String(c.awards.length) }, c.awards.map((a, i) => awardColumn(a, i, cur, beat === 1)))
      : null,
  );
  panel.replaceChildren(root);
  if (ctx.shown === "ceremony") {
    fitAll(panel);
    ceremonyRollScroll();
  }
  return { s, stageEl };
}

export function renderCeremony() {
  const s = ceremonyStage(ctx.view);
  const key = s.kind === "intro" ? "intro" : s.key;
  const isNew = key !== ceremony.currentKey && ceremony.currentKey !== null;
  ceremony.currentKey = key;
  const showing = ctx.shown === "ceremony";
  if (!isNew) {
    // the same reveal (a reconnect, another section): keep whichever beat is showing
    draw(s.kind === "winner" && ceremony.named !== key ? 1 : 2);
    return;
  }
  clearTimeout(ceremony.beatTimer);
  if (s.kind !== "winner" || !showing) {
    ceremony.named = key;
    const { stageEl } = draw(2);
    if (showing && s.kind === "honour") {
      cue("honour");
      if (!reducedMotion()) celebrate(stageEl, false);
    }
    return;
  }
  // Beat one: the award and the place. Beat two: the name, the applause.
  draw(1);
  cue(s.first ? "drumroll-long" : "drumroll");
  ceremony.beatTimer = setTimeout(() => {
    ceremony.named = key;
    const { stageEl } = draw(2);
    cue(s.first ? "finale" : "reveal");
    if (!reducedMotion()) celebrate(stageEl, s.first);
  }, s.first ? FINALE_BEAT_MS : BEAT_MS);
}

function celebrate(stageEl, finale) {
  const winner = stageEl.querySelector(".cer-winner, .cer-roll");
  if (winner) {
    winner.animate(
      [
        { opacity: 0, transform: "scale(.7)", filter: "blur(8px)" },
        { opacity: 1, transform: `scale(${finale ? 1.1 : 1.04})`, filter: "blur(0)", offset: 0.65 },
        { opacity: 1, transform: "scale(1)", filter: "blur(0)" },
      ],
      { duration: finale ? 1600 : 1100, easing: "cubic-bezier(.2,.8,.2,1)" },
    );
  }
  const confetti = stageEl.querySelector(".confetti");
  if (!confetti) return;
  const colours = ["#ffcc4d", "#5cc8ff", "#ff7a9a", "#7ee2a8", "#c9a7ff", "#ffffff"];
  const pieces = finale ? 180 : 70;
  for (let i = 0; i < pieces; i += 1) {
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
        duration: (finale ? 3600 : 2600) + Math.random() * 2200,
        delay: Math.random() * (finale ? 1800 : 600),
        easing: "cubic-bezier(.3,.6,.5,1)",
        fill: "both",
      },
    );
  }
  setTimeout(() => confetti.replaceChildren(), finale ? 9000 : 6000);
}

export function ceremonyRollScroll() {
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
      { duration: seconds * 1000, iterations: Infinity, direction: "alternate", easing: "linear" },
    );
  });
}
