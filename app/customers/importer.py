"""Customer import from CSV or XLSX: every row is reported, good rows land.

Columns (English or Chinese headers): name/姓名, phone/手机号, outlet/网点,
segments/客群 (several separated by ";"), tier/等级, owner/负责人, and marketing_consent/活动邀请
(是/否, 1/0, true/false: the customer agreed to receive the outlet's invitations; 否 withdraws it; empty
leaves it as it is).
Re-importing a file updates the same customers (matched by outlet and phone).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from flask_babel import gettext as _
from openpyxl import load_workbook

from app.audit import services as audit
from app.customers import services
from app.customers.services import CustomerInput
from app.errors import DomainError, ValidationFailed
from app.extensions import db

HEADERS = {
    "name": "name", "姓名": "name",
    "phone": "phone", "mobile": "phone", "手机号": "phone", "手机": "phone",
    "outlet": "outlet", "网点": "outlet", "网点代码": "outlet",
    "segments": "segments", "客群": "segments",
    "tier": "tier", "等级": "tier", "客户等级": "tier",
    "owner": "owner", "负责人": "owner", "客户经理": "owner",
    "marketing_consent": "marketing_consent", "活动邀请": "marketing_consent", "营销同意": "marketing_consent",
    "接收活动邀请": "marketing_consent",
}
MAX_ROWS = 20_000


@dataclass
class RowResult:
    number: int  # as a spreadsheet shows it: the header is row 1
    status: str  # created | updated | unchanged | error
    name: str = ""
    message: str = ""


@dataclass
class ImportReport:
    rows: list[RowResult] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def errors(self) -> list[RowResult]:
        return [row for row in self.rows if row.status == "error"]


class ImportFileError(DomainError):
    status = 422
    code = "import_file_invalid"


def _decode(data: bytes) -> str:
    # Excel in China saves CSV as GBK; everything else is UTF-8 (with or without BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("无法识别文件编码，请另存为 UTF-8 CSV 或 XLSX"))


def read_rows(stream: BinaryIO, filename: str) -> list[list[str]]:
    suffix = Path(filename).suffix.lower()
    data = stream.read()
    if suffix == ".xlsx":
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            if sheet is None:  # a workbook without a sheet: as unreadable as a damaged one
                raise ValueError("no worksheet")
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(_("无法读取 XLSX 文件：%(e)s", e=type(exc).__name__)) from exc
        rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    elif suffix == ".csv":
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(_decode(data)))]
    else:
        raise ImportFileError(_("只支持 .csv 和 .xlsx 文件"))
    if len(rows) > MAX_ROWS + 1:
        raise ImportFileError(_("一次最多导入 %(n)d 行", n=MAX_ROWS))
    return rows


def _cell(value: str) -> str:
    # Spreadsheets turn phone numbers into floats ("13800138000.0").
    return value[:-2] if value.endswith(".0") and value[:-2].isdigit() else value


def import_customers(stream: BinaryIO, filename: str, *, default_outlet: str | None = None) -> ImportReport:
    """Import every good row in its own savepoint; report each row's result."""
    rows = read_rows(stream, filename)
    if not rows:
        raise ImportFileError(_("文件是空的"))
    columns = [HEADERS.get(h.strip().lower()) or HEADERS.get(h.strip()) for h in rows[0]]
    missing = [c for c in ("name", "phone") if c not in columns]
    if "outlet" not in columns and not default_outlet:
        missing.append("outlet")
    if missing:
        raise ImportFileError(_("缺少列：%(cols)s", cols=", ".join(missing)))
    report = ImportReport()
    for number, raw in enumerate(rows[1:], start=2):
        values = {col: _cell(raw[i]) for i, col in enumerate(columns) if col and i < len(raw)}
        if not any(values.values()):
            continue
        data = CustomerInput(
            name=values.get("name"), phone=values.get("phone"),
            outlet_code=values.get("outlet") or default_outlet,
            segments=values.get("segments") if values.get("segments") else None,
            tier=values.get("tier") or None, owner=values.get("owner") or None,
            marketing_consent=values.get("marketing_consent") or None,
        )
        # A savepoint per row: a refused row is undone alone; the good ones wait for the one commit.
        savepoint = db.session.begin_nested()
        try:
            customer, created = services.upsert(data, source="import")
        except ValidationFailed as exc:
            savepoint.rollback()
            message = _("；").join(_("%(label)s：%(message)s", label=_label(k), message=v)
                                     for k, v in (exc.fields or {}).items()) or exc.message
            report.rows.append(RowResult(number, "error", values.get("name", ""), message))
            continue
        except DomainError as exc:
            savepoint.rollback()
            report.rows.append(RowResult(number, "error", values.get("name", ""), exc.message))
            continue
        savepoint.commit()
        report.rows.append(RowResult(number, "created" if created else "updated", customer.name))
    audit.record("customers_imported", object_type="customers",
                 details={"file": filename, "created": report.count("created"),
                          "updated": report.count("updated"), "errors": report.count("error")})
    return report


def _label(field_name: str) -> str:
    return {
        "name": _("姓名"), "phone": _("手机号"), "outlet_code": _("网点"), "segments": _("客群"),
        "tier": _("等级"), "owner": _("负责人"), "marketing_consent": _("活动邀请"),
    }.get(field_name, field_name)
