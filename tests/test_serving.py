"""`make run`'s server on a free 127.0.0.1 port: clients that send their headers slowly do not freeze it."""

import http.client
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SLOW_CLIENTS = 3  # more than `make run`'s two workers
DRIP_SECONDS = 1.0
ANSWER_WITHIN_SECONDS = 8  # a normal request answers in well under a second; a frozen server never does

pytestmark = pytest.mark.slow


def make_run_command(port: int) -> list[str]:
    """The server command of `make run` (`make -n` prints it without running it or the targets before it)."""
    printed = subprocess.run(["make", "-s", "-n", "run", "HOST=127.0.0.1", f"PORT={port}"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout
    lines = printed.replace("\\\n", " ").splitlines()  # a recipe line continued with a backslash is one command
    # The recipe also starts the webhook worker: the server is the one command naming gunicorn.
    return shlex.split(next(part for line in lines for part in line.split(";") if "gunicorn" in part))


@pytest.fixture
def server(tmp_path, migrated_database):
    """`make run`'s gunicorn on its own database, bound to port 0; yields the port it took."""
    database = tmp_path / "serving.sqlite3"
    shutil.copyfile(migrated_database, database)
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "CALENDAR_APP_DATABASE": str(database), "CALENDAR_APP_SECRET_KEY": "serving-tests"}
    with log.open("wb") as errors:
        process = subprocess.Popen(make_run_command(0), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors,
                                   start_new_session=True)
    try:
        yield wait_for_port(process, log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for_port(process: subprocess.Popen, log: Path) -> int:
    """Read the port from gunicorn's "Listening at" line, then wait until a request is answered."""
    deadline = time.monotonic() + 60
    port = None
    while time.monotonic() < deadline and process.poll() is None:
        if port is None:
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text(errors="replace"))
            port = int(found.group(1)) if found else None
        if port is not None:
            try:
                if get(port, "/api/v1/organizations?limit=1", timeout=10) == 200:
                    return port
            except OSError:
                pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not start: " + log.read_text(errors="replace")[-3000:])


def get(port: int, path: str, timeout: float) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def drip(port: int, stop: threading.Event, sent: list[int]) -> None:
    """Open SLOW_CLIENTS connections and send their request headers one byte per DRIP_SECONDS until told to stop."""
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(SLOW_CLIENTS)]
    headers = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 1000
    try:
        for byte in headers:
            for number, connection in enumerate(sockets):
                connection.sendall(bytes([byte]))
                sent[number] += 1
            if stop.wait(DRIP_SECONDS):
                return
    finally:
        for connection in sockets:
            connection.close()


def test_slow_clients_do_not_hold_up_a_normal_request(server):
    stop, sent = threading.Event(), [0] * SLOW_CLIENTS
    dripping = threading.Thread(target=drip, args=(server, stop, sent), daemon=True)
    dripping.start()
    try:
        while min(sent) < 3:  # every slow client has been accepted and is half-way through its headers
            assert dripping.is_alive(), "the slow clients could not connect"
            time.sleep(0.1)
        try:
            status = get(server, "/api/v1/organizations?limit=1", timeout=ANSWER_WITHIN_SECONDS)
        except TimeoutError:
            pytest.fail(f"no answer within {ANSWER_WITHIN_SECONDS} s while {SLOW_CLIENTS} clients sent headers slowly")
        assert status == 200
    finally:
        stop.set()
        dripping.join(timeout=10)
