"""Every `flask --app calendar_app` command is registered here: database, demo data, tokens, accounts, feeds."""

from contextlib import contextmanager

import click
from flask import current_app
from flask.cli import with_appcontext

from .backup import backup_command
from .db import get_db, init_db_command, write_transaction
from .errors import ApiError
from .importer import import_ics_command
from .progress import progress
from .publish import publish_feeds_command
from .replication import restore_command, run_with_replica_command
from .webhooks.delivery import webhooks_group
from .repositories import feed_rows, feed_versions, occurrence_index, tokens, users


@contextmanager
def _refusals_as_messages():
    """Show a refused change (unknown slug, taken name) as a one-line error, not a traceback."""
    try:
        yield
    except ApiError as error:
        details = "; ".join(str(m) for messages in (error.errors or {}).values()
                            for m in (messages if isinstance(messages, list) else [messages]))
        raise click.ClickException(details or error.message) from error


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only load into a database that holds no organization yet.")
def seed_demo_command(if_empty):
    """Load the demo data from the two source articles (idempotent)."""
    from .demo import seed

    db = get_db()
    if if_empty and db["organizations"].count:
        click.echo("The database already holds data; demo data not loaded.")
        return
    created = seed(db)
    click.echo(f"Demo data ready ({created} records created).")


def _token_name(_ctx, _param, value: str) -> str:
    """Check a token name with the API's own rule: `list-tokens` prints it raw to a terminal."""
    from marshmallow import ValidationError

    from .schemas.access import TokenInSchema
    try:
        return TokenInSchema(only=("name",)).load({"name": value})["name"]
    except ValidationError as error:
        raise click.BadParameter(" ".join(error.messages_dict.get("name", []))) from error


@click.command("create-token")
@with_appcontext
@click.argument("name", callback=_token_name)
@click.option("--scope", type=click.Choice(tokens.SCOPES), default="write", show_default=True)
@click.option("--organization", "organizations", multiple=True, help="Limit to this organization (repeatable).")
@click.option("--expires-in-days", type=click.IntRange(1, 3650), default=365, show_default=True)
def create_token_command(name, scope, organizations, expires_in_days):
    """Create an API token and print it once (only its hash is stored)."""
    db = get_db()
    with _refusals_as_messages(), write_transaction(db):
        if organizations:
            from .repositories.organizations import ids_for_slugs
            ids_for_slugs(db, list(organizations), "organizations")
        record, secret = tokens.create(db, name, scope, list(organizations) or None, expires_in_days,
                                       actor="cli")
    click.echo(secret)
    click.echo(f"(token #{record['id']} '{name}', scope {scope}, expires {record['expires_at']})", err=True)


@click.command("list-tokens")
@with_appcontext
def list_tokens_command():
    """List API tokens without their secrets."""
    for token in tokens.list_tokens(get_db()):
        state = "revoked" if token["revoked_at"] else f"expires {token['expires_at'] or 'never'}"
        limited = token["organizations"]
        scope = "all organizations" if limited is None else ",".join(limited) or "no organization"
        click.echo(f"#{token['id']}\t{token['name']}\t{token['scope']}\t{scope}\t{state}")


@click.command("revoke-token")
@with_appcontext
@click.argument("token_id", type=int)
def revoke_token_command(token_id):
    """Revoke an API token at once."""
    db = get_db()
    with _refusals_as_messages(), write_transaction(db):
        tokens.revoke(db, token_id, actor="cli")
    click.echo(f"Token #{token_id} revoked.")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--display-name", default=None)
@click.password_option()
def create_user_command(username, display_name, password):
    """Create an editor account for the web pages (a password of PASSWORD_MIN_LENGTH characters at least)."""
    db = get_db()
    with _refusals_as_messages(), write_transaction(db):
        users.create(db, username, password, display_name, current_app.config["PASSWORD_MIN_LENGTH"])
    click.echo(f"User '{username}' created.")


@click.command("list-users")
@with_appcontext
def list_users_command():
    """List editor accounts (never their password hashes)."""
    for user in users.list_users(get_db()):
        state = f"disabled {user['disabled_at']}" if user["disabled_at"] else "active"
        click.echo(f"#{user['id']}\t{user['username']}\t{user['display_name']}\t{state}")


@click.command("set-password")
@with_appcontext
@click.argument("username")
@click.password_option()
def set_password_command(username, password):
    """Give an editor a new password; every session signed in with the old one ends."""
    db = get_db()
    with _refusals_as_messages(), write_transaction(db):
        users.set_password(db, username, password, current_app.config["PASSWORD_MIN_LENGTH"])
    click.echo(f"Password of '{username}' changed; their sessions are ended.")


@click.command("disable-user")
@with_appcontext
@click.argument("username")
def disable_user_command(username):
    """Refuse an editor's sign-ins from now on and end their sessions."""
    db = get_db()
    with _refusals_as_messages(), write_transaction(db):
        users.disable(db, username)
    click.echo(f"User '{username}' disabled; their sessions are ended.")


@click.command("rebuild-occurrences")
@with_appcontext
def rebuild_occurrences_command():
    """Index every event's occurrences again, e.g. after a tzdata update changed a zone's rules."""
    db = get_db()
    events = db.execute("select count(*) from events").fetchone()[0]
    with write_transaction(db), feed_versions.changing(db, occurrence_index=True), \
            progress("Indexing events", events) as bar:
        count = occurrence_index.rebuild(db, bar.update)
        feed_rows.prune_cached(db)  # stored VEVENT bytes hold the same expansions: serialise them again
    click.echo(f"Occurrence index rebuilt ({count} rows).")


def init_app(app) -> None:
    """Register the commands on `flask --app calendar_app`."""
    for command in (init_db_command, seed_demo_command, create_token_command, list_tokens_command,
                    revoke_token_command, create_user_command, list_users_command, set_password_command,
                    disable_user_command, backup_command, publish_feeds_command, rebuild_occurrences_command,
                    import_ics_command, webhooks_group, restore_command,
                    run_with_replica_command):
        app.cli.add_command(command)
