"""Sending the outbox: claim due deliveries, POST them signed, retry with growing waits, give up after a day.

Delivery is at least once: a worker claims a delivery with a lease before sending, so two
workers never send it at the same moment; a worker killed mid-send leaves the lease to run out
and the next worker sends it again. Receivers drop repeats by X-Calendar-Delivery.
Redirects are never followed: a receiver that answers 3xx has failed that attempt.
"""

import hashlib
import hmac
import signal
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext

from ..clock import from_stored, now_stored, to_stored, utc_now
from ..db import get_db, write_transaction
from . import subscriptions

SIGNATURE_HEADER = "X-Calendar-Signature"
DELIVERY_HEADER = "X-Calendar-Delivery"
EVENT_HEADER = "X-Calendar-Event"
USER_AGENT = "calendar_app-webhooks/1"
CLAIM_BATCH = 20
# A claimed delivery may be taken over once its attempt must have ended: the timeout and this margin.
LEASE_MARGIN_SECONDS = 30
POLL_SECONDS = 2  # how often an idle worker looks for due deliveries
ERROR_TEXT_MAX = 500


def signature(secret: str, body: bytes) -> str:
    """The X-Calendar-Signature value: 'sha256=' and the hex HMAC-SHA256 of the exact body with the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    change: str
    body: bytes
    created_at: str
    attempts: int
    webhook_id: int
    url: str
    secret: str


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str | None
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None  # urllib then raises HTTPError with the 3xx: the attempt failed


_OPENER = urllib.request.build_opener(_NoRedirects)


def deliver_due(limit: int = CLAIM_BATCH) -> int:
    """Send what is due now (up to `limit`); return how many were attempted. Needs an app context."""
    db = get_db()
    config = current_app.config
    claimed = _claim(db, limit, config["WEBHOOK_TIMEOUT_SECONDS"] + LEASE_MARGIN_SECONDS)
    for delivery in claimed:
        problem = None
        if not subscriptions.is_living(db, delivery.webhook_id):
            problem = "The webhook is inactive, or the token that created it was revoked or has expired."
        else:
            problem = subscriptions.url_problem(delivery.url, config["WEBHOOK_ALLOW_HTTP_HOSTS"])
        if problem:
            _finish(db, delivery, Outcome(None, problem, 0), give_up=True)
            continue
        _finish(db, delivery, _send(delivery, config["WEBHOOK_TIMEOUT_SECONDS"]))
    return len(claimed)


def _claim(db, limit: int, lease_seconds: int) -> list[Claimed]:
    """Lease the due deliveries, oldest first, in one write transaction (so two workers never take the same)."""
    now = now_stored()
    until = to_stored(utc_now() + timedelta(seconds=lease_seconds))
    with write_transaction(db):
        rows = db.execute(
            "select d.id, d.delivery_key, d.change, d.body, d.created_at, d.attempts, w.id, w.url, w.secret "
            "from webhook_deliveries d join webhooks w on w.id = d.webhook_id "
            "where d.state = 'pending' and d.next_attempt_at <= ? and (d.leased_until is null or d.leased_until <= ?) "
            "order by d.next_attempt_at, d.id limit ?", [now, now, limit]).fetchall()
        db.conn.executemany("update webhook_deliveries set leased_until = ? where id = ?",
                            [(until, row[0]) for row in rows])
    return [Claimed(row[0], row[1], row[2], row[3].encode(), *row[4:]) for row in rows]


def _send(delivery: Claimed, timeout: float) -> Outcome:
    request = urllib.request.Request(delivery.url, data=delivery.body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: signature(delivery.secret, delivery.body), DELIVERY_HEADER: delivery.key,
        EVENT_HEADER: f"event.{delivery.change}"})
    started = time.monotonic()
    status, error = None, None
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status = response.status
            response.read(65536)  # the answer's body is not used; read a little so keep-alive servers are content
    except urllib.error.HTTPError as answer:
        status = answer.code
        error = f"Answered {answer.code}" + (" (redirects are not followed)" if 300 <= answer.code < 400 else "")
        answer.close()
    except (OSError, ValueError) as failure:  # refused, timed out, unreachable, TLS, a malformed answer
        error = f"{type(failure).__name__}: {failure}"
    return Outcome(status, error[:ERROR_TEXT_MAX] if error else None, int((time.monotonic() - started) * 1000))


def next_wait(attempts: int, first_seconds: int, max_seconds: int) -> int:
    """Seconds before the next attempt after `attempts` failed ones: first_seconds, doubling, at most max_seconds."""
    return min(max(first_seconds, 1) * 2 ** (attempts - 1), max_seconds)  # never 0: --once would spin


def _finish(db, delivery: Claimed, outcome: Outcome, give_up: bool = False) -> None:
    """Record the attempt; mark the delivery delivered, failed (after the retry period), or due again later."""
    config = current_app.config
    now = utc_now()
    attempts = delivery.attempts + 1
    deadline = from_stored(delivery.created_at) + timedelta(hours=config["WEBHOOK_RETRY_HOURS"])
    values = {"attempts": attempts, "leased_until": None, "last_status": outcome.status,
              "last_error": outcome.error}
    if outcome.delivered:
        values.update(state="delivered", finished_at=to_stored(now))
    elif give_up or now >= deadline:
        values.update(state="failed", finished_at=to_stored(now))
    else:
        wait = next_wait(attempts, config["WEBHOOK_FIRST_RETRY_SECONDS"], config["WEBHOOK_MAX_RETRY_SECONDS"])
        values["next_attempt_at"] = to_stored(min(now + timedelta(seconds=wait), deadline))
    with write_transaction(db):
        if db.execute("select 1 from webhook_deliveries where id = ?", [delivery.id]).fetchone() is None:
            return  # its webhook was deleted while this attempt was in flight
        db["webhook_attempts"].insert({"delivery_id": delivery.id, "at": to_stored(now), "status": outcome.status,
                                       "error": outcome.error, "duration_ms": outcome.duration_ms})
        db["webhook_deliveries"].update(delivery.id, values)


@click.group("webhooks")
def webhooks_group():
    """Webhook deliveries."""


@webhooks_group.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due now, then exit (for cron or tests).")
@with_appcontext
def deliver_command(once):
    """Send webhook deliveries from the outbox; runs until stopped (make run starts it beside the server)."""
    stopping = []
    if not once:
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    total = 0
    try:
        while not stopping:
            sent = deliver_due()
            total += sent
            if once and not sent:
                break
            if not sent:
                time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        pass
    if once:
        click.echo(f"{total} deliveries attempted.")
