"""The instance's files are its owner's alone: the keys folder and the SQLite files.

Tests run as root, which passes every permission check, but the mode bits are what another
account on the machine would meet, and those are checked here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework import create_app
from casework.extensions import db
from tests.support import databases
from tests.support.databases import settings_for
from tests.support.servers import run_casework

sqlite_only = pytest.mark.skipif(databases.postgres_url() is not None,
                                 reason="the SQLite files")


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_keys_folder_open_to_other_users_is_refused_with_the_command_to_run(fresh_instance):
    keys = Path(fresh_instance["CASEWORK_INSTANCE"]) / "keys"
    assert mode_of(keys) == 0o700
    keys.chmod(0o755)
    result = run_casework("check", env=fresh_instance)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"keys folder {keys} is open to other users (mode 755); run: chmod 700 {keys}" \
        in output
    assert "Traceback" not in output


@sqlite_only
def test_the_sqlite_database_and_its_wal_and_shared_memory_are_created_private(tmp_path,
                                                                               keyring):
    database = tmp_path / "data" / "casework.db"
    previous = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        app = create_app(settings_for(tmp_path / "instance", f"sqlite:///{database}", keyring))
        with app.app_context():
            db.session.execute(sa.text("CREATE TABLE scratch (value TEXT)"))
            db.session.execute(sa.text("INSERT INTO scratch VALUES ('x')"))
            db.session.commit()
            files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
            modes = {path.name: mode_of(path) for path in files}
            db.engine.dispose()
    finally:
        os.umask(previous)
    assert modes == {"casework.db": 0o600, "casework.db-wal": 0o600, "casework.db-shm": 0o600}


@sqlite_only
def test_check_names_database_files_open_to_other_users(fresh_instance):
    assert run_casework("init-db", env=fresh_instance).returncode == 0
    database = Path(fresh_instance["CASEWORK_DATABASE_URL"].removeprefix("sqlite:///"))
    database.chmod(0o644)
    result = run_casework("check", env=fresh_instance)
    assert result.returncode != 0
    assert (f"PROBLEM: {database} is open to other users (mode 644); run: chmod 600 "
            f"{database}") in result.stdout


def test_a_restore_into_a_missing_sqlite_database_creates_it_private(tmp_path, keyring):
    import sqlite3

    from casework.crypto.backup import restore_backup, write_backup

    source = tmp_path / "source.db"
    with sqlite3.connect(source) as connection:
        connection.execute("CREATE TABLE scratch (value TEXT)")
    connection.close()
    write_backup(f"sqlite:///{source}", keyring, tmp_path / "scratch.backup")
    restored = tmp_path / "restored" / "casework.db"
    previous = os.umask(0o022)
    try:
        restore_backup(f"sqlite:///{restored}", keyring, tmp_path / "scratch.backup")
    finally:
        os.umask(previous)
    assert mode_of(restored) == 0o600
