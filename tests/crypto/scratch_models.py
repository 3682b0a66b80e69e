"""A model used only by the crypto tests, on its own metadata so migrations never see it."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, registry

from casework.crypto import blind_index_column, encrypted_column
from casework.db import UTCDateTime, UUIDPrimaryKey


class ScratchBase(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(),
        type_annotation_map={datetime: UTCDateTime(), uuid.UUID: sa.Uuid()},
    )


class Person(UUIDPrimaryKey, ScratchBase):
    """Someone with an encrypted name, phone number and note; two of them searchable."""

    __tablename__ = "crypto_test_people"

    name = encrypted_column()
    name_index = blind_index_column(source="name", kind="name")
    phone = encrypted_column()
    phone_index = blind_index_column(source="phone", kind="phone")
    note = encrypted_column()
