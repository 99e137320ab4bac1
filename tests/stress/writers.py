"""Concurrent writers against gunicorn: every acknowledged write is stored once, no client sees "database is locked".

    .venv/bin/python -m tests.stress.writers            # the short run make test also does
    .venv/bin/python -m tests.stress.writers --long     # 8 workers, 16 clients, 60 s
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORGANIZATION = "so-tu-phap"


@dataclass
class Outcome:
    """What one client process saw: acknowledged creates, final titles it set, and every failure."""

    created: dict = field(default_factory=dict)  # title at creation -> id
    final: dict = field(default_factory=dict)  # id -> last acknowledged title
    unacknowledged: list = field(default_factory=list)  # titles whose create got no answer
    failures: list = field(default_factory=list)  # (status, body) of every non-2xx answer
    requests: int = 0
    updates: int = 0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(database: str) -> str:
    """Create the schema, one organization and a write token; return the token."""
    sys.path.insert(0, str(ROOT))
    from calendar_app import create_app
    from calendar_app.db import get_db, write_transaction
    from calendar_app.repositories import organizations, tokens

    app = create_app({"INSTANCE_PATH": str(Path(database).parent), "DATABASE": database, "SECRET_KEY": "stress"})
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            organizations.create(db, {"slug": ORGANIZATION, "name": "Sở Tư pháp", "kind": "government_agency"},
                                 "stress")
            _record, secret = tokens.create(db, "stress", "write", None, 1)
    return secret


def start_server(database: str, port: int, workers: int) -> subprocess.Popen:
    """gunicorn on 127.0.0.1 with several sync workers, configured through the environment."""
    env = {**os.environ, "CALENDAR_APP_DATABASE": database, "CALENDAR_APP_SECRET_KEY": "stress"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, _ = request(port, "GET", "/api/v1/organizations?limit=1")
            if status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("gunicorn did not start: " + server.stderr.read().decode(errors="replace")[-2000:])


def stop_server(server: subprocess.Popen) -> str:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        _, stderr = server.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        _, stderr = server.communicate()
    return stderr.decode(errors="replace")


def request(port: int, method: str, path: str, body: dict | None = None, token: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def client(number: int, port: int, token: str, seconds: float, queue) -> None:
    """Create events and rename its own ones at random until time is up; report what was acknowledged."""
    rng = random.Random(number)
    outcome = Outcome()
    deadline = time.monotonic() + seconds
    n = 0
    while time.monotonic() < deadline:
        n += 1
        outcome.requests += 1
        if outcome.final and rng.random() < 0.4:
            event_id = rng.choice(list(outcome.final))
            title = f"c{number}-r{n}"
            try:
                status, body = request(port, "PATCH", f"/api/v1/events/{event_id}", {"title": title}, token)
            except OSError as error:
                outcome.failures.append((0, repr(error)))
                outcome.final[event_id] = None  # unknown: either title may be stored
                continue
            if status == 200:
                outcome.final[event_id] = title
                outcome.updates += 1
            else:
                outcome.failures.append((status, body.decode(errors="replace")[:300]))
            continue
        title = f"c{number}-n{n}"
        day = 1 + n % 28
        try:
            status, body = request(port, "POST", "/api/v1/events", {
                "title": title, "kind": "review_meeting", "organizations": [ORGANIZATION],
                "starts_at": f"2027-01-{day:02d}T08:30:00+07:00", "ends_at": f"2027-01-{day:02d}T10:00:00+07:00",
            }, token)
        except OSError as error:
            outcome.unacknowledged.append(title)
            outcome.failures.append((0, repr(error)))
            continue
        if status == 201:
            event_id = json.loads(body)["id"]
            outcome.created[title] = event_id
            outcome.final[event_id] = title
        else:
            outcome.failures.append((status, body.decode(errors="replace")[:300]))
    queue.put(outcome)


def verify(database: str, port: int, outcomes: list[Outcome]) -> dict:
    """Compare what clients were told with what is stored and what the feed shows."""
    conn = sqlite3.connect(database)
    rows = conn.execute("select id, title from events").fetchall()
    created_titles = {r[0]: r[1] for r in conn.execute(
        "select entity_id, json_extract(changes, '$.title[1]') from audit_log "
        "where entity = 'event' and action = 'create'").fetchall()}
    integrity = conn.execute("PRAGMA integrity_check").fetchall()
    foreign_keys = conn.execute("PRAGMA foreign_key_check").fetchall()
    conn.close()
    stored = dict(rows)
    acknowledged = {title: event_id for o in outcomes for title, event_id in o.created.items()}
    unacknowledged = {title for o in outcomes for title in o.unacknowledged}
    stored_created = list(created_titles.values())
    lost = [t for t, i in acknowledged.items() if i not in stored or created_titles.get(i) != t]
    duplicated = sorted({t for t in stored_created if stored_created.count(t) > 1})
    unexpected = [t for t in stored_created if t not in acknowledged and t not in unacknowledged]
    final = {i: t for o in outcomes for i, t in o.final.items() if t is not None}
    wrong_final = {i: (t, stored.get(i)) for i, t in final.items() if stored.get(i) != t}
    failures = [f for o in outcomes for f in o.failures]
    locked = [f for f in failures if "locked" in str(f[1]).lower()]
    status, feed = request(port, "GET", f"/feeds/organizations/{ORGANIZATION}.ics")
    feed_titles = _feed_summaries(feed) if status == 200 else None
    return {
        "requests": sum(o.requests for o in outcomes),
        "acknowledged_creates": len(acknowledged),
        "acknowledged_updates": sum(o.updates for o in outcomes),
        "stored_events": len(stored),
        "lost": lost, "duplicated": duplicated, "unexpected": unexpected, "wrong_final": wrong_final,
        "failures": failures[:20], "failure_count": len(failures), "database_locked": len(locked),
        "integrity": integrity, "foreign_key_violations": foreign_keys,
        "feed_status": status, "feed_matches": feed_titles == sorted(stored.values()),
    }


def backup_while_serving(database: str, target: str) -> dict:
    """Take a backup in the middle of the run and check it is one consistent moment of the database."""
    from calendar_app.backup import backup

    counts = backup(database, target)
    conn = sqlite3.connect(target)
    try:
        unaudited = conn.execute(
            "select count(*) from events e where not exists (select 1 from audit_log l where l.entity = 'event' "
            "and l.entity_id = e.id and l.action = 'create')").fetchone()[0]
        unlinked = conn.execute("select count(*) from events e where not exists "
                                "(select 1 from event_organizations o where o.event_id = e.id)").fetchone()[0]
        return {"events": counts["events"], "integrity": conn.execute("PRAGMA integrity_check").fetchall(),
                "unaudited": unaudited, "unlinked": unlinked}
    finally:
        conn.close()


def _feed_summaries(feed: bytes) -> list[str]:
    from icalendar import Calendar

    return sorted(str(e["SUMMARY"]) for e in Calendar.from_ical(feed).walk("VEVENT"))


def wait_for_first_writes(database: str, deadline: float) -> None:
    """Back up mid-run, not before the clients (spawned: slow to start on a loaded machine) have written."""
    while time.monotonic() < deadline:
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            if connection.execute("select count(*) from events").fetchone()[0]:
                return
        finally:
            connection.close()
        time.sleep(0.1)


def run(workers: int = 3, clients: int = 4, seconds: float = 6.0, keep: bool = False) -> dict:
    """Run the whole scenario on a temporary database and return the figures."""
    folder = Path(tempfile.mkdtemp(prefix="calendar-stress-"))
    database = str(folder / "stress.sqlite3")
    token = prepare(database)
    port = free_port()
    server = start_server(database, port, workers)
    started = time.monotonic()
    try:
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        processes = [context.Process(target=client, args=(n, port, token, seconds, queue)) for n in range(clients)]
        for process in processes:
            process.start()
        wait_for_first_writes(database, deadline=time.monotonic() + seconds + 60)
        time.sleep(seconds / 4)
        backup_figures = backup_while_serving(database, str(folder / "backup.sqlite3"))
        outcomes = [queue.get(timeout=seconds + 120) for _ in processes]
        for process in processes:
            process.join()
        elapsed = time.monotonic() - started
        figures = verify(database, port, outcomes)
    finally:
        server_log = stop_server(server)
    figures.update(backup=backup_figures, workers=workers, clients=clients, seconds=round(elapsed, 1),
                   writes_per_second=round((figures["acknowledged_creates"] + figures["acknowledged_updates"])
                                           / elapsed, 1),
                   server_errors=[line for line in server_log.splitlines()
                                  if "Traceback" in line or "Error" in line][:5])
    if not keep:
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", action="store_true", help="8 workers, 16 clients, 60 s")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--clients", type=int)
    parser.add_argument("--seconds", type=float)
    args = parser.parse_args()
    workers, clients, seconds = (8, 16, 60.0) if args.long else (3, 4, 6.0)
    figures = run(args.workers or workers, args.clients or clients, args.seconds or seconds)
    print(json.dumps(figures, ensure_ascii=False, indent=2, default=str))
    ok = not (figures["lost"] or figures["duplicated"] or figures["unexpected"] or figures["wrong_final"]
              or figures["database_locked"] or figures["failure_count"] or figures["integrity"] != [("ok",)]
              or figures["foreign_key_violations"] or not figures["feed_matches"]
              or figures["backup"]["unaudited"] or figures["backup"]["unlinked"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
