"""Personal feed links: each editor's and API token holder's own named, scoped, revocable feed URLs."""


def migrate(db):
    """Create personal_feed_links; the secret is stored only as its SHA-256 (the URL is shown once)."""
    db["personal_feed_links"].create({
        "id": int, "owner": str, "name": str, "organizations": str, "secret_hash": str,
        "created_at": str, "revoked_at": str, "last_used_at": str,
    }, pk="id", not_null=["owner", "name", "organizations", "secret_hash", "created_at"])
    db["personal_feed_links"].create_index(["owner"])
