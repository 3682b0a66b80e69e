"""A restore re-anchors the audit chain: verify passes after it and still catches tampering."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from casework.audit.models import AuditEntry, BackupRestore
from casework.cli import cli
from casework.extensions import db
from tests.audit.chain_copies import execute, instance_app, record_events, unguarded_copy

BEFORE_BACKUP = 4


def run(env: dict, *args: str, database_url: str | None = None):
    overrides = {"CASEWORK_DATABASE_URL": database_url} if database_url else {}
    return CliRunner().invoke(cli, list(args), env={**env, **overrides})


@pytest.fixture
def restored(fresh_instance, tmp_path):
    """An instance verified, backed up, grown and verified again, then restored."""
    env = fresh_instance
    record_events(instance_app(env), BEFORE_BACKUP)
    assert run(env, "audit", "verify").exit_code == 0
    backup = tmp_path / "casework.backup"
    assert run(env, "backup", str(backup)).exit_code == 0  # its own entry is not in it
    record_events(instance_app(env), 3)
    assert run(env, "audit", "verify").exit_code == 0  # the kept head is now past the backup
    result = run(env, "restore", "--yes", str(backup))
    assert result.exit_code == 0, result.output
    return env, result.output


def test_verify_passes_after_a_restore_made_from_an_older_backup(restored):
    env, output = restored
    restore_seq = BEFORE_BACKUP + 1
    assert f"re-anchored at entry {restore_seq}: restored from the backup made at" in output
    result = run(env, "audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"OK: {restore_seq} audit entries verified" in result.output
    assert "Last restore: from the backup made at" in result.output


def test_the_restore_is_an_audited_entry_naming_when_the_backup_was_made(restored):
    env, output = restored
    app = instance_app(env)
    with app.app_context():
        entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        restore = db.session.get(BackupRestore, entry.object_id)
        assert (entry.action, entry.object_type) == ("backup_restore", "backup_restore")
        assert restore.restored_head_seq == BEFORE_BACKUP
        assert f"made at {restore.backup_made_at}" in output
        db.engine.dispose()


def test_entries_cut_after_a_restore_are_still_noticed(restored):
    env, _ = restored
    record_events(instance_app(env), 2)
    assert run(env, "audit", "verify").exit_code == 0  # the head moves past the restore
    with unguarded_copy(env["CASEWORK_DATABASE_URL"]) as copy_url:
        execute(copy_url, f"DELETE FROM audit_entries WHERE seq > {BEFORE_BACKUP + 1}")
        result = run(env, "audit", "verify", database_url=copy_url)
    assert result.exit_code == 1, result.output
    assert f"BROKEN at entry {BEFORE_BACKUP + 2}: entries removed from the end" in result.output


@pytest.mark.parametrize("statement", [
    f"UPDATE audit_entries SET action = 'sign_in' WHERE seq = {BEFORE_BACKUP + 1}",
    f"DELETE FROM audit_entries WHERE seq = {BEFORE_BACKUP + 1}",
])
def test_the_restore_entry_itself_cannot_be_altered_or_removed_unnoticed(restored, statement):
    env, _ = restored
    with unguarded_copy(env["CASEWORK_DATABASE_URL"]) as copy_url:
        execute(copy_url, statement)
        result = run(env, "audit", "verify", database_url=copy_url)
    assert result.exit_code == 1, result.output
    assert f"BROKEN at entry {BEFORE_BACKUP + 1}:" in result.output
