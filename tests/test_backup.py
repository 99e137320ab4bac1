"""`flask backup PATH`: a complete, consistent copy even while writes go on, that restores as a working app."""

import sqlite3
import threading

import pytest

from calendar_app import create_app
from calendar_app.backup import BackupError, backup
from calendar_app.db import get_db


def _dump(path: str) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table' "
                                             "and name not like 'sqlite_%' and name not like '%_fts%' order by name")]
        return {t: conn.execute(f'select * from "{t}" order by rowid').fetchall() for t in tables}
    finally:
        conn.close()


def test_backup_command_copies_everything_and_restores(seeded, runner, client, auth, tmp_path):
    app = seeded
    client.post("/api/v1/events", headers=auth, json={
        "title": "Hội thảo sau sao lưu?", "kind": "joint_workshop", "organizations": ["tap-chi-cong-san"],
        "starts_at": "2026-12-15T08:30:00+07:00", "ends_at": "2026-12-15T11:00:00+07:00", "visibility": "internal"})
    target = tmp_path / "backups" / "lich-2026-11-23.sqlite3"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Backup written to {target} (5 organizations, ")  # progress: on stderr
    assert _dump(str(target)) == _dump(app.config["DATABASE"])
    assert not list(target.parent.glob(".*partial*"))
    assert target.stat().st_mode & 0o777 == 0o600  # it holds password and token hashes
    conn = sqlite3.connect(target)
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()

    restored = create_app({"INSTANCE_PATH": str(tmp_path / "restored"), "SECRET_KEY": "x", "TESTING": True,
                           "DATABASE": str(target)})
    restored_client = restored.test_client()
    assert restored_client.get("/api/v1/events", headers=auth).get_json() == \
        client.get("/api/v1/events", headers=auth).get_json()
    assert restored_client.get("/api/v1/events?q=hoi%20thao%20sau%20sao%20luu", headers=auth).get_json()["total"] == 1
    assert restored_client.get("/feeds/organizations/tap-chi-cong-san.ics").status_code == 200


def test_backup_refuses_to_overwrite(app, runner, tmp_path):
    target = tmp_path / "existing.sqlite3"
    target.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert target.read_bytes() == b"keep me"


def test_backup_of_a_missing_database_fails_cleanly(tmp_path):
    with pytest.raises(BackupError, match="No database"):
        backup(str(tmp_path / "nothing.sqlite3"), str(tmp_path / "copy.sqlite3"))
    assert list(tmp_path.iterdir()) == []


def test_backup_during_writes_is_a_consistent_snapshot(app, auth, tmp_path):
    """Writers keep creating events (each with links and an audit row) while backups are taken."""
    stop = threading.Event()
    created = []

    def writer():
        writer_client = app.test_client()
        n = 0
        while not stop.is_set() or n < 20:
            n += 1
            response = writer_client.post("/api/v1/events", headers=auth, json={
                "title": f"Giao ban {n}", "kind": "review_meeting", "organizations": [organization],
                "starts_at": "2026-12-15T08:30:00+07:00", "ends_at": "2026-12-15T11:00:00+07:00"})
            assert response.status_code == 201, response.get_data(as_text=True)
            created.append(response.get_json()["id"])

    organization = app.test_client().post("/api/v1/organizations", json={"name": "Sở Tư pháp"},
                                          headers=auth).get_json()["slug"]
    thread = threading.Thread(target=writer)
    thread.start()
    copies = []
    try:
        for n in range(5):
            while len(created) < 4 * (n + 1) and thread.is_alive():
                stop.wait(0.005)
            copies.append(tmp_path / f"copy-{n}.sqlite3")
            backup(app.config["DATABASE"], str(copies[-1]))
    finally:
        stop.set()
        thread.join()
    sizes = []
    for copy in copies:
        conn = sqlite3.connect(copy)
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        events = conn.execute("select count(*) from events").fetchone()[0]
        # Every event in the copy has its link and its audit row: no write was caught half done.
        assert conn.execute("select count(*) from event_organizations").fetchone()[0] == events
        assert conn.execute("select count(*) from audit_log where entity = 'event' and action = 'create'"
                            ).fetchone()[0] == events
        sizes.append(events)
        conn.close()
    assert sizes == sorted(sizes) and sizes[-1] >= 20 and len(created) >= sizes[-1]
    with app.app_context():
        assert get_db().execute("select count(*) from events").fetchone()[0] == len(created)


def test_backup_in_slices_stays_one_snapshot_while_another_connection_commits(app, make, tmp_path):
    """Copied a page at a time (the progress bar's steps), writes between two steps neither restart nor leak in."""
    for n in range(30):
        make.event(title=f"Hội thảo {n}", description="Đảng ủy Khối " * 200)
    source = app.config["DATABASE"]
    writer = sqlite3.connect(source)
    steps = []

    class Bar:
        def __init__(self, pages):
            self.pages, self.done = pages, 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def update(self, n):
            self.done += n
            steps.append(self.done)
            writer.execute("insert into audit_log (at, actor, entity, entity_id, action, changes) "
                           "values ('2026-12-01T00:00:00Z', 'test', 'note', ?, 'create', '{}')", [len(steps)])
            writer.commit()

    bars = []
    before = _dump(source)
    counts = backup(source, str(tmp_path / "copy.sqlite3"), bar=lambda pages: bars.append(Bar(pages)) or bars[-1],
                    pages_per_step=1)
    writer.close()
    assert len(steps) > 10 and steps[-1] == bars[0].pages  # one update per page, ending at the page count
    assert _dump(str(tmp_path / "copy.sqlite3")) == before  # the snapshot taken at the start, none of the writes
    assert counts["audit_log"] == len(before["audit_log"])
    assert len(_dump(source)["audit_log"]) == len(before["audit_log"]) + len(steps)
