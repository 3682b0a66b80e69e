"""Leak scan: markers in every encrypted field must never appear where an attacker could look.

Every table with encrypted columns (found from the models) gets unique markers through its
writer in `tests/security/markers.py`; then the raw database file and its WAL (SQLite), a
backup file and the plaintext it decrypts to (the database image, or the pg_dump output on
PostgreSQL), and everything the application and the commands logged are searched for each
marker and its normalised forms, in UTF-8, UTF-16 LE/BE and hex. On PostgreSQL the server's
own data files are not reachable from here; the dump is what a stolen backup reveals.
"""

from __future__ import annotations

import contextlib
import io
import logging
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner

from casework.cli import cli
from casework.crypto import unseal
from casework.crypto.backup_format import decrypt_chunks
from casework.crypto.inventory import encrypted_tables
from casework.extensions import db
from tests.crypto.populate import instance_app
from tests.security.markers import MARKER_WRITERS, Marks, World
from tests.support import databases


def encodings(needle: str) -> dict[str, bytes]:
    """Every way a text could sit in a file: UTF-8, UTF-16 in both orders, hex of UTF-8."""
    utf8 = needle.encode("utf-8")
    return {"utf-8": utf8, "utf-16-le": needle.encode("utf-16-le"),
            "utf-16-be": needle.encode("utf-16-be"), "hex": utf8.hex().encode(),
            "HEX": utf8.hex().upper().encode()}


def scan(haystacks: dict[str, bytes], marks: Marks) -> list[tuple[str, str, str]]:
    """(haystack, needle, encoding) of every marker found."""
    return [
        (place, needle, encoding)
        for needles in marks.needles.values()
        for needle in needles
        for encoding, pattern in encodings(needle).items()
        for place, data in haystacks.items()
        if pattern in data
    ]


def test_the_scanner_finds_a_marker_in_every_encoding():
    marks = Marks()
    marker = marks.text("control")
    for encoding, pattern in encodings(marker).items():
        assert scan({"file": b"\x00prefix" + pattern + b"suffix"}, marks), encoding
    assert scan({"file": b"...." + marks.phone().replace(" ", "").encode()}, marks)


def test_every_table_with_encrypted_columns_has_a_marker_writer():
    missing = sorted({spec.name for spec in encrypted_tables()} - set(MARKER_WRITERS))
    assert missing == [], f"add a marker writer to tests/security/markers.py for {missing}"


class LogCapture(logging.Handler):
    """Everything logged, by any logger, at any level, formatted as the app would."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.stream = io.StringIO()
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record):
        self.stream.write(self.format(record) + "\n")


@contextlib.contextmanager
def capturing_logs():
    """Capture every log record, SQL statements included, from every logger."""
    handler, root = LogCapture(), logging.getLogger()
    engine_log = logging.getLogger("sqlalchemy.engine")
    levels = (root.level, engine_log.level)
    # Alembic's fileConfig (run by init-db) disables the loggers that existed before it.
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.disabled = False
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    engine_log.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(levels[0])
        engine_log.setLevel(levels[1])


def _write_markers(app) -> Marks:
    marks, world = Marks(), World()
    with app.app_context():
        for table in sorted(MARKER_WRITERS):
            MARKER_WRITERS[table](marks, world)
        db.session.commit()
    return marks


def _stored_plaintexts(app) -> dict[str, list[str]]:
    """Every encrypted column's decrypted values: proof the markers are really stored."""
    found = {}
    with app.app_context():
        keyring = app.extensions["casework.keyring"]
        for spec in encrypted_tables():
            for field in spec.fields:
                rows = db.session.execute(sa.select(spec.id, field).where(field.is_not(None)))
                found[f"{spec.name}.{field.name}"] = [
                    unseal(keyring, value, table=spec.name, column=field.name, record_id=rid)
                    for rid, value in rows]
    return found


def _assert_every_field_holds_a_marker(app, marks: Marks) -> None:
    plaintexts = _stored_plaintexts(app)
    empty = sorted(place for place, values in plaintexts.items() if not values)
    assert empty == [], f"marker writers left these encrypted fields empty: {empty}"
    unmarked = sorted(place for place, values in plaintexts.items()
                      if not any(marker in value for value in values for marker in marks.needles))
    assert unmarked == [], f"these fields hold no marker: {unmarked}"


def _database_files(url: str) -> dict[str, bytes]:
    if not url.startswith("sqlite"):
        return {}
    path = Path(sa.make_url(url).database)
    files = {}
    for suffix in ("", "-wal"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            files[f"database file{suffix}"] = candidate.read_bytes()
    return files


def _checkpoint(url: str) -> None:
    """Move everything from the WAL into the database file, as SQLite eventually does."""
    if url.startswith("sqlite"):
        with contextlib.closing(sqlite3.connect(sa.make_url(url).database)) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _backup(env: dict, path: Path, keyring) -> dict[str, bytes]:
    result = CliRunner().invoke(cli, ["backup", str(path)], env=env)
    assert result.exit_code == 0, result.output
    with path.open("rb") as handle:
        plaintext = b"".join(decrypt_chunks(handle, keyring))
    return {"backup file": path.read_bytes(), "decrypted backup": plaintext,
            "backup command output": result.output.encode()}


def test_no_marker_is_readable_in_the_database_backups_or_logs(tmp_path, keyring):
    with databases.scratch_database(tmp_path) as url:
        env = databases.make_instance(tmp_path / "instance", url, keyring)
        init = CliRunner().invoke(cli, ["init-db"], env=env)
        assert init.exit_code == 0, init.output
        with capturing_logs() as logs:
            app = instance_app(env)
            marks = _write_markers(app)
            _assert_every_field_holds_a_marker(app, marks)
            haystacks = _database_files(url)  # before the WAL is checkpointed away
            haystacks.update(_backup(env, tmp_path / "leak.backup", keyring))
            with app.app_context():
                db.engine.dispose()
        _checkpoint(url)
        haystacks.update({f"{k} after checkpoint": v for k, v in _database_files(url).items()})
    haystacks["logs"] = logs.stream.getvalue().encode()
    assert len(haystacks["decrypted backup"]) > 10_000 and len(haystacks["logs"]) > 1_000
    assert scan(haystacks, marks) == []

