"""The one entry point for encryption: envelopes, encrypted columns, the keyring."""

from casework.crypto.envelope import envelope_key_id, parse_envelope, seal, unseal
from casework.crypto.errors import (
    CryptoError,
    DecryptionError,
    EnvelopeFormatError,
    KeyringError,
    UnknownKeyError,
)
from casework.crypto.fields import (
    EncryptedText,
    Sealed,
    encrypted_attributes,
    encrypted_column,
    reveal,
    seal_value,
)
from casework.crypto.keyring import Keyring, load_keyring, new_keyring, save_keyring_file

__all__ = [
    "CryptoError",
    "DecryptionError",
    "EncryptedText",
    "EnvelopeFormatError",
    "Keyring",
    "KeyringError",
    "Sealed",
    "UnknownKeyError",
    "encrypted_attributes",
    "encrypted_column",
    "envelope_key_id",
    "load_keyring",
    "new_keyring",
    "parse_envelope",
    "reveal",
    "save_keyring_file",
    "seal",
    "seal_value",
    "unseal",
]
