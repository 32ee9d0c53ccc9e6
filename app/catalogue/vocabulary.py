"""The catalogue vocabulary: lens and category keys of the templates, with their Chinese names.

Keys are stored in template files and sent through the API, so they never
change; names are what marketers read. Plain strings, usable without an app.
"""

from __future__ import annotations

# The five planning lenses of 活动策划依据 (DOMAIN.md): every template is indexed by them.
LENSES: dict[str, str] = {
    "timely": "实时",
    "current": "时事",
    "segment": "客群",
    "alliance": "联盟",
    "welfare": "公益",
}

CATEGORIES: dict[str, str] = {
    "family": "亲子",
    "salon": "沙龙/讲座",
    "festival": "节庆",
    "literacy": "公益/金融知识",
    "silver": "健康/银发",
    "appreciation": "客户答谢",
    "alliance": "异业联盟",
    "outreach": "进单位/进社区",
}

# Words of the bank's own work that a customer should never read in an event's public text
# (catalogue descriptions are checked at start-up; tests check the public pages and posters).
INTERNAL_TERMS: tuple[str, ...] = (
    "客户经理", "营销", "摸排", "转化", "引流", "获客", "拓客", "转介绍", "邀约",
    "名单", "存量", "增量", "沉淀", "承接", "吸金", "代发", "收单", "绑卡", "商机", "指标", "考核", "KPI",
    "维护关系", "关系维护", "开门红", "推销", "话术",
)
