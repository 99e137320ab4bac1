"""The frame of a Vietnamese administrative document in Word: issuing body, national motto, title, Nơi nhận, signature.

Every .docx the app writes (the weekly schedule, the follow-up report) sits in this one frame, so
that a change of layout or of the rules for the header (Nghị định 30/2020/NĐ-CP, Phụ lục I: the
issuing body top left, the national name and motto top right, place and date under it, the
distribution list bottom left and the signature bottom right) is made once. The caller builds
the body between `open_document` and `finish`; nothing here reads Flask or the database.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from .package import without_save_time

__all__ = ["NATIONAL_MOTTO", "NATIONAL_NAME", "Frame", "add_grid", "finish", "frame_from_config", "open_document"]

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"
FONT_SIZE = Pt(13)
A4_SHORT, A4_LONG = Cm(21.0), Cm(29.7)
# Margins of Nghị định 30/2020 (top and bottom 2 cm, left 3 cm, right 1.5 cm).
MARGINS = {"top_margin": Cm(2), "bottom_margin": Cm(2), "left_margin": Cm(3), "right_margin": Cm(1.5)}


@dataclass(frozen=True)
class Frame:
    """What the frame says around the body: who issues it, the title, where and when, who gets it, who signs."""

    issuing_body: str                       # the organization's name: top left, in capitals, bold
    title: str                              # e.g. "LỊCH CÔNG TÁC TUẦN 10"
    issued_on: date
    place: str                              # "Hà Nội" in "Hà Nội, ngày 05 tháng 03 năm 2027"
    parent_body: str | None = None          # the body above the issuer, over its name (not bold)
    subtitle: str | None = None             # under the title, e.g. "(Từ ngày 08/03/2027 đến ngày 14/03/2027)"
    recipients: Sequence[str] = field(default_factory=tuple)  # the "Nơi nhận" lines, each after "- "
    signer_title: str = ""                  # e.g. "CHÁNH VĂN PHÒNG"
    signer_name: str = ""
    landscape: bool = False


def frame_from_config(config, **values) -> Frame:
    """A Frame with the place, distribution list and signature block the settings give (DOCUMENT_*)."""
    return Frame(place=config["DOCUMENT_PLACE"], recipients=tuple(config["DOCUMENT_RECIPIENTS"]),
                 signer_title=config["DOCUMENT_SIGNER_TITLE"], signer_name=config["DOCUMENT_SIGNER_NAME"],
                 **values)


def open_document(frame: Frame) -> DocxDocument:
    """A new A4 document in Times New Roman 13 with the frame's header and title; add the body to it."""
    doc = Document()
    section = doc.sections[0]
    # python-docx's default template is US Letter portrait: set the size and the orientation both.
    if frame.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = A4_LONG, A4_SHORT
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = A4_SHORT, A4_LONG
    for name, value in MARGINS.items():
        setattr(section, name, value)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, FONT_SIZE
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    _header(doc, frame)
    _centered(doc, frame.title, bold=True, size=Pt(14), before=Pt(12))
    if frame.subtitle:
        _centered(doc, frame.subtitle, italic=True)
    doc.add_paragraph()
    return doc


def finish(doc: DocxDocument, frame: Frame) -> bytes:
    """Add the distribution list and the signature block, and give the .docx bytes."""
    doc.add_paragraph()
    table = _borderless(doc, 2, [_text_width(doc) * 0.5] * 2)
    left, right = table.rows[0].cells
    _line(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=Pt(12))
    for recipient in frame.recipients:
        _line(left.add_paragraph(), f"- {recipient}", size=Pt(11))
    _line(right.paragraphs[0], frame.signer_title.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for _ in range(4):  # room for the signature and the seal
        right.add_paragraph()
    if frame.signer_name:
        _line(right.add_paragraph(), frame.signer_name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    out = io.BytesIO()
    doc.save(out)
    return without_save_time(out.getvalue())


def add_grid(doc: DocxDocument, headings: Sequence[str], widths: Sequence[float]) -> Table:
    """A bordered table with a bold heading row repeated on every page; widths are shares of the text width."""
    total = _text_width(doc)
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word reads the cell widths (w:tcW), LibreOffice the grid's (w:gridCol): set both.
    for column, share in zip(table.columns, widths):
        column.width = int(total * share)
    for cell, heading, share in zip(table.rows[0].cells, headings, widths):
        cell.width = int(total * share)
        _line(cell.paragraphs[0], heading, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    header_row = table.rows[0]._tr.get_or_add_trPr()
    repeat = header_row.makeelement(qn("w:tblHeader"), {})
    header_row.append(repeat)
    return table


def _header(doc: DocxDocument, frame: Frame) -> None:
    """Issuing body on the left, national name and motto with place and date on the right."""
    width = _text_width(doc)
    table = _borderless(doc, 2, [width * 0.42, width * 0.58])
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    if frame.parent_body:
        _line(first, frame.parent_body.upper(), align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(12))
        first = left.add_paragraph()
    _line(first, frame.issuing_body.upper(), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(12))
    _line(left.add_paragraph(), "———", align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(10))
    _line(right.paragraphs[0], NATIONAL_NAME, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(12))
    _line(right.add_paragraph(), NATIONAL_MOTTO, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _line(right.add_paragraph(), "———————", align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(10))
    _line(right.add_paragraph(), place_and_date(frame.place, frame.issued_on), italic=True,
          align=WD_ALIGN_PARAGRAPH.CENTER)


def place_and_date(place: str, day: date) -> str:
    """ "Hà Nội, ngày 05 tháng 03 năm 2027" (days and months under 10 with a leading zero, as the decree says for 1-2)."""
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day.year}"


def _borderless(doc: DocxDocument, columns: int, widths: Sequence[float]) -> Table:
    table = doc.add_table(rows=1, cols=columns)  # no style: no borders
    table.autofit = False
    for column, cell, width in zip(table.columns, table.rows[0].cells, widths):
        column.width = cell.width = int(width)
    return table


def _text_width(doc: DocxDocument) -> int:
    section = doc.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def _centered(doc: DocxDocument, text: str, bold=False, italic=False, size=None, before=None) -> None:
    paragraph = doc.add_paragraph()
    if before is not None:
        paragraph.paragraph_format.space_before = before
    _line(paragraph, text, bold=bold, italic=italic, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)


def _line(paragraph, text: str, bold=False, italic=False, size=None, align=None):
    """Put one run of text in a paragraph with the given emphasis."""
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size is not None:
        run.font.size = size
    if align is not None:
        paragraph.alignment = align
    return run
