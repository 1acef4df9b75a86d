"""The template's layout: its sheets, their columns, and the settings on the Event sheet.

Each `SheetSpec` is one event-file table ("projects") as a sheet with bilingual headers; each `Column`
is one key of that table; each `Setting` is one row of the Event sheet. Writing (writing.py) and
reading (reader.py) both follow these, so a workbook written by Roadshow reads back the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..domain.models import (
    AGGREGATION_RULES,
    AUDIENCE_USES,
    JUDGE_SCORES_PUBLICATIONS,
    LANGUAGES,
    NORMALIZATIONS,
    VOTE_MODES,
    VOTE_WINDOWS,
)
from ..domain.numbers import ROUNDING_MODES

Kind = Literal["id", "text", "number", "names", "flag"]  # flag: true/false (a setting only)
MAX_ROWS = 5000  # per sheet: far more than any roadshow; stops a runaway sheet from being read forever


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # the event-file key
    zh: str
    en: str
    kind: Kind = "text"
    required: bool = False
    width: float = 16
    note_zh: str = ""
    note_en: str = ""

    @property
    def header(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass(frozen=True, slots=True)
class SheetSpec:
    key: str  # the event-file table ("projects")
    zh: str
    en: str
    columns: tuple[Column, ...]
    required: bool = True
    note_zh: str = ""
    note_en: str = ""

    @property
    def title(self) -> str:
        return f"{self.zh} {self.en}"

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)


_ID_NOTE = ("英文字母、数字或 - _ .，最多 40 个字符，不能重复", "Letters, digits, - _ . (at most 40); unique")
_SHORT_NOTE = (  # app.eventfile.MAX_SHORT_NAME
    "可选，最多 20 个字符；投影屏幕空间不够处显示",
    "Optional, at most 20 characters; shown where space is short",
)
# a picture named in the event file (app/pictures_file.py); pictures are usually uploaded in setup
_PICTURE_NOTE = (
    "图片文件，相对活动文件的路径；也可在活动设置中上传",
    "A picture file relative to the event file, or upload it in setup",
)
_NAMES_NOTE = ("多个姓名用顿号、逗号或分号分隔", "Separate names with 、 , ; or a new line")

CATEGORIES = SheetSpec(
    "categories",
    "类别",
    "Categories",
    (
        Column("id", "类别编号", "Category ID", "id", True, 16, *_ID_NOTE),
        Column("name", "类别名称", "Category name", "text", True, 32, "显示名称", "Display name"),
    ),
    note_zh="项目的类别（赛道），至少一行。",
    note_en="Project categories (tracks); at least one row.",
)
CRITERIA = SheetSpec(
    "criteria",
    "评分细则",
    "Rubric",
    (
        Column("id", "评分项编号", "Criterion ID", "id", True, 16, *_ID_NOTE),
        Column("name", "评分项", "Criterion", "text", True, 24, "评委评分表上显示的名称", "Shown on the judges' sheet"),
        Column("max", "满分", "Max", "number", True, 10, "大于 0；评委打 0 至满分", "> 0; a judge scores 0 … max"),
        Column("weight", "权重", "Weight", "number", False, 10, "默认 1；评委总分 = Σ 权重 × 得分", "Default 1"),
        Column("step", "步长", "Step", "number", False, 10, "默认 1；0.5 表示可打半分", "Default 1; 0.5 allows halves"),
        Column("description", "评分说明", "Description", "text", False, 48, "给评委的评分指引", "Guidance for judges"),
    ),
    note_zh="评委现场评分的各项，至少一行。",
    note_en="The judges' rubric; at least one row.",
)
INDICATORS = SheetSpec(
    "indicators",
    "指标",
    "Indicators",
    (
        Column("id", "指标编号", "Indicator ID", "id", True, 16, *_ID_NOTE),
        Column("name", "指标名称", "Indicator", "text", True, 24, "结果明细中显示的名称", "Shown in the results"),
        Column("weight", "权重", "Weight", "number", True, 10, "在综合得分中的权重", "Weight in the composite"),
        Column("max", "满分", "Max", "number", False, 10, "默认 100", "Default 100"),
        Column("description", "说明", "Description", "text", False, 48, "数据来源", "Where the value comes from"),
    ),
    required=False,
    note_zh="前期评估指标（可选）。每个指标在项目表中要有一列，列标题写 名称 [编号]。",
    note_en="Pre-collected indicators (optional). Each needs a column on the Projects sheet headed 'name [id]'.",
)
JUDGES = SheetSpec(
    "judges",
    "评委",
    "Judges",
    (
        Column("id", "评委编号", "Judge ID", "id", True, 14, *_ID_NOTE),
        Column("name", "姓名", "Name", "text", True, 16),
        Column("title", "单位职务", "Affiliation", "text", False, 40, "显示在姓名下方", "Shown under the name"),
        # issue 16: the commentary scene (专家点评)
        Column("affiliation", "单位", "Organisation", "text", False, 30, "专家点评时显示", "Shown on the commentary"),
        Column("portrait", "头像文件", "Portrait file", "text", False, 20, *_PICTURE_NOTE),
    ),
    note_zh="评委名单，按此顺序显示，至少一行。",
    note_en="The panel, in this order; at least one row.",
)
PROJECTS = SheetSpec(
    "projects",
    "项目",
    "Projects",
    (
        Column("id", "项目编号", "Project ID", "id", True, 12, *_ID_NOTE),
        Column(
            "order",
            "出场顺序",
            "Order",
            "number",
            False,
            10,
            "整数；留空则按行的顺序",
            "Whole number; blank = row order",
        ),
        Column("category", "类别编号", "Category", "id", True, 14, "类别表中的类别编号", "A Category ID"),
        Column("title", "项目名称", "Title", "text", True, 36),
        Column("short_title", "项目简称", "Short title", "text", False, 20, *_SHORT_NOTE),
        Column("team", "实施团队", "Team", "text", True, 30, "优秀团队奖颁给团队", "Named by a top-projects award"),
        Column("short_team", "团队简称", "Short team", "text", False, 18, *_SHORT_NOTE),
        Column(
            "leader", "团队负责人", "Leader", "text", False, 14, "优秀负责人奖颁给此人", "Named by a team-leaders award"
        ),
        Column("members", "团队成员", "Members", "names", False, 30, *_NAMES_NOTE),
        Column("volunteers", "志愿者", "Volunteers", "names", False, 24, *_NAMES_NOTE),
        Column("summary", "项目简介", "Summary", "text", False, 48),
    ),
    note_zh="路演项目，至少一行。每个指标一列（列标题：指标名称 [指标编号]），填 0 至该指标满分。",
    note_en="The projects; at least one row. One column per indicator (header: 'name [id]'), 0 … its max.",
)
RECUSALS = SheetSpec(
    "recusals",
    "回避",
    "Recusals",
    (
        Column("judge", "评委编号", "Judge ID", "id", True, 14, "评委表中的评委编号", "A Judge ID"),
        Column("project", "项目编号", "Project ID", "id", True, 14, "项目表中的项目编号", "A Project ID"),
        Column("reason", "回避原因", "Reason", "text", False, 40),
    ),
    required=False,
    note_zh="事先已知的回避（可选）：该评委不能为该项目打分。",
    note_en="Conflicts known in advance (optional): the judge cannot score the project.",
)
AWARDS = SheetSpec(
    "awards",
    "奖项",
    "Awards",
    (
        Column("id", "奖项编号", "Award ID", "id", True, 14, *_ID_NOTE),
        Column("name", "奖项名称", "Award name", "text", True, 24),
        Column(
            "kind",
            "类型",
            "Kind",
            "text",
            True,
            16,
            "top_projects 优秀团队 / team_leaders 优秀负责人 / honour_roll 荣誉榜 / people_choice 大众评审奖",
            "top_projects / team_leaders / honour_roll / people_choice",
        ),
        Column("count", "名额", "Count", "number", False, 10, "top_projects 必填", "Required for top_projects"),
        Column("max_per_category", "每类最多", "Max per category", "number", False, 12, "0 = 不限", "0 = no limit"),
        Column(
            "of",
            "依据奖项",
            "Of award",
            "id",
            False,
            14,
            "team_leaders：前面某个 top_projects 奖项的编号",
            "team_leaders: an earlier top_projects Award ID",
        ),
        Column(
            "names",
            "名单",
            "Names",
            "names",
            False,
            36,
            "honour_roll：留空 = 所有项目的志愿者",
            "honour_roll: blank = every project's volunteers",
        ),
    ),
    required=False,
    note_zh="奖项，按此顺序评定和颁发（可选）。",
    note_en="Award rules, decided and presented in this order (optional).",
)


@dataclass(frozen=True, slots=True)
class Setting:
    key: str  # in the Key column: the event-file key, or table.key for the audience vote (audience.mode)
    table: str  # event | timing | scoring | composite | audience
    zh: str
    en: str
    kind: Kind
    note_zh: str = ""
    note_en: str = ""
    choices: tuple[str, ...] = ()

    @property
    def field(self) -> str:
        """The key in its event-file table (`audience.weight` -> `weight`)."""
        return self.key.rpartition(".")[2]


SETTINGS: tuple[Setting, ...] = (
    Setting("title", "event", "活动名称", "Title", "text", "必填", "Required"),
    Setting("subtitle", "event", "副标题", "Subtitle", "text"),
    Setting("date", "event", "日期", "Date", "text", "如 2026-12-12", "e.g. 2026-12-12"),
    Setting("venue", "event", "地点", "Venue", "text"),
    Setting("organizer", "event", "主办单位", "Organizer", "text"),
    Setting("language", "event", "界面语言", "Language", "text", "zh 中文 / en 英文", "zh or en", LANGUAGES),
    Setting(
        "presentation_minutes", "timing", "陈述时间（分钟）", "Presentation minutes", "number", "默认 8", "Default 8"
    ),
    Setting(
        "qa_minutes", "timing", "问答时间（分钟）", "Q&A minutes", "number", "默认 4；0 = 无问答", "Default 4; 0 = none"
    ),
    Setting(
        "commentary_minutes",
        "timing",
        "专家点评时长（分钟）",
        "Commentary minutes",
        "number",
        "默认 0 = 不计时",
        "Default 0 = no timer",
    ),
    Setting("logo", "event", "活动标志文件", "Logo file", "text", *_PICTURE_NOTE),
    Setting("sponsors", "event", "赞助商横幅文件", "Sponsor strip file", "text", *_PICTURE_NOTE),
    Setting(
        "rule",
        "scoring",
        "汇总规则",
        "Aggregation rule",
        "text",
        "trimmed_mean 去掉最高最低分后平均 / mean 平均 / median 中位数",
        "trimmed_mean / mean / median",
        AGGREGATION_RULES,
    ),
    Setting("trim", "scoring", "去掉最高、最低分各几个", "Trim", "number", "默认 1", "Default 1"),
    Setting("trim_min_judges", "scoring", "至少几位评委才去分", "Trim from N judges", "number", "默认 5", "Default 5"),
    Setting(
        "normalize",
        "scoring",
        "标准分校正",
        "Normalisation",
        "text",
        "none 不校正 / zscore 标准分",
        "none / zscore",
        NORMALIZATIONS,
    ),
    Setting("min_panel", "scoring", "最少有效评委数", "Minimum panel", "number", "默认 3", "Default 3"),
    Setting("decimals", "scoring", "保留小数位", "Decimals", "number", "默认 2", "Default 2"),
    Setting(
        "rounding",
        "scoring",
        "逢五舍入",
        "Rounding",
        "text",
        "half_up 四舍五入（默认）/ half_even 逢五取偶",
        "half_up (default) / half_even",
        ROUNDING_MODES,
    ),
    Setting(
        "publish_judge_scores",
        "scoring",
        "公示评委总分",
        "Publish judges' totals",
        "text",
        "never 不公示（默认）/ after_event 颁奖后 / live 实时",
        "never (default) / after_event / live",
        JUDGE_SCORES_PUBLICATIONS,
    ),
    Setting(
        "panel_weight",
        "composite",
        "评委评分权重",
        "Panel weight",
        "number",
        "综合得分中的权重，默认 100",
        "Default 100",
    ),
    # the audience vote (大众评审), docs/event-file.md §11: the same keys as the [audience] table
    Setting(
        "audience.enabled",
        "audience",
        "开启大众评审",
        "Audience vote",
        "flag",
        "true 开启 / false 关闭（默认）",
        "true / false (default)",
    ),
    Setting(
        "audience.mode",
        "audience",
        "投票方式",
        "Vote mode",
        "text",
        "one_per_event 每人一票（默认）/ one_per_category 每类一票 / stars 逐项 1–5 星",
        "one_per_event (default) / one_per_category / stars",
        VOTE_MODES,
    ),
    Setting(
        "audience.window",
        "audience",
        "投票时段",
        "Vote window",
        "text",
        "end 最后统一投票（默认）/ per_project 每个项目陈述后（仅 stars）",
        "end (default) / per_project (stars only)",
        VOTE_WINDOWS,
    ),
    Setting(
        "audience.use",
        "audience",
        "投票结果用于",
        "Vote used for",
        "text",
        "award 单独的大众评审奖（默认）/ composite 计入综合得分",
        "award (default) / composite",
        AUDIENCE_USES,
    ),
    Setting(
        "audience.weight",
        "audience",
        "计入综合得分的比例",
        "Share of the composite",
        "number",
        "仅 composite：大于 0 小于 1，0.10 即十分之一",
        "composite only: above 0 and below 1 (0.10 = a tenth)",
    ),
    Setting(
        "audience.per_address_cap",
        "audience",
        "同一网络地址最多几部手机",
        "Phones per address",
        "number",
        "0 = 不限（默认），最多 10000",
        "0 = no cap (default), at most 10000",
    ),
    Setting(
        "audience.tickets",
        "audience",
        "凭投票码投票",
        "Tickets needed",
        "flag",
        "true 需扫描投票码 / false 不需要（默认）",
        "true / false (default)",
    ),
)
SETTING_BY_KEY = {s.key: s for s in SETTINGS}
SETTING_BY_FIELD = {(s.table, s.field): s for s in SETTINGS}  # where a problem of `audience.weight` goes
EVENT_COLUMNS = (
    Column("key", "键", "Key", "text", True, 22, "不要修改", "Do not change"),
    Column("label", "设置", "Setting", "text", False, 26),
    Column("value", "值", "Value", "text", True, 48),
    Column("note", "说明", "Notes", "text", False, 56),
)
EVENT = SheetSpec(
    "event",
    "活动",
    "Event",
    EVENT_COLUMNS,
    note_zh="活动信息与评分规则：每行一个设置，只填“值”一列。",
    note_en="The event and its scoring rules: one setting per row; fill in the Value column only.",
)
README_TITLE = "说明 README"
LIST_SHEETS: tuple[SheetSpec, ...] = (CATEGORIES, CRITERIA, INDICATORS, JUDGES, PROJECTS, RECUSALS, AWARDS)
SHEETS: tuple[SheetSpec, ...] = (EVENT, *LIST_SHEETS)
