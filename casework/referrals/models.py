"""The service directory, referrals of a case to a provider, and services delivered.

The directory is not sensitive (agencies and their public contacts). A referral's reason,
outcome and any emergency override reason are free text about a person: encrypted.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.accounts.models import User
from casework.cases.models import allowed_codes
from casework.crypto import encrypted_column
from casework.db import UUIDPrimaryKey, utcnow
from casework.extensions import db
from casework.referrals.codes import CONSENT_RULE, REFERRAL_STATUS, SERVICE_TYPE

CODE = sa.String(32)
PROVIDER_NAME_MAX = 200
PROVIDER_CONTACT_MAX = 300


class ServiceProvider(UUIDPrimaryKey, db.Model):
    """An agency a case can be referred to, managed by administrators."""

    __tablename__ = "service_providers"
    __table_args__ = (
        sa.CheckConstraint(allowed_codes("service_type", SERVICE_TYPE.codes), name="type_known"),
    )

    name: Mapped[str] = mapped_column(sa.String(PROVIDER_NAME_MAX))
    service_type: Mapped[str] = mapped_column(CODE, index=True)
    commune_code: Mapped[str | None] = mapped_column(sa.String(10))
    contact: Mapped[str] = mapped_column(sa.String(PROVIDER_CONTACT_MAX), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Referral(UUIDPrimaryKey, db.Model):
    """A referral of a case to a provider, through the states of DOMAIN.md."""

    __tablename__ = "referrals"
    __table_args__ = (
        sa.CheckConstraint(allowed_codes("status", REFERRAL_STATUS.codes), name="status_known"),
        sa.CheckConstraint(allowed_codes("consent_rule", CONSENT_RULE.codes), name="rule_known"),
        sa.CheckConstraint(allowed_codes("service_type", SERVICE_TYPE.codes), name="type_known"),
        # Nothing leaves without consent, unless an override with its author is recorded.
        sa.CheckConstraint(
            "status IN ('proposed', 'consent_refused') OR consent_given_at IS NOT NULL "
            "OR override_by_id IS NOT NULL",
            name="sent_with_consent",
        ),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"),
                                               index=True)
    provider_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("service_providers.id"),
                                                   index=True)
    service_type: Mapped[str] = mapped_column(CODE)
    status: Mapped[str] = mapped_column(CODE, default="proposed")
    reason = encrypted_column()
    consent_rule: Mapped[str] = mapped_column(CODE)
    survivor_consent: Mapped[bool | None]  # the survivor, or the child
    representative_consent: Mapped[bool | None]  # the legal representative of a child
    consent_recorded_at: Mapped[datetime | None]
    consent_recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    consent_given_at: Mapped[datetime | None]
    override_reason = encrypted_column()
    override_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    override_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    sent_at: Mapped[datetime | None]
    responded_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    outcome = encrypted_column()
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    provider: Mapped[ServiceProvider] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    @property
    def is_emergency_override(self) -> bool:
        return self.override_by_id is not None


class ServiceDelivery(UUIDPrimaryKey, db.Model):
    """A service a survivor received (or a protective measure applied), on a date."""

    __tablename__ = "services_delivered"
    __table_args__ = (
        sa.CheckConstraint(allowed_codes("service_type", SERVICE_TYPE.codes), name="type_known"),
        sa.Index("ix_services_delivered_type_on", "service_type", "delivered_on"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"),
                                               index=True)
    service_type: Mapped[str] = mapped_column(CODE)
    delivered_on: Mapped[date]
    provider_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("service_providers.id"))
    referral_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("referrals.id"))
    note = encrypted_column()
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))

    provider: Mapped[ServiceProvider | None] = relationship()
