"""The keyring: named 256-bit master keys, one primary, each deriving its purpose keys.

Each master key derives separate keys for field encryption, blind indexes, the audit chain,
backups and the hashes of searched terms kept in the audit trail through HKDF with distinct labels, so no key serves two purposes.
"""

from __future__ import annotations

import base64
import json
import os
import re
import secrets
import stat
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casework.crypto.errors import KeyringError, UnknownKeyError

PURPOSES = ("field", "index", "audit", "backup", "search")
KEY_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
KEY_BYTES = 32


def _derive(master: bytes, purpose: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
        info=f"casework/{purpose}/v1".encode(),
    ).derive(master)


@dataclass(frozen=True)
class MasterKey:
    key_id: str
    secret: bytes = field(repr=False)
    created_at: str = ""

    @cached_property
    def purpose_keys(self) -> dict[str, bytes]:
        return {purpose: _derive(self.secret, purpose) for purpose in PURPOSES}

    def key_for(self, purpose: str) -> bytes:
        return self.purpose_keys[purpose]


@dataclass(frozen=True)
class RetiredKey:
    """What is kept of a retired key: only its audit key, so the audit chain still verifies.

    Its field, index and backup keys are gone; nothing sealed under it can be read again.
    """

    key_id: str
    audit_key: bytes = field(repr=False)
    retired_at: str = ""

    def key_for(self, purpose: str) -> bytes:
        if purpose != "audit":
            raise UnknownKeyError(f"key {self.key_id!r} was retired; it no longer decrypts")
        return self.audit_key


@dataclass(frozen=True)
class Keyring:
    primary_id: str
    keys: dict[str, MasterKey]
    retired: dict[str, RetiredKey] = field(default_factory=dict)

    def __post_init__(self):
        if self.primary_id not in self.keys:
            raise KeyringError(f"the primary key {self.primary_id!r} is not in the keyring")
        if set(self.keys) & set(self.retired):
            raise KeyringError("a key cannot be both active and retired")

    @property
    def primary(self) -> MasterKey:
        return self.keys[self.primary_id]

    def get(self, key_id: str) -> MasterKey | RetiredKey:
        """The key with this id; a retired key only yields its audit key."""
        key = self.keys.get(key_id) or self.retired.get(key_id)
        if key is None:
            raise UnknownKeyError(f"key {key_id!r} is not in the keyring")
        return key

    def to_json(self) -> str:
        data: dict = {"primary": self.primary_id, "keys": {
            key.key_id: {"secret": _b64(key.secret), "created_at": key.created_at}
            for key in self.keys.values()
        }}
        if self.retired:
            data["retired"] = {
                key.key_id: {"audit_key": _b64(key.audit_key), "retired_at": key.retired_at}
                for key in self.retired.values()
            }
        return json.dumps(data, indent=2)

    @classmethod
    def from_json(cls, text: str, source: str) -> Keyring:
        try:
            data = json.loads(text)
            keys = {
                key_id: MasterKey(key_id, _secret(entry["secret"], key_id, source),
                                  entry.get("created_at", ""))
                for key_id, entry in data["keys"].items()
            }
            retired = {
                key_id: RetiredKey(key_id, _secret(entry["audit_key"], key_id, source),
                                   entry.get("retired_at", ""))
                for key_id, entry in data.get("retired", {}).items()
            }
            return cls(primary_id=data["primary"], keys=keys, retired=retired)
        except KeyringError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise KeyringError(f"{source} is not a valid keyring: {error}") from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _secret(text: str, key_id: str, source: str) -> bytes:
    """Decode one key's base64 secret, checking its id and length."""
    if not KEY_ID_PATTERN.match(key_id):
        raise KeyringError(f"{source}: invalid key id {key_id!r}")
    secret = base64.b64decode(text, validate=True)
    if len(secret) != KEY_BYTES:
        raise KeyringError(f"{source}: key {key_id!r} is not {KEY_BYTES} bytes")
    return secret


def new_key_id() -> str:
    """A key id that sorts by creation time and names no person."""
    return datetime.now(UTC).strftime("k%Y%m%d%H%M%S") + secrets.token_hex(2)


def generate_master_key() -> MasterKey:
    """A fresh random 256-bit master key."""
    return MasterKey(new_key_id(), secrets.token_bytes(KEY_BYTES), datetime.now(UTC).isoformat())


def new_keyring() -> Keyring:
    """A keyring of one fresh key, which is primary."""
    key = generate_master_key()
    return Keyring(primary_id=key.key_id, keys={key.key_id: key})


def with_new_primary(keyring: Keyring) -> Keyring:
    """Return the keyring with a freshly generated key made primary; old keys still decrypt."""
    key = generate_master_key()
    return Keyring(primary_id=key.key_id, keys={**keyring.keys, key.key_id: key},
                   retired=keyring.retired)


def without_key(keyring: Keyring, key_id: str) -> Keyring:
    """Return the keyring with a key retired: its secret dropped, its audit key kept."""
    if key_id == keyring.primary_id:
        raise KeyringError("the primary key cannot be retired; generate a new primary first")
    if key_id not in keyring.keys:
        raise UnknownKeyError(f"key {key_id!r} is not an active key of the keyring")
    key = keyring.keys[key_id]
    retired = RetiredKey(key_id, key.key_for("audit"), datetime.now(UTC).isoformat())
    return Keyring(
        primary_id=keyring.primary_id,
        keys={k: v for k, v in keyring.keys.items() if k != key_id},
        retired={**keyring.retired, key_id: retired},
    )


def load_keyring_file(path: Path) -> Keyring:
    """Read the key file, refusing one that is missing, unreadable or readable by others."""
    if not path.exists():
        raise KeyringError(
            f"no key file at {path}: set CASEWORK_KEYRING or run `casework keys generate`"
        )
    try:
        folder_mode = stat.S_IMODE(path.parent.stat().st_mode)
        if folder_mode & 0o077:
            raise KeyringError(f"keys folder {path.parent} is open to other users (mode "
                               f"{folder_mode:o}); run: chmod 700 {path.parent}")
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise KeyringError(
                f"key file {path} is too open (mode {mode:o}); run: chmod 600 {path}"
            )
        text = path.read_text(encoding="utf-8")
    except PermissionError:
        raise KeyringError(f"key file {path} is not readable by this user") from None
    except OSError as error:
        raise KeyringError(f"key file {path} cannot be read: {error.strerror}") from None
    return Keyring.from_json(text, str(path))


def save_keyring_file(path: Path, keyring: Keyring) -> None:
    """Write the key file atomically with mode 0600: the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_suffix(".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a leftover temporary file may have been created looser
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(keyring.to_json())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_directory(path.parent)


def _fsync_directory(directory: Path) -> None:
    # The rename is durable only once the directory entry itself reaches the disk.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def load_keyring(path: Path, env_value: str | None) -> Keyring:
    """The keyring from the environment variable if set, else from the key file."""
    if env_value:
        return Keyring.from_json(env_value, "CASEWORK_KEYRING")
    return load_keyring_file(path)
