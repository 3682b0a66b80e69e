"""`casework keys …`, `casework backup` and `casework restore`."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa

from casework.config import ConfigError, Settings, load_settings
from casework.crypto import keycheck
from casework.crypto.backup import restore_backup, verify_backup, write_backup
from casework.crypto.errors import CryptoError
from casework.crypto.inventory import key_usage, totals_by_key
from casework.crypto.keyring import (
    Keyring,
    load_keyring,
    load_keyring_file,
    new_keyring,
    save_keyring_file,
    with_new_primary,
    without_key,
)
from casework.crypto.rotation import DEFAULT_BATCH, count_to_rotate, rotate, verify_values


def register(cli: click.Group) -> None:
    cli.add_command(keys)
    cli.add_command(backup)
    cli.add_command(restore)


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as error:
        raise click.ClickException(f"Cannot start: {error}") from None


def _app(*, require_database: bool = True):
    """The application, refusing with a clear message when the database is not set up."""
    from casework.cli import build_app

    app = build_app()
    if require_database and not _database_ready(app):
        raise click.ClickException("The database is not set up: run `casework init-db`.")
    return app


def _database_ready(app) -> bool:
    from casework.extensions import db

    with app.app_context():
        try:
            with db.engine.connect() as connection:
                return sa.inspect(connection).has_table("key_checks")
        except sa.exc.OperationalError as error:
            raise click.ClickException(
                f"Database unreachable: {type(error).__name__}") from None


def _record(action: str) -> None:
    """Audit a key or backup operation (ids only) and commit it."""
    from casework import audit
    from casework.extensions import db

    audit.record(action, "keyring", None)
    db.session.commit()


def _refuse_environment_keyring(settings: Settings) -> None:
    if settings.keyring_env:
        raise click.ClickException(
            "The keys come from the CASEWORK_KEYRING environment variable, which this "
            "command cannot change. Run it where the keys live in the key file (unset "
            f"CASEWORK_KEYRING; the file is {settings.keyring_path}), then put the new key "
            "file's content into the secret store that sets CASEWORK_KEYRING."
        )


@click.group()
def keys() -> None:
    """Manage the encryption keys: generate, status, rotate, retire, check."""


@keys.command("generate")
def generate() -> None:
    """Make a new primary key; older keys keep decrypting until rotated and retired."""
    settings = _settings()
    _refuse_environment_keyring(settings)
    path = settings.keyring_path
    try:
        current = load_keyring_file(path) if path.exists() else None
        keyring = with_new_primary(current) if current else new_keyring()
        problems = _database_problems(settings, keyring)
    except CryptoError as error:
        raise click.ClickException(str(error)) from None
    if problems:
        raise click.ClickException("Key file left unchanged: " + "; ".join(problems))
    save_keyring_file(path, keyring)
    app = _app(require_database=False)  # checks the keyring, records the primary's check value
    if _database_ready(app):
        with app.app_context():
            _record("keys_generate")
    else:
        click.echo("The database is not set up yet: run `casework init-db`.")
    click.echo(f"New primary key {keyring.primary_id} written to {path}.")
    if current:
        click.echo("Restart every application process, then run `casework keys rotate`, "
                   f"then `casework keys retire` for {', '.join(current.keys)}.")
    click.echo("Back up the key file now, apart from the database and its backups.")


def _database_problems(settings: Settings, keyring: Keyring) -> list[str]:
    """What the database's check values say about a keyring, before it is written."""
    if settings.is_sqlite and not Path(sa.make_url(settings.database_url).database).exists():
        return []
    engine = sa.create_engine(settings.database_url, hide_parameters=True)
    try:
        with engine.connect() as connection:
            return keycheck.keyring_problems(connection, keyring)
    except sa.exc.OperationalError as error:
        raise click.ClickException(f"Database unreachable: {type(error).__name__}") from None
    finally:
        engine.dispose()


@keys.command("status")
def status() -> None:
    """Show how many stored values each key protects, per column and in total."""
    from casework.extensions import db

    app = _app()
    keyring: Keyring = app.extensions["casework.keyring"]
    with app.app_context():
        usage = key_usage(db.session.connection())
    click.echo(f"Primary key: {keyring.primary_id}")
    for item in usage:
        counts = ", ".join(f"{key}: {n}" for key, n in sorted(item.by_key.items())) or "empty"
        click.echo(f"  {item.place:<44} {item.kind:<6} {counts}")
    totals = totals_by_key(usage)
    click.echo("Values per key:")
    for key_id in sorted(set(keyring.keys) | set(keyring.retired) | set(totals)):
        click.echo(f"  {key_id:<24} {totals.get(key_id, 0):>10}  {_role(keyring, key_id)}")


def _role(keyring: Keyring, key_id: str) -> str:
    if key_id == keyring.primary_id:
        return "primary"
    if key_id in keyring.keys:
        return "older key: rotate, then retire"
    if key_id in keyring.retired:
        return "retired"
    return "MISSING from the keyring"


@keys.command("rotate")
@click.option("--batch-size", default=DEFAULT_BATCH, show_default=True,
              type=click.IntRange(1, 100_000), help="Records per committed batch.")
def rotate_command(batch_size: int) -> None:
    """Seal every value under the primary key and recompute every blind index (resumable)."""
    from casework.extensions import db

    app = _app()
    keyring: Keyring = app.extensions["casework.keyring"]
    with app.app_context():
        with db.engine.connect() as connection:
            total = count_to_rotate(connection, keyring)
        with click.progressbar(length=total, label="Re-encrypting records") as bar:
            try:
                result = rotate(db.engine, keyring, batch_size=batch_size, on_batch=bar.update)
            except CryptoError as error:
                raise click.ClickException(f"Rotation stopped: {error}") from None
        _record("keys_rotate")
    click.echo(f"{result.records} records re-encrypted under key {keyring.primary_id}.")
    if result.skipped:
        click.echo(f"{result.skipped} records changed while rotating: run the command again.")
    else:
        click.echo("Every stored value is under the primary key; `keys status` shows the rest.")


@keys.command("retire")
@click.argument("key_id")
def retire(key_id: str) -> None:
    """Remove an old key once no stored value uses it (its audit key is kept)."""
    from casework.extensions import db

    settings = _settings()
    _refuse_environment_keyring(settings)
    app = _app()
    keyring: Keyring = app.extensions["casework.keyring"]
    with app.app_context():
        in_use = totals_by_key(key_usage(db.session.connection())).get(key_id, 0)
        if in_use:
            raise click.ClickException(
                f"{in_use} stored values still use key {key_id}: run `casework keys rotate`.")
        if _still_written_with(key_id, keyring.primary_id):
            raise click.ClickException(
                f"An application process still writes with key {key_id} as its primary "
                "(recent audit entries use it): restart every process, rotate, then retire.")
        try:
            retired = without_key(keyring, key_id)
        except CryptoError as error:
            raise click.ClickException(str(error)) from None
        save_keyring_file(settings.keyring_path, retired)
        keycheck.mark_retired(db.session.connection(), key_id)
        _record("keys_retire")
    click.echo(f"Key {key_id} retired. Backups made with it can no longer be restored with "
               "this key file: make a fresh backup now, and back up the key file.")


def _still_written_with(old_key_id: str, primary_id: str) -> bool:
    """Whether audit entries under the old key were written after the primary was made."""
    from casework.audit.models import AuditEntry
    from casework.extensions import db

    since = sa.select(keycheck.key_checks.c.created_at).where(
        keycheck.key_checks.c.key_id == primary_id).scalar_subquery()
    return db.session.scalar(sa.select(sa.exists().where(
        AuditEntry.key_id == old_key_id, AuditEntry.at > since)))


@keys.command("check")
@click.option("--deep", is_flag=True, help="Also decrypt every stored value.")
def check_keys(deep: bool) -> None:
    """Check the keyring against the database; with --deep, decrypt every value."""
    from casework.extensions import db

    app = _app()  # refuses missing, unreadable, too open or wrong keys
    keyring: Keyring = app.extensions["casework.keyring"]
    with app.app_context():
        connection = db.session.connection()
        problems = keycheck.keys_fit_database(app)
        unknown = set(totals_by_key(key_usage(connection))) - set(keyring.keys)
        problems += [f"values under key {key} cannot be decrypted: key not in the keyring"
                     for key in sorted(unknown)]
        if deep:
            problems += [f"{p.place} of {p.record_id}: {p.problem}"
                         for p in verify_values(connection, keyring)]
    for problem in problems:
        click.echo(f"PROBLEM: {problem}")
    if problems:
        raise SystemExit(1)
    click.echo("OK: the keyring fits the database" + (" and every value decrypts." if deep
                                                       else "."))


def _schema_revision() -> str | None:
    from alembic.runtime.migration import MigrationContext

    from casework.extensions import db

    heads = MigrationContext.configure(db.session.connection()).get_current_heads()
    return ",".join(heads) or None


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Write an encrypted backup of the whole database to FILE."""
    app = _app()
    settings: Settings = app.extensions["casework.settings"]
    with app.app_context():
        revision = _schema_revision()
        try:
            header = write_backup(settings.database_url, app.extensions["casework.keyring"],
                                  file, revision)
        except (CryptoError, OSError) as error:
            raise click.ClickException(f"Backup failed: {error}") from None
        _record("backup_create")
    click.echo(f"Backup written to {file} (key {header.key_id}). It needs the key file "
               "to restore: keep a copy of the key file, stored apart from the backups.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True,
              help="Restore even while Casework serves this instance: every user is signed "
                   "out and unsaved drafts are lost.")
def restore(file: Path, yes: bool, force: bool) -> None:
    """Replace the database with the backup in FILE, after verifying all of it."""
    settings = _settings()
    _refuse_while_serving(settings, force)
    try:
        keyring = load_keyring(settings.keyring_path, settings.keyring_env)
        header, size = verify_backup(file, keyring)
    except (CryptoError, OSError) as error:
        raise click.ClickException(f"Backup refused, nothing changed: {error}") from None
    click.echo(f"Backup verified: {header.kind}, made {header.created_at}, {size} bytes.")
    if not yes:
        click.confirm("Replace the current database with this backup?", abort=True)
        _refuse_while_serving(settings, force)  # a server may have started meanwhile
    try:
        restore_backup(settings.database_url, keyring, file)
    except (CryptoError, OSError) as error:
        raise click.ClickException(f"Restore failed: {error}") from None
    from casework.cli import upgrade_database

    app = _app()  # the restored database's check values must fit the keyring
    upgrade_database(app)  # a backup made before the latest migration is brought up to it
    with app.app_context():
        _reanchor_audit_chain(app, header)
    click.echo("Database restored. Run `casework keys check --deep` to decrypt every value.")


def _refuse_while_serving(settings: Settings, force: bool) -> None:
    """Refuse while application processes serve this instance, naming each, unless forced."""
    from casework.instance_lock import running_servers

    servers = running_servers(settings.instance_path)
    if not servers:
        return
    listed = "\n  ".join(server.describe() for server in servers)
    if force:
        click.echo(f"WARNING: restoring while Casework serves this instance (--force):\n"
                   f"  {listed}\nTheir users are signed out and lose unsaved drafts.",
                   err=True)
        return
    raise click.ClickException(
        f"Casework is serving this instance; nothing changed:\n  {listed}\n"
        "Stop every application process first (a restore signs every user out and loses "
        "unsaved drafts), or pass --force.")


def _reanchor_audit_chain(app, header) -> None:
    """Audit the restore and re-anchor the chain's head kept outside the database on it."""
    from casework.audit.head import ChainHead, head_path, write_head
    from casework.audit.service import record_restore
    from casework.extensions import db

    report, entry = record_restore(app.extensions["casework.keyring"],
                                   backup_made_at=header.created_at, backup_kind=header.kind,
                                   backup_key_id=header.key_id)
    db.session.commit()
    if not report.ok:
        raise click.ClickException(
            f"Database restored, but the backup's audit chain is BROKEN at entry "
            f"{report.first_broken_seq}: {report.problem}. The chain was not re-anchored; "
            "`casework audit verify` keeps reporting it. Investigate before serving.")
    write_head(head_path(app.extensions["casework.settings"].instance_path),
               ChainHead(entry.seq, entry.mac))
    click.echo(f"Audit chain verified ({report.checked} entries) and re-anchored at entry "
               f"{entry.seq}: restored from the backup made at {header.created_at}.")
