"""AES-256-GCM envelopes bound to their place: `v1:<key_id>:<nonce>:<ciphertext+tag>`."""

from __future__ import annotations

import base64
import binascii
import functools
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from casework.crypto.errors import DecryptionError, EnvelopeFormatError
from casework.crypto.keyring import KEY_ID_PATTERN, Keyring, MasterKey

VERSION = "v1"
NONCE_BYTES = 12


def associated_data(table: str, column: str, record_id: object, key_id: str) -> bytes:
    """The context a ciphertext is bound to: moving it anywhere else breaks authentication."""
    return "|".join(("casework", VERSION, table, column, str(record_id), key_id)).encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


def _unb64(text: str) -> bytes:
    # Strict: a character outside the URL-safe alphabet is an error, not silently skipped.
    if "+" in text or "/" in text:
        raise ValueError("not URL-safe base64")
    padded = text.encode("ascii").translate(_FROM_URLSAFE) + b"=" * (-len(text) % 4)
    return binascii.a2b_base64(padded, strict_mode=True)


@functools.lru_cache(maxsize=64)
def _cipher(key: bytes) -> AESGCM:
    # Made once per key: building the AES key schedule costs more than sealing a name.
    return AESGCM(key)


def seal(keyring: Keyring, plaintext: str, *, table: str, column: str, record_id: object) -> str:
    """Encrypt text under the primary key, bound to table, column and record."""
    return seal_with(keyring.primary, plaintext, table=table, column=column, record_id=record_id)


def seal_with(key: MasterKey, plaintext: str, *, table: str, column: str,
              record_id: object) -> str:
    """Encrypt text under one given key, bound to table, column and record."""
    nonce = os.urandom(NONCE_BYTES)
    aad = associated_data(table, column, record_id, key.key_id)
    body = _cipher(key.key_for("field")).encrypt(nonce, plaintext.encode("utf-8"), aad)
    return f"{VERSION}:{key.key_id}:{_b64(nonce)}:{_b64(body)}"


def parse_envelope(envelope: str) -> tuple[str, bytes, bytes]:
    """Split an envelope into key id, nonce and body, or raise EnvelopeFormatError."""
    parts = envelope.split(":")
    if len(parts) != 4:
        raise EnvelopeFormatError("not a ciphertext envelope")
    version, key_id, nonce_text, body_text = parts
    if version != VERSION:
        raise EnvelopeFormatError(f"unknown envelope version {version[:8]!r}")
    if not KEY_ID_PATTERN.match(key_id):
        raise EnvelopeFormatError("malformed key id")
    try:
        nonce, body = _unb64(nonce_text), _unb64(body_text)
    except ValueError:
        raise EnvelopeFormatError("malformed base64") from None
    if len(nonce) != NONCE_BYTES or len(body) < 16:
        raise EnvelopeFormatError("truncated envelope")
    return key_id, nonce, body


def envelope_key_id(envelope: str) -> str:
    """The id of the key an envelope was sealed under."""
    return parse_envelope(envelope)[0]


def unseal(keyring: Keyring, envelope: str, *, table: str, column: str, record_id: object) -> str:
    """Decrypt an envelope for its place, raising a CryptoError on any mismatch."""
    key_id, nonce, body = parse_envelope(envelope)
    key = keyring.get(key_id)
    aad = associated_data(table, column, record_id, key_id)
    try:
        plaintext = _cipher(key.key_for("field")).decrypt(nonce, body, aad)
    except InvalidTag:
        raise DecryptionError(f"cannot decrypt {table}.{column} of {record_id}") from None
    return plaintext.decode("utf-8")


def reseal(keyring: Keyring, envelope: str, *, table: str, column: str,
           record_id: str) -> tuple[str, str]:
    """(plaintext, new envelope): decrypt for its place, seal again under the primary key.

    What `unseal` then `seal` do, with the associated data's common part built once: key
    rotation calls this for every stored value.
    """
    key_id, nonce, body = parse_envelope(envelope)
    place = f"casework|{VERSION}|{table}|{column}|{record_id}|"
    try:
        plaintext = _cipher(keyring.get(key_id).key_for("field")).decrypt(
            nonce, body, (place + key_id).encode())
    except InvalidTag:
        raise DecryptionError(f"cannot decrypt {table}.{column} of {record_id}") from None
    primary = keyring.primary
    new_nonce = os.urandom(NONCE_BYTES)
    new_body = _cipher(primary.key_for("field")).encrypt(
        new_nonce, plaintext, (place + primary.key_id).encode())
    return (plaintext.decode("utf-8"),
            f"{VERSION}:{primary.key_id}:{_b64(new_nonce)}:{_b64(new_body)}")
