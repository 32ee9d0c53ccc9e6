"""A person's data as a workbook (the same export as the JSON one, `services.export_person`)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from openpyxl import Workbook

from app.spreadsheets import workbook_bytes, xlsx_row


def personal_data_xlsx(data: dict[str, Any]) -> bytes:
    """The same export as a workbook: one sheet per part, one row per item."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    titles = {"customer": _("客户"), "registrations": _("报名"), "consents": _("授权"), "followups": _("跟进"),
              "vouchers": _("优惠券"), "messages": _("消息")}
    for key, title in titles.items():
        sheet = book.create_sheet(title)
        rows = [data[key]] if isinstance(data[key], dict) else data[key]
        columns = list(rows[0]) if rows else []
        sheet.append(columns)
        for row in rows:
            sheet.append(xlsx_row(sheet, [_cell(row[c]) for c in columns]))
    return workbook_bytes(book)


def _cell(value):
    if isinstance(value, list):
        return "；".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{_cell(v)}" for k, v in value.items())
    return value
