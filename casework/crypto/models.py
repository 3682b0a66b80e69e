"""Check values: one small ciphertext per key, proving at start-up that the keyring fits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.db import utcnow
from casework.extensions import db


class KeyCheck(db.Model):
    __tablename__ = "key_checks"

    key_id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    check_value: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None]
