"""Vietnamese alphabetical order: PyICU's vi_VN collator, the pure-Python fallback, SQLite, the API and the pages."""

import importlib
import os
import random
import sys

import pytest

from calendar_app import collation
from calendar_app.db import connect

# The order libraries-2.md observed with ICU vi_VN, shuffled below.
VIETNAMESE_ORDER = ["An ninh", "Ăn uống", "Ấn phẩm", "ban an toàn", "Ban cán sự", "Ban Kinh tế", "Dự án",
                    "Đảng ủy Khối", "Đoàn Thanh niên", "Tổng công ty"]
TONES_AND_CASE = ["a", "A", "ă", "Ă", "â", "Â", "ba", "Ba", "bà", "bả", "bã", "bá", "bạ", "Da", "dung", "Dung",
                  "Đa", "Đà"]


def shuffled(names):
    names = list(names)
    random.Random(12).shuffle(names)
    return names


@pytest.fixture
def fallback(monkeypatch):
    """collation.py as it loads on a host without PyICU."""
    monkeypatch.setitem(sys.modules, "icu", None)
    yield importlib.reload(collation)
    monkeypatch.undo()
    importlib.reload(collation)


def test_icu_is_installed_and_sorts_vietnamese():
    if collation.icu is None:  # make builds PyICU only where libicu-dev is installed; CI installs it
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("PyICU is not installed; CI must build it (.ci/run installs libicu-dev pkg-config g++)")
        pytest.skip("PyICU is not installed (apt-get install libicu-dev pkg-config g++, then make)")
    assert collation.sorted_vi(shuffled(VIETNAMESE_ORDER)) == VIETNAMESE_ORDER
    assert collation.sorted_vi(shuffled(TONES_AND_CASE)) == TONES_AND_CASE


def test_the_fallback_gives_the_same_order_without_icu(fallback):
    assert fallback.icu is None
    assert fallback.sorted_vi(shuffled(VIETNAMESE_ORDER)) == VIETNAMESE_ORDER
    assert fallback.sorted_vi(shuffled(TONES_AND_CASE)) == TONES_AND_CASE
    assert fallback.compare("Dự án", "Đảng ủy") == -1 and fallback.compare("Đảng", "Đảng") == 0


def test_every_connection_has_the_collation(tmp_path):
    db = connect(str(tmp_path / "c.sqlite3"))
    db.execute("create table t (name text)")
    db["t"].insert_all({"name": n} for n in shuffled(VIETNAMESE_ORDER))
    assert [r[0] for r in db.execute("select name from t order by name collate vi")] == VIETNAMESE_ORDER


def test_the_api_and_the_pages_list_organizations_in_vietnamese_order(client, make):
    names = ["Đảng ủy Khối Doanh nghiệp Trung ương", "Ban Kinh tế Trung ương", "Ban cán sự đảng Bộ Ngoại giao",
             "Tạp chí Cộng sản", "Đoàn Thanh niên", "Dự án phát triển", "Ấn phẩm"]
    for name in shuffled(names):
        make.organization(name=name)
    expected = ["Ấn phẩm", "Ban cán sự đảng Bộ Ngoại giao", "Ban Kinh tế Trung ương", "Dự án phát triển",
                "Đảng ủy Khối Doanh nghiệp Trung ương", "Đoàn Thanh niên", "Tạp chí Cộng sản"]
    assert [o["name"] for o in client.get("/api/v1/organizations").get_json()["items"]] == expected
    page = client.get("/organizations").get_data(as_text=True)
    assert sorted(expected, key=page.index) == expected
    home = client.get("/").get_data(as_text=True)
    assert sorted(expected, key=home.index) == expected
