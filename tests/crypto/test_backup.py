"""Encrypted backups: the file format refuses any change; backup then restore on this database."""

from __future__ import annotations

import io
import os
import struct
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.cli import cli
from casework.crypto import CryptoError, reveal
from casework.crypto.backup import database_kind, restore_backup
from casework.crypto.backup_format import MAGIC, BackupError, BackupWriter, decrypt_chunks
from casework.crypto.keyring import new_keyring, with_new_primary
from casework.extensions import db
from casework.people.models import Survivor
from tests.crypto.populate import instance_app, populate


def _backup_bytes(keyring, payload: bytes, chunk_size: int = 64, kind: str = "sqlite") -> bytes:
    out = io.BytesIO()
    writer = BackupWriter(out, keyring, kind, "0001", chunk_size=chunk_size)
    for start in range(0, len(payload), 50):
        writer.write(payload[start:start + 50])
    writer.finish()
    return out.getvalue()


def _read(keyring, data: bytes) -> bytes:
    return b"".join(decrypt_chunks(io.BytesIO(data), keyring))


@given(st.binary(max_size=2000), st.integers(min_value=1, max_value=300))
@settings(max_examples=100)
def test_any_payload_round_trips_in_any_chunk_size(keyring, payload, chunk_size):
    assert _read(keyring, _backup_bytes(keyring, payload, chunk_size)) == payload


def _chunks(data: bytes) -> tuple[bytes, list[bytes]]:
    """Split a backup into its preamble and its framed chunks."""
    header_length = struct.unpack(">I", data[len(MAGIC):len(MAGIC) + 4])[0]
    offset = len(MAGIC) + 4 + header_length
    preamble, chunks = data[:offset], []
    while offset < len(data):
        length = struct.unpack(">I", data[offset:offset + 4])[0]
        chunks.append(data[offset:offset + 4 + length])
        offset += 4 + length
    return preamble, chunks


PAYLOAD = os.urandom(500)


@given(st.integers(min_value=0), st.integers(min_value=0, max_value=7))
@settings(max_examples=200)
def test_any_flipped_bit_anywhere_is_refused(keyring, position, bit):
    data = bytearray(_backup_bytes(keyring, PAYLOAD))
    data[position % len(data)] ^= 1 << bit
    with pytest.raises(CryptoError):
        _read(keyring, bytes(data))


@given(st.integers(min_value=0))
def test_any_truncation_is_refused(keyring, cut):
    data = _backup_bytes(keyring, PAYLOAD)
    with pytest.raises(BackupError):
        _read(keyring, data[: cut % len(data)])


def test_chunks_reordered_dropped_or_repeated_are_refused(keyring):
    preamble, chunks = _chunks(_backup_bytes(keyring, PAYLOAD))
    assert len(chunks) > 3
    tampered = [
        [chunks[1], chunks[0], *chunks[2:]],
        chunks[:-1],  # the last chunk, which marks the end, is gone
        [chunks[0], *chunks[2:]],
        [chunks[0], *chunks],
        [*chunks, chunks[-1]],
    ]
    for variant in tampered:
        with pytest.raises(BackupError):
            _read(keyring, preamble + b"".join(variant))


def test_chunks_from_another_backup_under_the_same_key_are_refused(keyring):
    preamble, chunks = _chunks(_backup_bytes(keyring, PAYLOAD))
    _, others = _chunks(_backup_bytes(keyring, PAYLOAD))
    with pytest.raises(BackupError):
        _read(keyring, preamble + b"".join([others[0], *chunks[1:]]))


def test_a_backup_needs_its_key(keyring):
    data = _backup_bytes(keyring, PAYLOAD)
    with pytest.raises(CryptoError):
        _read(new_keyring(), data)
    assert _read(with_new_primary(keyring), data) == PAYLOAD  # older keys still restore


def test_the_header_is_authenticated(keyring):
    data = _backup_bytes(keyring, PAYLOAD)
    relabelled = data.replace(b'"kind": "sqlite"', b'"kind": "sqlitf"')
    assert relabelled != data
    with pytest.raises(BackupError):
        _read(keyring, relabelled)


def run(env, *args):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def instance(fresh_instance):
    assert run(fresh_instance, "init-db").exit_code == 0
    populate(fresh_instance, users=20, survivors=30)
    return fresh_instance


def _survivor_names(env) -> list[str]:
    app = instance_app(env)
    with app.app_context():
        names = sorted(reveal(s, "name") for s in db.session.scalars(sa.select(Survivor)))
        db.engine.dispose()
    return names


def _forget_survivors(env) -> None:
    app = instance_app(env)
    with app.app_context():
        db.session.execute(sa.delete(Survivor))
        db.session.commit()
        db.engine.dispose()


def test_backup_then_restore_brings_the_data_back(instance, tmp_path):
    before = _survivor_names(instance)
    result = run(instance, "backup", str(tmp_path / "casework.backup"))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "casework.backup").stat().st_mode & 0o777 == 0o600
    _forget_survivors(instance)
    assert _survivor_names(instance) == []
    restored = run(instance, "restore", "--yes", str(tmp_path / "casework.backup"))
    assert restored.exit_code == 0, restored.output
    assert _survivor_names(instance) == before and len(before) == 30
    assert run(instance, "keys", "check", "--deep").exit_code == 0
    assert run(instance, "audit", "verify").exit_code == 0


def test_a_tampered_backup_is_refused_and_nothing_changes(instance, tmp_path):
    backup = tmp_path / "casework.backup"
    run(instance, "backup", str(backup))
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0x40
    backup.write_bytes(bytes(data))
    _forget_survivors(instance)
    result = run(instance, "restore", "--yes", str(backup))
    assert result.exit_code != 0
    assert "Backup refused, nothing changed" in result.output and "does not verify" in result.output
    assert _survivor_names(instance) == []


def test_a_backup_never_overwrites_a_file(instance, tmp_path):
    existing = tmp_path / "casework.backup"
    existing.write_bytes(b"keep me")
    result = run(instance, "backup", str(existing))
    assert result.exit_code != 0 and "already exists" in result.output
    assert existing.read_bytes() == b"keep me"


def test_a_backup_of_the_other_kind_of_database_is_refused(instance, keyring, tmp_path):
    url = instance["CASEWORK_DATABASE_URL"]
    other = "sqlite" if database_kind(url) == "postgresql" else "postgresql"
    path = tmp_path / "other.backup"
    path.write_bytes(_backup_bytes(keyring, b"anything", kind=other))
    with pytest.raises(BackupError, match=f"this is a {other} backup"):
        restore_backup(url, keyring, path)
    assert len(_survivor_names(instance)) == 30


def test_a_verified_backup_whose_content_fails_leaves_the_database_unchanged(
        instance, keyring, tmp_path):
    url = instance["CASEWORK_DATABASE_URL"]
    kind = database_kind(url)
    broken = (b"DROP TABLE survivors CASCADE;\nTHIS IS NOT SQL;\n" if kind == "postgresql"
              else b"SQLite format 3\x00" + b"\x00" * 4000)
    path = tmp_path / "broken.backup"
    path.write_bytes(_backup_bytes(keyring, broken, chunk_size=1 << 16, kind=kind))
    with pytest.raises(BackupError):
        restore_backup(url, keyring, path)
    assert len(_survivor_names(instance)) == 30
    if kind == "sqlite":  # the temporary copy is gone too
        assert list(Path(url.removeprefix("sqlite:///")).parent.glob(".casework-*")) == []
