"""Progress of long commands: click's bar with count and ETA on a terminal, plain periodic lines otherwise.

A 1,000,000-event publish, rebuild or import must never be a silent minute, and a log file or a
pipe must not fill with a redrawn bar: one helper chooses for every command.
"""

import sys
import time
from contextlib import contextmanager

import click

PLAIN_EVERY_SECONDS = 5.0  # how often the plain lines appear when the output is not a terminal


class PlainProgress:
    """The bar's `update(n)` interface, printing `label: done/total (pct %), elapsed, ETA` now and then."""

    def __init__(self, label: str, length: int, file, every_seconds: float, clock=time.monotonic):
        self.label, self.length, self.file = label, length, file
        self.every, self.clock = every_seconds, clock
        self.done = 0
        self.began = self.last = clock()

    def update(self, n_steps: int = 1) -> None:
        self.done += n_steps
        now = self.clock()
        if now - self.last >= self.every:
            self.last = now
            self._line(now)

    def finish(self) -> None:
        self._line(self.clock(), final=True)

    def _line(self, now: float, final: bool = False) -> None:
        elapsed = now - self.began
        total = max(self.length, self.done)
        share = self.done / total if total else 1.0
        if final:
            tail = f"done in {elapsed:.1f} s"
        elif share:
            tail = f"{elapsed:.0f} s, about {elapsed / share - elapsed:.0f} s left"
        else:
            tail = f"{elapsed:.0f} s"
        click.echo(f"{self.label}: {self.done}/{total} ({share:.0%}), {tail}", file=self.file)


@contextmanager
def progress(label: str, length: int, file=None, every_seconds: float | None = None):
    """Yield an object with `update(n)`; a bar on a terminal, else a line every PLAIN_EVERY_SECONDS and at the end.

    Progress goes to stderr by default, so a command's own output on stdout stays parseable.
    """
    file = file if file is not None else sys.stderr
    if _is_terminal(file):
        with click.progressbar(length=length, label=label, file=file, show_pos=True, show_eta=True) as bar:
            yield bar
        return
    plain = PlainProgress(label, length, file, PLAIN_EVERY_SECONDS if every_seconds is None else every_seconds)
    yield plain
    plain.finish()


def _is_terminal(file) -> bool:
    try:
        return file.isatty()
    except (AttributeError, ValueError):  # a closed or file-like object without a terminal
        return False
