"""What every Excel export shares: the bordered heading row and the A4 landscape print set-up (openpyxl)."""

import io
from datetime import datetime

from openpyxl.styles import Alignment, Border, Side
from openpyxl.utils import get_column_letter

from .package import without_save_time

_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def heading_row(ws, headings, font) -> int:
    """Append the table's bold, bordered, centred heading row; return its row number."""
    ws.append(list(headings))
    row = ws.max_row
    for cell in ws[row]:
        cell.font, cell.border = font, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return row


def finish(wb, ws, heading: int, widths, saved_at: datetime | None = None) -> bytes:
    """Column widths, the heading row frozen and printed on every page, A4 landscape one page wide; the bytes.

    saved_at: the moment written as the workbook's created and modified dates (a published export: the
    same rows give the same bytes); without it, the time of saving.
    """
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(heading + 1, 1)
    ws.print_title_rows = f"{heading}:{heading}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue() if saved_at is None else without_save_time(out.getvalue(), saved_at)
