"""Encrypted model columns: declare with `encrypted_column()`, read with `reveal()`.

Assigning a plain string to an encrypted attribute seals it at once, bound to the table,
the column and the record's UUID; the attribute then holds a `Sealed` envelope, which is
what the database stores. Plaintext never sits on a model waiting to be flushed, and it
comes back only through `reveal()`, so every read of sensitive data is a visible call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapper, mapped_column

from casework.crypto.envelope import seal, unseal
from casework.crypto.keyring import Keyring


class Sealed(str):
    """A ciphertext envelope as stored; its text is never the plaintext."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<Sealed {self.split(':', 2)[1] if self.count(':') >= 3 else '?'}>"


class EncryptedText(sa.types.TypeDecorator):
    """Text column holding a `Sealed` envelope of any length."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and not isinstance(value, Sealed):
            raise TypeError("encrypted columns store Sealed values only")
        return None if value is None else str(value)

    def process_result_value(self, value, dialect):
        return None if value is None else Sealed(value)


def encrypted_column(**kwargs: Any):
    """A nullable encrypted text column; one line in any model."""
    kwargs.setdefault("nullable", True)
    return mapped_column(EncryptedText(), **kwargs)


def _keyring() -> Keyring:
    from flask import current_app

    return current_app.extensions["casework.keyring"]


def field_context(instance: Any, attribute: str) -> dict[str, Any]:
    """The table, column and record an attribute's ciphertext is bound to."""
    mapper = sa.inspect(type(instance))
    column = mapper.columns[attribute]
    return {"table": column.table.name, "column": column.name, "record_id": instance.id}


def seal_value(instance: Any, attribute: str, plaintext: str, keyring: Keyring | None = None):
    """Encrypt plaintext for one attribute of one record."""
    if instance.id is None:
        raise ValueError("a record needs its UUID before a field can be encrypted")
    context = field_context(instance, attribute)
    return Sealed(seal(keyring or _keyring(), plaintext, **context))


def reveal(instance: Any, attribute: str, keyring: Keyring | None = None) -> str | None:
    """Decrypt one attribute of one record; raises a CryptoError if it does not verify."""
    envelope = getattr(instance, attribute)
    if envelope is None:
        return None
    return unseal(keyring or _keyring(), envelope, **field_context(instance, attribute))


# Called as listener(record, attribute, plaintext, keyring) whenever an encrypted attribute
# is assigned a plaintext (keyring is the one that sealed it) or None (keyring is None):
# blind indexes use it to stay in step with their source under the same key.
PLAINTEXT_LISTENERS: list[Callable[[Any, str, str | None, Keyring | None], None]] = []


def _attach_sealing(mapper: Mapper, attribute: str) -> None:
    @event.listens_for(getattr(mapper.class_, attribute), "set", retval=True)
    def _seal_on_set(target, value, _oldvalue, _initiator):
        if isinstance(value, Sealed):
            return value
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{attribute} takes text, not {type(value).__name__}")
        keyring = None if value is None else _keyring()
        for listener in PLAINTEXT_LISTENERS:
            listener(target, attribute, value, keyring)
        return None if value is None else seal_value(target, attribute, value, keyring)


@event.listens_for(Mapper, "mapper_configured")
def _on_mapper_configured(mapper: Mapper, class_) -> None:
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if isinstance(column.type, EncryptedText) and column.table is mapper.local_table:
            _attach_sealing(mapper, prop.key)


def encrypted_attributes(model) -> list[str]:
    """Names of a model's encrypted attributes."""
    return [
        prop.key
        for prop in sa.inspect(model).column_attrs
        if isinstance(prop.columns[0].type, EncryptedText)
    ]
