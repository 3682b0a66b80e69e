"""The application refuses to start, naming the problem, when its keys are not in order."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework import create_app
from casework.cli import cli
from casework.config import KEYRING_DIR, KEYRING_FILE
from casework.crypto import KeyringError
from casework.crypto.keyring import (
    MasterKey,
    new_keyring,
    save_keyring_file,
    with_new_primary,
)
from casework.crypto.models import KeyCheck
from casework.extensions import db


def _settings(env: dict) -> dict:
    """Settings that read the keyring from the instance's key file, as production does."""
    return {"instance_path": env["CASEWORK_INSTANCE"],
            "database_url": env["CASEWORK_DATABASE_URL"]}


def _key_file(env: dict) -> Path:
    return Path(env["CASEWORK_INSTANCE"]) / KEYRING_DIR / KEYRING_FILE


@pytest.fixture
def migrated(fresh_instance):
    """A fresh instance whose database was set up with `casework init-db`."""
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["init-db"], env=fresh_instance)
    assert result.exit_code == 0, result.output
    return fresh_instance


def _check_rows(env) -> dict[str, str | None]:
    app = create_app(_settings(env))
    with app.app_context():
        rows = {row.key_id: row.retired_at for row in db.session.scalars(sa.select(KeyCheck))}
        db.engine.dispose()
    return rows


def _refusal(env) -> str:
    with pytest.raises(KeyringError) as refused:
        create_app(_settings(env))
    return str(refused.value)


def test_init_db_records_the_primary_keys_check_value(migrated, keyring):
    assert list(_check_rows(migrated)) == [keyring.primary_id]


def test_a_missing_key_file_is_refused(migrated):
    _key_file(migrated).unlink()
    message = _refusal(migrated)
    assert "no key file" in message and "casework keys generate" in message


def test_a_key_file_readable_by_others_is_refused(migrated):
    _key_file(migrated).chmod(0o644)
    assert "too open (mode 644)" in _refusal(migrated)


def test_a_key_file_that_cannot_be_read_is_refused(migrated):
    path = _key_file(migrated)
    path.unlink()
    path.mkdir(mode=0o700)
    assert "cannot be read" in _refusal(migrated)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file whatever its mode")
def test_a_key_file_without_read_permission_is_refused(migrated):
    _key_file(migrated).chmod(0o200)
    assert "not readable by this user" in _refusal(migrated)


def test_a_different_key_under_the_same_id_is_refused(migrated, keyring):
    impostor = MasterKey(keyring.primary_id, os.urandom(32))
    save_keyring_file(_key_file(migrated), dataclasses.replace(
        keyring, keys={keyring.primary_id: impostor}))
    message = _refusal(migrated)
    assert f"key {keyring.primary_id}" in message and "does not decrypt" in message


def test_a_keyring_without_a_key_the_database_uses_is_refused(migrated, keyring):
    save_keyring_file(_key_file(migrated), new_keyring())
    assert f"key {keyring.primary_id} protects data" in _refusal(migrated)


def test_a_new_primary_records_its_own_check_value_on_first_start(migrated, keyring):
    rotated = with_new_primary(keyring)
    save_keyring_file(_key_file(migrated), rotated)
    assert set(_check_rows(migrated)) == {keyring.primary_id, rotated.primary_id}


def test_a_database_not_yet_migrated_does_not_stop_the_start(fresh_instance):
    app = create_app(_settings(fresh_instance))
    with app.app_context():
        assert not sa.inspect(db.engine).has_table("key_checks")
        db.engine.dispose()


def test_the_cli_names_the_problem_and_exits_non_zero(migrated):
    from click.testing import CliRunner

    _key_file(migrated).chmod(0o640)
    result = CliRunner().invoke(cli, ["check"], env=migrated)
    assert result.exit_code != 0
    assert "Cannot start" in result.output and "too open" in result.output


def test_casework_check_passes_with_the_right_keys(migrated):
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["check"], env=migrated)
    assert "Cannot start" not in result.output
    # The test instance serves without HTTPS, which `check` rightly names; keys are fine.
    assert [line for line in result.output.splitlines() if "key" in line.lower()] == []


def test_casework_check_names_a_primary_without_check_value(migrated, keyring):
    from casework.crypto.keycheck import keys_fit_database

    app = create_app(_settings(migrated))
    with app.app_context():
        db.session.execute(sa.delete(KeyCheck))
        db.session.commit()
        problems = keys_fit_database(app)
        db.engine.dispose()
    assert problems and "has no check value" in problems[0]
