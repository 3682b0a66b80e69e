"""Database faults: users get the translated 503 page, the log names the cause once.

Each test builds an app of its own on a database of its own, then breaks that database for
real: a write lock held by another connection (SQLite), a full file system (SQLite, on a
small tmpfs), a relay to PostgreSQL that is cut and restored, backends terminated as a
server restart does. The machine's PostgreSQL server itself is never stopped.
"""

from __future__ import annotations

import logging
import sqlite3
import subprocess
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

import casework.db
import casework.web.errors
from casework import create_app
from casework.checks import configuration_problems
from casework.extensions import db
from casework.faults import OutageLog, database_fault
from tests import factories
from tests.factories import PASSWORD
from tests.support import databases
from tests.support.databases import settings_for
from tests.support.relay import Relay

UNAVAILABLE_VI = "Dịch vụ tạm thời gián đoạn"
DRAFT_KEPT_VI = "Bản nháp của bạn vẫn được giữ"
sqlite_only = pytest.mark.skipif(databases.postgres_url() is not None, reason="SQLite faults")
postgresql_only = pytest.mark.skipif(databases.postgres_url() is None,
                                     reason="needs CASEWORK_TEST_DATABASE_URL (PostgreSQL)")


@pytest.fixture(autouse=True)
def no_outage_yet(monkeypatch):
    """Each test starts with no outage on record, whatever ran before it in this process."""
    monkeypatch.setattr(casework.web.errors, "outages", OutageLog())


@contextmanager
def own_app(tmp_path, database_url: str, keyring):
    """An app on its own migrated database with one operator; yields (app, username)."""
    app = create_app(settings_for(tmp_path / "instance", database_url, keyring))
    databases.migrate(app)
    with app.app_context():
        username = factories.make_user("operator").username
        db.session.commit()
    try:
        yield app, username
    finally:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()


def sign_in(client, username: str):
    return client.post("/login", data={"username": username, "password": PASSWORD})


class CaseworkLog(logging.Handler):
    """What the "casework" logger writes (migrations reconfigure the root logger, so
    pytest's caplog would miss it)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)


@contextmanager
def capture_log():
    handler, logger = CaseworkLog(), logging.getLogger("casework")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def casework_lines(log, start: str) -> list[logging.LogRecord]:
    return [record for record in log.records
            if record.name == "casework" and record.getMessage().startswith(start)]


def assert_unavailable_page(response) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 503, page[:300]
    assert UNAVAILABLE_VI in page and DRAFT_KEPT_VI in page
    assert response.headers["Retry-After"]


def assert_logged_once(log, cause: str, username: str) -> None:
    failures = casework_lines(log, "database unavailable")
    recoveries = casework_lines(log, "database available again")
    assert len(failures) == 1, [record.getMessage() for record in failures]
    assert cause in failures[0].getMessage()
    assert len(recoveries) == 1
    everything = [record for record in log.records if record.name == "casework"]
    assert all(record.exc_info is None for record in everything), "a traceback was logged"
    assert not any(username in record.getMessage() for record in everything)


@sqlite_only
def test_a_locked_sqlite_database_answers_503_and_is_named_once(tmp_path, keyring,
                                                                monkeypatch):
    # Wait 0.1 s rather than 15 s for the lock, so each refused request is quick.
    pragmas = [p for p in casework.db.SQLITE_PRAGMAS if "busy_timeout" not in p]
    monkeypatch.setattr(casework.db, "SQLITE_PRAGMAS", (*pragmas, "PRAGMA busy_timeout=100"))
    database = tmp_path / "casework.db"
    with own_app(tmp_path, f"sqlite:///{database}", keyring) as (app, username):
        client = app.test_client()
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        with capture_log() as log:
            refused = [sign_in(client, username) for _ in range(3)]
            with app.app_context():
                problems = configuration_problems(app)
            holder.execute("ROLLBACK")
            holder.close()
            signed_in = sign_in(client, username)
        for response in refused:
            assert_unavailable_page(response)
        assert signed_in.status_code == 302
        assert any(problem.startswith("database unusable: database locked")
                   for problem in problems), problems
        assert_logged_once(log, "database locked", username)


@postgresql_only
def test_postgresql_going_away_answers_503_without_the_database(tmp_path, keyring):
    with databases.scratch_database(tmp_path) as url:
        upstream = sa.make_url(url)
        relay = Relay((upstream.host or "127.0.0.1", upstream.port or 5432)).start()
        through_relay = upstream.set(host="127.0.0.1", port=relay.port)
        try:
            with own_app(tmp_path, through_relay.render_as_string(hide_password=False),
                         keyring) as (app, username):
                client = app.test_client()
                assert sign_in(client, username).status_code == 302
                assert client.get("/home").status_code == 200
                with capture_log() as log:
                    relay.cut()
                    # Signed in: the page would need the user from the database.
                    refused = [client.get("/home") for _ in range(3)]
                    # A form refused before the user is loaded still gets its page.
                    app.config["WTF_CSRF_ENABLED"] = True
                    expired_form = client.post("/language", data={"language": "en"})
                    app.config["WTF_CSRF_ENABLED"] = False
                    relay.start()
                    back = client.get("/home")
                for response in refused:
                    assert_unavailable_page(response)
                assert expired_form.status_code == 400
                assert "Biểu mẫu đã hết hạn" in expired_form.get_data(as_text=True)
                assert back.status_code == 200
                assert_logged_once(log, "PostgreSQL", username)
        finally:
            relay.cut()


@postgresql_only
def test_connections_closed_by_a_postgresql_restart_are_replaced_before_use(tmp_path,
                                                                            keyring):
    with databases.scratch_database(tmp_path) as url:
        with own_app(tmp_path, url, keyring) as (app, username):
            client = app.test_client()
            assert sign_in(client, username).status_code == 302
            assert client.get("/home").status_code == 200
            admin = sa.create_engine(databases.postgres_url(), isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                ended = connection.execute(sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"),
                    {"name": sa.make_url(url).database}).scalar()
            admin.dispose()
            assert ended >= 1
            assert [client.get("/home").status_code for _ in range(3)] == [200, 200, 200]


def test_a_full_sqlite_database_is_named_disk_full(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'full.db'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE filler (data BLOB)")
    with pytest.raises(sa.exc.OperationalError) as failure:
        with engine.begin() as connection:
            pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
            connection.exec_driver_sql(f"PRAGMA max_page_count={pages}")
            connection.exec_driver_sql("INSERT INTO filler VALUES (zeroblob(100000))")
    engine.dispose()
    fault = database_fault(failure.value)
    assert fault is not None and fault.cause == "disk_full"
    assert "disk full" in str(fault) and "SQLITE_FULL" in str(fault)


@pytest.fixture
def small_disk(tmp_path):
    """A 16 MB tmpfs of the test's own (mounting needs root: the test skips otherwise)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs",
                              str(mount_point)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


def fill(disk) -> None:
    """Write a file until the file system has no space left."""
    chunk = b"\0" * 65536
    with open(disk / "filler", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(chunk)
        except OSError:
            pass


@sqlite_only
def test_a_full_disk_answers_503_and_is_named_in_the_log_and_by_check(small_disk, tmp_path,
                                                                      keyring):
    database = small_disk / "casework.db"
    with own_app(tmp_path, f"sqlite:///{database}", keyring) as (app, username):
        with sqlite3.connect(database) as connection:  # an empty WAL must grow to take a write
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        client = app.test_client()
        fill(small_disk)
        with capture_log() as log:
            refused = [sign_in(client, username) for _ in range(2)]
            with app.app_context():
                problems = configuration_problems(app)
            (small_disk / "filler").unlink()
            signed_in = sign_in(client, username)
        for response in refused:
            assert_unavailable_page(response)
        assert signed_in.status_code == 302
        assert any(problem.startswith("disk full:") for problem in problems), problems
        assert_logged_once(log, "disk full", username)


@sqlite_only
def test_check_names_a_read_only_file_system(small_disk, tmp_path, keyring):
    database = small_disk / "casework.db"
    with own_app(tmp_path, f"sqlite:///{database}", keyring) as (app, _username):
        with app.app_context():
            db.engine.dispose()  # a file system with files open for writing stays writable
        subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
        with app.app_context():
            problems = configuration_problems(app)
        assert any(problem.startswith("read-only file system:") for problem in problems)
