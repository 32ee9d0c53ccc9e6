"""Chinese line breaking for the PNG poster: kinsoku rules, whole Latin runs, balanced titles."""

from __future__ import annotations

from app.linebreak import NO_END, NO_START, clamp, wrap, wrap_balanced


def width(text: str) -> float:
    """Monospaced stand-in for a font: ideographs 2 units, ASCII 1."""
    return sum(1 if ord(ch) < 128 else 2 for ch in text)


TEXT = "中秋亲子手作月饼，欢迎全家一起来参加（限额30组）！VIP客户优先。"


def test_lines_fit_and_nothing_is_lost():
    lines = wrap(TEXT, width, 20)
    assert all(width(line) <= 20 for line in lines)
    assert "".join(lines) == TEXT


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation():
    for limit in range(8, 40):
        for line in wrap(TEXT, width, limit):
            assert line[0] not in NO_START and line[-1] not in NO_END, (limit, line)


def test_latin_runs_and_times_stay_whole():
    lines = wrap("2026年9月19日 周六 14:00–16:00", width, 16)
    assert any("14:00" in line for line in lines) and any("16:00" in line for line in lines)
    assert all(not line.startswith("–") for line in lines)


def test_a_run_wider_than_the_line_is_cut():
    lines = wrap("https://hd.example.cn/r/ABCDEFGHIJKLMNOPQRSTUVWXYZ", width, 20)
    assert all(width(line) <= 20 for line in lines) and len(lines) == 3


def test_balanced_wrap_keeps_the_line_count_and_evens_the_lines():
    title = "2026年度退休客户养老金融知识讲座暨重阳节敬老茶话会"
    greedy, balanced = wrap(title, width, 40), wrap_balanced(title, width, 40)
    assert len(balanced) == len(greedy) == 2
    assert abs(width(balanced[0]) - width(balanced[1])) <= abs(width(greedy[0]) - width(greedy[1]))
    assert "".join(balanced) == title


def test_clamp_ends_with_an_ellipsis():
    lines = clamp(wrap("一二三四五六七八九十" * 5, width, 20), 2, width, 20)
    assert len(lines) == 2 and lines[-1].endswith("…") and width(lines[-1]) <= 20
    assert clamp(["短"], 2, width, 20) == ["短"]


def test_a_cut_ends_at_a_phrase_with_an_ellipsis():
    text = "和孩子一起动手做冰皮月饼，带走一盒自己做的中秋礼物。面点师傅手把手教，三到十二岁的孩子都能上手。"
    lines = clamp(wrap(text, width, 40), 2, width, 40)
    assert len(lines) == 2 and lines[-1].endswith("…") and width(lines[-1]) <= 40
    kept = "".join(lines)[:-1]
    # The text stops where a phrase ends (its comma or full stop gives way to the "…").
    assert text[len(kept)] in "，。" and text.startswith(kept)


def test_a_cut_never_splits_a_time_or_a_latin_word():
    lines = clamp(wrap("活动时间下午两点半开始到傍晚结束 14:00-16:30 VIPROOM 报名从速" * 3, width, 40), 1, width, 40)
    assert lines[0].endswith("…")
    assert "14:…" not in lines[0] and "14:00-…" not in lines[0] and "VIP…" not in lines[0]


def test_a_cut_without_a_nearby_phrase_end_stops_at_a_character():
    lines = clamp(wrap("一二三四五六七八九十" * 5, width, 20), 2, width, 20)
    assert lines[-1] == "一二三四五六七八九…"
