"""Key lifecycle through the real commands: generate, rotate (also after kill -9), retire."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from casework.audit import verify_chain
from casework.cli import cli
from casework.config import KEYRING_DIR, KEYRING_FILE
from casework.crypto import find_by_blind_index, reveal
from casework.crypto.keyring import load_keyring_file
from casework.extensions import db
from casework.people.models import Survivor
from tests.crypto.populate import count_under_key, instance_app, populate, survivor_phone

USERS, SURVIVORS, BATCH = 12_000, 300, 1_000


def run(env, *args):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def keyring_of(env):
    return load_keyring_file(Path(env["CASEWORK_INSTANCE"]) / KEYRING_DIR / KEYRING_FILE)


@pytest.fixture
def instance(fresh_instance):
    assert run(fresh_instance, "init-db").exit_code == 0
    return fresh_instance


def _status_totals(env) -> dict[str, int]:
    output = run(env, "keys", "status").output
    lines = output.split("Values per key:\n")[1].splitlines()
    return {line.split()[0]: int(line.split()[1]) for line in lines}


def test_rotate_moves_every_value_and_index_to_the_new_primary(instance, keyring):
    populate(instance, users=50, survivors=40)
    old = keyring.primary_id
    assert run(instance, "keys", "generate").exit_code == 0
    new = keyring_of(instance).primary_id
    assert _status_totals(instance)[old] == 50 + 40 * 5  # survivors: 3 fields, 2 indexes
    result = run(instance, "keys", "rotate", "--batch-size", "7")
    assert result.exit_code == 0 and "90 records re-encrypted" in result.output
    assert _status_totals(instance) == {old: 0, new: 50 + 40 * 5}
    again = run(instance, "keys", "rotate")
    assert "0 records re-encrypted" in again.output  # idempotent


def test_retire_refuses_while_values_use_the_key_then_succeeds(instance, keyring):
    populate(instance, users=5, survivors=5)
    old = keyring.primary_id
    run(instance, "keys", "generate")
    refused = run(instance, "keys", "retire", old)
    assert refused.exit_code != 0 and "still use key" in refused.output
    assert old in keyring_of(instance).keys
    run(instance, "keys", "rotate")
    retired = run(instance, "keys", "retire", old)
    assert retired.exit_code == 0, retired.output
    assert old not in keyring_of(instance).keys and old in keyring_of(instance).retired
    assert run(instance, "keys", "check", "--deep").exit_code == 0


def test_the_primary_key_cannot_be_retired(instance, keyring):
    result = run(instance, "keys", "retire", keyring.primary_id)
    assert result.exit_code != 0 and "primary key cannot be retired" in result.output


def test_the_audit_chain_still_verifies_after_its_key_is_retired(instance, keyring):
    populate(instance, users=3)
    run(instance, "keys", "generate")
    run(instance, "keys", "rotate")
    run(instance, "keys", "retire", keyring.primary_id)
    app = instance_app(instance)
    with app.app_context():
        report = verify_chain(app.extensions["casework.keyring"])
        db.engine.dispose()
    assert report.ok and report.checked >= 3


def test_commands_that_rewrite_the_key_file_refuse_keys_from_the_environment(instance, keyring):
    env = {**instance, "CASEWORK_KEYRING": keyring.to_json()}
    for command in (["keys", "generate"], ["keys", "retire", "kwhatever"]):
        result = run(env, *command)
        assert result.exit_code != 0 and "CASEWORK_KEYRING" in result.output
    assert keyring_of(instance).primary_id == keyring.primary_id


def test_generate_refuses_to_replace_a_lost_key_file(instance, keyring):
    key_file = Path(instance["CASEWORK_INSTANCE"]) / KEYRING_DIR / KEYRING_FILE
    key_file.unlink()
    result = run(instance, "keys", "generate")
    assert result.exit_code != 0 and "missing from the keyring" in result.output
    assert not key_file.exists()


def test_the_key_file_stays_private_and_valid_json(instance):
    run(instance, "keys", "generate")
    key_file = Path(instance["CASEWORK_INSTANCE"]) / KEYRING_DIR / KEYRING_FILE
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert len(json.loads(key_file.read_text())["keys"]) == 2


def _start_rotation(env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from casework.cli import main; main()",
         "keys", "rotate", "--batch-size", str(BATCH)],
        env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def _kill_after_first_commit(process, env, new_key) -> None:
    """SIGKILL the rotation as soon as one batch of users is committed: mid-way, mid-batch."""
    deadline = time.monotonic() + 120
    while count_under_key(env, "users", "totp_secret", new_key) == 0:
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "rotation never committed a batch"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def test_a_rotation_killed_part_way_loses_nothing_and_resumes(instance, keyring):
    populate(instance, users=USERS, survivors=SURVIVORS)
    old = keyring.primary_id
    run(instance, "keys", "generate")
    new = keyring_of(instance).primary_id
    process = _start_rotation(instance)
    _kill_after_first_commit(process, instance, new)
    assert process.returncode == -signal.SIGKILL

    rotated = count_under_key(instance, "users", "totp_secret", new)
    assert 0 < rotated < USERS, "the kill should land part-way through"
    assert rotated % BATCH == 0, "a batch is committed whole or not at all"
    assert count_under_key(instance, "users", "totp_secret", old) == USERS - rotated
    assert run(instance, "keys", "check", "--deep").exit_code == 0  # everything decrypts

    resumed = _start_rotation(instance)
    assert resumed.wait(timeout=300) == 0, resumed.stderr.read().decode()
    assert _status_totals(instance)[old] == 0
    assert run(instance, "keys", "retire", old).exit_code == 0
    assert run(instance, "keys", "check", "--deep").exit_code == 0
    _every_survivor_is_found_with_the_new_key_alone(instance)


def _every_survivor_is_found_with_the_new_key_alone(env) -> None:
    app = instance_app(env)
    with app.app_context():
        for number in (0, SURVIVORS // 2, SURVIVORS - 1):
            found = find_by_blind_index(Survivor, "phone", survivor_phone(number))
            assert [reveal(s, "name") for s in found] == [f"Nguyễn Thị Hoa {number}"]
        db.engine.dispose()


def test_a_record_edited_during_its_batch_is_left_for_the_next_run(instance, keyring):
    """Rotation never overwrites an edit made between its read and its write."""
    import sqlalchemy as sa
    from sqlalchemy import event

    from casework.accounts.models import User
    from casework.crypto.fields import Sealed, seal_value
    from casework.crypto.rotation import rotate

    populate(instance, users=3)
    run(instance, "keys", "generate")
    app = instance_app(instance)
    users = User.__table__
    with app.app_context():
        victim = db.session.scalars(sa.select(User).order_by(User.id)).first()
        victim_id = victim.id
        edited = Sealed(seal_value(victim, "totp_secret", "EDITED", keyring))
        db.session.rollback()
        edits = []

        @event.listens_for(db.engine, "before_execute")
        def _edit_first(connection, statement, *_args):
            if isinstance(statement, sa.Update) and not edits:
                edits.append(victim_id)  # someone saves the record just before the write
                connection.execute(users.update().where(users.c.id == victim_id)
                                   .values(totp_secret=edited))

        result = rotate(db.engine, app.extensions["casework.keyring"], batch_size=10)
        event.remove(db.engine, "before_execute", _edit_first)
        db.session.expire_all()
        assert (result.records, result.skipped) == (3, 1)
        assert reveal(db.session.get(User, victim_id), "totp_secret") == "EDITED"
        db.session.rollback()
        again = rotate(db.engine, app.extensions["casework.keyring"])
        assert (again.records, again.skipped) == (1, 0)
        db.session.expire_all()
        assert reveal(db.session.get(User, victim_id), "totp_secret") == "EDITED"
        db.session.rollback()
        db.engine.dispose()


def test_key_commands_on_a_database_not_set_up_say_to_run_init_db(fresh_instance, tmp_path):
    for command in (["keys", "status"], ["keys", "rotate"], ["keys", "check"],
                    ["keys", "retire", "kold"], ["backup", str(tmp_path / "b.backup")]):
        result = run(fresh_instance, *command)
        assert result.exit_code != 0 and "run `casework init-db`" in result.output, command
    generated = run(fresh_instance, "keys", "generate")
    assert generated.exit_code == 0 and "run `casework init-db`" in generated.output
    assert len(keyring_of(fresh_instance).keys) == 2


def test_records_sharing_a_number_in_one_batch_each_get_its_new_index(instance, keyring):
    app = instance_app(instance)
    with app.app_context():
        db.session.add_all(Survivor(name=f"Lò Thị Mai {n}", phone=phone)
                           for n, phone in enumerate(["0912 345 678", "+84912345678",
                                                      "0912 345 678", "0987 654 321"]))
        db.session.commit()
        db.engine.dispose()
    old = keyring.primary_id
    assert run(instance, "keys", "generate").exit_code == 0
    assert run(instance, "keys", "rotate").exit_code == 0
    assert run(instance, "keys", "retire", old).exit_code == 0
    with instance_app(instance).app_context():  # the new keyring alone
        found = find_by_blind_index(Survivor, "phone", "091 234 5678")
        assert sorted(reveal(s, "name") for s in found) == [f"Lò Thị Mai {n}" for n in range(3)]
        assert [reveal(s, "name") for s in find_by_blind_index(Survivor, "phone", "0987654321")
                ] == ["Lò Thị Mai 3"]
        db.engine.dispose()
