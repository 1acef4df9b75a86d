// The ceremony's steps as the host console reads them (pure, no DOM: node --test static/tests/).
// A step of host_ceremony.steps is {award, winner, with}: winner -1 shows the whole award at once, and
// `with` lists the winners revealed on the same step (a team's leader; app/domain/ceremony.py).

/** Whether `step` reveals winner `wi` of award `ai`: its own, the whole award, or one revealed with it. */
export function stepReveals(step, ai, wi) {
  if (!step) return false;
  if (step.award === ai && (step.winner === wi || step.winner < 0)) return true;
  return (step.with || []).some((w) => w.award === ai && w.winner === wi);
}

/** What a step brings on stage: {award, whole} for a whole award, else {award, winner, together:
 * [{award, winner}]}; null for a step that names nothing (an out-of-date view). */
export function stepContent(awards, step) {
  const award = step ? awards[step.award] : null;
  if (!award) return null;
  if (step.winner < 0) return { award, whole: true };
  const pick = (w) => ({ award: awards[w.award], winner: ((awards[w.award] || {}).winners || [])[w.winner] });
  const together = (step.with || []).map(pick).filter((x) => x.award && x.winner);
  return { award, whole: false, winner: (award.winners || [])[step.winner] || null, together };
}
