"""The scoring rules of an event as bilingual (item, setting, explanation) rows: the Rules sheet of
the results workbook."""

from __future__ import annotations

from ..domain.models import Event
from ..eventfile_export import seconds_to_minutes
from .formatting import KIND_LABELS, NORMALIZE_LABELS, RULE_LABELS, fmt_score


def rules_rows(event: Event) -> list[tuple[str, str, str]]:
    """The rules as (item, setting, explanation) rows, bilingual, for the workbook."""
    s = event.scoring
    rule_zh, rule_en, _ = RULE_LABELS[s.rule]
    norm_zh, norm_en, _ = NORMALIZE_LABELS[s.normalize]
    total_weight = event.composite_weight_total or 1.0
    trim_from = max(s.trim_min_judges, 2 * s.trim + 1)
    rows = [
        ("活动 / Event", event.title, " · ".join(x for x in (event.date, event.venue, event.organizer) if x)),
        (
            "评委总分 / A judge's total",
            f"满分 / max {fmt_score(event.panel_max)}",
            "评委总分 = Σ 权重 × 各项得分 / A judge's total = Σ weight × score per criterion",
        ),
    ]
    for c in event.criteria:
        rows.append(
            (
                f"评分项 / Criterion: {c.name}",
                f"0–{fmt_score(c.max)}, 步长 step {fmt_score(c.step)}, 权重 weight {fmt_score(c.weight)}",
                c.description,
            )
        )
    rows += [
        (
            "汇总规则 / Aggregation rule",
            f"{rule_zh} / {rule_en} ({s.rule})",
            "评委评分由有效评委的总分按此规则汇总；回避评委的分数从不计入。 The panel score combines the totals of the "
            "judges who counted by this rule; a recused judge's score never counts.",
        ),
        (
            "去分 / Trim",
            f"{s.trim} 高 + {s.trim} 低 / {s.trim} highest + {s.trim} lowest",
            f"有效评分不少于 {trim_from} 个时去掉；否则取平均。并列时按评委名单顺序：最高分中去掉名单中较后者，"
            f"最低分中去掉较前者。 Applied when there are at least {trim_from} valid totals; "
            "otherwise the plain mean. Among equal totals the judge later in the panel's list is dropped at the top, "
            "the earlier at the bottom."
            if s.rule == "trimmed_mean"
            else "不适用 / not used by this rule",
        ),
        ("标准分校正 / Normalisation", f"{norm_zh} / {norm_en} ({s.normalize})", ""),
        (
            "最少有效评委 / Minimum panel",
            str(s.min_panel),
            "少于此数的项目被标记，且不能获得优秀项目类奖项。 A project with fewer judges is flagged and cannot win a "
            "top-projects award.",
        ),
        (
            "小数位 / Decimals",
            str(s.decimals),
            "结果按此精度显示和排名。 Results are shown and ranked at this precision.",
        ),
        (
            "舍入 / Rounding",
            {"half_up": "四舍五入 / half up", "half_even": "逢五取偶 / half to even"}[s.rounding],
            "精确计算，每个数只在显示和排名时舍入一次；各项贡献按最大余数法分配，相加等于综合得分。 Computed exactly; "
            "each number is rounded once, when shown or ranked. The contributions are apportioned by largest "
            "remainder so that they add up to the composite.",
        ),
        (
            "综合得分权重 / Composite weight: 评委评分 Panel",
            f"{fmt_score(event.panel_weight)} ({100 * event.panel_weight / total_weight:.4g}%)",
            f"评委评分换算为百分制：100 × 评委评分 / {fmt_score(event.panel_max)} / "
            f"Panel score on 100: 100 × panel / {fmt_score(event.panel_max)}",
        ),
    ]
    for i in event.indicators:
        rows.append(
            (
                f"综合得分权重 / Composite weight: {i.name}",
                f"{fmt_score(i.weight)} ({100 * i.weight / total_weight:.4g}%)",
                f"满分 / max {fmt_score(i.max)}; 100 × 值 / {fmt_score(i.max)}. {i.description}".strip(),
            )
        )
    rows += [
        (
            "综合得分 / Composite",
            "Σ 权重 × 百分制得分 / Σ 权重",
            "Composite = Σ weight × score out of 100 / Σ weight",
        ),
        (
            "排名 / Ranking",
            "1. 综合得分 composite  2. 评委评分 panel  3. 第一名票数 first places",
            "依次比较（按保留的小数位）；三项都相同则并列同名次（如 1, 2, 2, 4）。 Compared in turn, rounded to the "
            "decimals; projects equal on all three share a rank (1, 2, 2, 4). First places: how many judges gave the "
            "project their highest total of the event.",
        ),
        (
            "陈述 / 问答时间 Timing",
            f"{seconds_to_minutes(event.timing.presentation_seconds):g} + "
            f"{seconds_to_minutes(event.timing.qa_seconds):g} min",
            "",
        ),
    ]
    if event.audience.enabled:
        rows.append(_audience_row(event))
    for a in event.awards:
        kind_zh, kind_en = KIND_LABELS[a.kind]
        detail = {
            "top_projects": f"前 {a.count} 名 / top {a.count}"
            + (
                f"; 每类最多 {a.max_per_category} / at most {a.max_per_category} per category"
                if a.max_per_category
                else ""
            )
            + "; 名额处并列者一并获奖 / a tie at the cut wins together",
            "team_leaders": f"“{a.of}” 获奖团队的负责人 / leaders of the teams that won '{a.of}'",
            "honour_roll": "名单 / listed names" if a.names else "各项目的志愿者 / every project's volunteers",
            "people_choice": f"大众评审前 {a.count or 1} 名 / the audience vote's top {a.count or 1}"
            + "; 名额处并列者一并获奖 / a tie at the cut wins together",
        }[a.kind]
        rows.append((f"奖项 / Award: {a.name}", f"{kind_zh} / {kind_en}", detail))
    rows.append(("评委 / Judges", "、".join(j.name for j in event.judges), ""))
    if event.round is not None:
        rows.append(_round_row(event))
    return rows


def _round_row(event: Event) -> tuple[str, str, str]:
    """Which round this is and where its projects came from (docs/event-file.md §12)."""
    info = event.round
    assert info is not None
    setting = f"第 {info.index} 轮 / Round {info.index}: {info.name}"
    previous = info.previous
    if previous is None:
        return ("轮次 / Round", setting, info.competition)
    rule = previous.advanced_by + (f" {previous.count}" if previous.count else "")
    detail = (
        f"晋级自 / Advanced from {previous.round} ({previous.event}, {previous.file}) — {rule}"
        + (f"; {previous.reason}" if previous.reason else "")
        + (" (强制 / forced)" if previous.forced else "")
        + f"; 审计锚点 / audit anchor: length {previous.anchor_length}, head {previous.anchor_head}"
    )
    return ("轮次 / Round", setting, detail)


def _audience_row(event: Event) -> tuple[str, str, str]:
    """The audience vote's rule (docs/event-file.md §11), as the results workbook's rules sheet lists it."""
    rules = event.audience
    points = {
        "one_per_event": "100 × 票数 ÷ 最高票数 / 100 × votes ÷ the most votes",
        "one_per_category": "100 × 票数 ÷ 本类最高票数 / 100 × votes ÷ the most votes in the category",
        "stars": "100 × 平均星级 ÷ 5 / 100 × mean stars ÷ 5",
    }[rules.mode]
    if rules.use == "composite":
        use = f"综合得分 = (1 − {rules.weight:g}) × 评委与指标综合分 + {rules.weight:g} × 大众评审得分（公布后）"
        use += f" / composite = (1 − {rules.weight:g}) × panel-and-indicators + {rules.weight:g} × audience points"
    else:
        use = "单独评奖 / a separate award"
    caps = f"; 每个网络地址最多 {rules.per_address_cap} 部手机" if rules.per_address_cap else ""
    tickets = "; 一次性投票码 / one-time tickets" if rules.tickets else ""
    return (
        "大众评审 / Audience vote",
        f"{rules.mode}, {rules.window}",
        f"{points}; {use}{caps}{tickets}; 以最后一次投票为准 / the latest vote counts",
    )
