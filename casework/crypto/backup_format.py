"""The encrypted backup file: an authenticated header, then AES-256-GCM chunks.

    MAGIC | header length (4 bytes) | header (JSON) | chunk* ; chunk = length (4) | ciphertext

Each file gets its own key, derived from the backup key of the primary master key and a
random salt in the header, so chunk nonces can simply count. Every chunk's associated data
is the SHA-256 of the magic and header, which authenticates the header; the nonce carries
the chunk number and a last-chunk flag, so chunks cannot be reordered, dropped, repeated or
cut off at the end without failing. A reader accepts the plaintext only chunk by chunk as
each verifies; restore reads the whole file through once before it touches the database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casework.crypto.errors import CryptoError
from casework.crypto.keyring import Keyring

MAGIC = b"CASEWORK-BACKUP\n"
FORMAT = 1
CHUNK_SIZE = 1 << 20
TAG_BYTES = 16
MAX_HEADER = 64 * 1024
_LENGTH = struct.Struct(">I")


class BackupError(CryptoError):
    """A backup cannot be written, or a backup file is not intact, complete and ours."""


@dataclass(frozen=True)
class BackupHeader:
    kind: str  # "sqlite" or "postgresql"
    key_id: str
    salt: bytes
    chunk_size: int
    created_at: str
    schema_revision: str | None

    def to_bytes(self) -> bytes:
        return json.dumps({
            "format": FORMAT, "kind": self.kind, "key_id": self.key_id,
            "salt": base64.b64encode(self.salt).decode(), "chunk_size": self.chunk_size,
            "created_at": self.created_at, "schema_revision": self.schema_revision,
        }, sort_keys=True).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> BackupHeader:
        try:
            fields = json.loads(data)
            if fields.pop("format") != FORMAT:
                raise BackupError("backup file format not understood by this version")
            header = cls(salt=base64.b64decode(fields.pop("salt"), validate=True), **fields)
        except BackupError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError):
            raise BackupError("backup header is damaged") from None
        if not 0 < header.chunk_size <= 64 * CHUNK_SIZE or len(header.salt) != 32:
            raise BackupError("backup header is damaged")
        return header


def _file_key(keyring: Keyring, header: BackupHeader) -> AESGCM:
    backup_key = keyring.get(header.key_id).key_for("backup")
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=header.salt,
               info=b"casework/backup-file/v1").derive(backup_key)
    return AESGCM(key)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _preamble(header_bytes: bytes) -> bytes:
    return MAGIC + _LENGTH.pack(len(header_bytes)) + header_bytes


class BackupWriter:
    """Encrypt a stream into a backup file, one chunk at a time."""

    def __init__(self, out: BinaryIO, keyring: Keyring, kind: str,
                 schema_revision: str | None = None, chunk_size: int = CHUNK_SIZE):
        self.header = BackupHeader(
            kind=kind, key_id=keyring.primary_id, salt=os.urandom(32), chunk_size=chunk_size,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            schema_revision=schema_revision,
        )
        preamble = _preamble(self.header.to_bytes())
        self._aad = hashlib.sha256(preamble).digest()
        self._aead = _file_key(keyring, self.header)
        self._out, self._pending, self._index = out, bytearray(), 0
        out.write(preamble)

    def write(self, data: bytes) -> None:
        self._pending += data
        size = self.header.chunk_size
        while len(self._pending) > size:  # keep the last chunk back: it must be marked last
            self._emit(bytes(self._pending[:size]), last=False)
            del self._pending[:size]

    def finish(self) -> None:
        """Write the last chunk (possibly empty), which marks the end of the backup."""
        self._emit(bytes(self._pending), last=True)
        self._pending.clear()

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._index, last), chunk, self._aad)
        self._out.write(_LENGTH.pack(len(sealed)) + sealed)
        self._index += 1


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise BackupError("backup file is truncated")
    return data


def read_header(source: BinaryIO) -> tuple[BackupHeader, bytes]:
    """The header of a backup file and the associated data its chunks are bound to."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("not a Casework backup file")
    (length,) = _LENGTH.unpack(_read_exactly(source, _LENGTH.size))
    if length > MAX_HEADER:
        raise BackupError("backup header is damaged")
    header_bytes = _read_exactly(source, length)
    header = BackupHeader.from_bytes(header_bytes)
    return header, hashlib.sha256(_preamble(header_bytes)).digest()


def decrypt_chunks(source: BinaryIO, keyring: Keyring) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk, each only after it verified; raise at any fault."""
    header, aad = read_header(source)
    aead = _file_key(keyring, header)
    index = 0
    while True:
        (length,) = _LENGTH.unpack(_read_exactly(source, _LENGTH.size))
        if not TAG_BYTES <= length <= header.chunk_size + TAG_BYTES:
            raise BackupError(f"backup chunk {index} is damaged")
        sealed = _read_exactly(source, length)
        chunk, last = _open_chunk(aead, index, sealed, aad)
        yield chunk
        if last:
            break
        index += 1
    if source.read(1):
        raise BackupError("backup file has data after its last chunk")


def _open_chunk(aead: AESGCM, index: int, sealed: bytes, aad: bytes) -> tuple[bytes, bool]:
    for last in (False, True):
        try:
            return aead.decrypt(_nonce(index, last), sealed, aad), last
        except InvalidTag:
            continue
    raise BackupError(f"backup chunk {index} does not verify: tampered, damaged or wrong key")
