"""The administrative document frame every Word export sits in, read back with python-docx."""

import io
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Cm

from calendar_app import settings
from calendar_app.exports import document_frame as frame_module
from calendar_app.exports.document_frame import Frame, add_grid, finish, frame_from_config, open_document

FRAME = Frame(issuing_body="Đảng ủy Khối Doanh nghiệp Trung ương", parent_body="Đảng bộ Khối",
              title="LỊCH CÔNG TÁC TUẦN 10", subtitle="(Từ ngày 08/03/2027 đến ngày 14/03/2027)",
              issued_on=date(2027, 3, 5), place="Hà Nội", recipients=("Thường trực Đảng ủy Khối;", "Lưu: VT."),
              signer_title="Chánh Văn phòng", signer_name="Nguyễn Thị Ánh", landscape=True)


def paragraphs(doc) -> list[str]:
    """Every paragraph's text, in the body and in table cells (merged cells once)."""
    found = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        seen = set()
        for row in table.rows:
            for cell in row.cells:
                if cell._tc not in seen:
                    seen.add(cell._tc)
                    found += [p.text for p in cell.paragraphs]
    return [text for text in found if text]


def build(frame=FRAME) -> Document:
    doc = open_document(frame)
    table = add_grid(doc, ["Thời gian", "Nội dung"], [0.3, 0.7])
    cells = table.add_row().cells
    cells[0].text, cells[1].text = "08:00", "Hội nghị giao ban Ấn phẩm, Ăn uống, Ưu tiên, ỹ ỵ ử ữ ự"
    return Document(io.BytesIO(finish(doc, frame)))


def test_a4_landscape_times_new_roman_with_every_part_of_the_frame():
    doc = build()
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (29.7, 21.0)
    assert doc.styles["Normal"].font.name == "Times New Roman" and doc.styles["Normal"].font.size.pt == 13
    text = paragraphs(doc)
    for expected in ["ĐẢNG BỘ KHỐI", "ĐẢNG ỦY KHỐI DOANH NGHIỆP TRUNG ƯƠNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Hà Nội, ngày 05 tháng 03 năm 2027", "LỊCH CÔNG TÁC TUẦN 10",
                     "(Từ ngày 08/03/2027 đến ngày 14/03/2027)", "Nơi nhận:", "- Thường trực Đảng ủy Khối;",
                     "- Lưu: VT.", "CHÁNH VĂN PHÒNG", "Nguyễn Thị Ánh",
                     "Hội nghị giao ban Ấn phẩm, Ăn uống, Ưu tiên, ỹ ỵ ử ữ ự"]:
        assert expected in text, expected
    assert text.index("LỊCH CÔNG TÁC TUẦN 10") < text.index("Nơi nhận:")


def test_portrait_by_default_and_no_parent_line_without_one():
    doc = build(Frame(issuing_body="Văn phòng", title="BÁO CÁO", issued_on=date(2027, 12, 31), place="Đà Nẵng"))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT and round(section.page_width.cm, 1) == 21.0
    text = paragraphs(doc)
    assert doc.tables[0].rows[0].cells[0].paragraphs[0].text == "VĂN PHÒNG"
    assert "Đà Nẵng, ngày 31 tháng 12 năm 2027" in text


def test_the_grid_repeats_its_heading_row_and_has_its_widths():
    doc = build()
    grid = doc.tables[1]
    assert grid.rows[0]._tr.trPr.find(frame_module.qn("w:tblHeader")) is not None
    text_width = Cm(29.7 - 3 - 1.5)
    assert abs(grid.columns[0].width - text_width * 0.3) < Cm(0.05)


def test_frame_from_config_takes_the_document_settings():
    frame = frame_from_config(settings.DEFAULTS, issuing_body="X", title="T", issued_on=date(2027, 1, 1))
    assert (frame.place, tuple(frame.recipients), frame.signer_title, frame.signer_name) == (
        "Hà Nội", ("Như trên;", "Lưu: VT."), "Chánh Văn phòng", "")
