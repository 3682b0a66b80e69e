"""Typed errors of the crypto layer: each names what went wrong, never the plaintext."""


class CryptoError(Exception):
    """Base class of every encryption, decryption and key error."""


class KeyringError(CryptoError):
    """The keyring is missing, unreadable, too open or inconsistent with the database."""


class UnknownKeyError(CryptoError):
    """A stored value names a key that the keyring does not hold."""


class EnvelopeFormatError(CryptoError):
    """A stored value is not a ciphertext envelope this version understands."""


class DecryptionError(CryptoError):
    """Authentication failed: wrong key, wrong place (row or column) or tampered data."""
