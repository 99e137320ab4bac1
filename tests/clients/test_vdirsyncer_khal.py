"""vdirsyncer's http storage copies the feed into a vdir, khal lists it (both from PyPI, in the venv)."""

import subprocess
import sys
from pathlib import Path

import pytest

from .scenario import Line, need

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
SEPARATOR = "\t"


def programs() -> tuple[Path, Path]:
    vdirsyncer, khal = BIN / "vdirsyncer", BIN / "khal"
    need(vdirsyncer.exists() and khal.exists(), "vdirsyncer and khal are not installed (requirements-dev.txt)")
    return vdirsyncer, khal


def configure(folder: Path, feed_url: str) -> tuple[Path, Path]:
    """A pair from the feed (read-only http storage) to a local vdir, and a khal calendar on that vdir."""
    vdir = folder / "vdir" / "lich"
    vdir.mkdir(parents=True)
    vdirsyncer_conf = folder / "vdirsyncer.conf"
    vdirsyncer_conf.write_text(f"""[general]
status_path = "{folder / 'status'}/"
[pair lich]
a = "lich_remote"
b = "lich_local"
collections = null
conflict_resolution = "a wins"
[storage lich_remote]
type = "http"
url = "{feed_url}"
[storage lich_local]
type = "filesystem"
path = "{vdir}/"
fileext = ".ics"
""", encoding="utf-8")
    khal_conf = folder / "khal.conf"
    khal_conf.write_text(f"""[calendars]
[[lich]]
path = {vdir}/
readonly = True
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = Asia/Ho_Chi_Minh
default_timezone = Asia/Ho_Chi_Minh
[sqlite]
path = {folder / 'khal.db'}
""", encoding="utf-8")
    return vdirsyncer_conf, khal_conf


def run(*command, env) -> str:
    done = subprocess.run([str(part) for part in command], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    return done.stdout


def khal_lines(khal: Path, conf: Path, window, env) -> list[Line]:
    """khal's list, one occurrence per line: day, times, title and the STATUS it shows."""
    first, last = window
    out = run(khal, "-c", conf, "list", "--day-format", "", "--format",
              SEPARATOR.join(["{start-date}", "{start-time}", "{end-time}", "{title}", "{status}"]),
              first.isoformat(), f"{(last - first).days}d", env=env)
    found = []
    for text in filter(None, out.splitlines()):
        day, start, end, title, status = text.split(SEPARATOR)
        found.append(Line(day, start, end, title, status.strip() or None))
    return sorted(found, key=lambda line: (line.day, line.start))


def test_khal_lists_every_event_and_follows_every_change(scenario, tmp_path):
    """Defect (issue 11): vdirsyncer made one item of the whole feed, so khal listed one event of four."""
    vdirsyncer, khal = programs()
    vdirsyncer_conf, khal_conf = configure(tmp_path, scenario.feed_url)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CACHE_HOME": str(tmp_path / "cache"), "LANG": "C.UTF-8",
           "TZ": "Asia/Ho_Chi_Minh"}
    run(vdirsyncer, "-c", vdirsyncer_conf, "discover", env=env)
    run(vdirsyncer, "-c", vdirsyncer_conf, "sync", env=env)
    assert len(list((tmp_path / "vdir" / "lich").glob("*.ics"))) == 4  # one item per event, the series whole
    assert khal_lines(khal, khal_conf, scenario.window, env) == scenario.listing(changed=False)

    scenario.change()
    run(vdirsyncer, "-c", vdirsyncer_conf, "sync", env=env)
    assert len(list((tmp_path / "vdir" / "lich").glob("*.ics"))) == 3
    assert khal_lines(khal, khal_conf, scenario.window, env) == scenario.listing(changed=True)
