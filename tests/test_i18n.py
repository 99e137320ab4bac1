"""The interface language: the gettext catalogs (every message translated) and Babel's date formats."""

import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from calendar_app.web import catalog, i18n

ROOT = Path(__file__).resolve().parent.parent
VI_PO = i18n.TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"{(\w+)}")


def extracted_messages() -> set[str]:
    """What `pybabel extract -F babel.cfg` finds: _() literals in code and templates, and the tables."""
    with (ROOT / "babel.cfg").open() as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    return {message if isinstance(message, str) else message[0]
            for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, options_map)}


def vietnamese_catalog():
    with VI_PO.open("rb") as source:
        return read_po(source, locale="vi")


def test_every_message_has_a_vietnamese_translation_with_the_same_placeholders():
    messages = extracted_messages()
    assert len(messages) > 200
    assert catalog.table_messages() <= messages  # the tables are part of the extraction
    entries = {m.id: m for m in vietnamese_catalog() if m.id}
    assert sorted(messages - set(entries)) == []
    assert sorted(m for m in messages if not entries[m].string or entries[m].fuzzy) == []
    for english in messages:
        assert set(PLACEHOLDER.findall(english)) == set(PLACEHOLDER.findall(entries[english].string)), english


def test_the_extraction_sees_a_new_template_string(tmp_path):
    """The check above cannot pass by finding nothing: a new template's _() literal is extracted."""
    (tmp_path / "calendar_app" / "web" / "templates").mkdir(parents=True)
    (tmp_path / "calendar_app" / "web" / "templates" / "new.html").write_text('<p>{{ _("A brand-new sentence") }}</p>')
    (tmp_path / "calendar_app" / "x.py").write_text('from .web.i18n import gettext as _\nTEXT = _("From {code}", code=1)\n')
    with (ROOT / "babel.cfg").open() as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    found = {m for _f, _l, m, _c, _x in extract_from_dir(str(tmp_path), method_map, options_map)}
    assert {"A brand-new sentence", "From {code}"} <= found
    assert "A brand-new sentence" not in {m.id for m in vietnamese_catalog()}


def test_the_catalog_has_one_entry_per_message_and_no_location_lines():
    """Union merges of the .po (.gitattributes) can repeat an msgid; line numbers would make every merge clash."""
    text = VI_PO.read_text(encoding="utf-8")
    ids = ["".join(re.findall(r'"(.*)"', found)) for found in re.findall(r'^msgid (".*"\n(?:".*"\n)*)', text, flags=re.M)]
    assert len(ids) > 200 and len(ids) == len(set(ids))
    assert not re.search(r"^#:", text, flags=re.M)


def test_a_changed_catalog_is_compiled_again_at_start_up(tmp_path):
    messages = tmp_path / "vi" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = messages / "messages.po"
    po.write_text('msgid "Calendar"\nmsgstr "Lịch"\n', encoding="utf-8")
    assert catalog.compile_catalogs(tmp_path) == [messages / "messages.mo"]
    assert catalog.compile_catalogs(tmp_path) == []  # up to date: nothing written
    po.write_text('msgid "Calendar"\nmsgstr "Lịch công tác"\n', encoding="utf-8")
    assert catalog.compile_catalogs(tmp_path) == [messages / "messages.mo"]
    assert "Lịch công tác".encode() in (messages / "messages.mo").read_bytes()


@pytest.mark.parametrize("language, expected", [
    ("vi", ["Thứ Năm, 05/03/2020 14:00", "Thứ Hai, 25/01/2021 – Thứ Sáu, 29/01/2021", "Tháng 3/2020",
            "Chủ Nhật, 08/03/2020", "Thứ Sáu, 15/01/2027", "05/03/2020", ("T2", "Thứ Hai"), ("CN", "Chủ Nhật")]),
    ("en", ["Thursday, 5 March 2020 14:00", "Monday, 25 January 2021 – Friday, 29 January 2021", "March 2020",
            "Sunday, 8 March 2020", "Friday, 15 January 2027", "5 March 2020", ("Mon", "Monday"), ("Sun", "Sunday")]),
])
def test_dates_are_written_by_babel_in_each_language(app, language, expected):
    moment = datetime(2020, 3, 5, 14, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with app.test_request_context(f"/?lang={language}"):
        heads = i18n.weekday_heads()
        assert [i18n.format_datetime(moment), i18n.format_span(date(2021, 1, 25), date(2021, 1, 29)),
                i18n.format_month(2020, 3), i18n.format_date(date(2020, 3, 8)), i18n.format_date(date(2027, 1, 15)),
                i18n.format_day(date(2020, 3, 5)), heads[0], heads[6]] == expected


def test_pages_use_the_catalog(client):
    assert "Lịch ký kết và phối hợp" in client.get("/").get_data(as_text=True)
    assert "Agreements calendar" in client.get("/?lang=en").get_data(as_text=True)
