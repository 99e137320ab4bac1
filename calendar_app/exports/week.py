"""The weekly schedule as a Word document, an Excel workbook and a PDF: the same Week, the same rows.

Pure: a week_schedule.Week and texts in, bytes out (the PDF renders the print view's HTML it is given).
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from docx.enum.text import WD_ALIGN_PARAGRAPH
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from ..week_schedule import Item, Week
from . import sheet
from .document_frame import add_grid, finish, frame_from_config, open_document

__all__ = ["BUILDERS", "HEADINGS", "KINDS", "MEDIA_TYPES", "PRINT_CSS", "content_lines", "docx", "filename", "pdf",
           "title", "xlsx"]

KINDS = ("docx", "xlsx", "pdf")
MEDIA_TYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
               "pdf": "application/pdf"}
# The columns of a lịch công tác tuần, and each one's share of the page width.
HEADINGS = ("Ngày", "Buổi", "Thời gian", "Nội dung", "Chủ trì", "Thành phần", "Địa điểm", "Chuẩn bị")
WIDTHS = (0.10, 0.06, 0.09, 0.27, 0.13, 0.14, 0.11, 0.10)
XLSX_WIDTHS = (16, 8, 13, 45, 22, 26, 20, 18)
PRINT_CSS = Path(__file__).resolve().parent.parent / "web" / "static" / "week-print.css"
FONT = "Times New Roman"


def title(week: Week) -> str:
    return f"LỊCH CÔNG TÁC TUẦN {week.number}"


def span(week: Week) -> str:
    return f"(Từ ngày {week.monday:%d/%m/%Y} đến ngày {week.sunday:%d/%m/%Y})"


def filename(week: Week, kind: str) -> str:
    """lich-cong-tac-tuan-10-2027.docx (the Monday's ISO year)."""
    return f"lich-cong-tac-tuan-{week.number:02d}-{week.monday.isocalendar().year}.{kind}"


def content_lines(item: Item) -> list[str]:
    """The "Nội dung" cell: the status in words first when not confirmed, the title, then the note."""
    lines = [f"[{item.status_text}] {item.title}" if item.status_text else item.title]
    if item.note:
        lines.append(f"Ghi chú: {item.note}")
    return lines


def _rows(week: Week):
    """Per table row: (day, part or None, item or None); an empty day has one row without items."""
    for day in week.days:
        if not day.parts:
            yield day, None, None
        for part in day.parts:
            for item in part.items:
                yield day, part, item


NOTHING = "Không có lịch"


def _cells(item: Item | None) -> list[str]:
    if item is None:
        return ["", NOTHING, "", "", "", ""]
    return [item.time, "\n".join(content_lines(item)), item.chair or "", item.attendees or "", item.location or "",
            item.preparation or ""]


def _day_text(day) -> str:
    return day.label + (f"\n{day.note}" if day.note else "")


def docx(week: Week, issuer: dict, config, issued_on: date) -> bytes:
    """The schedule in the administrative frame: issuing body, title, the table, Nơi nhận and signature."""
    frame = frame_from_config(config, issuing_body=issuer["name"], parent_body=issuer.get("parent"),
                              title=title(week), subtitle=span(week), issued_on=issued_on, landscape=True)
    doc = open_document(frame)
    table = add_grid(doc, HEADINGS, WIDTHS)
    rows = []  # each row's cells, kept: python-docx's table.cell() walks the whole grid on every call
    spans = []  # (column, [day or part, first row, last row]): merged once the table is written
    day_span = part_span = None
    for day, part, item in _rows(week):
        cells = table.add_row().cells
        rows.append(cells)
        index = len(rows) - 1
        if day_span is None or day_span[0] is not day:
            day_span = [day, index, index]
            spans.append((0, day_span))
            cells[0].text = _day_text(day)
        else:
            day_span[2] = index
        if part is not None and (part_span is None or part_span[0] is not part):
            part_span = [part, index, index]
            spans.append((1, part_span))
            cells[1].text = part.label
        elif part is not None:
            part_span[2] = index
        for cell, text in zip(cells[2:], _cells(item)):
            cell.text = text
            if item is not None and item.emphasis:
                for run in (r for p in cell.paragraphs for r in p.runs):
                    run.bold = True
        if item is None:
            cells[3].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for column, (_owner, first, last) in spans:
        if last > first:
            _merge_keep(rows[first][column], rows[last][column])
    return finish(doc, frame)


def _merge_keep(first, last) -> None:
    """Merge a column's cells from `first` down to `last`, keeping the first one's text (merge() joins texts)."""
    keep = first.text
    first.merge(last).text = keep


def xlsx(week: Week, issuer: dict, config, issued_on: date) -> bytes:
    """One sheet: issuer and title above, the table with its heading row frozen and printed on every page."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"Tuần {week.number}"
    bold = Font(name=FONT, size=13, bold=True)
    ws.append([issuer["name"].upper()])
    ws.append([title(week)])
    ws.append([span(week)])
    ws.append([])
    for row in range(1, 4):
        ws.cell(row, 1).font = bold if row < 3 else Font(name=FONT, size=13, italic=True)
    heading_row = sheet.heading_row(ws, HEADINGS, bold)
    day_start = part_start = None
    for day, part, item in _rows(week):
        ws.append([_day_text(day), part.label if part else "", *_cells(item)])
        row = ws.max_row
        font = Font(name=FONT, size=12, bold=bool(item and item.emphasis))
        for cell in ws[row]:
            cell.font, cell.border = font, sheet.BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        # Only the top-left cell of a merge keeps its value: each merged day or part keeps its text there.
        if day_start is not None and day_start[0] is day:
            ws.merge_cells(start_row=day_start[1], start_column=1, end_row=row, end_column=1)
        else:
            day_start = (day, row)
        if part is not None and part_start is not None and part_start[0] is part:
            ws.merge_cells(start_row=part_start[1], start_column=2, end_row=row, end_column=2)
        elif part is not None:
            part_start = (part, row)
    # Dated the week's Monday, not the moment of saving: the same week gives the same bytes.
    return sheet.finish(wb, ws, heading_row, XLSX_WIDTHS, datetime.combine(week.monday, time(0)))


def pdf(html: str) -> bytes:
    """The print view's HTML as an A4 landscape PDF (WeasyPrint; fonts named in week-print.css)."""
    from weasyprint import CSS, HTML  # imported on first use: it takes about a second

    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PRINT_CSS))])


BUILDERS = {"docx": docx, "xlsx": xlsx}
