"""deploy/nginx-feeds.conf with a real nginx: the published files go out as `text/calendar; charset=utf-8`."""

import http.client
import os
import shutil
import socket
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from calendar_app.exports.week import MEDIA_TYPES

ROOT = Path(__file__).resolve().parent.parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_nginx_serves_the_published_feeds_with_the_snippet(seeded, runner, tmp_path, clock):
    clock.set(datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc))  # this week is 2026-W50
    site = tmp_path / "site"
    assert runner.invoke(args=["publish-feeds", str(site)]).exit_code == 0
    port, closed = free_port(), free_port()  # @app points at a closed port: what reaches the app is a 502
    # Run as root, nginx's workers would be "nobody", who cannot read pytest's owner-only folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(f"""{user}
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp_path}/body; proxy_temp_path {tmp_path}/proxy;
    fastcgi_temp_path {tmp_path}/fastcgi; uwsgi_temp_path {tmp_path}/uwsgi; scgi_temp_path {tmp_path}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {site};
        include {ROOT}/deploy/nginx-feeds.conf;
        location @app {{ proxy_pass http://127.0.0.1:{closed}; }}
    }}
}}
""")
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                              "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                status, headers, body = fetch(port, "/feeds/organizations/tap-chi-cong-san.ics")
                break
            except OSError:
                assert nginx.poll() is None and time.monotonic() < deadline, (tmp_path / "error.log").read_text()
                time.sleep(0.1)
        assert status == 200 and headers["content-type"] == "text/calendar; charset=utf-8"
        assert body == (site / "feeds" / "organizations" / "tap-chi-cong-san.ics").read_bytes()
        assert "Tạp chí Cộng sản".encode() in body
        assert headers["cache-control"] == "public, max-age=900"
        status, headers, _ = fetch(port, "/feeds/index.json")
        assert status == 200 and headers["content-type"] == "application/json; charset=utf-8"
        # FullCalendar's source: its ?start=&end= are answered by the file (the .ics feed's window).
        for path in ("/feeds/organizations/tap-chi-cong-san.json",
                     "/feeds/organizations/tap-chi-cong-san.json?start=2026-11-30&end=2027-01-11&timeZone=UTC"):
            status, headers, body = fetch(port, path)
            assert status == 200 and headers["content-type"] == "application/json; charset=utf-8", path
            assert body == (site / "feeds" / "organizations" / "tap-chi-cong-san.json").read_bytes()
            assert headers["cache-control"] == "public, max-age=900"
        for path, media_type in (("/week/2026-W50.pdf", "application/pdf"),
                                 ("/week/2026-W51.docx", MEDIA_TYPES["docx"]),
                                 ("/week/2026-W50/tap-chi-cong-san.xlsx", MEDIA_TYPES["xlsx"])):
            status, headers, body = fetch(port, path)
            assert (status, headers["content-type"]) == (200, media_type), path
            assert body == (site / path.lstrip("/")).read_bytes() and headers["cache-control"] == "public, max-age=900"
        assert fetch(port, "/week/2026-W50.pdf?start=2026-12-14")[0] == 502  # a query: to the app
        assert fetch(port, "/week/print")[0] == 502 and fetch(port, "/week/2026-W10.pdf")[0] == 502
        assert fetch(port, "/feeds/organizations/tap-chi-cong-san.ics?alarm=PT1H")[0] == 502  # to the app
        assert fetch(port, "/feeds/organizations/not-published.ics")[0] == 502
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
