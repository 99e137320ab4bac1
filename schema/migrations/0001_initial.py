"""The first schema: organizations, agreements and their parties, events, access and audit."""


def migrate(db):
    """Create every table with its constraints, indexes and search index."""
    db["organizations"].create(
        {
            "id": int, "slug": str, "name": str, "short_name": str, "kind": str,
            "parent_id": int, "website": str, "feed_token": str, "search_text": str,
            "created_at": str, "updated_at": str,
        },
        pk="id",
        not_null=["slug", "name", "kind", "feed_token", "search_text", "created_at", "updated_at"],
        foreign_keys=[("parent_id", "organizations", "id")],
    )
    db["organizations"].create_index(["slug"], unique=True)
    db["organizations"].create_index(["feed_token"], unique=True)
    db["organizations"].create_index(["parent_id"])

    db["agreements"].create(
        {
            "id": int, "slug": str, "title": str, "kind": str, "summary": str,
            "signed_on": str, "valid_from": str, "valid_until": str, "parent_id": int,
            "review_every_months": int, "source_url": str, "search_text": str,
            "created_at": str, "updated_at": str,
        },
        pk="id",
        not_null=["slug", "title", "kind", "search_text", "created_at", "updated_at"],
        foreign_keys=[("parent_id", "agreements", "id")],
    )
    db["agreements"].create_index(["slug"], unique=True)
    db["agreements"].create_index(["valid_until"])

    db["agreement_parties"].create(
        {
            "agreement_id": int, "organization_id": int, "role": str,
            "signatory_name": str, "signatory_title": str, "position": int,
        },
        pk=("agreement_id", "organization_id"),
        not_null=["role", "position"],
        foreign_keys=[
            ("agreement_id", "agreements", "id"),
            ("organization_id", "organizations", "id"),
        ],
    )
    db["agreement_parties"].create_index(["organization_id"])

    db["events"].create(
        {
            "id": int, "uid": str, "title": str, "kind": str, "agreement_id": int,
            "description": str, "location": str, "url": str, "status": str,
            "visibility": str, "sequence": int, "all_day": int,
            "starts_at": str, "ends_at": str, "timezone": str,
            "start_date": str, "end_date": str, "rrule": str, "exdates": str,
            "range_start": str, "range_end": str, "search_text": str,
            "created_at": str, "updated_at": str, "cancelled_at": str,
        },
        pk="id",
        not_null=[
            "uid", "title", "kind", "status", "visibility", "sequence", "all_day",
            "timezone", "exdates", "range_start", "search_text", "created_at", "updated_at",
        ],
        defaults={"sequence": 0, "all_day": 0, "exdates": "[]"},
        foreign_keys=[("agreement_id", "agreements", "id")],
    )
    db["events"].create_index(["uid"], unique=True)
    db["events"].create_index(["agreement_id"])
    db["events"].create_index(["range_start"])
    db["events"].create_index(["range_end"])

    db["event_organizations"].create(
        {"event_id": int, "organization_id": int},
        pk=("event_id", "organization_id"),
        foreign_keys=[("event_id", "events", "id"), ("organization_id", "organizations", "id")],
    )
    db["event_organizations"].create_index(["organization_id"])

    db["occurrence_overrides"].create(
        {
            "event_id": int, "recurrence_id": str, "status": str, "starts_at": str,
            "ends_at": str, "start_date": str, "end_date": str, "title": str,
            "location": str, "description": str, "sequence": int, "updated_at": str,
        },
        pk=("event_id", "recurrence_id"),
        not_null=["status", "sequence", "updated_at"],
        foreign_keys=[("event_id", "events", "id")],
    )

    for table in ("organizations", "agreements", "events"):
        db[table].enable_fts(["search_text"], tokenize="unicode61 remove_diacritics 2", create_triggers=True)

    db["api_tokens"].create(
        {
            "id": int, "name": str, "secret_hash": str, "scope": str, "organizations": str,
            "created_at": str, "expires_at": str, "revoked_at": str, "last_used_at": str,
        },
        pk="id",
        not_null=["name", "secret_hash", "scope", "created_at"],
    )
    db["users"].create(
        {"id": int, "username": str, "password_hash": str, "display_name": str, "created_at": str},
        pk="id",
        not_null=["username", "password_hash", "created_at"],
    )
    db["users"].create_index(["username"], unique=True)

    db["audit_log"].create(
        {
            "id": int, "at": str, "actor": str, "entity": str, "entity_id": int,
            "entity_key": str, "action": str, "changes": str,
        },
        pk="id",
        not_null=["at", "actor", "entity", "entity_id", "action", "changes"],
    )
    db["audit_log"].create_index(["entity", "entity_id"])

    # One row per feed scope ("all", "organization:<id>", "agreement:<id>", "event:<id>"),
    # bumped in the same transaction as the write that changes what the feed would contain.
    db["feed_versions"].create({"scope": str, "version": int, "changed_at": str}, pk="scope",
                               not_null=["version", "changed_at"])
