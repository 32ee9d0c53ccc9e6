"""Files for the outlet's staff: the paper sign-in sheet (签到表, PDF) and the registrations workbook (XLSX).

Both carry full names (staff documents), so only the outlet's staff and admins
get them, and every export is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy.orm import selectinload

from app.audit import services as audit
from app.events.models import Event, Registration
from app.extensions import db
from app.models import utcnow
from app.names import index_letter, sort_key
from app.pdf import render_template_pdf
from app.spreadsheets import workbook_bytes, xlsx_cell, xlsx_row
from app.timefmt import to_local

EXPORT_BATCH = 1000  # registrations read per round trip while the workbook is written
STATUS_NAMES = {"confirmed": _l("已确认"), "waitlisted": _l("候补"), "cancelled": _l("已取消")}
SOURCE_NAMES = {"public": _l("线上报名"), "walk_in": _l("现场报名"), "staff": _l("员工代报")}
METHOD_NAMES = {"scan": _l("扫码"), "link": _l("票码链接"), "search": _l("查找签到"), "walk_in": _l("现场报名"),
                "self": _l("自助签到")}
# What the paper sheet prints in the signature box of someone already checked in: how, and when.
SHEET_METHOD_NAMES = {"scan": _l("扫码签到"), "link": _l("链接签到"), "search": _l("查找签到"),
                      "walk_in": _l("现场登记"), "self": _l("自助签到")}


@dataclass
class SheetRow:
    letter: str
    name: str
    last4: str
    party_size: int
    checked_in_at: datetime | None
    walk_in: bool
    checkin_method: str | None = None

    @property
    def checked_in_how(self) -> str:
        """扫码签到 / 查找签到 / 现场登记 / 链接签到 / 自助签到: the real method, never one label for all."""
        return str(SHEET_METHOD_NAMES.get(self.checkin_method or "", _l("已签到")))


def signin_rows(event: Event) -> list[SheetRow]:
    """Confirmed registrations sorted by the pinyin of the family name, each with its index letter."""
    rows = db.session.execute(
        sa.select(Registration.name, Registration.phone_last4, Registration.party_size, Registration.checked_in_at,
                  Registration.source, Registration.checkin_method)
        .where(Registration.event_id == event.id, Registration.status == "confirmed")).all()
    ordered = sorted(rows, key=lambda r: sort_key(r.name))
    return [SheetRow(index_letter(r.name), r.name, r.phone_last4, r.party_size, r.checked_in_at,
                     r.source == "walk_in", r.checkin_method) for r in ordered]


def signin_sheet_pdf(event: Event) -> bytes:
    """The printable sign-in sheet; the table header repeats on every page. Audited."""
    rows = signin_rows(event)
    pdf = render_template_pdf("checkin/signin_sheet.html", event=event, rows=rows,
                              people=sum(r.party_size for r in rows), printed_at=utcnow())
    audit.record("export", obj=event, details={"file": "signin-sheet.pdf", "rows": len(rows)})
    return pdf


def _text(value) -> str:
    return "" if value is None else str(value)


def _answer(value) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return "" if value is None else str(value)


def _local(value: datetime | None) -> datetime | None:
    # Excel has no time zones: write the local wall-clock time the staff saw.
    return to_local(value).replace(tzinfo=None) if value else None


def registrations_xlsx(event: Event) -> bytes:
    """Every registration with status, check-in time and method, referrer and the answers. Audited."""
    # Streamed in batches (the write-only sheet keeps no rows either): memory stays flat however large the event.
    registrations = db.session.scalars(
        sa.select(Registration).options(selectinload(Registration.referrer_user),
                                        selectinload(Registration.referrer_customer))
        .where(Registration.event_id == event.id).order_by(Registration.created_at, Registration.id)
        .execution_options(yield_per=EXPORT_BATCH))
    questions = [q for q in (event.questions or []) if q.get("key")]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("报名名单"))
    header = [_("序号"), _("姓名"), _("手机号"), _("人数"), _("状态"), _("来源"), _("新客"), _("报名时间"),
              _("签到时间"), _("签到方式"), _("推荐人"), _("超额入场"), *[q.get("label", q["key"]) for q in questions]]
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 14
    for column in ("H", "I"):
        sheet.column_dimensions[column].width = 18
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F2F2F2")
    sheet.append([xlsx_cell(sheet, str(title), font=bold, fill=fill) for title in header])
    # Translated once, not once per row: a 5,000-row sheet spent about 40 % of its time in gettext.
    statuses, sources, methods = (_translated(names) for names in (STATUS_NAMES, SOURCE_NAMES, METHOD_NAMES))
    yes, no = _("是"), _("否")
    number = 0
    for number, r in enumerate(registrations, start=1):
        referrer = r.referrer_user.display_name if r.referrer_user else (
            r.referrer_customer.name if r.referrer_customer else "")
        row = [number, _text(r.name), r.phone, r.party_size, statuses.get(r.status, r.status),
               sources.get(r.source, r.source), no if r.was_customer else yes,
               _date_cell(sheet, r.created_at), _date_cell(sheet, r.checked_in_at),
               methods.get(r.checkin_method or "", ""), _text(referrer),
               yes if r.over_capacity else "",
               *[_text(_answer((r.answers or {}).get(q["key"]))) for q in questions]]
        sheet.append(xlsx_row(sheet, row))
    body = workbook_bytes(book)
    audit.record("export", obj=event, details={"file": "registrations.xlsx", "rows": number})
    return body


def _translated(names: dict) -> dict[str, str]:
    return {key: str(label) for key, label in names.items()}


def _date_cell(sheet, value: datetime | None):
    if value is None:
        return None
    return xlsx_cell(sheet, _local(value), number_format="yyyy-mm-dd hh:mm")

