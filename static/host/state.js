// The host console's screen state, derived from the live view by ONE pure function (no DOM, no
// clock, no globals): what is enabled, what is shown, which single step is the primary one. Every
// renderer reads this; static/tests/host-state.test.mjs tests it as tables (`node --test static/tests/`).

export const ON_STAGE = ["presenting", "scoring", "closed"]; // on stage and not revealed: a start interrupts it
export const UNDO_START_MS = 12_000; // the undo is offered a little less long than the server's 15 s

const SCENES = ["welcome", "presenting", "result", "leaderboard", "ceremony", "commentary", "break", "thanks"];

function byId(list, id) {
  return (list || []).find((item) => item.id === id) || null;
}

/** A judge's state for the current project (the chip in the strip and the table). */
export function judgeStatus(judge) {
  if (judge.recused) return "recused";
  if (judge.submitted) return "submitted";
  if (judge.activity === "scoring" && judge.connected) return "scoring";
  return judge.connected ? "connected" : "disconnected";
}

/** Judges who have not submitted for the current project (recused ones excluded), with how long the
 * offline ones have been gone (seconds, or null when never seen since the server started). */
export function missingJudges(judges, now) {
  return (judges || [])
    .filter((j) => !j.recused && !j.submitted)
    .map((j) => ({
      id: j.id,
      name: j.name,
      offline: !j.connected,
      offlineFor: !j.connected && typeof j.offline_since === "number" ? Math.max(0, now - j.offline_since) : null,
    }));
}

/** The recusal warning's numbers: how many judges would remain on the panel for the current project. */
export function panelAfterRecusal(view, judgeId) {
  const judges = view.judges || [];
  const remaining = judges.filter((j) => !j.recused && j.id !== judgeId).length;
  const minimum = (view.event && view.event.scoring && view.event.scoring.min_panel) || 0;
  return { remaining, total: judges.length, minimum, below: remaining < minimum };
}

/**
 * @param {object} view   the host's sections (docs/protocol.md)
 * @param {object} ctx    {online: bool, pending: (key) => bool, now: server seconds, undo: {project, until} | null, nowMs}
 */
export function hostScreen(view, ctx) {
  const online = Boolean(ctx.online);
  const pending = ctx.pending || (() => false);
  const projects = view.projects || [];
  const cur = view.current || {};
  const current = cur.project ? byId(projects, cur.project) : null;
  const status = current ? current.status : null;
  const next = cur.next ? byId(projects, cur.next) : null;
  const onStage = current && ON_STAGE.includes(status) ? current : null;
  const ceremony = view.ceremony || null;
  const progress = view.progress || { submitted: 0, expected: 0 };
  const unrevealed = projects.filter((p) => p.status !== "revealed");

  // Starting: legal for a pending project, or to return to an interrupted one; never during the ceremony.
  const startable = new Set(
    projects
      .filter((p) => p.id !== cur.project && p.status !== "revealed" && !ceremony)
      .filter((p) => p.status === "pending" || ON_STAGE.includes(p.status))
      .map((p) => p.id),
  );
  const canStart = (pid) => online && startable.has(pid) && !pending(`start:${pid}`);

  const open = {
    enabled: online && Boolean(current) && (status === "presenting" || status === "closed") && !pending("open_scoring"),
    reopen: status === "closed",
  };
  const close = { enabled: online && status === "scoring" && !pending("close_scoring") };
  const reveal = {
    enabled: online && status === "closed" && progress.submitted > 0 && !pending(`reveal:${current && current.id}`),
  };
  const step = ceremony ? ceremony.step : 0;
  // The board's ceremony carries no step count (the hall must not count the winners to come): the
  // host's own host_ceremony section has it.
  const total = ceremony && view.host_ceremony ? view.host_ceremony.total_steps : 0;
  const cer = {
    running: Boolean(ceremony),
    step,
    total,
    remaining: unrevealed.length,
    canStart: online && !ceremony && status !== "scoring" && !pending("start_ceremony"),
    skipNeeded: unrevealed.length > 0,
    canLeave: online && Boolean(ceremony) && step === 0 && !pending("leave_ceremony"),
    canNext: online && Boolean(ceremony) && step < total && !pending("ceremony_step"),
    canBack: online && Boolean(ceremony) && step > 0 && !pending("ceremony_step"),
  };

  // The ONE next step of a calm evening; everything else stays quiet.
  let primary = null;
  if (ceremony) primary = step < total ? "ceremony_next" : null;
  else if (status === "presenting") primary = "open_scoring";
  else if (status === "scoring") primary = "close_scoring";
  else if (status === "closed") primary = progress.submitted > 0 ? "reveal" : "open_scoring";
  else if (next) primary = "start_next";
  else if (!unrevealed.length && projects.length) primary = "start_ceremony";

  const scenes = {};
  const legal = {
    welcome: true,
    presenting: Boolean(current),
    result: Boolean(view.result),
    leaderboard: true,
    ceremony: Boolean(ceremony),
    commentary: Boolean(view.commentary),
    break: Boolean(view.interlude && view.interlude.break),
    thanks: true,
  };
  for (const name of SCENES) scenes[name] = online && legal[name] && !pending("scene");

  const undo = ctx.undo && ctx.nowMs < ctx.undo.until && cur.project === ctx.undo.project ? ctx.undo : null;

  return {
    online,
    current,
    status,
    next,
    onStage,
    startable,
    canStart,
    startNext: { enabled: Boolean(next) && canStart(next.id), primary: primary === "start_next", interrupts: onStage },
    open,
    close,
    reveal,
    primary,
    ceremony: cer,
    scenes,
    scene: (view.scene && view.scene.scene) || null,
    timersEnabled: online && Boolean(current),
    missing: current && status !== "revealed" ? missingJudges(view.judges, ctx.now || 0) : [],
    refused: view.refused || [],
    undo: undo && online ? undo : null,
  };
}
