"""The follow-up report (báo cáo tình hình thực hiện quy chế phối hợp) as Word and Excel, in the weekly schedule's frame.

Pure: report rows and texts in, bytes out; the route (web/followup.py) reads the obligations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from . import sheet
from .document_frame import add_grid, finish, frame_from_config, open_document
from .week import FONT, MEDIA_TYPES

__all__ = ["HEADINGS", "KINDS", "MEDIA_TYPES", "Row", "TITLE", "docx", "xlsx"]

KINDS = ("docx", "xlsx")
TITLE = "BÁO CÁO TÌNH HÌNH THỰC HIỆN QUY CHẾ PHỐI HỢP"
HEADINGS = ("Văn bản", "Nghĩa vụ", "Kỳ", "Hạn", "Tình trạng", "Sự kiện, kết quả")
WIDTHS = (0.20, 0.17, 0.17, 0.10, 0.11, 0.25)
XLSX_WIDTHS = (36, 28, 26, 12, 14, 50)
STATE_WORDS = {"upcoming": "Sắp đến", "due": "Đến hạn", "fulfilled": "Đã thực hiện", "overdue": "Quá hạn",
               "waived": "Được miễn"}


@dataclass(frozen=True)
class Row:
    """One period of one obligation, as the report shows it."""

    agreement: str
    obligation: str
    period: str       # "Kỳ 3: 05/03/2021 – 04/09/2021"
    due: str          # "05/09/2021"
    state: str        # the stored code (upcoming, due, …)
    outcome: str      # the event, the day held, the outcome text and document link, or the waiver


def rows_of(obligations: list[dict]) -> list[Row]:
    """Report rows from obligation representations (repositories.obligations.represent)."""
    found = []
    for o in obligations:
        for p in o["periods"]:
            found.append(Row(o["agreement_title"], o["title"],
                             f"Kỳ {p['n']}: {_day(p['starts_on'])} – {_day(p['ends_on'])}", _day(p["due_on"]),
                             p["state"], _outcome(p.get("record"))))
    return found


def _outcome(record: dict | None) -> str:
    if not record:
        return ""
    if record.get("waived_reason"):
        return f"Được miễn: {record['waived_reason']}"
    lines = [record.get("event_title") or "", f"Ngày: {_day(record['held_on'])}" if record.get("held_on") else "",
             record.get("outcome") or "", record.get("document_url") or ""]
    return "\n".join(line for line in lines if line)


def _day(iso: str | None) -> str:
    try:
        return date.fromisoformat(iso).strftime("%d/%m/%Y") if iso else ""
    except ValueError:
        return iso


def subtitle(about: str, on: date) -> str:
    return f"{about} (tính đến ngày {on:%d/%m/%Y})"


def docx(rows: list[Row], about: str, issuer: dict, config, issued_on: date) -> bytes:
    """The report in the administrative frame: issuing body, title, the table, Nơi nhận and signature."""
    frame = frame_from_config(config, issuing_body=issuer["name"], parent_body=issuer.get("parent"), title=TITLE,
                              subtitle=subtitle(about, issued_on), issued_on=issued_on, landscape=True)
    doc = open_document(frame)
    table = add_grid(doc, HEADINGS, WIDTHS)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, _texts(row)):
            cell.text = text
        if row.state == "overdue":
            for run in (r for p in cells[4].paragraphs for r in p.runs):
                run.bold = True
    return finish(doc, frame)


def _texts(row: Row) -> list[str]:
    return [row.agreement, row.obligation, row.period, row.due, STATE_WORDS.get(row.state, row.state), row.outcome]


def xlsx(rows: list[Row], about: str, issuer: dict, config, issued_on: date) -> bytes:
    """One sheet: issuer and title above, the table with its heading row frozen and printed on every page."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Theo dõi thực hiện"
    bold = Font(name=FONT, size=13, bold=True)
    for text, font in ((issuer["name"].upper(), bold), (TITLE, bold),
                       (subtitle(about, issued_on), Font(name=FONT, size=13, italic=True))):
        ws.append([text])
        ws.cell(ws.max_row, 1).font = font
    ws.append([])
    heading_row = sheet.heading_row(ws, HEADINGS, bold)
    for row in rows:
        ws.append(_texts(row))
        for cell in ws[ws.max_row]:
            cell.font = Font(name=FONT, size=12, bold=row.state == "overdue" and cell.column == 5)
            cell.border = sheet.BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return sheet.finish(wb, ws, heading_row, XLSX_WIDTHS)


BUILDERS = {"docx": docx, "xlsx": xlsx}
