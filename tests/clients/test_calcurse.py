"""calcurse (Debian), for what it can show: it imports a file, ignores STATUS, TZID and RECURRENCE-ID.

It reads times as wall time in $TZ (so it runs with TZ=Asia/Ho_Chi_Minh, the office's zone), and it
imported each moved occurrence beside the series' own. Its feed therefore asks for the flat form
(?expand=1: one VEVENT per occurrence, no RRULE) and the state in the title (?prefix=1). calcurse
has no subscription: a refresh is a fresh import into an empty data folder (an import adds to what
is there).
"""

import subprocess
from urllib.error import HTTPError
from urllib.request import urlopen
from pathlib import Path

import pytest

from .scenario import Line, need_program

pytestmark = pytest.mark.slow
SEPARATOR = "\t"
FORMAT = SEPARATOR.join(["%(start:%Y-%m-%d)", "%(start:%H:%M)", "%(end:%H:%M)", "%m"]) + "\\n"


def listing(calcurse: str, scenario, folder: Path) -> list[Line]:
    feed = folder / "feed.ics"
    with urlopen(f"{scenario.feed_url}?expand=1&prefix=1") as response:
        feed.write_bytes(response.read())
    data = folder / "data"
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "TZ": "Asia/Ho_Chi_Minh", "LANG": "C.UTF-8"}
    imported = subprocess.run([calcurse, "-D", str(data), "-i", str(feed)], capture_output=True, text=True,
                              timeout=60, env=env)
    assert imported.returncode == 0 and "0 skipped" in imported.stdout, (imported.stdout, imported.stderr)
    first, last = scenario.window
    listed = subprocess.run(
        [calcurse, "-D", str(data), "-Q", "--from", first.strftime("%m/%d/%Y"), "--days", str((last - first).days + 1),
         "--format-apt", FORMAT, "--format-recur-apt", FORMAT], capture_output=True, text=True, timeout=60, env=env)
    assert listed.returncode == 0, listed.stderr
    lines = [Line(*text.split(SEPARATOR)) for text in listed.stdout.splitlines() if text.count(SEPARATOR) == 3]
    return sorted(lines, key=lambda line: (line.day, line.start))


def feeds_know_expand_and_prefix(scenario) -> bool:
    """Whether this build has ?expand=1 and ?prefix=1 (helper "subscribe", issue 11): a bad value is refused."""
    try:
        with urlopen(f"{scenario.feed_url}?expand=nonsense"):
            return False  # the argument is ignored: not there yet
    except HTTPError as error:
        return error.code == 400


def test_calcurse_shows_every_change_in_the_flat_prefixed_feed(scenario, tmp_path):
    calcurse = need_program("calcurse", "Debian package calcurse")
    if not feeds_know_expand_and_prefix(scenario):
        pytest.skip("the feeds have no ?expand=1/?prefix=1 yet, which calcurse needs (issue 11, helper subscribe)")
    (tmp_path / "before").mkdir()
    assert listing(calcurse, scenario, tmp_path / "before") == scenario.listing(changed=False, statuses=False)
    scenario.change()
    (tmp_path / "after").mkdir()
    assert listing(calcurse, scenario, tmp_path / "after") == scenario.listing(changed=True, statuses=False)
