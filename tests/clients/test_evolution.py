"""evolution-data-server's webcal backend (Evolution, GNOME Calendar) on a private D-Bus session.

Debian's packages: evolution-data-server, gir1.2-ecal-2.0, gir1.2-edataserver-1.2, python3-gi, dbus.
eds_driver.py runs in Debian's /usr/bin/python3 (the venv has no gi) under dbus-run-session, which
starts the source registry and the calendar factory for this test alone.
"""

import json
import subprocess
from pathlib import Path

import pytest

from .scenario import Line, need, need_program

pytestmark = pytest.mark.slow
DRIVER = Path(__file__).with_name("eds_driver.py")
SYSTEM_PYTHON = Path("/usr/bin/python3")
PROBE = ("import gi; gi.require_version('ECal', '2.0'); gi.require_version('EDataServer', '1.2'); "
         "from gi.repository import ECal, EDataServer")


def client_environment(folder: Path) -> dict:
    """A scratch HOME and XDG folders: EDS keeps its sources and its cache there, not in the user's."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(folder), "GSETTINGS_BACKEND": "memory",
           "XDG_CONFIG_HOME": str(folder / "config"), "XDG_DATA_HOME": str(folder / "data"),
           "XDG_CACHE_HOME": str(folder / "cache"), "XDG_RUNTIME_DIR": str(folder / "runtime")}
    for name in ("config", "data", "cache", "runtime"):
        (folder / name).mkdir(mode=0o700)
    return env


def eds_available() -> str:
    """dbus-run-session's path, once every piece EDS needs is there (else skip, or fail in CI)."""
    dbus_run_session = need_program("dbus-run-session", "Debian package dbus")
    need(SYSTEM_PYTHON.exists() and subprocess.run([str(SYSTEM_PYTHON), "-c", PROBE], capture_output=True).returncode == 0,
         "Debian's python3 cannot load ECal 2.0 (python3-gi, gir1.2-ecal-2.0, gir1.2-edataserver-1.2)")
    need(Path("/usr/libexec/evolution-calendar-factory").exists(), "evolution-data-server is not installed")
    return dbus_run_session


class Evolution:
    """One subscription in one D-Bus session, kept across refreshes as Evolution keeps it."""

    def __init__(self, dbus_run_session: str, scenario, folder: Path):
        first, last = scenario.window
        self.log = (folder / "eds.log").open("w")
        self.process = subprocess.Popen(
            [dbus_run_session, "--", str(SYSTEM_PYTHON), str(DRIVER), scenario.feed_url, first.isoformat(),
             last.isoformat()], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
            encoding="utf-8", env=client_environment(folder))

    def sync(self) -> list[Line]:
        self.process.stdin.write("sync\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        assert answer, f"the EDS driver stopped; see {self.log.name}"
        return [Line(*fields) for fields in json.loads(answer)]

    def close(self) -> None:
        self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            self.process.stdout.close()
            self.log.close()


def test_evolution_follows_every_change_including_single_occurrences(scenario, tmp_path):
    """Defect (issue 11): a cancelled and a moved occurrence never showed after a refresh, because EDS
    keys a UID's revision on the first VEVENT (the series' master), which did not change."""
    evolution = Evolution(eds_available(), scenario, tmp_path)
    try:
        assert evolution.sync() == scenario.listing(changed=False)
        scenario.change()
        assert evolution.sync() == scenario.listing(changed=True)
    finally:
        evolution.close()


RESTRICTION_CHECK = """
import sys, urllib.request, gi
gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib
calendar = ICalGLib.Component.new_from_string(urllib.request.urlopen(sys.argv[1]).read().decode("utf-8"))
valid = ICalGLib.restriction_check(calendar)
problems, stack = [], [calendar]
while stack:
    component = stack.pop()
    found = component.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    while found:
        problems.append(found.get_xlicerror())
        found = component.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
    child = component.get_first_component(ICalGLib.ComponentKind.ANY_COMPONENT)
    while child:
        stack.append(child)
        child = component.get_next_component(ICalGLib.ComponentKind.ANY_COMPONENT)
print(valid, sorted(set(problems)))
"""


@pytest.mark.parametrize("query", ["", "?alarm=PT1H"])
def test_libicals_restriction_check_accepts_the_feed(scenario, query):
    """Defect (issue 11): libical 3.0 (EDS's parser) rejected every VEVENT of the METHOD:PUBLISH feed for
    its missing ORGANIZER; without METHOD it refused icalendar's COMMENT on the VTIMEZONE."""
    eds_available()
    done = subprocess.run([str(SYSTEM_PYTHON), "-c", RESTRICTION_CHECK, scenario.feed_url + query],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1 []"
