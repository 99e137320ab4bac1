"""Start the app and the comparison app under the same gunicorn settings, run wrk in rotation, print ratios.

    .venv/bin/python -m bench.run json  --db bench/data/events-100000.sqlite3
    .venv/bin/python -m bench.run feeds --db bench/data/events-10000.sqlite3
    .venv/bin/python -m bench.run write --db bench/data/events-10000.sqlite3

Everything listens on 127.0.0.1; each wrk run is bounded (--duration seconds), and the servers
are stopped at the end. The database is copied first, so runs never change the generated data.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HUB = "dang-uy-khoi-dn-tw"
JSON_PATHS = [
    ("events?from&to", "/api/v1/events?from=2028-06-01T00:00:00%2B07:00&to=2028-06-03T00:00:00%2B07:00&limit=100"),
    ("occurrences", "/api/v1/occurrences?from=2028-06-01T00:00:00%2B07:00&to=2028-06-03T00:00:00%2B07:00&limit=100"),
]
FEED_PATH = f"/feeds/organizations/{HUB}.ics"
PUBLIC_BASE_URL = "https://lich.example.vn"  # fixed, so every server and the published files carry the same bytes


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn process on 127.0.0.1, stopped on exit."""

    def __init__(self, target: str, env: dict, workers: int, port: int | None = None, command=None):
        """command(port): the server's argv, for servers other than gunicorn's default sync workers."""
        self.port = port or free_port()
        argv = command(self.port) if command else [
            GUNICORN, "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers), "--log-level", "warning",
            "--timeout", "120", target]
        self.process = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **env}, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"{target} exited with {self.process.returncode}")
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{target} did not start")

    def url(self, path: str) -> str:
        """The absolute URL of a path on this server."""
        return f"http://127.0.0.1:{self.port}{path}"

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker process."""
        children = subprocess.run(["ps", "--ppid", str(self.process.pid), "-o", "pid="], capture_output=True,
                                  text=True).stdout.split()
        found = []
        for pid in children:
            status = Path(f"/proc/{pid}/status").read_text()
            found.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return found

    def worker_cpu_seconds(self) -> float:
        """User + system CPU time used so far by the worker processes."""
        children = subprocess.run(["ps", "--ppid", str(self.process.pid), "-o", "pid="], capture_output=True,
                                  text=True).stdout.split()
        ticks = 0
        for pid in children:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """Stop the master and its workers (their own process group, nothing else)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, duration: int, connections: int, threads: int, headers=(), script: str | None = None) -> dict:
    """One bounded wrk run: requests per second, p50 and p99 latency in ms, errors."""
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency",
               "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, timeout=duration + 60).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))

    def ms(text):
        number, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
        return float(number) * _UNITS[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "requests": int(re.search(r"(\d+) requests in", output).group(1)),
            "p50": ms(latency["50"]), "p99": ms(latency["99"]),
            "errors": int(errors.group(1)) if errors else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else ""}


def single_request_ms(server: Server, path: str, count: int = 30, headers: dict | None = None) -> list[float]:
    """Sequential requests on one connection: each one's wall time in ms."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    times = []
    for _ in range(count):
        began = time.perf_counter()
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.read()
        times.append((time.perf_counter() - began) * 1000)
    connection.close()
    return times


def get(server: Server, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """One GET on a fresh connection: (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), body


def copy_database(source: Path, work: Path) -> Path:
    """Work on a copy, so runs never change the generated data."""
    target = work / source.name
    shutil.copyfile(source, target)
    return target


KEEP_CONNECTIONS = {"value": True}  # the app's default; --no-keep-connections measures one per request


def app_env(database: Path, work: Path) -> dict:
    """Environment for `gunicorn wsgi:app` on that database (settings read CALENDAR_APP_*)."""
    return {"CALENDAR_APP_DATABASE": str(database), "CALENDAR_APP_SECRET_KEY": "bench",
            "CALENDAR_APP_PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "CALENDAR_APP_SQLITE_KEEP_CONNECTIONS": "true" if KEEP_CONNECTIONS["value"] else "false"}


def compare(targets: list[tuple], minimal: Server, rounds: int, args) -> list[dict]:
    """Run each (name, app server, app path, minimal path, app headers, minimal headers) pair alternately."""
    results = {name: {"app": [], "minimal": []} for name, *_ in targets}
    for round_number in range(rounds):
        for name, app, app_path, minimal_path, app_headers, minimal_headers in targets:
            pair = [("app", app, app_path, app_headers), ("minimal", minimal, minimal_path, minimal_headers)]
            for side, server, path, headers in (pair if round_number % 2 == 0 else pair[::-1]):
                run = wrk(server.url(path), args.duration, args.connections, args.threads, headers)
                results[name][side].append(run)
                print(f"  round {round_number + 1} {name:<22} {side:<8} {run['rps']:9.1f} req/s  "
                      f"p50 {run['p50']:7.2f} ms  p99 {run['p99']:7.2f} ms"
                      + (f"  NON-2xx {run['errors']}" if run["errors"] else ""), flush=True)
    rows = []
    for name, sides in results.items():
        ratios = [a["rps"] / m["rps"] for a, m in zip(sides["app"], sides["minimal"])]
        rows.append({"target": name, "app": sides["app"], "minimal": sides["minimal"], "ratios": ratios})
    return rows


def print_table(rows: list[dict]) -> None:
    """Medians with [min–max] over rounds: the spread is part of the result on a shared machine."""
    def spread(values, fmt="{:.0f}"):
        return f"{fmt.format(statistics.median(values))} [{fmt.format(min(values))}–{fmt.format(max(values))}]"

    print(f"\n{'target':<24}{'app req/s':>22}{'minimal req/s':>22}{'ratio':>22}"
          f"{'app p50/p99 ms':>18}{'min p50/p99 ms':>18}")
    for row in rows:
        app, minimal = row["app"], row["minimal"]
        print(f"{row['target']:<24}{spread([r['rps'] for r in app]):>22}{spread([r['rps'] for r in minimal]):>22}"
              f"{spread(row['ratios'], '{:.2f}'):>22}"
              f"{statistics.median([r['p50'] for r in app]):>9.2f}/{statistics.median([r['p99'] for r in app]):<8.2f}"
              f"{statistics.median([r['p50'] for r in minimal]):>9.2f}/"
              f"{statistics.median([r['p99'] for r in minimal]):<8.2f}")


def run_json(args, work: Path) -> dict:
    """Lists of 100 out of 100,000 events: cached, uncached and against stored bytes."""
    database = copy_database(args.db, work)
    paths = [path for _, path in JSON_PATHS]
    env = {**app_env(database, work), "BENCH_PATHS": "|".join(paths)}
    app = Server("wsgi:app", env, args.workers)
    uncached = Server("wsgi:app", {**env, "CALENDAR_APP_LIST_CACHE_ENTRIES": "0"}, args.workers)
    minimal = Server("bench.minimal_app:app", {**env, "BENCH_SOURCE": f"http://127.0.0.1:{app.port}"}, args.workers)
    try:
        single = {}
        for name, path in JSON_PATHS:
            status, _headers, body = get(app, path)
            assert get(uncached, path)[2] == body, "the list cache changed the answer"
            items = json.loads(body)
            print(f"{name}: {status}, {len(items['items'])} items of {items['total']}, {len(body)} bytes")
            for label, server in (("cached", app), ("uncached", uncached)):
                times = single_request_ms(server, path)
                single[f"{name} {label}"] = {"median_ms": statistics.median(times), "max_ms": max(times)}
                print(f"  one request, {label}: median {statistics.median(times):.2f} ms, max {max(times):.2f} ms")
        targets = []
        for n, (name, path) in enumerate(JSON_PATHS):
            targets += [(name, app, path, f"/json/{n}", (), ()),
                        (f"{name} uncached", uncached, path, f"/json/{n}", (), ()),
                        (f"{name} vs bytes", app, path, f"/bytes/{n}", (), ())]
        rows = compare(targets, minimal, args.rounds, args)
    finally:
        app.stop()
        uncached.stop()
        minimal.stop()
    print_table(rows)
    return {"single": single, "rows": rows}


def run_write(args, work: Path) -> dict:
    """POST /api/v1/events on one worker; count the rows that are committed afterwards."""
    database = copy_database(args.db, work)
    sys.path.insert(0, str(ROOT))
    from calendar_app.db import connect, write_transaction
    from calendar_app.repositories import tokens

    db = connect(str(database))
    with write_transaction(db):
        _record, secret = tokens.create(db, "bench-writer", "write", None, 1)
    before = db.execute("select count(*) from events").fetchone()[0]
    db.close()
    body = {"title": "Hội thảo “Đổi mới sáng tạo” — ghi thử", "kind": "joint_workshop", "organizations": [HUB],
            "agreement": "thoa-thuan-1", "location": "Đà Nẵng",
            "starts_at": "2027-03-05T14:00:00+07:00", "ends_at": "2027-03-05T16:00:00+07:00"}
    script = work / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = [==[{json.dumps(body, ensure_ascii=False)}]==]\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = "Bearer {secret}"\n', encoding="utf-8")
    app = Server("wsgi:app", app_env(database, work), 1)
    runs = []
    try:
        for round_number in range(args.rounds):
            cpu_before = app.worker_cpu_seconds()
            run = wrk(app.url("/api/v1/events"), args.duration, args.connections, args.threads, script=str(script))
            # CPU time per request does not depend on what else the shared machine runs, unlike req/s.
            run["worker_cpu_ms_per_request"] = (app.worker_cpu_seconds() - cpu_before) * 1000 / max(1, run["requests"])
            runs.append(run)
            print(f"  round {round_number + 1} create event, 1 worker: {run['rps']:.1f} req/s  p50 {run['p50']:.2f} ms"
                  f"  p99 {run['p99']:.2f} ms  worker CPU {run['worker_cpu_ms_per_request']:.2f} ms/request"
                  + (f"  NON-2xx {run['errors']}" if run["errors"] else ""), flush=True)
    finally:
        app.stop()
    db = connect(str(database))
    committed = db.execute("select count(*) from events").fetchone()[0] - before
    db.close()
    sent = sum(r["requests"] for r in runs)
    print(f"\ncreate event: {statistics.median([r['rps'] for r in runs]):.0f} req/s median "
          f"[{min(r['rps'] for r in runs):.0f}–{max(r['rps'] for r in runs):.0f}]; "
          f"{committed} events committed for {sent} requests wrk counted as completed; worker CPU "
          f"{statistics.median([r['worker_cpu_ms_per_request'] for r in runs]):.2f} ms per create "
          f"(= {1000 / statistics.median([r['worker_cpu_ms_per_request'] for r in runs]):.0f}/s on one free core)")
    return {"runs": runs, "committed": committed, "completed": sent}


def add_load_options(parser) -> None:
    """The database and the wrk load every scenario takes."""
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", choices=["json", "write", "feeds"])
    add_load_options(parser)
    parser.add_argument("--keep-connections", action=argparse.BooleanOptionalAction, default=True,
                        help="SQLITE_KEEP_CONNECTIONS, as the app's default (one SQLite connection per worker "
                             "thread); --no-keep-connections opens one per request.")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is not installed (apt-get install wrk)")
    KEEP_CONNECTIONS["value"] = args.keep_connections
    sys.modules.setdefault("bench.run", sys.modules[__name__])  # bench.feeds must see this module, not a copy
    with tempfile.TemporaryDirectory(prefix="calendar-bench-") as tmp:
        work = Path(tmp)
        if args.scenario == "json":
            result = run_json(args, work)
        elif args.scenario == "write":
            result = run_write(args, work)
        else:
            from bench.feeds import run_feeds
            result = run_feeds(args, work)
    variant = "" if args.keep_connections else "-per-request"
    out = ROOT / "bench" / "results" / f"{args.scenario}{variant}-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()}, "load": os.getloadavg(),
                               "result": result}, indent=1, default=str))
    print(f"\nresults: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
