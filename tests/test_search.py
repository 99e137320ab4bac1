"""`q` search: insensitive to case, Vietnamese diacritics (Đ/đ included) and normalization form."""

import unicodedata

import pytest

from conftest import Factory, make_token

NFD = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731


@pytest.fixture
def corpus(app):
    """Organizations, agreements and events whose text differs only where search must look."""
    return True


def build_corpus(app) -> None:
    client = app.test_client()
    make = Factory(client, {"Authorization": f"Bearer {make_token(app)}"})
    dang_uy = make.organization(slug="dang-uy-khoi", name="Đảng ủy Khối Doanh nghiệp Trung ương",
                                short_name="Đảng ủy Khối DN TƯ")
    tccs = make.organization(slug="tccs", name="Tạp chí Cộng sản", short_name="TCCS")
    make.organization(slug="bo-tt-tt", name="Bộ Thông tin và Truyền thông", short_name="Bộ TT&TT")
    make.agreement(slug="chuong-trinh", title="Chương trình phối hợp công tác giai đoạn 2020 – 2025", kind="program",
                   summary="Trao đổi thông tin hai chiều", parties=[
                       {"organization": dang_uy["slug"], "role": "signatory", "signatory_name": "Y Thanh Hà Nie Kđăm"},
                       {"organization": tccs["slug"], "role": "signatory", "signatory_name": "Đoàn Minh Huấn"}])
    make.agreement(slug="quy-che", title="Quy chế phối hợp", kind="regulation", parties=[
        {"organization": dang_uy["slug"], "role": "signatory", "signatory_name": "Phạm Viết Thanh"},
        {"organization": "bo-tt-tt", "role": "signatory", "signatory_name": "Trương Minh Tuấn"}])
    make.event(title="Hội thảo khoa học “Khơi thông nguồn lực”", location="Hà Nội")
    make.event(title="Chương trình tình nguyện “Tết ấm yêu thương”", description="Thăm chiến sĩ biên giới, hải đảo")
    make.event(title="Hội nghị giao ban", location="Đà Nẵng", kind="review_meeting")


SNAPSHOTS = {"corpus": build_corpus}  # built once per session; each test starts from its own copy


def found(client, resource: str, query: str) -> list[str]:
    body = client.get(f"/api/v1/{resource}", query_string={"q": query, "limit": 500}).get_json()
    assert body["total"] == len(body["items"])
    return sorted(item.get("slug") or item["title"] for item in body["items"])


@pytest.mark.parametrize("query, expected", [
    ("dang uy", ["dang-uy-khoi"]),
    ("Đảng ủy", ["dang-uy-khoi"]),
    ("ĐẢNG ỦY", ["dang-uy-khoi"]),
    ("DANG UY", ["dang-uy-khoi"]),
    ("đảng", ["dang-uy-khoi"]),
    (NFD("Đảng ủy Khối"), ["dang-uy-khoi"]),
    ("tap chi cong san", ["tccs"]),
    ("Tạp chí", ["tccs"]),
    (NFD("Tạp chí Cộng sản"), ["tccs"]),
    ("tccs", ["tccs"]),
    ("TT&TT", ["bo-tt-tt"]),
    ("truyen thong", ["bo-tt-tt"]),
    ("cong", ["tccs"]),                       # a prefix: "cộng" — not "công"/"cong" elsewhere
    ("khong co", []),
])
def test_organizations(client, corpus, query, expected):
    assert found(client, "organizations", query) == expected


@pytest.mark.parametrize("query, expected", [
    ("chuong trinh", ["chuong-trinh"]),
    ("CHƯƠNG TRÌNH phối hợp", ["chuong-trinh"]),
    ("phoi hop", ["chuong-trinh", "quy-che"]),
    ("doan minh huan", ["chuong-trinh"]),      # a signatory's name, Đ folded to d
    ("Đoàn Minh Huấn", ["chuong-trinh"]),
    (NFD("Trương Minh Tuấn"), ["quy-che"]),
    ("kdam", ["chuong-trinh"]),                 # đ inside a word
    ("hai chieu", ["chuong-trinh"]),            # the summary
    ("2020", ["chuong-trinh"]),
    ("minh", ["chuong-trinh", "quy-che"]),
])
def test_agreements(client, corpus, query, expected):
    assert found(client, "agreements", query) == expected


@pytest.mark.parametrize("query, expected", [
    ("hoi thao", ["Hội thảo khoa học “Khơi thông nguồn lực”"]),
    ("HỘI", ["Hội nghị giao ban", "Hội thảo khoa học “Khơi thông nguồn lực”"]),
    ("tet am yeu thuong", ["Chương trình tình nguyện “Tết ấm yêu thương”"]),
    ("“Tết ấm”", ["Chương trình tình nguyện “Tết ấm yêu thương”"]),
    ("bien gioi", ["Chương trình tình nguyện “Tết ấm yêu thương”"]),   # the description
    ("da nang", ["Hội nghị giao ban"]),                                # the location, Đ folded
    ("ĐÀ NẴNG", ["Hội nghị giao ban"]),
    (NFD("đà nẵng"), ["Hội nghị giao ban"]),
    ("ha noi", ["Hội thảo khoa học “Khơi thông nguồn lực”"]),
    ("hoi nghi da nang", ["Hội nghị giao ban"]),                       # every word must match
    ("hoi nghi ha noi", []),
])
def test_events(client, corpus, query, expected):
    assert found(client, "events", query) == expected


@pytest.mark.parametrize("query", ['"', "*", "AND", "OR NOT", "(", "hoi*", "NEAR(hoi thao)", "'; drop table events;--",
                                   "—", "   "])
def test_search_syntax_never_reaches_fts_raw(client, corpus, query):
    for resource in ("organizations", "agreements", "events"):
        response = client.get(f"/api/v1/{resource}", query_string={"q": query})
        assert response.status_code == 200, (resource, query, response.get_json())


def test_search_combines_with_other_filters(client, corpus):
    body = client.get("/api/v1/events", query_string={"q": "hoi", "kind": "review_meeting"}).get_json()
    assert [e["title"] for e in body["items"]] == ["Hội nghị giao ban"]
    agreements = client.get("/api/v1/agreements", query_string={"q": "phoi hop", "organization": "tccs"}).get_json()
    assert [a["slug"] for a in agreements["items"]] == ["chuong-trinh"]


def test_search_follows_changes(client, auth, corpus):
    assert client.patch("/api/v1/organizations/tccs", json={"name": "Tạp chí Lý luận"}, headers=auth).status_code == 200
    assert found(client, "organizations", "cong san") == []
    assert found(client, "organizations", "ly luan") == ["tccs"]
    event = client.get("/api/v1/events", query_string={"q": "giao ban"}).get_json()["items"][0]
    client.patch(f"/api/v1/events/{event['id']}", json={"location": "Huế"}, headers=auth)
    assert found(client, "events", "da nang") == []
    assert found(client, "events", "hue") == ["Hội nghị giao ban"]


def test_search_finds_the_seeded_demo_data_without_diacritics(client, seeded):
    assert found(client, "organizations", "dang uy khoi") == ["dang-uy-khoi-dn-tw"]
    assert found(client, "agreements", "y thanh ha nie kdam") == [  # the program and its 2020 plan
        "chuong-trinh-phoi-hop-cu-the-nam-2020-dang-uy-khoi-dn-tw-tap-chi-cong-san",
        "chuong-trinh-phoi-hop-dang-uy-khoi-dn-tw-tap-chi-cong-san-2020-2025"]
    assert found(client, "events", "khoi thong nguon luc") == [
        "Hội thảo khoa học “Khơi thông nguồn lực, tạo động lực mới cho doanh nghiệp nhà nước phát triển bền vững”"]
