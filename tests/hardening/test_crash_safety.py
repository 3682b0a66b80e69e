"""Kill the production server with SIGKILL while operators log calls, again and again.

After every kill the database must pass its integrity check, the audit chain must verify,
and every call the server acknowledged must be there and decrypt to what was typed. Key
rotation is killed part-way while calls keep arriving, then resumed; a backup taken while
calls arrive restores into an empty database and verifies.

CASEWORK_CRASH_KILLS sets how many times the server is killed (default 4).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time

import pytest
import sqlalchemy as sa

from bench.live import casework_command
from casework.audit import verify_chain
from casework.extensions import db
from casework.intake.models import Call
from tests import factories
from tests.crypto.populate import populate
from tests.hardening.conftest import loop_count
from tests.hardening.live import LiveInstance, casework, instance_app, start_server
from tests.hardening.writers import Acknowledged, Operators, missing_or_wrong
from tests.support import databases

pytestmark = pytest.mark.slow

KILLS = loop_count("CRASH_KILLS", 4)
OPERATORS = 3
ROTATION_KILLS = 3
ROTATION_BATCH = 50
BULK_SURVIVORS = 3000  # sixty batches: each kill lands part-way


def make_operators(app, count: int) -> list[str]:
    with app.app_context():
        names = [factories.make_user("operator").username for _ in range(count)]
        db.session.commit()
    return names


def integrity_problems(instance: LiveInstance, app) -> list[str]:
    """SQLite's own checks of the file, and the audit chain."""
    problems = []
    if instance.is_sqlite:
        with sqlite3.connect(instance.database_file) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                problems.append(f"integrity_check: {result[:5]}")
            if connection.execute("PRAGMA foreign_key_check").fetchall():
                problems.append("foreign_key_check found orphans")
    with app.app_context():
        report = verify_chain(app.extensions["casework.keyring"])
        if not report.ok:
            problems.append(f"audit chain broken at {report.first_broken_seq}: {report.problem}")
        db.session.rollback()
    return problems


def one_crash(instance: LiveInstance, usernames: list[str], seconds: float):
    """Serve, let operators log calls, SIGKILL the server mid-stream."""
    server = start_server(instance.env, instance.directory / "serve.log", threads=4)
    operators = Operators(server.base_url, usernames)
    operators.wait_for_calls(1)
    time.sleep(seconds)
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    return operators.finish(), operators.cut_off


@pytest.fixture
def crash_instance(tmp_path, keyring):
    with databases.scratch_database(tmp_path) as url:
        env = databases.make_instance(tmp_path / "instance", url, keyring)
        casework(env, "init-db")
        instance = LiveInstance(env, tmp_path)
        app = instance_app(env)
        yield instance, app
        with app.app_context():
            db.engine.dispose()


def test_killed_servers_lose_no_acknowledged_call(crash_instance):
    instance, app = crash_instance
    usernames = make_operators(app, OPERATORS)
    rounds = random.Random(7)
    acknowledged: list[Acknowledged] = []
    cut_off = 0
    for kill in range(KILLS):
        logged, interrupted = one_crash(instance, usernames, rounds.uniform(0.1, 2.0))
        acknowledged += logged
        cut_off += interrupted
        assert integrity_problems(instance, app) == [], f"after kill {kill + 1}"
        assert missing_or_wrong(app, acknowledged) == [], f"after kill {kill + 1}"
    assert cut_off >= KILLS, "every kill must cut operators off"
    print(f"\ncrash safety: {KILLS} kills survived, {cut_off} operators cut off, "
          f"{len(acknowledged)} acknowledged calls, 0 lost")


def test_a_rotation_killed_while_calls_arrive_resumes_and_loses_nothing(crash_instance):
    instance, app = crash_instance
    usernames = make_operators(app, OPERATORS)
    populate(instance.env, survivors=BULK_SURVIVORS)
    with app.app_context():
        operator = factories.make_user("operator")
        earlier_ids = [factories.make_call(operator).id for _ in range(10)]
        db.session.commit()
    casework(instance.env, "keys", "generate")
    server = start_server(instance.env, instance.directory / "serve.log", threads=4)
    try:
        operators = Operators(server.base_url, usernames)
        operators.wait_for_calls(1)
        for _kill in range(ROTATION_KILLS):
            _kill_rotation_part_way(instance)
        acknowledged = operators.finish()
    finally:
        server.stop()
    _rotate_until_done(instance)
    rotated_app = instance_app(instance.env)  # with the new key file
    assert missing_or_wrong(rotated_app, acknowledged) == []
    check = casework(instance.env, "keys", "check", "--deep", check=False)
    assert check.returncode == 0, check.stdout
    assert _values_under_old_keys(instance) == 0
    with rotated_app.app_context():
        assert all(db.session.get(Call, call_id) for call_id in earlier_ids)
        db.engine.dispose()


def _kill_rotation_part_way(instance: LiveInstance) -> None:
    """Start `keys rotate` and SIGKILL it as soon as it has committed one more batch."""
    from casework.crypto.keyring import load_keyring_file

    key_path = instance.directory / "instance" / "keys" / "keyring.json"
    prefix = f"v1:{load_keyring_file(key_path).primary_id}:%"
    engine = sa.create_engine(instance.database_url)

    def rotated() -> int:
        with engine.connect() as connection:
            return connection.scalar(sa.text(
                "SELECT count(*) FROM survivors WHERE name LIKE :prefix"), {"prefix": prefix})

    before = rotated()
    process = subprocess.Popen(
        [*casework_command(), "keys", "rotate", "--batch-size", str(ROTATION_BATCH)],
        env={**os.environ, **instance.env}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while rotated() == before:
            assert process.poll() is None, "the rotation ended before committing a batch"
            assert time.monotonic() < deadline, "the rotation committed nothing"
        assert process.poll() is None, "the rotation finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
        engine.dispose()


def _rotate_until_done(instance: LiveInstance) -> None:
    for _attempt in range(5):
        result = casework(instance.env, "keys", "rotate")
        if "run the command again" not in result.stdout:
            return
    raise AssertionError("rotation never finished")


def _values_under_old_keys(instance: LiveInstance) -> int:
    status = casework(instance.env, "keys", "status").stdout
    lines = status.split("Values per key:")[1].strip().splitlines()
    return sum(int(line.split()[1]) for line in lines if "older key" in line)


def test_a_backup_taken_while_calls_arrive_restores_and_verifies(crash_instance, tmp_path,
                                                                 keyring):
    instance, app = crash_instance
    usernames = make_operators(app, OPERATORS)
    server = start_server(instance.env, instance.directory / "serve.log", threads=4)
    try:
        operators = Operators(server.base_url, usernames)
        operators.wait_for_calls(1)
        before = operators.acknowledged()
        backup = casework(instance.env, "backup", str(tmp_path / "during.backup"), check=False)
        operators.wait_for_calls(1)  # still arriving after the backup: they never stopped
        operators.finish()
    finally:
        server.stop()
    assert backup.returncode == 0, backup.stderr
    (tmp_path / "restored").mkdir()
    with databases.scratch_database(tmp_path / "restored") as url:
        target = databases.make_instance(tmp_path / "restored" / "instance", url, keyring)
        restored = casework(target, "restore", "--yes", str(tmp_path / "during.backup"),
                            check=False)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        for command in (("keys", "check", "--deep"), ("audit", "verify")):
            result = casework(target, *command, check=False)
            assert result.returncode == 0, result.stdout + result.stderr
        restored_app = instance_app(target)
        assert missing_or_wrong(restored_app, before) == []
        with restored_app.app_context():
            db.engine.dispose()
