// What the livestream overlay shows, derived from the board's live view by one pure function (no DOM):
// the lower third for the scene the host chose. Tested as a table by static/tests/overlay-state.test.mjs.

import { ceremonyStage } from "../board/state.js";

/**
 * @param {object} view  the board's live view (docs/protocol.md)
 * @returns {{kind: "none"|"presenting"|"result"|"winner"|"honour"|"commentary", key: string, ...}}
 */
export function overlayScreen(view) {
  const scene = view.scene && view.scene.scene;
  const projects = view.projects || [];
  if (scene === "presenting") {
    const id = view.current && view.current.project;
    const p = id ? projects.find((x) => x.id === id) : null;
    if (!p) return { kind: "none", key: "none" };
    const timer = view.timer || {};
    const name = timer.active === "qa" || (timer.active !== "presentation" && timer.qa && timer.qa.elapsed_before > 0) ? "qa" : "presentation";
    return { kind: "presenting", key: `presenting:${p.id}`, title: p.title, team: p.team, category: p.category_name || "", timerName: name, timer: timer[name] || null };
  }
  if (scene === "result" && view.result) {
    const r = view.result;
    return { kind: "result", key: `result:${r.project}:${r.composite}:${r.rank}`, title: r.title, team: r.team, composite: r.composite, rank: r.rank };
  }
  if (scene === "ceremony") {
    const stage = ceremonyStage(view);
    if (stage.kind === "winner") {
      return { kind: "winner", key: `winner:${stage.key}`, award: stage.award.name, name: stage.winner.name, place: stage.place, secondary: stage.secondary.join(" · ") };
    }
    if (stage.kind === "honour") return { kind: "honour", key: `honour:${stage.key}`, award: stage.award.name, count: (stage.award.winners || []).length };
    return { kind: "none", key: "none" };
  }
  if (scene === "commentary" && view.commentary) {
    const c = view.commentary;
    const role = [c.judge.affiliation, c.judge.title].filter(Boolean).join(" · ");
    return { kind: "commentary", key: `commentary:${c.judge.id}:${c.project ? c.project.id : ""}`, name: c.judge.name, role, about: c.project ? c.project.title : "", timer: c.timer };
  }
  return { kind: "none", key: "none" };
}
