"""Litestream's recovery point and time: writes over HTTP, SIGKILL, restore, count what was lost.

    .venv/bin/python -m bench.replication [--rounds 3 --seconds 5 --every 0.05 --sync 1s]

Each round starts gunicorn under `flask run-with-replica` (as `make run` does) on a new database
with a file:// replica, creates one event every --every seconds through the API, kills Litestream
and gunicorn together with SIGKILL, restores with `flask restore --to` and prints: acknowledged
writes, how many are missing, how long before the kill the newest restored one was acknowledged,
and the restore's wall time.
"""

import argparse
import http.client
import json
import os
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from .run import ROOT, free_port

BIN = ROOT / ".venv" / "bin"


def _flask(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "flask"), "--app", "calendar_app", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)


def _post(port: int, token: str, n: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("POST", "/api/v1/events", body=json.dumps({
        "title": f"Giao ban lần {n}", "kind": "review_meeting",
        "starts_at": "2026-12-15T08:30:00+07:00", "ends_at": "2026-12-15T11:00:00+07:00"}),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 201, body
    return json.loads(body)["id"]


def one_round(work: Path, seconds: float, every: float, sync: str) -> dict:
    env = {**os.environ, "CALENDAR_APP_DATABASE": str(work / "live.sqlite3"), "CALENDAR_APP_SECRET_KEY": "bench",
           "CALENDAR_APP_LITESTREAM_REPLICA_URL": (work / "replica").as_uri(),
           "CALENDAR_APP_LITESTREAM_SYNC_INTERVAL": sync}
    _flask(env, "init-db")
    token = _flask(env, "create-token", "bench").stdout.strip()
    port = free_port()
    server = subprocess.Popen([str(BIN / "flask"), "--app", "calendar_app", "run-with-replica", "--",
                               str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "2",
                               "--log-level", "warning", "wsgi:app"],
                              cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).connect()
                break
            except OSError:
                time.sleep(0.1)
        _post(port, token, -1)  # both workers may still be booting: not timed
        _post(port, token, -2)
        acknowledged = []
        began = time.monotonic()
        while time.monotonic() - began < seconds:
            acknowledged.append((_post(port, token, len(acknowledged)), time.monotonic()))
            time.sleep(every)
    finally:
        killed = time.monotonic()
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    target = work / "restored.sqlite3"
    began = time.perf_counter()
    _flask(env, "restore", "--to", str(target))
    restore_seconds = time.perf_counter() - began
    conn = sqlite3.connect(target)
    found = {row[0] for row in conn.execute("select id from events")}
    conn.close()
    kept = [at for event_id, at in acknowledged if event_id in found]
    return {"acknowledged": len(acknowledged), "missing": len(acknowledged) - len(kept),
            "newest restored, s before the kill": round(killed - max(kept), 2) if kept else None,
            "restore wall time incl. flask start (s)": round(restore_seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--every", type=float, default=0.05)
    parser.add_argument("--sync", default="1s")
    args = parser.parse_args()
    for n in range(args.rounds):
        with tempfile.TemporaryDirectory(prefix="bench-replication-") as folder:
            print(json.dumps({"round": n + 1, **one_round(Path(folder), args.seconds + n * 0.7, args.every,
                                                          args.sync)}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
