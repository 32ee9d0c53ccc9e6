"""Chinese text uses full-width punctuation (，：（）；！？); scripts/fullwidth.py finds and fixes what does not."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("fullwidth", ROOT / "scripts" / "fullwidth.py")
fullwidth = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fullwidth)


@pytest.mark.parametrize(("text", "expected"), [
    ("含逾期 7 条,请优先处理", "含逾期 7 条，请优先处理"),
    ("%(name)s,您好", "%(name)s，您好"),
    ("{customer},您好", "{customer}，您好"),
    ("重阳讲座(演示)", "重阳讲座（演示）"),
    ("满 50 减 10(演示)", "满 50 减 10（演示）"),
    ("客户 (可选)", "客户（可选）"),
    ("(其中逾期 %(n)d 条)", "（其中逾期 %(n)d 条）"),
    ("%(name)s(%(code)s)", "%(name)s(%(code)s)"),
    ("姓名: 张三", "姓名：张三"),
    ("你好!真的?", "你好！真的？"),
    ("字母;数字", "字母；数字"),
    ("商户确认(签章):", "商户确认（签章）："),
    ("。！？!?;,:）", "。！？!?;,:）"),  # a set of marks, as code uses them
    # left alone: numbers, times, placeholders, URLs, code and text without Chinese
    ("1,000 元", "1,000 元"),
    ("14:00 开始", "14:00 开始"),
    ("%(n)d 人", "%(n)d 人"),
    ("请看 https://x.cn:8080/a 谢谢", "请看 https://x.cn:8080/a 谢谢"),
    ("f(x) 中文", "f(x) 中文"),
    ("Hello, world (en)", "Hello, world (en)"),
    ("masked: 张**", "masked: 张**"),
    ("Opening campaign (开门红)", "Opening campaign (开门红)"),
])
def test_convert(text, expected):
    assert fullwidth.convert(text) == expected


def test_templates_keep_tags_attributes_and_jinja_code():
    source = ('<a href="/x?a=1,2" title="例如:1">说明:这里(可选)</a>{{ _("名称:%(n)s", n=x) }}'
              '{% if a(b, c) %}好,的{% endif %}{# 注释,留 #}')
    assert fullwidth.convert_template(source, html=True) == (
        '<a href="/x?a=1,2" title="例如:1">说明：这里（可选）</a>{{ _("名称：%(n)s", n=x) }}'
        '{% if a(b, c) %}好，的{% endif %}{# 注释,留 #}')


def test_python_strings_only_not_code_comments_or_format_specs():
    source = 'x = _("好,的")  # 注释,保留\ny = f"{a:,}元,共{b}人"\n'
    assert fullwidth.convert_python(source) == 'x = _("好，的")  # 注释,保留\ny = f"{a:,}元，共{b}人"\n'


def test_csv_data_in_python_strings_keeps_its_commas():
    source = 'CSV = """name,phone,outlet\n张伟,13800138000,IM01\n李静,12345,IM01\n"""\nx = "好,的"\n'
    assert fullwidth.convert_python(source) == source.replace("好,的", "好，的")
    escaped = 'path.write_text("name,phone,outlet\\n张伟,13800138000,IM01\\n")\n'
    assert fullwidth.convert_python(escaped) == escaped


def test_catalogue_msgids_change_as_the_source_does_and_translations_stay():
    po = 'msgid ""\nmsgstr ""\n\n#: app/x.py:1\nmsgid "活动尚未开始,不能结束"\nmsgstr "The event has not started"\n'
    assert fullwidth.convert_po(po, also_msgstr=False) == po.replace("开始,不能", "开始，不能")
    # a msgid that becomes one already present keeps the existing entry only
    twice = po + '\nmsgid "活动尚未开始，不能结束"\nmsgstr "Not started"\n'
    assert fullwidth.convert_po(twice, also_msgstr=False).count("msgid \"活动尚未开始，不能结束\"") == 1


def test_every_chinese_text_in_the_tree_uses_full_width_punctuation():
    """app/, tests/, scripts/, bench/ and both catalogues: what `scripts/fullwidth.py --check` checks."""
    roots = [ROOT / d for d in fullwidth.SOURCE_DIRS if (ROOT / d).exists()]
    offenders = [str(p.relative_to(ROOT)) for p in fullwidth.files(roots)
                 if fullwidth.rewrite(p) != p.read_text(encoding="utf-8")]
    assert not offenders, ("half-width punctuation in Chinese text; run `.venv/bin/python scripts/fullwidth.py` "
                           "and check the diff: " + ", ".join(offenders))
