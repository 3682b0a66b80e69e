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
import threading
import time

import pytest

from bench.live import casework_command
from casework.audit import verify_chain
from casework.crypto import reveal
from casework.extensions import db
from casework.intake.models import Call
from tests import factories
from tests.hardening.conftest import loop_count
from tests.hardening.live import LiveInstance, casework, instance_app, start_server
from tests.hardening.writers import Acknowledged, CallWriter
from tests.support import databases

pytestmark = pytest.mark.slow

KILLS = loop_count("CRASH_KILLS", 4)
OPERATORS = 3


class Operators:
    """Operators logging calls against one server until stopped."""

    def __init__(self, base_url: str, usernames: list[str]):
        self.stop = threading.Event()
        self.writers = [CallWriter(base_url, name, self.stop) for name in usernames]
        for writer in self.writers:
            writer.start()

    def acknowledged(self) -> list[Acknowledged]:
        return [ack for writer in self.writers for ack in list(writer.report.acknowledged)]

    def finish(self) -> list[Acknowledged]:
        self.stop.set()
        for writer in self.writers:
            writer.join(timeout=60)
        return self.acknowledged()

    @property
    def cut_off(self) -> int:
        """How many operators had a request in flight when the server died."""
        return sum(writer.report.cut_off for writer in self.writers)


def make_operators(app, count: int) -> list[str]:
    with app.app_context():
        names = [factories.make_user("operator").username for _ in range(count)]
        db.session.commit()
    return names


def missing_or_wrong(app, acknowledged: list[Acknowledged]) -> list[str]:
    """Acknowledged calls that are absent or do not decrypt to what was typed."""
    problems = []
    with app.app_context():
        for ack in acknowledged:
            call = db.session.get(Call, ack.call_id)
            if call is None:
                problems.append(f"{ack.call_id} missing")
                continue
            texts = (reveal(call, "narrative"), reveal(call, "caller_name"),
                     reveal(call.survivor, "name"), reveal(call.survivor, "address"))
            if not all(ack.marker in text for text in texts):
                problems.append(f"{ack.call_id} does not hold {ack.marker}")
        db.session.rollback()
    return problems


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
        logged, interrupted = one_crash(instance, usernames, rounds.uniform(1.0, 3.0))
        acknowledged += logged
        cut_off += interrupted
        assert integrity_problems(instance, app) == [], f"after kill {kill + 1}"
        assert missing_or_wrong(app, acknowledged) == [], f"after kill {kill + 1}"
    assert acknowledged and cut_off, "the kills must land while calls are being logged"
    print(f"\ncrash safety: {KILLS} kills survived, {cut_off} requests cut off, "
          f"{len(acknowledged)} acknowledged calls, 0 lost")


def test_a_rotation_killed_while_calls_arrive_resumes_and_loses_nothing(crash_instance):
    instance, app = crash_instance
    usernames = make_operators(app, OPERATORS)
    with app.app_context():
        earlier = [factories.make_call(factories.make_user("operator")) for _ in range(20)]
        db.session.commit()
        earlier_ids = [call.id for call in earlier]
    casework(instance.env, "keys", "generate")
    server = start_server(instance.env, instance.directory / "serve.log", threads=4)
    try:
        operators = Operators(server.base_url, usernames)
        kills = _kill_rotations(instance, times=3)
        acknowledged = operators.finish()
    finally:
        server.stop()
    assert kills >= 1, "no rotation was killed part-way"
    _rotate_until_done(instance)
    rotated_app = instance_app(instance.env)  # with the new key file
    assert missing_or_wrong(rotated_app, acknowledged) == []
    check = casework(instance.env, "keys", "check", "--deep", check=False)
    assert check.returncode == 0, check.stdout
    assert _values_under_old_keys(instance) == 0
    with rotated_app.app_context():
        assert all(db.session.get(Call, call_id) for call_id in earlier_ids)
        db.engine.dispose()


def _kill_rotations(instance: LiveInstance, times: int) -> int:
    """Start `keys rotate` and SIGKILL it soon after, `times` times; how many died mid-way."""
    killed = 0
    for attempt in range(times):
        process = subprocess.Popen(
            [*casework_command(), "keys", "rotate", "--batch-size", "2"],
            env={**os.environ, **instance.env}, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        time.sleep(1.0 + 0.5 * attempt)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait()
    return killed


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
        time.sleep(1.5)
        before = operators.acknowledged()
        backup = casework(instance.env, "backup", str(tmp_path / "during.backup"), check=False)
        during = operators.finish()
    finally:
        server.stop()
    assert backup.returncode == 0, backup.stderr
    assert before and len(during) > len(before), "calls must arrive while the backup runs"
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
