"""Reading the service directory and a case's referrals for forms and pages."""

from __future__ import annotations

import sqlalchemy as sa

from casework.cases.models import Case, CaseEvent
from casework.extensions import db
from casework.paging import KeyPage, Sort, by_number, by_text, page_by_key
from casework.referrals.codes import SERVICE_TYPE
from casework.referrals.models import Referral, ServiceProvider
from casework.taxonomy import commune_label


# Agencies in use first, then by service type and name.
DIRECTORY_ORDER = Sort.of(by_number(sa.case((ServiceProvider.is_active, 0), else_=1)),
                          by_text(ServiceProvider.service_type), by_text(ServiceProvider.name),
                          descending=False)


def provider_page(*, service_type: str | None = None, commune_code: str | None = None,
                  after: str | None = None, before: str | None = None) -> KeyPage:
    """One page of the directory, in use first, by service type and name; None filters nothing."""
    statement = sa.select(ServiceProvider)
    if service_type is not None:
        statement = statement.where(ServiceProvider.service_type == service_type)
    if commune_code is not None:
        statement = statement.where(ServiceProvider.commune_code == commune_code)
    return page_by_key(statement, DIRECTORY_ORDER, ServiceProvider.id, after=after, before=before)


def all_providers() -> list[ServiceProvider]:
    return list(db.session.scalars(
        sa.select(ServiceProvider).order_by(ServiceProvider.is_active.desc(),
                                            ServiceProvider.service_type, ServiceProvider.name)
    ))


def active_providers() -> list[ServiceProvider]:
    return [provider for provider in all_providers() if provider.is_active]


def provider_choices(providers: list[ServiceProvider]) -> list[tuple[str, str]]:
    """(id, label) of each agency: its kind of service, name and commune, all searchable."""
    return [(str(p.id), " · ".join(part for part in (
        SERVICE_TYPE.label(p.service_type), p.name, commune_label(p.commune_code)) if part))
        for p in providers]


def referrals_of(case: Case) -> list[Referral]:
    return list(db.session.scalars(
        sa.select(Referral).where(Referral.case_id == case.id).order_by(Referral.created_at)
    ))


def referral_choices(referrals: list[Referral]) -> list[tuple[str, str]]:
    return [(str(r.id), f"{SERVICE_TYPE.label(r.service_type)} · {r.created_at:%d/%m/%Y}")
            for r in referrals]


def pick(items, value: str | None):
    """The item whose id the form sent, or None for a blank or unknown choice."""
    return next((item for item in items if str(item.id) == value), None)


def history_of(referral: Referral) -> list[CaseEvent]:
    """The steps of one referral, oldest first."""
    return list(db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.subject_id == referral.id).order_by(CaseEvent.at)
    ))
