"""The event definition: what is judged, by whom, on which rubric, and how results combine.

Plain frozen dataclasses, no I/O. The event file (TOML) and the store both build these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .numbers import RoundingMode

AggregationRule = Literal["mean", "trimmed_mean", "median"]
Normalization = Literal["none", "zscore"]
AwardKind = Literal["top_projects", "team_leaders", "honour_roll", "people_choice"]
Language = Literal["zh", "en"]

AGGREGATION_RULES: tuple[str, ...] = ("mean", "trimmed_mean", "median")
NORMALIZATIONS: tuple[str, ...] = ("none", "zscore")
AWARD_KINDS: tuple[str, ...] = ("top_projects", "team_leaders", "honour_roll", "people_choice")
LANGUAGES: tuple[str, ...] = ("zh", "en")
JudgeScoresPublication = Literal["never", "after_event", "live"]
JUDGE_SCORES_PUBLICATIONS: tuple[str, ...] = ("never", "after_event", "live")
VoteMode = Literal["one_per_event", "one_per_category", "stars"]
VOTE_MODES: tuple[str, ...] = ("one_per_event", "one_per_category", "stars")
VoteWindowKind = Literal["per_project", "end"]
VOTE_WINDOWS: tuple[str, ...] = ("per_project", "end")
AudienceUse = Literal["award", "composite"]
AUDIENCE_USES: tuple[str, ...] = ("award", "composite")


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Criterion:
    """One line of the panel rubric: a judge gives 0..max in steps of `step`."""

    id: str
    name: str
    max: float
    weight: float = 1.0
    step: float = 1.0
    description: str = ""


@dataclass(frozen=True, slots=True)
class Indicator:
    """A component of the composite collected before the day (e.g. resident satisfaction)."""

    id: str
    name: str
    weight: float
    max: float = 100.0
    description: str = ""
    # Set on a carried component (docs/event-file.md, "Rounds"): the name of the earlier round whose
    # composite the values are, frozen when the projects advanced (app/rounds.py).
    from_round: str = ""


@dataclass(frozen=True, slots=True)
class Judge:
    id: str
    name: str
    title: str = ""
    affiliation: str = ""  # shown with the title on the commentary scene (app/domain/commentary.py)
    portrait: str = ""  # a picture file, relative to the event file (app/pictures_file.py)


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    title: str
    team: str
    leader: str
    category: str
    order: int
    summary: str = ""
    members: tuple[str, ...] = ()
    volunteers: tuple[str, ...] = ()
    # indicator id -> value collected before the day
    indicators: dict[str, float] = field(default_factory=dict)
    # optional short names (简称), shown where space is short (the projector's leaderboard)
    short_title: str = ""
    short_team: str = ""
    picture: str = ""  # a picture file, relative to the event file (app/pictures_file.py)


@dataclass(frozen=True, slots=True)
class Recusal:
    judge: str
    project: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class AwardRule:
    """How one award is decided.

    - top_projects: the best `count` projects by composite, at most `max_per_category` per category
      (0 = no limit), skipping projects flagged for too small a panel.
    - team_leaders: the leaders of the teams that won award `of`.
    - honour_roll: the `names` listed, or every project's volunteers when `names` is empty.
    - people_choice: the best `count` projects (default 1) by the revealed audience vote
      (app/domain/votes.py); projects tied at the cut all win.
    """

    id: str
    name: str
    kind: AwardKind
    count: int = 0
    max_per_category: int = 0
    of: str = ""
    names: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScoringRules:
    rule: AggregationRule = "trimmed_mean"
    trim: int = 1  # drop this many highest and this many lowest totals ...
    trim_min_judges: int = 5  # ... but only when at least this many judges counted
    normalize: Normalization = "none"
    min_panel: int = 3  # fewer counted judges than this flags the result
    decimals: int = 2  # results are rounded to this many decimals for display and ranking
    rounding: RoundingMode = "half_up"  # how a half is rounded at `decimals` (四舍五入 by default)
    # Whether the public results carry each judge's total: never, once the ceremony started, or live.
    publish_judge_scores: JudgeScoresPublication = "never"


@dataclass(frozen=True, slots=True)
class AudienceRules:
    """The audience vote (大众评审, docs/event-file.md `[audience]`); off unless `enabled`.

    - mode: one vote per phone for the event, one per category, or 1-5 stars per project;
    - window: `end` (one window the host opens and closes) or `per_project` (the host opens the vote
      on each project after its presentation; stars only);
    - use: a separate people's-choice result/award, or a share `weight` (0 < weight < 1) of the
      composite (app/domain/votes.py says how the vote becomes 100 points);
    - per_address_cap: how many phones (voter ids) may vote from one client address (0: no cap);
    - tickets: a one-time ticket code (printed slips) is needed to vote.
    """

    enabled: bool = False
    mode: VoteMode = "one_per_event"
    window: VoteWindowKind = "end"
    use: AudienceUse = "award"
    weight: float = 0.0
    per_address_cap: int = 0
    tickets: bool = False


@dataclass(frozen=True, slots=True)
class PreviousRound:
    """Where a round's projects came from (the `[round] previous` table): the earlier event, its
    database file and its audit anchor at the moment of advancement, and the advancement rule."""

    event: str  # the previous event's title
    round: str  # its round name
    file: str  # its database file name
    anchor_length: int
    anchor_head: str
    advanced_by: str  # top_overall | top_per_category | pick (app/domain/advancement.py)
    count: int = 0  # N of a top rule
    reason: str = ""
    forced: bool = False  # advanced before the previous round's results were final


@dataclass(frozen=True, slots=True)
class RoundInfo:
    """The `[round]` table: this event is round `index` (1 = the first) of `competition`."""

    name: str
    index: int = 1
    competition: str = ""
    previous: PreviousRound | None = None


@dataclass(frozen=True, slots=True)
class EarlierResult:
    """One project's result in an earlier round (`[[earlier_results]]`), frozen when it advanced: the
    path of each project through the rounds. `rank`/`composite` are None for a project picked
    without a result."""

    project: str
    round: str
    index: int
    rank: int | None = None
    tied: bool = False
    composite: float | None = None


@dataclass(frozen=True, slots=True)
class Timing:
    presentation_seconds: int = 480
    qa_seconds: int = 240
    commentary_seconds: int = 0  # an expert's speaking time on the commentary scene; 0: no timer


@dataclass(frozen=True, slots=True)
class Event:
    title: str
    date: str
    categories: tuple[Category, ...]
    criteria: tuple[Criterion, ...]
    judges: tuple[Judge, ...]
    projects: tuple[Project, ...]
    panel_weight: float = 100.0
    indicators: tuple[Indicator, ...] = ()
    scoring: ScoringRules = field(default_factory=ScoringRules)
    timing: Timing = field(default_factory=Timing)
    awards: tuple[AwardRule, ...] = ()
    audience: AudienceRules = field(default_factory=AudienceRules)
    recusals: tuple[Recusal, ...] = ()
    language: Language = "zh"
    subtitle: str = ""
    venue: str = ""
    organizer: str = ""
    # picture files, relative to the event file: imported into the database (app/pictures_file.py)
    logo: str = ""
    sponsors: str = ""
    # rounds of a competition (docs/event-file.md, "Rounds"): app/rounds.py writes both
    round: RoundInfo | None = None
    earlier_results: tuple[EarlierResult, ...] = ()

    # -- lookups (small lists: linear scans are fine and keep the dataclass simple) --
    def project(self, project_id: str) -> Project | None:
        return next((p for p in self.projects if p.id == project_id), None)

    def judge(self, judge_id: str) -> Judge | None:
        return next((j for j in self.judges if j.id == judge_id), None)

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories if c.id == category_id), None)

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    @property
    def panel_max(self) -> float:
        """The highest weighted total a judge can give."""
        return sum(c.max * c.weight for c in self.criteria)

    @property
    def composite_weight_total(self) -> float:
        return self.panel_weight + sum(i.weight for i in self.indicators)

    def default_order(self) -> list[str]:
        return [p.id for p in sorted(self.projects, key=lambda p: (p.order, p.id))]
