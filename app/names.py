"""Sorting Chinese names the way people look them up on paper: by the pinyin of the family name.

pypinyin reads characters as common words, so family names with a special
reading (单 Shàn, 曾 Zēng, 仇 Qiú …) and two-character family names (欧阳, 司马 …)
are handled here first.
"""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin

COMPOUND_SURNAMES = {
    "欧阳": "ouyang", "司马": "sima", "上官": "shangguan", "诸葛": "zhuge", "东方": "dongfang", "皇甫": "huangfu",
    "尉迟": "yuchi", "公孙": "gongsun", "令狐": "linghu", "慕容": "murong", "长孙": "zhangsun", "宇文": "yuwen",
    "司徒": "situ", "夏侯": "xiahou", "澹台": "tantai", "万俟": "moqi", "呼延": "huyan", "端木": "duanmu",
    "独孤": "dugu", "南宫": "nangong", "西门": "ximen", "轩辕": "xuanyuan", "闻人": "wenren", "钟离": "zhongli",
    "宗政": "zongzheng", "濮阳": "puyang", "公冶": "gongye", "太叔": "taishu", "申屠": "shentu", "赫连": "helian",
    "拓跋": "tuoba", "百里": "baili", "东郭": "dongguo", "左丘": "zuoqiu", "第五": "diwu", "司空": "sikong",
}

# Family names whose reading differs from the character's everyday one.
SURNAME_READINGS = {
    "单": "shan", "曾": "zeng", "仇": "qiu", "解": "xie", "区": "ou", "查": "zha", "朴": "piao", "乐": "yue",
    "翟": "zhai", "盖": "ge", "缪": "miao", "覃": "qin", "秘": "bi", "种": "chong", "繁": "po", "员": "yun",
    "召": "shao", "祭": "zhai", "宓": "fu", "厍": "she", "莘": "shen", "薄": "bo", "贲": "ben", "隗": "wei",
    "黑": "he", "句": "gou", "逄": "pang", "牟": "mou", "长": "chang", "重": "chong", "都": "du", "率": "shuai",
    "藏": "zang", "阚": "kan",
}


def split_name(name: str) -> tuple[str, str]:
    """(family name, given name); two-character family names are recognised."""
    name = (name or "").strip()
    if name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


def surname_pinyin(surname: str) -> str:
    if surname in COMPOUND_SURNAMES:
        return COMPOUND_SURNAMES[surname]
    if surname in SURNAME_READINGS:
        return SURNAME_READINGS[surname]
    return "".join(lazy_pinyin(surname, style=Style.NORMAL, errors="default")).lower()


def sort_key(name: str) -> tuple[str, str, str, str]:
    """Family name's pinyin, then the family name itself (张 before 章 stays grouped), then the given name."""
    surname, given = split_name(name)
    return (surname_pinyin(surname), surname, "".join(lazy_pinyin(given, style=Style.NORMAL)).lower(), name)


def index_letter(name: str) -> str:
    """The letter a name is filed under on the sheet (A–Z, or # for anything else)."""
    letter = surname_pinyin(split_name(name)[0])[:1].upper()
    return letter if "A" <= letter <= "Z" else "#"
