// The board's derived screen as tables (node --test static/tests/).
import { test } from "node:test";
import assert from "node:assert/strict";
import { boardScreen, ceremonyStage, moveOf, onStage, placeWithin, rankWording } from "../board/state.js";

const PROJECTS = Array.from({ length: 18 }, (_, i) => ({ id: `p${i + 1}`, title: `P${i + 1}`, leader: `L${i + 1}` }));
const TEAMS = {
  id: "teams",
  name: "优秀团队",
  kind: "top_projects",
  // a top-6 award with a category cap: the sixth winner is 7th overall
  winners: [1, 2, 3, 4, 5, 7].map((rank, i) => ({ name: `T${i}`, project: `p${i + 1}`, rank, place: i + 1 })),
};
const LEADERS = { id: "leaders", name: "优秀负责人", kind: "team_leaders", winners: [{ name: "L1", project: "p1", rank: 1 }] };

function ceremonyView(award, winner) {
  return { projects: PROJECTS, scene: { scene: "ceremony" }, ceremony: { step: 1, total_steps: 7, awards: [award], current: { award: 0, winner } } };
}

test("scenes: the audience tab, the join corner, provisional ranks", () => {
  const rows = [
    [{ scene: { scene: "presenting" } }, {}, { shown: "presenting", join: true }],
    [{ scene: { scene: "welcome" } }, {}, { shown: "welcome", join: false }],
    [{ scene: { scene: "nonsense" } }, {}, { shown: "welcome" }],
    [{ scene: { scene: "result" } }, { audience: true, tab: "leaderboard" }, { scene: "result", shown: "leaderboard", join: false }],
    [{ scene: { scene: "leaderboard" }, projects: PROJECTS, leaderboard: { overall: [{}] } }, {}, { revealed: 1, total: 18, provisional: true }],
    [{ scene: { scene: "leaderboard" }, projects: [{}], leaderboard: { overall: [{}] } }, {}, { provisional: false }],
  ];
  for (const [view, local, expected] of rows) {
    const screen = boardScreen(view, local);
    for (const [key, value] of Object.entries(expected)) assert.equal(screen[key], value, `${JSON.stringify(view)} ${key}`);
  }
});

test("rank wording: provisional until every project is revealed", () => {
  assert.deepEqual(rankWording(1, { provisional: true, revealed: 1, total: 18 }), { key: "rank_provisional", params: { rank: 1, n: 1, total: 18 } });
  assert.deepEqual(rankWording(3, { provisional: false, revealed: 18, total: 18 }), { key: "rank_no", params: { rank: 3 } });
  assert.equal(rankWording(null, { provisional: true }).key, "no_rank");
});

test("ceremony: winners are numbered within the award, never by the overall rank", () => {
  assert.deepEqual(TEAMS.winners.map((_, i) => placeWithin(TEAMS, i)), [1, 2, 3, 4, 5, 6]);
  const sixth = ceremonyStage(ceremonyView(TEAMS, 5));
  assert.equal(sixth.place, 6);
  assert.equal(sixth.first, false);
  // older ceremonies without `place`: the position in the award
  const old = { ...TEAMS, winners: TEAMS.winners.map(({ place, ...w }) => w) };
  assert.equal(placeWithin(old, 5), 6);
});

test("ceremony: no rank where it means nothing; the leader comes with the team", () => {
  const leader = ceremonyStage(ceremonyView(LEADERS, 0));
  assert.deepEqual([leader.kind, leader.showRank, leader.place], ["winner", false, null]);
  const first = ceremonyStage(ceremonyView(TEAMS, 0));
  assert.deepEqual([first.place, first.first, first.showRank, first.leader], [1, true, true, "L1"]);
  const roll = ceremonyStage(ceremonyView({ id: "v", name: "V", kind: "honour_roll", winners: [{ name: "A" }] }, -1));
  assert.equal(roll.kind, "honour");
  assert.equal(ceremonyStage({}).kind, "intro");
});

test("ceremony: a team and its leader on the same card where the leader award pairs them", () => {
  // the board's section (app/results_views.py): p2's team on stage, its leader revealed with it
  const teams = { ...TEAMS, winners: TEAMS.winners.slice(1, 2) };
  const leaders = { id: "leaders", name: "优秀团队负责人", kind: "team_leaders", winners: [{ name: "王丽娟", project: "p2" }] };
  const current = { award: 0, winner: 0, with: [{ award: 1, winner: 0 }] };
  const view = { projects: PROJECTS, ceremony: { step: 1, awards: [teams, leaders], current } };
  const s = ceremonyStage(view);
  assert.deepEqual(s.leaders, [{ label: "优秀团队负责人", name: "王丽娟" }]);
  assert.equal(s.leader, "王丽娟");
  // the columns hide both in the first beat: the team's slot and the leader's
  assert.deepEqual([onStage(current, 0, 0), onStage(current, 1, 0), onStage(current, 1, 1), onStage(null, 0, 0)], [true, true, false, false]);
  // no pairing award: the project's own leader, labelled plainly
  const plain = ceremonyStage({ projects: PROJECTS, ceremony: { step: 1, awards: [teams], current: { award: 0, winner: 0 } } });
  assert.deepEqual(plain.leaders, [{ label: null, name: "L2" }]);
});

test("moves", () => {
  for (const [before, now, move] of [[null, 3, "new"], [5, 2, "up:3"], [2, 4, "down:2"], [3, 3, ""]]) assert.equal(moveOf(before, now), move);
});
