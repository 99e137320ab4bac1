"""Webhooks as stored: who may manage one, where it may send, and which changes of which events it follows.

A webhook belongs to the scope of the token that created it: a token limited to some
organizations creates webhooks that follow only what those organizations take part in, sees and
manages only webhooks of its own organizations, and its webhooks receive internal events only
where those organizations take part (public events otherwise). A webhook lives as long as that
token: once it is revoked or expires, nothing more is sent.
"""

import json
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..clock import now_stored
from ..errors import ConflictError, Forbidden, NotFoundError, ValidationFailed
from ..repositories import audit, feed_versions
from ..repositories.organizations import ids_for_slugs

CHANGES = ("created", "updated", "cancelled", "deleted")
# Each webhook's lifetime is its token's: the join every read of active webhooks makes.
_LIVING_TOKEN = ("join api_tokens t on t.id = w.token_id where w.active = 1 and t.revoked_at is null "
                 "and (t.expires_at is null or t.expires_at > ?)")


@dataclass(frozen=True)
class Webhook:
    """One receiver; organizations/agreements None = not followed that way, both None = every event."""

    id: int
    url: str
    secret: str
    organizations: tuple[str, ...] | None
    agreements: tuple[str, ...] | None
    include_children: bool
    changes: tuple[str, ...]
    scope: tuple[str, ...] | None
    active: bool
    created_at: str
    created_by: str

    @classmethod
    def from_row(cls, row) -> "Webhook":
        (id_, url, secret, organizations, agreements, include_children, changes, scope, _token, active,
         created_at, created_by) = row
        return cls(id_, url, secret, _slugs(organizations), _slugs(agreements), bool(include_children),
                   tuple(json.loads(changes)), _slugs(scope), bool(active), created_at, created_by)

    def represent(self) -> dict:
        """The API's view of it (never the secret, which only its creation answer shows)."""
        return {"id": self.id, "url": self.url, "organizations": _listed(self.organizations),
                "agreements": _listed(self.agreements), "include_children": self.include_children,
                "changes": list(self.changes), "scope": _listed(self.scope), "active": self.active,
                "created_at": self.created_at, "created_by": self.created_by}


COLUMNS = ("w.id, w.url, w.secret, w.organizations, w.agreements, w.include_children, w.changes, w.scope, "
           "w.token_id, w.active, w.created_at, w.created_by")


def _slugs(text: str | None) -> tuple[str, ...] | None:
    return None if text is None else tuple(json.loads(text))


def _listed(slugs: tuple[str, ...] | None) -> list[str] | None:
    return None if slugs is None else list(slugs)


def _stored(slugs) -> str | None:
    return None if slugs is None else json.dumps(sorted(set(slugs)))


# --- rules ----------------------------------------------------------------------------------------


def check_url(url: str, allow_http_hosts) -> None:
    """Refuse a receiver that is not https (or http on an allowed host), or carries credentials (422)."""
    problem = url_problem(url, allow_http_hosts)
    if problem:
        raise ValidationFailed({"url": [problem]})


def url_problem(url: str, allow_http_hosts) -> str | None:
    """Why a receiver URL may not be sent to, or None: the one rule for creating and for each delivery."""
    parts = urlsplit(url)
    if not parts.hostname:
        return "Must be an absolute URL with a host."
    if parts.username or parts.password:
        return "Must not carry a user name or password; authenticate by checking the signature."
    if parts.scheme == "https":
        return None
    if parts.scheme == "http" and parts.hostname in set(allow_http_hosts):
        return None
    return "Must be an https URL (http only for the hosts in WEBHOOK_ALLOW_HTTP_HOSTS)."


def manageable(webhook: Webhook, identity) -> bool:
    """Whether a caller may see and change this webhook: an unrestricted one, or one whose organizations cover it."""
    if identity.organizations is None:
        return True
    return webhook.scope is not None and set(webhook.scope) <= set(identity.organizations)


def _check_follows(db, identity, organizations, agreements) -> None:
    """Unknown slugs are 422; a limited token follows only its organizations and agreements they are party to (403)."""
    errors = {}
    try:
        ids_for_slugs(db, list(organizations or []), "organizations")
    except ValidationFailed as error:
        errors.update(error.errors)
    parties = {}
    for slug in agreements or []:
        if db.execute("select 1 from agreements where slug = ?", [slug]).fetchone() is None:
            errors.setdefault("agreements", []).append(f"Unknown agreement '{slug}'.")
        else:
            parties[slug] = feed_versions.party_slugs(db, slug)
    if errors:
        raise ValidationFailed(errors)
    if identity.organizations is None:
        return
    own = set(identity.organizations)
    if not organizations and not agreements:
        raise Forbidden("A token limited to some organizations must name the organizations or agreements "
                        "the webhook follows.")
    outside = sorted(set(organizations or []) - own)
    outside += sorted(slug for slug, party in parties.items() if not party & own)
    if outside:
        raise Forbidden("This token may not follow: " + ", ".join(outside) + ".")


# --- reads and writes -----------------------------------------------------------------------------


def get(db, webhook_id: int, identity) -> Webhook:
    """One webhook the caller may manage (404 otherwise, so that others' webhooks are not revealed)."""
    row = db.execute(f"select {COLUMNS} from webhooks w where w.id = ?", [webhook_id]).fetchone()
    webhook = Webhook.from_row(row) if row else None
    if webhook is None or not manageable(webhook, identity):
        raise NotFoundError(f"No webhook with id {webhook_id}.")
    return webhook


def list_for(db, identity) -> list[Webhook]:
    """The webhooks the caller may manage, newest first."""
    rows = db.execute(f"select {COLUMNS} from webhooks w order by w.id desc").fetchall()
    return [w for w in map(Webhook.from_row, rows) if manageable(w, identity)]


def living(db) -> list[Webhook]:
    """The webhooks that receive changes now: active, and their token neither revoked nor expired."""
    return [Webhook.from_row(row) for row in db.execute(
        f"select {COLUMNS} from webhooks w {_LIVING_TOKEN}", [now_stored()]).fetchall()]


def any_living(db) -> bool:
    """Whether any write needs its changes looked at (one cheap query on every write)."""
    return db.execute(f"select 1 from webhooks w {_LIVING_TOKEN} limit 1", [now_stored()]).fetchone() is not None


def is_living(db, webhook_id: int) -> bool:
    return db.execute(f"select 1 from webhooks w {_LIVING_TOKEN} and w.id = ?",
                      [now_stored(), webhook_id]).fetchone() is not None


def create(db, data: dict, identity, allow_http_hosts, max_per_token: int) -> tuple[Webhook, str]:
    """Store a webhook for the caller's token; return it and its signing secret (to show once)."""
    check_url(data["url"], allow_http_hosts)
    _check_follows(db, identity, data.get("organizations"), data.get("agreements"))
    kept = db.execute("select count(*) from webhooks where token_id = ?", [identity.token_id]).fetchone()[0]
    if kept >= max_per_token:
        raise ConflictError(f"This token already has {kept} webhooks (at most {max_per_token}); delete one first.")
    secret = "whsec_" + secrets.token_urlsafe(32)
    webhook_id = db["webhooks"].insert({
        "url": data["url"], "secret": secret, "organizations": _stored(data.get("organizations")),
        "agreements": _stored(data.get("agreements")), "include_children": int(data["include_children"]),
        "changes": json.dumps([c for c in CHANGES if c in data["changes"]]), "scope": _stored(identity.organizations),
        "token_id": identity.token_id, "active": int(data.get("active", True)), "created_at": now_stored(),
        "created_by": identity.actor,
    }).last_pk
    webhook = get(db, webhook_id, identity)
    audit.record(db, identity.actor, "webhook", webhook_id, webhook.url, "create", None, webhook.represent())
    return webhook, secret


def update(db, webhook_id: int, changes: dict, identity, allow_http_hosts) -> Webhook:
    """Change what a webhook follows, where it sends, or whether it is active."""
    before = get(db, webhook_id, identity)
    merged = {**before.represent(), **changes}
    check_url(merged["url"], allow_http_hosts)
    _check_follows(db, identity, merged["organizations"], merged["agreements"])
    values = {"url": merged["url"], "organizations": _stored(merged["organizations"]),
              "agreements": _stored(merged["agreements"]), "include_children": int(merged["include_children"]),
              "changes": json.dumps([c for c in CHANGES if c in merged["changes"]]), "active": int(merged["active"])}
    db["webhooks"].update(webhook_id, values)
    after = get(db, webhook_id, identity)
    audit.record(db, identity.actor, "webhook", webhook_id, after.url, "update", before.represent(),
                 after.represent())
    return after


def delete(db, webhook_id: int, identity) -> None:
    """Delete a webhook with its deliveries (pending ones are not sent)."""
    before = get(db, webhook_id, identity)
    db.execute("delete from webhooks where id = ?", [webhook_id])
    audit.record(db, identity.actor, "webhook", webhook_id, before.url, "delete", before.represent(), None)
