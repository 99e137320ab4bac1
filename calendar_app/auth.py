"""Who is asking: API bearer tokens and signed-in editors, and the guards for writes."""

from dataclasses import dataclass

from flask import g, request, session

from .db import get_db
from .errors import ApiError, Forbidden
from .repositories import events, tokens, users


BEARER_ONLY = "/api/"  # where only 'Authorization: Bearer' identifies a caller
AUTHENTICATION_REQUIRED = "Authentication required: send 'Authorization: Bearer <token>'."


class Unauthorized(ApiError):
    status = 401


@dataclass(frozen=True)
class Identity:
    """An authenticated caller; organizations=None means every organization."""

    actor: str
    scope: str
    organizations: tuple[str, ...] | None = None
    token_id: int | None = None  # the API token's id (None for an editor's session): webhooks live as long as it
    owner: str | None = None  # "token:<id>" or "user:<id>": whose personal feed links are whose (feed_links.py)

    @property
    def can_write(self) -> bool:
        return self.scope == "write"


def current_identity() -> Identity | None:
    """Resolve the caller once per request: a bearer token first, then (outside the API) the editor's session."""
    if "identity" not in g:
        g.identity = _resolve_identity()
    return g.identity


def _resolve_identity() -> Identity | None:
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthorized("Use 'Authorization: Bearer <token>'.")
        token = tokens.verify(get_db(), value.strip())
        if token is None:
            raise Unauthorized("The token is unknown, expired or revoked.")
        # `is not None`: a stored empty list is a token for no organization, never one for all.
        organizations = tuple(token["organizations"]) if token["organizations"] is not None else None
        return Identity(f"token:{token['name']}", token["scope"], organizations, token["id"], f"token:{token['id']}")
    if request.path.startswith(BEARER_ONLY):
        # A cross-site form can make a browser send the session cookie, never this header: the
        # API would otherwise take forged writes (its paths carry no CSRF token).
        return None
    user = users.for_session(get_db(), session.get("user_id"), session.get("session_version"))
    return Identity(f"user:{user['username']}", "write", owner=f"user:{user['id']}") if user else None


def is_authenticated() -> bool:
    """Whether the caller is anyone at all (a token or a signed-in editor)."""
    return current_identity() is not None


def readable_internal() -> bool | tuple[str, ...]:
    """Which internal events the caller may read: all (True), none (False) or those involving these organizations.

    Least privilege: a token limited to some organizations reads only their internal events,
    whatever its scope. The value is hashable, so caches of answers can key on it.
    """
    identity = current_identity()
    if identity is None:
        return False
    return True if identity.organizations is None else identity.organizations


def may_read(db, event: dict) -> bool:
    """Whether the caller may read this event (its representation, with organization and agreement slugs)."""
    if event["visibility"] == "public":
        return True
    internal = readable_internal()
    if isinstance(internal, bool):
        return internal
    return bool(set(internal) & events.involved_organizations(db, event))


def require_unrestricted(identity: Identity) -> Identity:
    """Refuse what only an identity for every organization may see or do: tokens and the audit trail."""
    if identity.organizations is not None:
        raise Forbidden("Only a token for all organizations (or a signed-in editor) may do this.")
    return identity


def require_identity() -> Identity:
    """Refuse a caller who is nobody (401): reads of what only identified callers have."""
    identity = current_identity()
    if identity is None:
        raise Unauthorized(AUTHENTICATION_REQUIRED)
    return identity


def require_write() -> Identity:
    """Refuse writes without a valid write-scoped identity (401) or with a read-only one (403)."""
    identity = require_identity()
    if not identity.can_write:
        raise Forbidden("This token is read-only.")
    return identity


def require_organizations(identity: Identity, slugs) -> None:
    """Refuse a write touching organizations outside a token's named few."""
    if identity.organizations is None:
        return
    outside = sorted(set(slugs) - set(identity.organizations))
    if outside:
        raise Forbidden("This token may not change data of: " + ", ".join(outside) + ".")


def require_involvement(identity: Identity, slugs) -> None:
    """Refuse a limited token an event unless every organization it involves is the token's, and one at least.

    An event that involves nobody belongs to no organization's scope, so only an unrestricted
    identity may create or change it.
    """
    if identity.organizations is None:
        return
    if not slugs:
        raise Forbidden("This token may only change events that involve one of its organizations: "
                        + ", ".join(identity.organizations) + ".")
    require_organizations(identity, slugs)
