"""The example event: one row on every sheet of the downloadable template (a community micro venture
philanthropy evaluation, in Chinese)."""

from __future__ import annotations

from ..domain.models import Event
from ..eventfile import parse_event


def example_event() -> Event:
    text = """
[event]
title = "2026年度社区微创投项目终期评审路演"
subtitle = "小项目·大治理"
date = "2026-12-12"
venue = "社区党群服务中心 三楼多功能厅"
organizer = "幸福街道办事处"
language = "zh"
[timing]
presentation_minutes = 6
qa_minutes = 3
[scoring]
rule = "trimmed_mean"
trim = 1
trim_min_judges = 5
normalize = "none"
min_panel = 3
decimals = 2
[composite]
panel_weight = 60
[[categories]]
id = "env"
name = "环境治理"
[[criteria]]
id = "completion"
name = "项目完成度"
max = 30
step = 0.5
description = "是否按计划完成各项服务活动"
[[indicators]]
id = "satisfaction"
name = "居民满意度"
weight = 40
description = "第三方问卷调查得分"
[[judges]]
id = "j1"
name = "林慧芳"
title = "社会组织服务中心 主任"
[[projects]]
id = "p01"
order = 1
category = "env"
title = "绿色家园·垃圾分类进楼栋"
short_title = "垃圾分类进楼栋"
team = "桂园社区环保志愿服务队"
short_team = "桂园环保队"
leader = "王丽娟"
members = ["陆志刚", "蒋春兰"]
volunteers = ["于海燕", "石振东"]
summary = "楼栋长+志愿者定时督导垃圾分类"
indicators = { satisfaction = 92.5 }
[[awards]]
id = "teams"
name = "优秀团队"
kind = "top_projects"
count = 3
[[awards]]
id = "leaders"
name = "优秀团队负责人"
kind = "team_leaders"
of = "teams"
[[awards]]
id = "volunteers"
name = "优秀志愿者"
kind = "honour_roll"
"""
    return parse_event(text)


EXAMPLE_EVENT = example_event()
