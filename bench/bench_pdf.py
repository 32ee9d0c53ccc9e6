"""Print how long a 500-row sign-in sheet PDF takes to render (target: under 3 s).

Run: .venv/bin/python bench/bench_pdf.py [rows] [runs]
The names are synthetic; the sheet has a repeated header row on every page.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.pdf import render_pdf

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂喆玥昊堃彧赟淼犇垚燊祎珺琬婕晗熠翀玮炜"


def sheet_html(rows: int) -> str:
    body = []
    for i in range(rows):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 3 + 1) % len(GIVEN)]
        body.append(f"<tr><td class='num'>{i + 1}</td><td>{escape(name)}</td>"
                    f"<td class='num'>{(1000 + i * 37) % 10000:04d}</td><td class='num'>{1 + i % 3}</td>"
                    "<td></td></tr>")
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'><title>签到表</title></head>"
        "<body class='paged'><h1>中秋亲子手作月饼 · 签到表</h1>"
        "<p class='muted'>2026年9月19日 周六 14:00–16:00 · 滨江支行三楼客户活动室（演示数据）</p>"
        "<table><thead><tr><th style='width:8%'>序号</th><th style='width:22%'>姓名</th>"
        "<th style='width:16%'>手机尾号</th><th style='width:12%'>人数</th><th>签名</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></body></html>"
    )


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    html = sheet_html(rows)
    render_pdf("<p>预热</p>")  # the first call loads the font into fontconfig: not part of the figure
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = render_pdf(html)
        times.append(time.perf_counter() - start)
    pages = "?"
    try:
        from pypdf import PdfReader

        pages = str(len(PdfReader(io.BytesIO(pdf)).pages))
    except ImportError:  # pypdf is a dev dependency; the figure does not need it
        pass
    print(f"{rows}-row sign-in sheet: best {min(times):.2f} s, median {statistics.median(times):.2f} s "
          f"of {runs} runs; {pages} pages, {len(pdf) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
