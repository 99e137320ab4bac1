"""Long commands show progress: a bar on a terminal, plain periodic lines in a log, one helper for both."""

import io

import pytest

from calendar_app import progress as progress_module
from calendar_app.progress import PlainProgress, progress


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_plain_lines_come_every_interval_with_count_and_time_left():
    out, clock = io.StringIO(), FakeClock()
    plain = PlainProgress("Publishing feeds", 10, out, 5.0, clock)
    for _ in range(4):
        clock.now += 2
        plain.update(1)  # 2, 4, 6, 8 s: one line at 6 s
    clock.now += 1
    plain.update(6)
    plain.finish()
    assert out.getvalue() == ("Publishing feeds: 3/10 (30%), 6 s, about 14 s left\n"
                              "Publishing feeds: 10/10 (100%), done in 9.0 s\n")


def test_nothing_to_do_still_ends_with_one_line():
    out = io.StringIO()
    with progress("Indexing events", 0, file=out) as bar:
        assert isinstance(bar, PlainProgress)
    assert out.getvalue().startswith("Indexing events: 0/0 (100%), done in ")


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_gets_clicks_bar_with_position():
    out = Terminal()
    with progress("Copying pages", 3, file=out) as bar:
        assert not isinstance(bar, PlainProgress)
        bar.update(3)
    assert "Copying pages" in out.getvalue() and "3/3" in out.getvalue()


@pytest.fixture
def every_update(monkeypatch):
    monkeypatch.setattr(progress_module, "PLAIN_EVERY_SECONDS", 0.0)


ICS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + "".join(
    f"BEGIN:VEVENT\r\nUID:progress-{n}@test\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Giao ban {n}\r\n"
    "DTSTART;TZID=Asia/Ho_Chi_Minh:20261215T083000\r\nDTEND;TZID=Asia/Ho_Chi_Minh:20261215T110000\r\n"
    "END:VEVENT\r\n" for n in range(3)) + "END:VCALENDAR\r\n")


@pytest.mark.parametrize(("args", "label"), [
    (["rebuild-occurrences"], "Indexing events"),
    (["publish-feeds", "{tmp}/site"], "Publishing feeds"),
    (["backup", "{tmp}/copy.sqlite3"], "Copying pages"),
    (["import-ics", "{tmp}/in.ics", "--organization", "{organization}"], "Importing events"),
])
def test_long_commands_print_progress_lines_when_not_on_a_terminal(runner, make, tmp_path, every_update,
                                                                   args, label):
    organization = make.organization()["slug"]
    make.event(title="Hội thảo", organizations=[organization])
    (tmp_path / "in.ics").write_text(ICS)
    result = runner.invoke(args=[a.format(tmp=tmp_path, organization=organization) for a in args])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith(f"{label}: ")]
    assert len(lines) >= 2 and "(100%), done in" in lines[-1], result.stderr
    assert label not in result.stdout  # the command's own report on stdout stays parseable
