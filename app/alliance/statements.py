"""The partner's monthly settlement statement as CSV (Excel-friendly) and PDF; holders masked."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import gettext as _

from app.alliance.forms import COST_SHARE_NAMES
from app.pdf import render_template_pdf
from app.spreadsheets import SafeCsvWriter
from app.timefmt import local_today, to_local

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_month(raw: str) -> tuple[int, int] | None:
    """`2026-11` → (2026, 11); None for anything else or a month too far from today."""
    match = MONTH_PATTERN.match(raw or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 2000 <= year <= local_today().year + 1:
        return None
    return year, month


def recent_months(count: int = 6, today: date | None = None) -> list[str]:
    today = today or local_today()
    year, month = today.year, today.month
    months = []
    for _i in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def statement_csv(data: dict) -> bytes:
    """UTF-8 with a byte-order mark, so Excel on Windows shows the Chinese correctly."""
    writer = SafeCsvWriter()
    writer.writerow([_("核销时间"), _("券码"), _("优惠"), _("活动"), _("客户"), _("手机"), _("面值（元）"),
                     _("费用承担"), _("银行结算（元）"), _("消费金额（元）"), _("核销人")])
    for row in data["rows"]:
        writer.writerow((
            f"{to_local(row['redeemed_at']):%Y-%m-%d %H:%M}", row["code"], row["offer_title"], row["event_title"],
            row["customer"], row["phone"], row["value"] if row["value"] is not None else "",
            COST_SHARE_NAMES.get(row["cost_share"], row["cost_share"]), row["bank_share"],
            row["amount_spent"] if row["amount_spent"] is not None else "", row["redeemed_by"]))
    writer.writerow([])
    writer.writerow((_("合计"), _("核销 %(n)d 张", n=data["redeemed"]), "", "", "", "", data["face_value"], "",
                     data["bank_share"], data["amount_spent"], ""))
    return writer.getvalue()


def statement_pdf(data: dict) -> bytes:
    return render_template_pdf("alliance/statement_pdf.html", s=data, cost_share_names=COST_SHARE_NAMES,
                               generated=local_today())
