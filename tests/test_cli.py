"""`flask --app calendar_app …`: init-db, seed-demo and its content, tokens and editor accounts."""

import hashlib

import pytest

from calendar_app import create_app
from calendar_app.db import get_db
from conftest import app_config
from calendar_app.repositories import users

PROGRAM = "chuong-trinh-phoi-hop-dang-uy-khoi-dn-tw-tap-chi-cong-san-2020-2025"
REGULATION = "quy-che-phoi-hop-bcsd-bo-tt-tt-dang-uy-khoi-dn-tw"
PLAN = "chuong-trinh-phoi-hop-cu-the-nam-2020-dang-uy-khoi-dn-tw-tap-chi-cong-san"


def dump(app) -> list[str]:
    with app.app_context():
        return list(get_db().conn.iterdump())


def test_init_db_reports_what_it_applied_then_that_it_is_up_to_date(tmp_path):
    app = create_app(app_config(tmp_path / "instance"))  # a new database, which the factory migrates itself
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith(f"Database ready at {app.config['DATABASE']} (applied: 0001_initial")
    again = runner.invoke(args=["init-db"])
    assert again.stdout == f"Database ready at {app.config['DATABASE']} (up to date)\n"


def test_seed_demo_is_idempotent(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0 and first.stdout == "Demo data ready (14 records created).\n"
    before = dump(app)
    second = runner.invoke(args=["seed-demo"])
    assert second.stdout == "Demo data ready (0 records created).\n"
    assert dump(app) == before


def test_seed_demo_if_empty_loads_a_new_database_only(app, runner, make):
    make.organization()
    skipped = runner.invoke(args=["seed-demo", "--if-empty"])
    assert skipped.exit_code == 0
    assert skipped.stdout == "The database already holds data; demo data not loaded.\n"
    with app.app_context():
        assert get_db()["organizations"].count == 1


def test_seed_demo_if_empty_on_a_new_database(app, runner):
    assert runner.invoke(args=["seed-demo", "--if-empty"]).stdout == "Demo data ready (14 records created).\n"


def test_seed_demo_restores_what_was_deleted(client, auth, runner, seeded):
    event = client.get("/api/v1/events", query_string={"q": "tet am yeu thuong"}).get_json()["items"][0]
    assert client.delete(f"/api/v1/events/{event['id']}", headers=auth).status_code == 204
    assert runner.invoke(args=["seed-demo"]).stdout == "Demo data ready (1 records created).\n"
    assert client.get("/api/v1/events", query_string={"q": "tet am yeu thuong"}).get_json()["total"] == 1


def test_demo_organizations(client, seeded):
    body = client.get("/api/v1/organizations").get_json()
    assert body["total"] == 5
    assert {o["slug"]: (o["name"], o["short_name"], o["kind"], o["parent"]) for o in body["items"]} == {
        "bo-tt-tt": ("Bộ Thông tin và Truyền thông", "Bộ TT&TT", "ministry", None),
        "ban-can-su-dang-bo-tt-tt": ("Ban cán sự Đảng Bộ Thông tin và Truyền thông", "Ban cán sự Đảng Bộ TT&TT",
                                     "party_committee", "bo-tt-tt"),
        "dang-uy-khoi-dn-tw": ("Đảng ủy Khối Doanh nghiệp Trung ương", "Đảng ủy Khối DN TƯ", "party_committee", None),
        "tap-chi-cong-san": ("Tạp chí Cộng sản", "TCCS", "press", None),
        "ban-kinh-te-trung-uong": ("Ban Kinh tế Trung ương", "Ban Kinh tế TƯ", "party_committee", None),
    }


def _parties(agreement: dict) -> list[tuple]:
    return [(p["organization"], p["role"], p["signatory_name"], p["signatory_title"]) for p in agreement["parties"]]


def test_demo_regulation(client, seeded):
    regulation = client.get(f"/api/v1/agreements/{REGULATION}").get_json()
    assert (regulation["kind"], regulation["signed_on"], regulation["valid_from"], regulation["valid_until"],
            regulation["review_every_months"], regulation["parent"]) == (
        "regulation", None, "2017-01-01", None, 6, None)
    assert _parties(regulation) == [
        ("ban-can-su-dang-bo-tt-tt", "signatory", "Trương Minh Tuấn", "Bộ trưởng Bộ Thông tin và Truyền thông"),
        ("dang-uy-khoi-dn-tw", "signatory", "Phạm Viết Thanh", "Bí thư Đảng ủy Khối Doanh nghiệp Trung ương"),
    ]
    assert "không ghi ngày ký" in regulation["summary"]  # the missing date is said, not invented silently


def test_demo_program_and_its_yearly_plan(client, seeded):
    program = client.get(f"/api/v1/agreements/{PROGRAM}").get_json()
    assert (program["kind"], program["signed_on"], program["valid_from"], program["valid_until"]) == (
        "program", "2020-03-05", "2020-03-05", "2025-12-31")
    assert _parties(program) == [
        ("dang-uy-khoi-dn-tw", "signatory", "Y Thanh Hà Nie Kđăm", "Bí thư Đảng ủy Khối Doanh nghiệp Trung ương"),
        ("tap-chi-cong-san", "signatory", "Đoàn Minh Huấn", "Tổng Biên tập Tạp chí Cộng sản"),
        ("ban-kinh-te-trung-uong", "witness", "Nguyễn Văn Bình", "Ủy viên Bộ Chính trị, Trưởng Ban Kinh tế Trung ương"),
    ]
    plan = client.get(f"/api/v1/agreements/{PLAN}").get_json()
    assert (plan["kind"], plan["parent"], plan["valid_from"], plan["valid_until"]) == (
        "plan", PROGRAM, "2020-01-01", "2020-12-31")
    assert "Tết ấm yêu thương" in plan["summary"]


def test_demo_events(client, seeded):
    events = client.get("/api/v1/events?limit=500").get_json()["items"]
    by_kind = {}
    for event in events:
        by_kind.setdefault(event["kind"], []).append(event)
    assert {k: len(v) for k, v in by_kind.items()} == {
        "signing_ceremony": 2, "review_meeting": 1, "joint_workshop": 1, "volunteer_program": 1}
    ceremonies = {e["agreement"]: e for e in by_kind["signing_ceremony"]}
    assert ceremonies[PROGRAM]["starts_at"] == "2020-03-05T14:00:00+07:00"
    assert ceremonies[PROGRAM]["organizations"] == ["dang-uy-khoi-dn-tw", "tap-chi-cong-san"]
    assert "Nguyễn Văn Bình" in ceremonies[PROGRAM]["description"]
    assert "không ghi ngày" in ceremonies[REGULATION]["description"]
    assert "5 Thứ trưởng" in ceremonies[REGULATION]["description"]
    workshop = by_kind["joint_workshop"][0]
    assert workshop["title"] == ("Hội thảo khoa học “Khơi thông nguồn lực, tạo động lực mới cho doanh nghiệp nhà nước "
                                 "phát triển bền vững”")
    assert (workshop["agreement"], workshop["all_day"]) == (PLAN, True)
    assert "không ghi ngày" in workshop["description"]
    volunteer = by_kind["volunteer_program"][0]
    assert volunteer["title"] == "Chương trình tình nguyện “Tết ấm yêu thương”"
    assert (volunteer["all_day"], volunteer["start_date"], volunteer["end_date"]) == (True, "2021-01-25", "2021-01-29")
    assert all(e["timezone"] == "Asia/Ho_Chi_Minh" and e["visibility"] == "public" for e in events)


def test_demo_six_monthly_review_series(client, seeded):
    series = client.get(f"/api/v1/agreements/{REGULATION}/events", query_string={"kind": "review_meeting"}).get_json()
    assert series["total"] == 1
    review = series["items"][0]
    assert (review["starts_at"], review["rrule"], review["organizations"]) == (
        "2017-07-01T14:00:00+07:00", "FREQ=MONTHLY;INTERVAL=6", ["ban-can-su-dang-bo-tt-tt", "dang-uy-khoi-dn-tw"])
    occurrences = client.get("/api/v1/occurrences", query_string={
        "from": "2017-01-01T00:00:00+07:00", "to": "2019-01-01T00:00:00+07:00", "kind": "review_meeting"}).get_json()
    assert [o["starts_at"] for o in occurrences["items"]] == [
        "2017-07-01T14:00:00+07:00", "2018-01-01T14:00:00+07:00", "2018-07-01T14:00:00+07:00"]


def _token_row(app, token_id: int) -> dict:
    with app.app_context():
        return dict(get_db()["api_tokens"].get(token_id))


def test_create_token_prints_a_working_token_and_stores_only_its_hash(app, client, runner):
    result = runner.invoke(args=["create-token", "cổng thông tin"])
    assert result.exit_code == 0
    token = result.stdout.strip()
    assert result.stdout == token + "\n" and token.startswith("cal_")
    assert "scope write" in result.stderr and token not in result.stderr
    _prefix, token_id, secret = token.split("_", 2)
    row = _token_row(app, int(token_id))
    assert row["name"] == "cổng thông tin" and row["scope"] == "write"
    assert row["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in line for line in dump(app))
    created = client.post("/api/v1/organizations", json={"name": "Bộ Tư pháp"},
                          headers={"Authorization": f"Bearer {token}"})
    assert created.status_code == 201
    assert "secret" not in runner.invoke(args=["list-tokens"]).stdout
    assert secret not in runner.invoke(args=["list-tokens"]).stdout


def test_create_token_read_scope_and_organization_limit(client, runner, make):
    org = make.organization()
    read = runner.invoke(args=["create-token", "đọc", "--scope", "read"]).stdout.strip()
    assert client.post("/api/v1/organizations", json={"name": "X"},
                       headers={"Authorization": f"Bearer {read}"}).status_code == 403
    limited = runner.invoke(args=["create-token", "riêng", "--organization", org["slug"]]).stdout.strip()
    headers = {"Authorization": f"Bearer {limited}"}
    own = client.patch(f"/api/v1/organizations/{org['slug']}", json={"kind": "press"}, headers=headers)
    assert own.status_code == 200
    assert client.post("/api/v1/organizations", json={"name": "Khác"}, headers=headers).status_code == 403


def test_create_token_for_an_unknown_organization_fails_cleanly(app, runner):
    result = runner.invoke(args=["create-token", "x", "--organization", "khong-co"])
    assert result.exit_code == 1
    assert result.stderr == "Error: Unknown organization 'khong-co'.\n"
    with app.app_context():
        assert get_db()["api_tokens"].count == 0


def test_revoke_token_stops_it_at_once(client, runner):
    token = runner.invoke(args=["create-token", "tạm"]).stdout.strip()
    token_id = token.split("_")[1]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/v1/organizations", json={"name": "A"}, headers=headers).status_code == 201
    result = runner.invoke(args=["revoke-token", token_id])
    assert result.exit_code == 0 and result.stdout == f"Token #{token_id} revoked.\n"
    assert client.post("/api/v1/organizations", json={"name": "B"}, headers=headers).status_code == 401
    assert "revoked" in runner.invoke(args=["list-tokens"]).stdout
    missing = runner.invoke(args=["revoke-token", "999"])
    assert missing.exit_code == 1 and missing.stderr == "Error: No token with id 999.\n"


def test_create_user_asks_for_the_password_twice(app, runner):
    result = runner.invoke(args=["create-user", "lan", "--display-name", "Nguyễn Thị Lan"],
                           input="mật khẩu dài\nmật khẩu dài\n")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("User 'lan' created.\n")
    with app.app_context():
        db = get_db()
        assert users.authenticate(db, "lan", "mật khẩu dài") == {
            "id": 1, "username": "lan", "display_name": "Nguyễn Thị Lan"}
        assert users.authenticate(db, "lan", "sai") is None
        assert "mật khẩu dài" not in db["users"].get(1)["password_hash"]
    again = runner.invoke(args=["create-user", "lan"], input="x\nx\n")
    assert again.exit_code == 1 and again.stderr == "Error: User 'lan' already exists.\n"


@pytest.mark.parametrize("command", ["init-db", "seed-demo", "create-token", "list-tokens", "revoke-token",
                                     "list-users", "set-password", "disable-user",
                                     "create-user", "backup", "publish-feeds", "import-ics", "rebuild-occurrences",
                                     "restore", "run-with-replica"])
def test_every_command_is_registered_with_help(runner, command):
    result = runner.invoke(args=[command, "--help"])
    assert result.exit_code == 0 and result.stdout.startswith("Usage:")


def test_rebuild_occurrences_gives_back_the_same_index_and_refreshes_cached_lists(app, client, runner, make):
    make.event(title="Giao ban", starts_at="2026-01-05T14:00:00+07:00", ends_at="2026-01-05T16:00:00+07:00",
               rrule="FREQ=MONTHLY;COUNT=12")
    query = {"from": "2026-01-01T00:00:00+07:00", "to": "2027-01-01T00:00:00+07:00"}
    listed = client.get("/api/v1/occurrences", query_string=query).get_json()
    with app.app_context():
        before = list(get_db().query("select event_id, starts, ends, exact, short from event_occurrences "
                                     "order by event_id, starts"))
        version = get_db().execute("select version from feed_versions where scope = 'all'").fetchone()[0]
        get_db().execute("delete from event_occurrences")
        get_db().conn.commit()
    result = runner.invoke(args=["rebuild-occurrences"])
    assert result.exit_code == 0 and result.stdout == f"Occurrence index rebuilt ({len(before)} rows).\n"
    with app.app_context():
        after = list(get_db().query("select event_id, starts, ends, exact, short from event_occurrences "
                                    "order by event_id, starts"))
        assert get_db().execute("select version from feed_versions where scope = 'all'").fetchone()[0] == version + 1
    assert after == before and len(before) == 12
    assert client.get("/api/v1/occurrences", query_string=query).get_json() == listed
