"""The one entry point for encryption: envelopes, encrypted columns, the keyring."""

from casework.crypto.blind_index import (
    blind_index_column,
    find_by_blind_index,
    normalise_name,
    normalise_phone,
    search_hash,
)
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
    "blind_index_column",
    "encrypted_attributes",
    "encrypted_column",
    "envelope_key_id",
    "find_by_blind_index",
    "search_hash",
    "load_keyring",
    "new_keyring",
    "normalise_name",
    "normalise_phone",
    "parse_envelope",
    "reveal",
    "save_keyring_file",
    "seal",
    "seal_value",
    "unseal",
]
