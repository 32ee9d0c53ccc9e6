"""The occasion calendar: festivals, solar terms, fixed days and banking seasons.

Lunar festivals and solar terms come from lunar-python (never a hand-typed
date table), so any Gregorian year works. A lunar festival late in the lunar
year (腊八, 12/8) can fall in either Gregorian year around New Year: one
Gregorian year may hold two of them (2022) or none (2023).
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Literal, Protocol

from lunar_python import Lunar

Kind = Literal["lunar", "solar_term", "fixed", "weekday", "season"]
Span = tuple[date, date]  # first and last day; equal for single days


class Rule(Protocol):
    def spans(self, year: int) -> tuple[Span, ...]:
        """Every (first, last) span of the occasion that starts in Gregorian `year`."""
        ...


@dataclass(frozen=True)
class LunarDay:
    """A day of the lunar calendar (non-leap month)."""

    month: int
    day: int

    def spans(self, year: int) -> tuple[Span, ...]:
        # Lunar year Y-1 ends in January/February of Y; lunar year Y's last months can spill into Y+1.
        found = []
        for lunar_year in (year - 1, year):
            solar = Lunar.fromYmd(lunar_year, self.month, self.day).getSolar()
            day = date(solar.getYear(), solar.getMonth(), solar.getDay())
            if day.year == year:
                found.append((day, day))
        return tuple(found)


@dataclass(frozen=True)
class SolarTerm:
    """A solar term (节气) by its Chinese name in lunar-python's jieqi table."""

    name: str

    def spans(self, year: int) -> tuple[Span, ...]:
        # A lunar year's table runs from the previous December to the next March; the Chinese-named
        # entry of one of three neighbouring lunar years is the term of Gregorian `year`.
        found = set()
        for lunar_year in (year - 1, year, year + 1):
            solar = Lunar.fromYmd(lunar_year, 1, 1).getJieQiTable()[self.name]
            day = date(solar.getYear(), solar.getMonth(), solar.getDay())
            if day.year == year:
                found.add(day)
        return tuple((day, day) for day in sorted(found))


@dataclass(frozen=True)
class FixedDay:
    """The same Gregorian month and day every year."""

    month: int
    day: int

    def spans(self, year: int) -> tuple[Span, ...]:
        day = date(year, self.month, self.day)
        return ((day, day),)


@dataclass(frozen=True)
class NthWeekday:
    """The n-th given weekday of a month (Monday is 0), e.g. the second Sunday of May."""

    month: int
    weekday: int
    nth: int

    def spans(self, year: int) -> tuple[Span, ...]:
        first = date(year, self.month, 1)
        offset = (self.weekday - first.weekday()) % 7
        day = first + timedelta(days=offset + 7 * (self.nth - 1))
        return ((day, day),)


@dataclass(frozen=True)
class Season:
    """A campaign season: a range of Gregorian days inside one year."""

    start: tuple[int, int]
    end: tuple[int, int]

    def spans(self, year: int) -> tuple[Span, ...]:
        return ((date(year, *self.start), date(year, *self.end)),)


# English names (the Chinese name is the occasion's own); shown when the reader reads English.
ENGLISH_NAMES = {
    "spring_festival": "Spring Festival", "lantern": "Lantern Festival", "dragon_boat": "Dragon Boat Festival",
    "qixi": "Qixi Festival", "mid_autumn": "Mid-Autumn Festival", "double_ninth": "Double Ninth Festival",
    "laba": "Laba Festival", "qingming": "Qingming Festival", "winter_solstice": "Winter Solstice",
    "new_year": "New Year's Day", "womens_day": "Women's Day", "consumer_rights_day": "Consumer Rights Day",
    "labour_day": "Labour Day", "childrens_day": "Children's Day", "teachers_day": "Teachers' Day",
    "national_day": "National Day", "double_eleven": "Double 11", "mothers_day": "Mother's Day",
    "fathers_day": "Father's Day", "opening_campaign": "Opening campaign (开门红)",
    "tax_settlement": "Annual tax settlement", "illegal_fundraising_month": "Anti-illegal-fundraising month",
    "summer_holiday": "Summer holidays", "back_to_school": "Back to school",
    "financial_literacy_month": "Financial literacy month", "year_end": "Year end",
}


def _reads_english() -> bool:
    from flask import has_request_context

    from app.timefmt import reads_chinese

    return has_request_context() and not reads_chinese()


@dataclass(frozen=True)
class Occasion:
    """Something worth planning an event around, with how far ahead to plan it."""

    key: str
    name: str
    kind: Kind
    lead_days: int
    segments: tuple[str, ...]
    themes: tuple[str, ...]
    lenses: tuple[str, ...]
    public_holiday: bool
    description: str
    rule: Rule = field(repr=False, compare=False)

    @property
    def is_season(self) -> bool:
        return self.kind == "season"

    @property
    def label(self) -> str:
        """The name in the reader's language (`name` stays the Chinese one, as stored and in the API)."""
        return ENGLISH_NAMES.get(self.key, self.name) if _reads_english() else self.name


@dataclass(frozen=True)
class OccasionDate:
    """One occurrence of an occasion: `date` is the day (a season's first day), `end` its last day."""

    occasion: Occasion
    date: datetime.date  # the field's name hides the type in the class body
    end: datetime.date

    @property
    def key(self) -> str:
        return self.occasion.key

    @property
    def name(self) -> str:
        """In the reader's language; `to_dict()` keeps the Chinese name."""
        return self.occasion.label

    def overlaps(self, start: datetime.date, end: datetime.date) -> bool:
        return self.date <= end and self.end >= start

    def to_dict(self) -> dict:
        return {"key": self.occasion.key, "name": self.occasion.name, "kind": self.occasion.kind,
                "date": self.date.isoformat(), "end": self.end.isoformat()}


def _occasion(key: str, name: str, kind: Kind, rule: Rule, *, lead: int, segments: str, themes: str,
              lenses: str, holiday: bool = False, why: str) -> Occasion:
    return Occasion(key=key, name=name, kind=kind, lead_days=lead, segments=tuple(segments.split()),
                    themes=tuple(themes.split()), lenses=tuple(lenses.split()), public_holiday=holiday,
                    description=why, rule=rule)


ALL: tuple[Occasion, ...] = (
    # Lunar festivals.
    _occasion("spring_festival", "春节", "lunar", LunarDay(1, 1), lead=30, holiday=True,
              segments="family elderly payroll merchant vip", themes="团圆 辞旧迎新 年货",
              lenses="timely segment alliance",
              why="年终奖发放、返乡团聚和置办年货都集中在春节前，是答谢老客户、承接资金回流的关键窗口。"),
    _occasion("lantern", "元宵节", "lunar", LunarDay(1, 15), lead=14,
              segments="family elderly young", themes="猜灯谜 汤圆 团圆", lenses="timely welfare",
              why="猜灯谜、做汤圆参与门槛低，适合把金融知识编进灯谜，带动网点周边社区客户到店。"),
    _occasion("dragon_boat", "端午节", "lunar", LunarDay(5, 5), lead=21, holiday=True,
              segments="family elderly payroll", themes="粽子 安康 传统文化", lenses="timely segment",
              why="包粽子、做香囊是老少皆宜的传统手工，适合老客户维护和亲子家庭的节前活动。"),
    _occasion("qixi", "七夕", "lunar", LunarDay(7, 7), lead=14,
              segments="young vip", themes="浪漫 爱情 生活方式", lenses="timely alliance",
              why="年轻客群关注度高的节日，适合联合花店、咖啡店做生活方式类活动，带动信用卡和新客获取。"),
    _occasion("mid_autumn", "中秋节", "lunar", LunarDay(8, 15), lead=21, holiday=True,
              segments="family elderly payroll vip", themes="团圆 家庭 月饼",
              lenses="timely segment alliance",
              why="团圆主题天然适合家庭客户，月饼、茶礼是节前答谢和联合烘焙商户引流的常用载体。"),
    _occasion("double_ninth", "重阳节", "lunar", LunarDay(9, 9), lead=21,
              segments="elderly", themes="敬老 健康 长寿", lenses="timely segment welfare",
              why="老年人节，银发客群最认可的节点，适合健康讲座、义诊、防诈宣传和敬老答谢。"),
    _occasion("laba", "腊八节", "lunar", LunarDay(12, 8), lead=10,
              segments="elderly family", themes="腊八粥 暖冬 迎新年", lenses="timely welfare",
              why="“过了腊八就是年”，网点门口施粥暖心成本低、人气旺，也是春节营销的预热。"),
    # Solar terms.
    _occasion("qingming", "清明节", "solar_term", SolarTerm("清明"), lead=14, holiday=True,
              segments="family elderly", themes="踏青 青团 传统文化", lenses="timely",
              why="春季踏青和青团手作适合亲子家庭，节前活动可顺带做春季理财规划提醒。"),
    _occasion("winter_solstice", "冬至", "solar_term", SolarTerm("冬至"), lead=14,
              segments="elderly family payroll", themes="饺子 暖冬 团聚", lenses="timely welfare",
              why="“冬至大如年”，包饺子、送温暖贴近社区老客户，也是年末维护的好由头。"),
    # Fixed days.
    _occasion("new_year", "元旦", "fixed", FixedDay(1, 1), lead=21, holiday=True,
              segments="family payroll young vip", themes="新年 新起点 开门红", lenses="timely current",
              why="新年第一天与开门红同步启动，适合新年客户见面会和全年理财规划。"),
    _occasion("womens_day", "妇女节", "fixed", FixedDay(3, 8), lead=14,
              segments="young vip family", themes="女性 关爱 美丽", lenses="timely segment alliance",
              why="女性客户是家庭理财的主要决策者，节日沙龙和联名花艺活动接受度高。"),
    _occasion("consumer_rights_day", "消费者权益日", "fixed", FixedDay(3, 15), lead=14,
              segments="elderly young merchant", themes="金融消费者权益保护 反诈 维权",
              lenses="current welfare",
              why="监管要求开展3·15金融消费者权益保护教育宣传，是网点公益宣传和厅堂活动的固定节点。"),
    _occasion("labour_day", "劳动节", "fixed", FixedDay(5, 1), lead=21, holiday=True,
              segments="payroll young", themes="致敬劳动者 出游", lenses="timely segment",
              why="致敬劳动者主题适合走进代发单位，也适合节前出游、消费类信用卡活动。"),
    _occasion("childrens_day", "儿童节", "fixed", FixedDay(6, 1), lead=21,
              segments="family", themes="童趣 财商 成长", lenses="timely segment alliance",
              why="亲子家庭最重视的节日，财商启蒙和职业体验能让家长走进网点、认识客户经理。"),
    _occasion("teachers_day", "教师节", "fixed", FixedDay(9, 10), lead=14,
              segments="payroll vip", themes="尊师 感恩", lenses="timely segment",
              why="学校多为代发单位，教师节进校园送祝福是维护代发关系和教师客群的契机。"),
    _occasion("national_day", "国庆节", "fixed", FixedDay(10, 1), lead=30, holiday=True,
              segments="family payroll young vip", themes="爱国 出游 长假", lenses="timely segment",
              why="长假前客户出游、消费和资金安排需求集中，适合节前亲子和出行金融服务活动。"),
    _occasion("double_eleven", "双十一", "fixed", FixedDay(11, 11), lead=21,
              segments="young merchant", themes="购物节 理性消费 支付", lenses="current alliance",
              why="线上消费高峰，适合商户收单营销、信用卡分期和理性消费、防网购诈骗宣传。"),
    # Weekday rules.
    _occasion("mothers_day", "母亲节", "weekday", NthWeekday(5, calendar.SUNDAY, 2), lead=14,
              segments="family vip", themes="感恩 母爱", lenses="timely alliance",
              why="感恩主题适合亲子手作和花艺活动，是联合花店、烘焙店的常见节点。"),
    _occasion("fathers_day", "父亲节", "weekday", NthWeekday(6, calendar.SUNDAY, 3), lead=14,
              segments="family payroll", themes="感恩 父爱 运动", lenses="timely alliance",
              why="父亲常是代发和房贷客户，亲子运动、家庭保障讲座可以把父亲带进网点。"),
    # Banking seasons.
    _occasion("opening_campaign", "开门红", "season", Season((1, 1), (3, 31)), lead=45,
              segments="payroll vip merchant elderly", themes="存款 旺季营销 年终奖",
              lenses="current segment",
              why="一季度是全年存款和客户增长的关键期，年终奖和春节资金回流集中，活动需提前一个半月筹划。"),
    _occasion("tax_settlement", "个税汇算", "season", Season((3, 1), (6, 30)), lead=21,
              segments="payroll young", themes="个税 专项附加扣除 退税", lenses="current segment",
              why="每年3月至6月个人所得税综合所得汇算清缴，代发客户关心退税和专项附加扣除。"),
    _occasion("illegal_fundraising_month", "防范非法集资宣传月", "season", Season((6, 1), (6, 30)),
              lead=21, segments="elderly merchant", themes="防范非法集资 反诈 守住钱袋子",
              lenses="current welfare",
              why="每年6月集中开展防范非法集资宣传，老年客户和小微商户是重点宣传对象。"),
    _occasion("summer_holiday", "暑期", "season", Season((7, 1), (8, 31)), lead=21,
              segments="family young", themes="暑假 研学 财商", lenses="timely segment alliance",
              why="孩子放假、家长有需求，适合财商夏令营和联合教育机构的系列活动。"),
    _occasion("back_to_school", "开学季", "season", Season((8, 20), (9, 15)), lead=21,
              segments="family young", themes="开学 文具 新生", lenses="timely alliance",
              why="开学前后家庭教育支出集中，也是高校新生和新市民开户、办卡的时点。"),
    _occasion("financial_literacy_month", "金融知识普及月", "season", Season((9, 1), (9, 30)),
              lead=21, segments="elderly young merchant family", themes="金融知识 反诈 普惠",
              lenses="current welfare",
              why="每年9月监管统一部署金融知识普及月，进社区、进校园、进企业宣传是网点规定动作。"),
    _occasion("year_end", "年末", "season", Season((12, 1), (12, 31)), lead=30,
              segments="vip payroll merchant", themes="年终奖 资产检视 答谢", lenses="current segment",
              why="年末客户盘点全年收支、年终奖到账，适合资产检视沙龙和客户答谢，并为开门红蓄客。"),
)

_BY_KEY: dict[str, Occasion] = {occasion.key: occasion for occasion in ALL}


def get(key: str) -> Occasion:
    """The occasion with this key; KeyError when there is none."""
    return _BY_KEY[key]


@cache
def _year(year: int) -> tuple[OccasionDate, ...]:
    found = [OccasionDate(occasion, first, last)
             for occasion in ALL for first, last in occasion.rule.spans(year)]
    return tuple(sorted(found, key=lambda item: (item.date, item.end, item.key)))


def occasion_dates(year: int) -> list[OccasionDate]:
    """Every occasion starting in Gregorian `year`, sorted by date (seasons by their first day)."""
    return list(_year(year))


def occurrences(start: date, end: date) -> list[OccasionDate]:
    """Every occasion day inside [start, end] and every season overlapping it, sorted by date."""
    found = [item for year in range(start.year, end.year + 1) for item in _year(year)
             if item.overlaps(start, end)]
    return sorted(found, key=lambda item: (item.date, item.end, item.key))


def date_of(key: str, year: int) -> date:
    """The first day of occasion `key` in Gregorian `year` (a season's start).

    Raises KeyError for an unknown key and LookupError when the year has none
    (腊八 skips some Gregorian years). Where a year has two, the earlier one.
    """
    occasion = get(key)
    spans = occasion.rule.spans(year)
    if not spans:
        raise LookupError(f"{occasion.name}({key}) does not fall in {year}")
    return spans[0][0]
