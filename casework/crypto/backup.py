"""Encrypted backups of the whole database, and restores that verify before replacing.

SQLite: SQLite's online backup API copies a consistent snapshot of the live database (never
a copy of the file being written) into a temporary file beside it, which is encrypted into
the backup and removed. Restore decrypts and verifies the whole backup into a temporary
file beside the database, checks its integrity, then copies it into the database with the
same backup API: one write transaction, so readers see the old database or the restored one
and the WAL stays consistent. The temporary files sit in the database's own folder, which
already holds the same data.

PostgreSQL: `pg_dump` (plain SQL, no owners or privileges) is streamed straight into the
encrypted file. Restore verifies the whole file, then streams it through `psql` in a single
transaction that first drops and recreates the `public` schema: the database afterwards
holds exactly the backup, or, if anything fails, exactly what it held before.

Stop the application (every worker) before restoring.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa

from casework.crypto.backup_format import (
    CHUNK_SIZE,
    BackupError,
    BackupHeader,
    BackupWriter,
    decrypt_chunks,
    read_header,
)
from casework.crypto.keyring import Keyring
from casework.storage import create_private_file

PG_RESET = b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"


@contextmanager
def _private_temporary(directory: Path, label: str) -> Iterator[Path]:
    """A new empty file readable only by the owner, removed (with SQLite's companions) after."""
    path = directory / f".casework-{label}-{secrets.token_hex(6)}.db"
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield path
    finally:
        for leftover in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal",
                                                                         "-shm"))):
            leftover.unlink(missing_ok=True)


@contextmanager
def _atomic_output(target: Path) -> Iterator[BinaryIO]:
    """Write a new file under a temporary name and move it into place only when complete."""
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def database_kind(database_url: str) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


def sqlite_path(database_url: str) -> Path:
    return Path(sa.make_url(database_url).database)


def write_backup(database_url: str, keyring: Keyring, target: Path,
                 schema_revision: str | None = None) -> BackupHeader:
    """Back the database up into `target`, encrypted with the primary key's backup key."""
    kind = database_kind(database_url)
    with _atomic_output(target) as out:
        writer = BackupWriter(out, keyring, kind, schema_revision)
        if kind == "sqlite":
            _sqlite_snapshot(sqlite_path(database_url), writer)
        else:
            _pg_dump(database_url, writer)
        writer.finish()
    return writer.header


def _sqlite_snapshot(database: Path, writer: BackupWriter) -> None:
    if not database.exists():
        raise BackupError(f"no database at {database}")
    with _private_temporary(database.parent, "backup") as copy:
        source, destination = sqlite3.connect(database), sqlite3.connect(copy)
        try:
            source.backup(destination)
        finally:
            source.close()
            destination.close()
        with copy.open("rb") as snapshot:
            while chunk := snapshot.read(CHUNK_SIZE):
                writer.write(chunk)


def verify_backup(source: Path, keyring: Keyring) -> tuple[BackupHeader, int]:
    """Read a whole backup through, checking every chunk; returns its header and size."""
    with source.open("rb") as handle:
        header, _ = read_header(handle)
        handle.seek(0)
        size = sum(len(chunk) for chunk in decrypt_chunks(handle, keyring))
    return header, size


def restore_backup(database_url: str, keyring: Keyring, source: Path) -> BackupHeader:
    """Replace the database with a verified backup; nothing changes if any check fails."""
    header, _ = verify_backup(source, keyring)
    kind = database_kind(database_url)
    if header.kind != kind:
        raise BackupError(f"this is a {header.kind} backup; the database is {kind}")
    if kind == "sqlite":
        _restore_sqlite(sqlite_path(database_url), keyring, source)
    else:
        _restore_postgresql(database_url, keyring, source)
    return header


def _restore_sqlite(database: Path, keyring: Keyring, source: Path) -> None:
    database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _private_temporary(database.parent, "restore") as copy:
        with source.open("rb") as handle, copy.open("wb") as out:
            for chunk in decrypt_chunks(handle, keyring):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        restored = sqlite3.connect(copy)
        try:
            _check_integrity(restored)
            create_private_file(database)  # sqlite3 would create a missing one 0644
            live = sqlite3.connect(database, timeout=15)
            try:
                restored.backup(live)
            finally:
                live.close()
        finally:
            restored.close()


def _check_integrity(restored: sqlite3.Connection) -> None:
    try:
        verdict = restored.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"the backup does not hold a usable SQLite database: {error}") from None
    if verdict != ("ok",):
        raise BackupError("the backup's database fails SQLite's integrity check")


def _libpq(database_url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it.

    The password goes through PGPASSWORD so it never shows in the process list.
    """
    url = sa.make_url(database_url)
    parts = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database,
             **{key: value for key, value in url.query.items() if isinstance(value, str)}}
    quoted = (
        "{}='{}'".format(key, str(value).replace("\\", "\\\\").replace("'", "\\'"))
        for key, value in parts.items() if value is not None
    )
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    return " ".join(quoted), env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} not found: install the PostgreSQL client (postgresql-client)")
    return path


def _pg_dump(database_url: str, writer: BackupWriter) -> None:
    conninfo, env = _libpq(database_url)
    command = [_pg_tool("pg_dump"), "--format=plain", "--no-owner", "--no-privileges",
               "--clean", "--if-exists", "--dbname", conninfo]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env) as dump:
        while chunk := dump.stdout.read(CHUNK_SIZE):
            writer.write(chunk)
        error = dump.stderr.read().decode(errors="replace").strip()
    if dump.returncode != 0:
        raise BackupError(f"pg_dump failed: {error[-500:]}")


def _restore_postgresql(database_url: str, keyring: Keyring, source: Path) -> None:
    conninfo, env = _libpq(database_url)
    command = [_pg_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction",
               "--set", "ON_ERROR_STOP=1", "--file", "-", "--dbname", conninfo]
    env["PGOPTIONS"] = "-c client_min_messages=warning"  # no NOTICE per dropped table
    psql = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env)
    try:
        psql.stdin.write(PG_RESET)
        with source.open("rb") as handle:
            for chunk in decrypt_chunks(handle, keyring):
                psql.stdin.write(chunk)
        psql.stdin.close()
    except BrokenPipeError:
        pass  # psql stopped at an error and rolled back; its message is read below
    except BaseException:
        # Killed before it reads the end of its input, psql never commits: nothing changed.
        psql.kill()
        psql.wait()
        raise
    error = psql.stderr.read().decode(errors="replace").strip()
    if psql.wait() != 0:
        raise BackupError(f"restore failed, the database is unchanged: {error[-500:]}")
