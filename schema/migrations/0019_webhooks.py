"""Webhooks: the receivers, the outbox of deliveries (written with the change) and each attempt."""


def migrate(db):
    """Three tables; deliveries and attempts go with their webhook."""
    db.execute("""create table webhooks (
        id integer primary key,
        url text not null,
        secret text not null,              -- the HMAC key: needed in clear to sign, shown to its owner once
        organizations text,                -- JSON slugs followed; null with agreements null = every event
        agreements text,                   -- JSON slugs followed
        include_children integer not null default 0,
        changes text not null,             -- JSON subset of created/updated/cancelled/deleted
        scope text,                        -- JSON slugs of the creating token's organizations; null = all
        token_id integer references api_tokens(id),  -- the webhook lives while this token does
        active integer not null default 1,
        created_at text not null,
        created_by text not null)""")
    db.execute("""create table webhook_deliveries (
        id integer primary key,
        webhook_id integer not null references webhooks(id) on delete cascade,
        delivery_key text not null unique, -- sent as X-Calendar-Delivery: receivers drop repeats by it
        change text not null,
        event_id integer not null,
        body text not null,                -- the exact bytes signed and sent, fixed at commit time
        created_at text not null,
        state text not null default 'pending' check (state in ('pending', 'delivered', 'failed')),
        attempts integer not null default 0,
        next_attempt_at text not null,
        leased_until text,                 -- a worker sending it now; after this another may retry
        finished_at text,
        last_status integer,
        last_error text)""")
    db.execute("create index webhook_deliveries_due on webhook_deliveries (state, next_attempt_at)")
    db.execute("create index webhook_deliveries_of_webhook on webhook_deliveries (webhook_id, id)")
    db.execute("""create table webhook_attempts (
        id integer primary key,
        delivery_id integer not null references webhook_deliveries(id) on delete cascade,
        at text not null,
        status integer,
        error text,
        duration_ms integer not null)""")
    db.execute("create index webhook_attempts_of_delivery on webhook_attempts (delivery_id, id)")
