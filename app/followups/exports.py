"""Files of results: the event report PDF (funnel chart, goals, referrers, partners, cost) and the dashboard XLSX."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from app.catalogue.services import find_template
from app.events.models import Event
from app.followups.dashboard import Period
from app.followups.results import event_stats, funnel, goals_vs_actuals, partner_results, top_referrers
from app.models import utcnow
from app.pdf import render_template_pdf
from app.spreadsheets import workbook_bytes, xlsx_row

CHART_WIDTH = 460  # SVG user units; the bars scale to the largest step of the funnel
BAR_HEIGHT = 24
LABEL_WIDTH = 70


@dataclass
class FunnelBar:
    label: str
    value: int
    y: int
    width: int
    share: str  # of the first step, e.g. "80%"


def funnel_bars(steps: list[tuple[str, str, int]]) -> list[FunnelBar]:
    """Bar geometry for the inline SVG funnel: widths proportional to each step's count."""
    top = max((value for _key, _label, value in steps), default=0) or 1
    first = steps[0][2] if steps else 0
    bars = []
    for i, (_key, label, value) in enumerate(steps):
        width = max(2, round((CHART_WIDTH - LABEL_WIDTH - 90) * value / top))
        share = f"{round(100 * value / first)}%" if first else "—"
        bars.append(FunnelBar(label=label, value=value, y=10 + i * (BAR_HEIGHT + 8), width=width, share=share))
    return bars


def report_pdf(event: Event) -> bytes:
    """The one- or two-page result report of an event, in Chinese with the shipped font."""
    stats = event_stats(event)
    steps = funnel(stats)
    template = find_template(event.template_key, event.outlet_id)
    return render_template_pdf(
        "followups/report.html", event=event, stats=stats, bars=funnel_bars(steps),
        chart_height=10 + len(steps) * (BAR_HEIGHT + 8), chart_width=CHART_WIDTH, label_width=LABEL_WIDTH,
        bar_height=BAR_HEIGHT, goals=goals_vs_actuals(event, stats), referrers=top_referrers(event),
        partners=partner_results([event.id]), template_name=template["name"] if template else event.template_key,
        generated_at=utcnow())


def _sheet_rows(period: Period) -> list[list]:
    head = [_("分组"), _("活动场次"), _("报名（确认）"), _("签到"), _("签到率"), _("到场人数"), _("新客"),
            _("转化笔数"), _("转化金额（元）")]

    def line(row) -> list:
        rate = row.attendance_rate
        return [row.name, row.events, row.confirmed, row.checked_in, rate if rate is not None else "",
                row.attendees, row.newcomers, row.conversions, float(row.amount)]

    rows: list[list] = [[period.label, f"{period.start.isoformat()} – {period.end.isoformat()}"], [],
                        [_("合计")], head, line(period.total), []]
    if len(period.by_outlet) > 1:
        rows += [[_("按网点（排名）")], head, *[line(r) for r in period.by_outlet], []]
    rows += [[_("按模板")], head]
    rows += [line(r) for r in period.by_template] or [[_("暂无")]]
    rows += [[], [_("按客群")], head]
    rows += [line(r) for r in period.by_segment] or [[_("暂无")]]
    rows += [[], [_("联盟商户（按核销）")], [_("商户"), _("发券"), _("核销"), _("核销率")]]
    rows += [[p["partner"], p["issued"], p["redeemed"], p["redemption_rate"] if p["redemption_rate"] is not None
              else ""] for p in period.partners] or [[_("暂无")]]
    return rows


def dashboard_xlsx(periods: dict[str, Period], outlet_label: str) -> bytes:
    """The dashboard's figures as a workbook: one sheet per period, the same numbers as the page."""
    book = Workbook()
    assert book.active is not None  # a new workbook has one sheet
    book.remove(book.active)
    titles = {"month": _("月度"), "year": _("年度")}
    for key, period in periods.items():
        sheet = book.create_sheet(titles.get(key, key))
        sheet.append(xlsx_row(sheet, [_("网点活动成效"), outlet_label]))
        for row in _sheet_rows(period):
            sheet.append(xlsx_row(sheet, row))
            if len(row) == 1 or row[:1] == [_("分组")] or row[:1] == [_("商户")]:  # section titles and headers
                for cell in sheet[sheet.max_row]:
                    cell.font = Font(bold=True)
        for cells in sheet.iter_rows(min_col=4, max_col=5):  # rates: 签到率 (col 5), 核销率 (col 4)
            for cell in cells:
                if isinstance(cell.value, float):
                    cell.number_format = "0.0%"
        for column, width in zip(range(1, 10), (28, 10, 12, 8, 8, 10, 8, 10, 14), strict=True):
            sheet.column_dimensions[get_column_letter(column)].width = width
    return workbook_bytes(book)
