"""Personal feed links: named, scoped to organizations, revocable, stored hashed, use recorded at most hourly.

An owner is "user:<id>" (a signed-in editor) or "token:<id>" (an API token). A link shows the
public and internal events of its organizations, as far as its owner may still see them: a
revoked or expired token, a disabled editor, or a token that lost an organization narrows or
closes every link it made. The URL carries "<id>-<secret>"; only the secret's SHA-256 is kept.
"""

import hashlib
import hmac
import json
import secrets

from ..clock import now_stored
from ..errors import NotFoundError
from . import audit, tokens

ENTITY = "feed_link"


def _hash(secret: str) -> str:
    # 256 random bits: a fast hash is enough, as for API tokens.
    return hashlib.sha256(secret.encode()).hexdigest()


def _represent(db, row: dict) -> dict:
    ids = json.loads(row["organizations"])
    slugs = dict(db.execute(f"select id, slug from organizations where id in ({','.join('?' * len(ids))})",
                            ids).fetchall()) if ids else {}
    return {"id": row["id"], "name": row["name"], "organizations": sorted(slugs[i] for i in ids if i in slugs),
            "created_at": row["created_at"], "revoked_at": row["revoked_at"], "last_used_at": row["last_used_at"]}


def create(db, owner: str, name: str, organization_ids: list[int], actor: str) -> tuple[dict, str]:
    """Store a link (the caller holds the transaction) and return (its record, the '<id>-<secret>' for its URL)."""
    secret = secrets.token_urlsafe(32)
    link_id = audit.unused_id(db, "personal_feed_links", ENTITY)
    db["personal_feed_links"].insert({
        "id": link_id, "owner": owner, "name": name, "organizations": json.dumps(sorted(set(organization_ids))),
        "secret_hash": _hash(secret), "created_at": now_stored()})
    record = get(db, owner, link_id)
    audit.record(db, actor, ENTITY, link_id, name, "create", None, record)
    return record, f"{link_id}-{secret}"


def get(db, owner: str, link_id: int) -> dict:
    """One of the owner's links; another owner's is a 404 like a missing one."""
    rows = list(db.query("select * from personal_feed_links where id = ? and owner = ?", [link_id, owner]))
    if not rows:
        raise NotFoundError(f"No feed link with id {link_id}.")
    return _represent(db, rows[0])


def list_links(db, owner: str) -> list[dict]:
    """The owner's links, newest first, revoked ones included (never their secrets)."""
    return [_represent(db, row) for row in
            db.query("select * from personal_feed_links where owner = ? order by id desc", [owner])]


def revoke(db, owner: str, link_id: int, actor: str) -> dict:
    """Revoke a link at once (audited); revoking it again changes nothing."""
    before = get(db, owner, link_id)
    if before["revoked_at"] is None:
        db.execute("update personal_feed_links set revoked_at = ? where id = ?", [now_stored(), link_id])
        after = get(db, owner, link_id)
        audit.record(db, actor, ENTITY, link_id, before["name"], "revoke", before, after)
        return after
    return before


def resolve(db, presented: str) -> tuple[dict, list[int], bool | set[int]] | None:
    """(link, the organization ids it shows now, what its owner may see) for a live link; None otherwise.

    Records its use at most hourly (tokens.use_due), in its own short transaction.
    """
    link_id, _, secret = presented.partition("-")
    if not (link_id.isascii() and link_id.isdigit()) or int(link_id) > 2**63 - 1 or not secret:
        return None
    rows = list(db.query("select * from personal_feed_links where id = ?", [int(link_id)]))
    if not rows or not hmac.compare_digest(rows[0]["secret_hash"], _hash(secret)) or rows[0]["revoked_at"]:
        return None
    row = rows[0]
    allowed = owner_organizations(db, row["owner"])
    if allowed is False:
        return None
    ids = json.loads(row["organizations"])
    if allowed is not True:
        ids = [i for i in ids if i in allowed]
    now = now_stored()
    if tokens.use_due(row["last_used_at"], now):
        tokens.record_use(db, "personal_feed_links", row["id"], now)
    return row, ids, allowed


def owner_organizations(db, owner: str) -> bool | set[int]:
    """Which organizations the owner may see now: all (True), none (False: gone, revoked, disabled) or these ids."""
    kind, _, key = owner.partition(":")
    if kind == "user":
        found = db.execute("select disabled_at from users where id = ?", [int(key)]).fetchone()
        return found is not None and found[0] is None
    found = db.execute("select organizations, revoked_at, expires_at from api_tokens where id = ?",
                       [int(key)]).fetchone()
    if found is None or found[1] or (found[2] and found[2] <= now_stored()):
        return False
    if found[0] is None:
        return True
    slugs = json.loads(found[0])
    return {row[0] for row in db.execute(
        f"select id from organizations where slug in ({','.join('?' * len(slugs))})", slugs).fetchall()} \
        if slugs else set()
