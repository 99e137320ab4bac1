"""Consistent copies of the live database with SQLite's online backup API, safe while the app serves."""

import os
from contextlib import nullcontext
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .db import connect
from .progress import progress


class BackupError(RuntimeError):
    """The copy could not be made or did not check out; nothing was left at the target path."""


# Pages copied per step of the online backup: about 4 MB of 4 KiB pages between two progress updates.
PAGES_PER_STEP = 1024


def backup(source: str, target: str, busy_timeout_ms: int = 10000, bar=None,
           pages_per_step: int = PAGES_PER_STEP) -> dict[str, int]:
    """Copy `source` to `target` as one consistent snapshot and return the row count of every table.

    The copy is written beside the target and renamed into place only once it passes
    integrity_check and foreign_key_check, so PATH never holds a half-written backup.
    `bar(pages)`, when given, is a progress bar entered around the copy and updated per step.
    """
    target_path = Path(target)
    if target_path.exists():
        raise BackupError(f"{target} already exists; choose a new file name.")
    target_path.parent.mkdir(parents=True, exist_ok=True)
    partial = target_path.with_name(f".{target_path.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        # Owner-only from the first byte: the copy holds password and token hashes.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        counts = _copy(source, str(partial), busy_timeout_ms, bar, pages_per_step)
        os.link(partial, target_path)  # unlike a rename, never replaces a file that appeared meanwhile
    except FileExistsError:
        raise BackupError(f"{target} already exists; choose a new file name.") from None
    finally:
        partial.unlink(missing_ok=True)
    return counts


def _copy(source: str, partial: str, busy_timeout_ms: int, bar, pages_per_step: int) -> dict[str, int]:
    if not Path(source).exists():
        raise BackupError(f"No database at {source}.")
    src = connect(source, busy_timeout_ms, create=False).conn  # only read: backup() takes a read snapshot
    dst = connect(partial, busy_timeout_ms, wal=False).conn  # ends as one self-contained file
    try:
        # Hazard: copied in slices, a backup restarts whenever another connection commits between
        # two steps, and never finishes under steady writes. The read transaction held open here
        # pins one WAL snapshot for every step, so writers go on and the copy stays consistent.
        src.execute("BEGIN")
        pages = src.execute("PRAGMA page_count").fetchone()[0]
        with bar(pages) if bar else nullcontext() as shown:
            left = [pages]

            def stepped(_status, remaining, _total):
                if shown:
                    shown.update(left[0] - remaining)
                left[0] = remaining

            src.backup(dst, pages=pages_per_step, progress=stepped)
        src.rollback()
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        problems = [r[0] for r in dst.execute("PRAGMA integrity_check")] + \
                   [repr(r) for r in dst.execute("PRAGMA foreign_key_check")]
        if problems != ["ok"]:
            raise BackupError("The copy failed its checks: " + "; ".join(problems[:5]))
        tables = [r[0] for r in dst.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")]
        counts = {t: dst.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
        dst.commit()
    finally:
        dst.close()
        src.close()
    with open(partial, "rb") as handle:
        os.fsync(handle.fileno())
    return counts


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
def backup_command(path):
    """Write a consistent copy of the database to PATH (safe while the app is serving)."""
    try:
        counts = backup(current_app.config["DATABASE"], path, current_app.config["SQLITE_BUSY_TIMEOUT_MS"],
                        bar=lambda pages: progress("Copying pages", pages))
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    labels = {"organizations": "organizations", "agreements": "agreements", "events": "events",
              "audit_log": "audit rows"}
    shown = ", ".join(f"{counts[table]} {label}" for table, label in labels.items() if table in counts)
    click.echo(f"Backup written to {path} ({shown}).")
