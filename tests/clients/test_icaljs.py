"""ical.js, Thunderbird's iCalendar parser and recurrence expander (npm, run with node)."""

import json
import subprocess
from pathlib import Path

import pytest

from .scenario import Line, need, need_program

pytestmark = pytest.mark.slow
HERE = Path(__file__).parent


def listing(node: str, scenario) -> list[Line]:
    first, last = scenario.window
    done = subprocess.run([node, str(HERE / "icaljs_list.mjs"), scenario.feed_url, first.isoformat(), last.isoformat()],
                          capture_output=True, text=True, encoding="utf-8", timeout=60, cwd=HERE)
    assert done.returncode == 0, done.stderr
    return sorted((Line(*fields) for fields in json.loads(done.stdout)), key=lambda line: (line.day, line.start))


def test_icaljs_follows_every_change(scenario):
    node = need_program("node", "Node.js, which the machine has; Debian package nodejs")
    need((HERE / "node_modules" / "ical.js" / "package.json").exists(),
         "ical.js is not installed in tests/clients (npm ci --prefix tests/clients; make test runs it)")
    assert listing(node, scenario) == scenario.listing(changed=False)
    scenario.change()
    assert listing(node, scenario) == scenario.listing(changed=True)
