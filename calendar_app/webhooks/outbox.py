"""The outbox: each write records what its webhooks must be told, in the write's own transaction.

`feed_versions.changing()` (the one place every write names what it changes) asks `look()`
before the write and `record()` after it. Both see the events as the transaction sees them, so
a write that fails records nothing and a committed write is never lost: its deliveries commit
with it, and `delivery` sends them later, however long the receiver is down.

Each webhook is told what it can see change: an event it follows and may see that appears is
"created" (also when it is made public or joins an organization it follows), one that
disappears is "deleted" (also when it is made internal or leaves), one that turns cancelled is
"cancelled", and any other change to a named event or its occurrences is "updated". The body
is fixed here, at commit time: the event as it then stood, signed later byte for byte.
"""

import json
import uuid
from dataclasses import dataclass, field

from flask import current_app, has_app_context, has_request_context
from werkzeug.exceptions import BadRequest

from ..clock import now_stored
from ..links import absolute, event_ics_path
from ..repositories import events as event_rows
from ..repositories import feed_versions
from ..stored_event import UnreadableEvent
from . import subscriptions
from .subscriptions import Webhook


@dataclass(frozen=True)
class Seen:
    """An event as one moment of the write saw it: its representation and every organization taking part."""

    event: dict
    involved: frozenset[str]


@dataclass
class Look:
    """What a write named and how those events stood before it."""

    events: set[int]
    agreements: set[int]
    organizations: set[int]
    before: dict[int, Seen] = field(default_factory=dict)


def look(db, events, agreements, organizations) -> Look | None:
    """Before a write: None when no webhook listens (the common case costs one query)."""
    if not subscriptions.any_living(db):
        return None
    seen = Look(set(events), set(agreements), set(organizations))
    seen.before = _seen(db, _reached(db, seen))
    return seen


def record(db, seen: Look | None) -> None:
    """After the write, inside its transaction: one delivery per webhook and change it must hear of."""
    if seen is None:
        return
    after = _seen(db, _reached(db, seen) | set(seen.before))
    webhooks = subscriptions.living(db)
    followed = {w.id: _followed_organizations(db, w) for w in webhooks}
    now = now_stored()
    rows = []
    for event_id in sorted(set(seen.before) | set(after)):
        before, now_seen = seen.before.get(event_id), after.get(event_id)
        for webhook in webhooks:
            change = _change(webhook, followed[webhook.id], before, now_seen, event_id in seen.events)
            if change in webhook.changes:
                rows.append(_delivery(webhook, change, event_id, now_seen if change != "deleted" else before, now))
    if rows:
        db["webhook_deliveries"].insert_all(rows)


def _reached(db, seen: Look) -> set[int]:
    """The events a write may change: those named, and those of the agreements and organizations named."""
    ids = set(seen.events)
    if seen.agreements:
        marks = ",".join("?" * len(seen.agreements))
        ids |= {row[0] for row in db.execute(f"select id from events where agreement_id in ({marks})",
                                             list(seen.agreements)).fetchall()}
    if seen.organizations:
        ids |= feed_versions.event_ids_of_organizations(db, seen.organizations, with_descendants=True)
    return ids


def _seen(db, event_ids: set[int]) -> dict[int, Seen]:
    """The events that exist now, as Seen; a row no code can read is left out (nothing true can be said of it)."""
    if not event_ids:
        return {}
    ids = sorted(event_ids)
    rows = list(db.query(f"select * from events where id in ({','.join('?' * len(ids))})", ids))
    agreements, organizations = event_rows.link_slugs(db, rows)
    parties: dict[str, set[str]] = {}
    found = {}
    for row in rows:
        try:
            event = event_rows.represent_row(row, agreements.get(row["agreement_id"]), organizations[row["id"]])
        except UnreadableEvent:
            continue
        slug = event["agreement"]
        if slug not in parties:
            parties[slug] = feed_versions.party_slugs(db, slug)
        found[row["id"]] = Seen(event, frozenset(event["organizations"]) | frozenset(parties[slug]))
    return found


def _followed_organizations(db, webhook: Webhook) -> frozenset[str] | None:
    """The organization slugs a webhook follows, with their sub-units when it asks for them."""
    if webhook.organizations is None:
        return None
    if not webhook.include_children:
        return frozenset(webhook.organizations)
    ids = list(db.execute(f"select id from organizations where slug in ({','.join('?' * len(webhook.organizations))})",
                          list(webhook.organizations)).fetchall())
    below = feed_versions.descendants(db, [row[0] for row in ids])
    if not below:
        return frozenset()
    return frozenset(row[0] for row in db.execute(
        f"select slug from organizations where id in ({','.join('?' * len(below))})", list(below)).fetchall())


def _hears(webhook: Webhook, followed: frozenset[str] | None, seen: Seen | None) -> bool:
    """Whether the webhook follows this event and may see it (internal: only within the webhook's scope)."""
    if seen is None:
        return False
    visible = (seen.event["visibility"] == "public" or webhook.scope is None
               or bool(set(webhook.scope) & seen.involved))
    if not visible:
        return False
    if followed is None and webhook.agreements is None:
        return True
    return bool((followed or frozenset()) & seen.involved) or seen.event["agreement"] in (webhook.agreements or ())


def _change(webhook: Webhook, followed, before: Seen | None, after: Seen | None, named: bool) -> str | None:
    """What this webhook sees happen to one event, or None."""
    heard_before, heard_after = _hears(webhook, followed, before), _hears(webhook, followed, after)
    if not heard_before and not heard_after:
        return None
    if not heard_before:
        return "created"
    if not heard_after:
        return "deleted"
    if after.event["status"] == "cancelled" and before.event["status"] != "cancelled":
        return "cancelled"
    if named or after.event != before.event:
        return "updated"
    return None


def _delivery(webhook: Webhook, change: str, event_id: int, seen: Seen, now: str) -> dict:
    key = str(uuid.uuid4())
    body = {"id": key, "type": f"event.{change}", "change": change, "occurred_at": now,
            "webhook_id": webhook.id, "event": _with_links(seen.event)}
    return {"webhook_id": webhook.id, "delivery_key": key, "change": change, "event_id": event_id,
            "body": json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            "created_at": now, "next_attempt_at": now}


def _with_links(event: dict) -> dict:
    """The event with its addresses, when there is a base to build them on (a request, or PUBLIC_BASE_URL)."""
    if not has_app_context() or not (current_app.config["PUBLIC_BASE_URL"] or has_request_context()):
        return event
    try:
        return {**event, "ics_url": absolute(event_ics_path(event["id"])),
                "api_url": absolute(f"/api/v1/events/{event['id']}")}
    except BadRequest:  # a Host no link can be built on must not undo the write: send the event without them
        return event
