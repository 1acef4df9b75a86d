// The host's controls for the board's stage scenes of issue 16 (docs/protocol.md): the expert
// commentary (who speaks, about what, the speaking timer, which of that judge's SHARED points the
// board shows), the break with its countdown, and the thanks scene (a scene button, 8).
// host.js mounts it with mountStageScenes(container, run) and calls renderStageScenes(view) on
// every view. Only shared points ever reach the host (section host_commentary), so nothing private
// can be chosen here.
//
// Stable hooks (data-testid): commentary-judge, commentary-project (select; "" = the whole event),
// commentary-start, commentary-end, commentary-point-<pointId> (checkbox: on the board),
// commentary-timer-start / -pause / -reset, commentary-clock, break-minutes, break-message, break-start.

import { formatClock, h, t, timerRemaining } from "../live.js";

let refs = null;
let run = null;
let signature = "";
let view = {};
let onStage = null; // the project on stage the "about" select last followed

function speakerSelected() {
  return refs.judge.value || (view.judges && view.judges[0] && view.judges[0].id) || "";
}

/** The shared points the host can choose from for the commentary on the board (or the one being set up). */
function choosable() {
  const c = view.commentary;
  const judge = c ? c.judge.id : speakerSelected();
  const project = c ? (c.project ? c.project.id : null) : refs.project.value || null;
  const shared = ((view.host_commentary || {}).shared || {})[judge] || [];
  return shared.filter((p) => project === null || p.project === project);
}

function choose(pointId, on) {
  const chosen = ((view.host_commentary || {}).chosen || []).filter((id) => id !== pointId);
  if (on) chosen.push(pointId);
  run("commentary_points", "commentary_points", { points: chosen });
}

export function mountStageScenes(container, runCommand) {
  run = runCommand;
  const judge = h("select", { "data-testid": "commentary-judge", "aria-label": t("commentary_judge") });
  const project = h("select", { "data-testid": "commentary-project", "aria-label": t("commentary_project") });
  const start = h("button", { type: "button", class: "btn btn-primary", "data-testid": "commentary-start" }, t("commentary_start"));
  const end = h("button", { type: "button", class: "btn btn-quiet", "data-testid": "commentary-end" }, t("commentary_end"));
  const clock = h("span", { class: "commentary-clock", "data-testid": "commentary-clock" }, "--:--");
  const timerButton = (action) =>
    h(
      "button",
      { type: "button", class: "btn btn-small", "data-testid": `commentary-timer-${action}`, onclick: () => run("commentary_timer", "commentary_timer", { action }) },
      t(`commentary_timer_${action}`)
    );
  const timer = h("p", { class: "btn-row commentary-timer" }, clock, timerButton("start"), timerButton("pause"), timerButton("reset"));
  const points = h("ul", { class: "commentary-points", "data-testid": "commentary-points" });
  const minutes = h("input", { type: "number", min: "1", max: "240", value: "15", class: "break-minutes", "data-testid": "break-minutes" });
  const message = h("input", { type: "text", maxlength: "120", class: "break-message", "data-testid": "break-message" });
  const breakStart = h("button", { type: "button", class: "btn", "data-testid": "break-start" }, t("break_start"));
  start.addEventListener("click", () =>
    run("start_commentary", "start_commentary", { judge: judge.value, project: project.value || null })
  );
  end.addEventListener("click", () => run("end_commentary", "end_commentary", {}));
  judge.addEventListener("change", () => renderStageScenes(view, true));
  project.addEventListener("change", () => renderStageScenes(view, true));
  breakStart.addEventListener("click", () => {
    const seconds = Math.round(Number(minutes.value) * 60);
    run("start_break", "start_break", { seconds, message: message.value.trim() });
  });
  container.replaceChildren(
    h("div", { class: "btn-row" },
      h("label", { class: "hall-field" }, t("commentary_judge"), " ", judge),
      h("label", { class: "hall-field" }, t("commentary_project"), " ", project)),
    h("div", { class: "btn-row" }, start, end),
    timer,
    h("h3", { class: "h3" }, t("commentary_points")),
    points,
    h("h3", { class: "h3" }, t("scene_break")),
    h("div", { class: "btn-row" },
      h("label", { class: "hall-field" }, t("break_minutes"), " ", minutes),
      h("label", { class: "hall-field" }, t("break_message"), " ", message),
      breakStart)
  );
  refs = { judge, project, start, end, timer, clock, points };
}

function fillSelect(select, options, keep) {
  const value = select.value;
  select.replaceChildren(...options.map(([v, label]) => h("option", { value: v }, label)));
  select.value = options.some(([v]) => v === value) ? value : keep;
}

export function renderStageScenes(next, force = false) {
  if (!refs) return;
  view = next;
  const c = view.commentary;
  const judges = (view.event && view.judges) || [];
  const projects = view.projects || [];
  const sig = JSON.stringify([judges.map((j) => [j.id, j.name]), projects.map((p) => [p.id, p.title]), view.current && view.current.project]);
  if (sig !== signature) {
    signature = sig;
    fillSelect(refs.judge, judges.map((j) => [j.id, j.name]), judges[0] ? judges[0].id : "");
    const current = (view.current && view.current.project) || "";
    fillSelect(refs.project, [["", t("commentary_whole_event")], ...projects.map((p) => [p.id, p.title])], current);
    if (current !== onStage) refs.project.value = current; // a new project on stage: the commentary is about it
    onStage = current;
  }
  refs.end.disabled = !c;
  refs.timer.hidden = !(c && c.timer);
  const chosen = new Set((view.host_commentary || {}).chosen || []);
  const list = choosable();
  const rows = list.map((p) =>
    h(
      "li",
      { class: "commentary-point" },
      h(
        "label",
        {},
        h("input", {
          type: "checkbox",
          "data-testid": `commentary-point-${p.id}`,
          checked: chosen.has(p.id),
          disabled: !c,
          onchange: (e) => choose(p.id, e.target.checked),
        }),
        " ",
        h("span", { class: `badge point-${p.kind}` }, t(`point_${p.kind}`)),
        " ",
        p.text
      )
    )
  );
  const pointsSig = JSON.stringify([list, [...chosen], Boolean(c)]);
  if (force || refs.points.dataset.sig !== pointsSig) {
    refs.points.dataset.sig = pointsSig;
    refs.points.replaceChildren(...(rows.length ? rows : [h("li", { class: "hint" }, t("commentary_no_points"))]));
  }
}

/** The speaking clock (host.js calls it with the other clocks, in server time). */
export function tickStageScenes(now) {
  const c = view.commentary;
  if (!refs || !c || !c.timer) return;
  refs.clock.textContent = formatClock(timerRemaining(c.timer, now));
}
