"""Crash loop: a writer doing bulk writes and ICS imports is killed with SIGKILL at random moments, many times.

After every kill the database must pass integrity_check and foreign_key_check, hold no half-written
agreement (one without its parties) and no half-imported file (a batch stored only in part).

    .venv/bin/python -m tests.stress.crashes            # the short run make test also does
    .venv/bin/python -m tests.stress.crashes --long     # 200 kills
"""

import argparse
import importlib.util
import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = ROOT / "schema" / "migrations"
BATCH = 25  # events per imported file
ORGANIZATIONS = ("ben-a", "ben-b")


def _app(database: str):
    sys.path.insert(0, str(ROOT))
    from calendar_app import create_app

    return create_app({"INSTANCE_PATH": str(Path(database).parent), "DATABASE": database, "SECRET_KEY": "crash",
                       "TESTING": True})


def prepare(database: str) -> None:
    """Schema, two organizations and a write token stored in a file beside the database."""
    from calendar_app.db import get_db, write_transaction
    from calendar_app.repositories import organizations, tokens

    app = _app(database)
    with app.app_context():
        db = get_db()
        with write_transaction(db):
            for slug in ORGANIZATIONS:
                organizations.create(db, {"slug": slug, "name": f"Bên {slug[-1].upper()}", "kind": "other"}, "crash")
            _record, secret = tokens.create(db, "crash", "write", None, 1)
    Path(database + ".token").write_text(secret)


def _ics(run: int, n: int) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//crash//EN"]
    for i in range(BATCH):
        lines += ["BEGIN:VEVENT", f"UID:batch-{run}-{n}-{i}@crash", "DTSTAMP:20261101T000000Z",
                  f"DTSTART:202701{1 + i % 28:02d}T013000Z", f"DTEND:202701{1 + i % 28:02d}T030000Z",
                  f"SUMMARY:Nhập {run}-{n}-{i}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def child(database: str, run: int) -> None:
    """Write as fast as possible through the API until killed: agreements, events, imports, deletes."""
    app = _app(database)
    client = app.test_client()
    headers = {"Authorization": "Bearer " + Path(database + ".token").read_text()}
    rng = random.Random(run)
    own = []  # ids of plain events this writer created, which it may delete
    n = 0
    while True:
        n += 1
        choice = rng.random()
        if choice < 0.3:
            response = client.post("/api/v1/agreements", headers=headers, json={
                "slug": f"a-{run}-{n}", "title": f"Quy chế {run}-{n}", "kind": "regulation",
                "valid_from": "2027-01-01", "review_every_months": 6, "create_review_series": True,
                "parties": [
                    {"organization": ORGANIZATIONS[0], "role": "signatory", "signatory_name": "Nguyễn Văn A"},
                    {"organization": ORGANIZATIONS[1], "role": "signatory", "signatory_name": "Trần Thị B"}]})
        elif choice < 0.6:
            response = client.post(f"/api/v1/import?organization={ORGANIZATIONS[0]}", data=_ics(run, n),
                                   headers={**headers, "Content-Type": "text/calendar"})
        elif choice < 0.9:
            response = client.post("/api/v1/events", headers=headers, json={
                "title": f"Sự kiện {run}-{n}", "kind": "other", "organizations": list(ORGANIZATIONS),
                "starts_at": "2027-02-01T08:00:00+07:00", "ends_at": "2027-02-01T09:00:00+07:00"})
        elif own:
            response = client.delete(f"/api/v1/events/{own.pop()}", headers=headers)
        else:
            continue
        if response.status_code == 201 and choice >= 0.6:
            own.append(response.get_json()["id"])
        if response.status_code >= 300:
            sys.stderr.write(f"unexpected {response.status_code}: {response.get_data(as_text=True)[:300]}\n")
            sys.exit(3)
        print(n, flush=True)  # the parent counts finished writes before it picks its moment


def _event_keys_problems(conn) -> list[str]:
    """events_fts holds exactly the search key of every event (FTS5 has no content to check it against)."""
    spec = importlib.util.spec_from_file_location("search_order", MIGRATIONS_DIR / "0012_search_order.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    indexed = {r[0] for r in conn.execute("select rowid from events_fts")}
    keys = {r[0] for r in conn.execute(f"select {migration.KEY.format(row='events')} from events")}
    if indexed == keys:
        return []
    return [f"search index of events: {len(keys - indexed)} keys missing, {len(indexed - keys)} left over"]


def check(database: str) -> list[str]:
    """Every invariant a crash must not break; returns the problems found."""
    conn = sqlite3.connect(database)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        problems = []
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            problems.append(f"integrity_check: {integrity[:3]}")
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            problems.append("foreign_key_check found orphans")
        half_agreements = conn.execute(
            "select slug from agreements a where (select count(*) from agreement_parties p "
            "where p.agreement_id = a.id) < 2").fetchall()
        if half_agreements:
            problems.append(f"agreements without their parties: {half_agreements[:3]}")
        no_series = conn.execute(
            "select slug from agreements a where not exists (select 1 from events e where e.agreement_id = a.id)"
        ).fetchall()
        if no_series:
            problems.append(f"agreements without their review series: {no_series[:3]}")
        batches = {}
        for (uid,) in conn.execute("select uid from events where uid like 'batch-%'"):
            batch = uid.rsplit("-", 1)[0]  # batch-RUN-N-I@crash -> batch-RUN-N
            batches[batch] = batches.get(batch, 0) + 1
        partial = [(b, count) for b, count in batches.items() if count != BATCH]
        if partial:
            problems.append(f"half-imported files: {partial[:3]}")
        unaudited = conn.execute(
            "select count(*) from events e where not exists (select 1 from audit_log l where l.entity = 'event' "
            "and l.entity_id = e.id and l.action = 'create')").fetchone()[0]
        if unaudited:
            problems.append(f"{unaudited} events without their audit row")
        for table in ("events", "agreements", "organizations"):
            try:  # FTS5's own check; rank 1 also compares the index with its content table
                conn.execute(f"insert into {table}_fts({table}_fts, rank) values ('integrity-check', 1)")
            except sqlite3.DatabaseError as error:
                problems.append(f"search index of {table}: {error}")
            if table == "events":  # contentless (migration 0012): one key per event, no other
                problems += _event_keys_problems(conn)
        return problems
    finally:
        conn.close()


def _wait_for_lines(process: subprocess.Popen, wanted: int, timeout: float) -> None:
    """Read the writer's progress lines until `wanted` writes finished, it died, or time ran out."""
    deadline, seen = time.monotonic() + timeout, 0
    while seen < wanted and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(process.stdout.fileno(), 4096) if ready else b""
        if not chunk:
            return
        seen += chunk.count(b"\n")


def run(kills: int = 12, max_delay: float = 0.3, seed: int = 1) -> dict:
    """Start, kill and check the writer `kills` times on one database; return the figures."""
    folder = Path(tempfile.mkdtemp(prefix="calendar-crash-"))
    database = str(folder / "crash.sqlite3")
    prepare(database)
    rng = random.Random(seed)
    problems, exits, started = [], [], time.monotonic()
    for run_number in range(kills):
        writer = subprocess.Popen([sys.executable, "-m", "tests.stress.crashes", "--child", database,
                                   str(run_number)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  bufsize=0)
        # Let a random number of writes finish (start-up time varies with load), then kill at a random
        # moment: most land inside a request, many inside its write transaction.
        _wait_for_lines(writer, rng.randint(1, 12), timeout=60)
        time.sleep(rng.random() * max_delay)
        writer.send_signal(signal.SIGKILL)
        _, stderr = writer.communicate()
        exits.append(writer.returncode)
        if writer.returncode != -signal.SIGKILL:
            problems.append(f"run {run_number}: writer ended by itself ({writer.returncode}): {stderr.decode()[-300:]}")
        problems += [f"run {run_number}: {p}" for p in check(database)]
    conn = sqlite3.connect(database)
    totals = {t: conn.execute(f"select count(*) from {t}").fetchone()[0]
              for t in ("agreements", "agreement_parties", "events", "audit_log")}
    totals["imported_batches"] = conn.execute(
        "select count(*) / ? from events where uid like 'batch-%'", [BATCH]).fetchone()[0]
    conn.close()
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    return {"kills": kills, "killed_by_sigkill": exits.count(-signal.SIGKILL), "problems": problems,
            "seconds": round(time.monotonic() - started, 1), "rows_after": totals}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--long", action="store_true", help="200 kills")
    parser.add_argument("--kills", type=int)
    parser.add_argument("--child", nargs=2, metavar=("DATABASE", "RUN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return 0
    figures = run(args.kills or (200 if args.long else 12))
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    return 0 if not figures["problems"] and figures["killed_by_sigkill"] == figures["kills"] else 1


if __name__ == "__main__":
    sys.exit(main())
