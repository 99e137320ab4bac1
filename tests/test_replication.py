"""Litestream: `make run` replicates the WAL; after a SIGKILL, `restore --to` finds every write acknowledged in time."""

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_serving import make_run_command, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).parent / "flask")
SYNC_SECONDS = 1  # LITESTREAM_SYNC_INTERVAL of the test
WRITE_SECONDS = 3  # how long events are created before the kill

pytestmark = pytest.mark.slow


def post_event(port: int, token: str, n: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/api/v1/events", body=json.dumps({
            "title": f"Giao ban Đảng ủy lần {n}", "kind": "review_meeting",
            "starts_at": "2026-12-15T08:30:00+07:00", "ends_at": "2026-12-15T11:00:00+07:00"}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 201, response.read()
        return json.loads(response.read())["id"]
    finally:
        connection.close()


def test_writes_acknowledged_a_sync_interval_before_a_sigkill_are_restored(tmp_path, migrated_database):
    database, replica = tmp_path / "live.sqlite3", tmp_path / "replica"
    shutil.copyfile(migrated_database, database)
    env = {**os.environ, "CALENDAR_APP_DATABASE": str(database), "CALENDAR_APP_SECRET_KEY": "replication-tests",
           "CALENDAR_APP_LITESTREAM_REPLICA_URL": replica.absolute().as_uri(),
           "CALENDAR_APP_LITESTREAM_SYNC_INTERVAL": f"{SYNC_SECONDS}s"}
    token = subprocess.run([FLASK, "--app", "calendar_app", "create-token", "replication"], cwd=ROOT, env=env,
                           capture_output=True, text=True, check=True).stdout.strip()
    log = tmp_path / "server.log"
    command = make_run_command(0)
    assert command[:5] == [str(Path(".venv/bin/flask")), "--app", "calendar_app", "run-with-replica", "--"]
    with log.open("wb") as errors:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors,
                                   start_new_session=True)
    try:
        port = wait_for_port(process, log)
        acknowledged = []  # (id, when the 201 arrived)
        began = time.monotonic()
        while time.monotonic() - began < WRITE_SECONDS:
            acknowledged.append((post_event(port, token, len(acknowledged)), time.monotonic()))
            time.sleep(0.05)
        assert process.poll() is None
        assert Path(os.readlink(f"/proc/{process.pid}/exe")).name == "litestream"  # make run started it
    finally:
        killed_at = time.monotonic()
        os.killpg(process.pid, signal.SIGKILL)  # Litestream and gunicorn at once: nothing gets to flush
        process.wait()
    target = tmp_path / "restored" / "lich.sqlite3"
    restored = subprocess.run([FLASK, "--app", "calendar_app", "restore", "--to", str(target)], cwd=ROOT, env=env,
                              capture_output=True, text=True)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith(f"Restored to {target} (")
    assert "Restoring (MB written): " in restored.stderr and "done in" in restored.stderr  # progress, not on a tty
    conn = __import__("sqlite3").connect(target)
    found = {row[0] for row in conn.execute("select id from events")}
    conn.close()
    due = [event_id for event_id, at in acknowledged if killed_at - at > SYNC_SECONDS]
    assert len(due) > 20
    assert [event_id for event_id in due if event_id not in found] == []
    assert found <= {event_id for event_id, _ in acknowledged}  # nothing that was never written
    again = subprocess.run([FLASK, "--app", "calendar_app", "restore", "--to", str(target)], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    assert again.returncode == 1 and "already exists" in again.stderr  # never over an existing file
