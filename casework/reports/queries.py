"""The SQL of the board's tables: one aggregate query per table, over coded columns only.

Each query returns rows of (time atom, line, row code, column code, count), grouped in
the database; no query reads an encrypted column or returns a record. A time atom is the
index of a `TimeAtom` of the release plan, computed in SQL from the event's timestamp.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased

from casework.cases.emergency import emergency_timing
from casework.cases.models import Case, CaseCall
from casework.db import utcnow
from casework.intake.models import Call, CallClassification
from casework.people.models import Survivor
from casework.referrals.models import Referral, ServiceDelivery
from casework.referrals.codes import REFERRAL_SERVICE_TYPES
from casework.reports.cube import TimeAtom
from casework.taxonomy import URGENT_LEVELS, VIOLENCE_FORM
from casework.reports.periods import day_start_utc

NOT_RECORDED = "not_recorded"


@dataclass(frozen=True)
class Window:
    """The UTC ranges of each time atom, turned into SQL for a timestamp column."""

    ranges: tuple[tuple[int, datetime, datetime], ...]  # (atom, from, to), to excluded

    @classmethod
    def of(cls, atoms: Sequence[TimeAtom], timezone: str) -> Window:
        ranges = tuple(
            (index, day_start_utc(first, timezone), day_start_utc(last + timedelta(1), timezone))
            for index, atom in enumerate(atoms) for first, last in atom.ranges
        )
        return cls(ranges)

    def atom(self, column) -> sa.ColumnElement:
        whens = [((column >= start) & (column < end), index) for index, start, end in self.ranges]
        return sa.case(*whens, else_=-1).label("atom")

    def within(self, column) -> sa.ColumnElement:
        first, end = min(r[1] for r in self.ranges), max(r[2] for r in self.ranges)
        return (column >= first) & (column < end)


def coded(column) -> sa.ColumnElement:
    """A code, or 'not_recorded' where the field was left empty."""
    return sa.func.coalesce(column, NOT_RECORDED)


def _grouped(window: Window, when, line, row, col, source, where=None) -> sa.Select:
    """Count the records of `source` in the window by (atom, line, row, column).

    The codes are worked out per record in an inner query and counted in the outer one,
    so that a code may come from a correlated subquery (a survivor's first call).
    """
    records = sa.select(window.atom(when), line.label("line"), row.label("row"),
                        col.label("col")).select_from(source).where(window.within(when))
    if where is not None:
        records = records.where(where)
    inner = records.subquery("records")
    columns = [inner.c.atom, inner.c.line, inner.c.row, inner.c.col]
    return sa.select(*columns, sa.func.count().label("n")).group_by(*columns)


def calls_by_type(window: Window) -> sa.Select:
    """Every call by its type, on each line."""
    return _grouped(window, Call.started_at, Call.line, Call.call_type, sa.literal("count"), Call)


def first_call():
    """Each survivor's first call, joined through an indexed lookup of its id.

    Its line, setting and perpetrator describe the report. A correlated lookup (index on
    survivor_id, started_at) keeps the plan linear whatever the planner's estimates.
    """
    first = aliased(Call, name="first_call")
    first_id = (sa.select(Call.id).where(Call.survivor_id == Survivor.id)
                .order_by(Call.started_at, Call.id).limit(1)
                .correlate(Survivor).scalar_subquery())
    return first, sa.join(Survivor, first, first.id == first_id)


def survivors(window: Window, row, col, *, where=None) -> sa.Select:
    """Survivors first recorded in the window, each once, on their first call's line.

    `row` and `col` are functions of the first call (an alias of Call).
    """
    first, source = first_call()
    return _grouped(window, Survivor.created_at, first.line, row(first), col(first), source,
                    where)


def violence_form_flags():
    """Per survivor, one 0/1 column per form of violence reported in any of their calls."""
    flags = [
        sa.func.max(sa.case((CallClassification.code == form.code, 1), else_=0)).label(form.code)
        for form in VIOLENCE_FORM
    ]
    return (
        sa.select(Call.survivor_id, *flags)
        .join(CallClassification, CallClassification.call_id == Call.id)
        .where(CallClassification.scheme == "violence_form", Call.survivor_id.is_not(None))
        .group_by(Call.survivor_id)
        .subquery("forms")
    )


def survivors_by_violence_form(window: Window) -> sa.Select:
    """Survivors by the combination of forms of violence reported, and by sex."""
    forms = violence_form_flags()
    first, source = first_call()
    combination = sa.literal("")
    for form in VIOLENCE_FORM:
        combination = combination + sa.case((forms.c[form.code] == 1, form.code + "+"), else_="")
    source = source.outerjoin(forms, forms.c.survivor_id == Survivor.id)
    return _grouped(window, Survivor.created_at, first.line, combination,
                    coded(Survivor.sex), source)


def case_line(case_id) -> sa.ScalarSelect:
    """A case's line: the line of the first call linked to it (an indexed lookup)."""
    return (sa.select(Call.line).join(CaseCall, CaseCall.call_id == Call.id)
            .where(CaseCall.case_id == case_id).order_by(Call.started_at, Call.id).limit(1)
            .scalar_subquery())


def cases(window: Window, when, row, col=None, *, where=None) -> sa.Select:
    """Cases whose `when` timestamp falls in the window, on their first call's line."""
    column = col if col is not None else sa.literal("count")
    return _grouped(window, when, case_line(Case.id), row, column, Case, where)


def cases_opened_and_closed(window: Window) -> sa.Select:
    """Cases opened and cases closed, as one query (two events of each case)."""
    opened = cases(window, Case.opened_at, sa.literal("opened"))
    closed = cases(window, Case.closed_at, sa.literal("closed"), where=Case.closed_at.is_not(None))
    return sa.union_all(opened, closed)


def referrals_by_service(window: Window) -> sa.Select:
    """Referrals made in the window, by service and by their state now."""
    return _grouped(window, Referral.created_at, case_line(Referral.case_id),
                    Referral.service_type, Referral.status, Referral)


def basic_support(window: Window) -> sa.Select:
    """Survivors first reported in the window, and whether they received a basic service."""
    served = (
        sa.select(Case.survivor_id)
        .join(ServiceDelivery, ServiceDelivery.case_id == Case.id)
        .where(ServiceDelivery.service_type.in_(sorted(REFERRAL_SERVICE_TYPES)))
    )
    received = sa.case((Survivor.id.in_(served), "received"), else_="not_received")
    return survivors(window, lambda first: received, lambda first: sa.literal("count"))


def emergency_action(window: Window) -> sa.Select:
    """Urgent child cases opened in the window: emergency action within the deadline or not.

    A case closed, or past its deadline, without any emergency action counts as missed.
    """
    timing = emergency_timing(utcnow())
    urgent_child = Case.is_child & Case.urgency.in_(sorted(URGENT_LEVELS))
    return cases(window, Case.opened_at, timing, where=urgent_child)


def plan_timeliness(window: Window) -> sa.Select:
    """Cases opened in the window that need a plan: submitted within the deadline or not."""
    timing = sa.case(
        (Case.plan_submitted_at.is_(None), "no_plan"),
        (Case.plan_submitted_at <= Case.plan_due_at, "in_time"),
        else_="late",
    )
    return cases(window, Case.opened_at, timing, where=Case.plan_due_at.is_not(None))


def median_histogram(window: Window) -> sa.Select:
    """Cases closed in the window by whole days from the report to closure."""
    days = days_between(Case.received_at, Case.closed_at)
    return cases(window, Case.closed_at, days, where=Case.closed_at.is_not(None))


def days_between(start, end) -> sa.ColumnElement:
    """Whole days between two timestamps, the same on SQLite and PostgreSQL."""
    return _DaysBetween(start, end)


class _DaysBetween(sa.sql.functions.GenericFunction):
    type = sa.Integer()
    inherit_cache = True
    name = "days_between"


@compiles(_DaysBetween)
def _days_between_default(element, compiler, **kw):
    start, end = list(element.clauses)
    return (f"CAST(FLOOR(EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - "
            f"{compiler.process(start, **kw)})) / 86400) AS INTEGER)")


@compiles(_DaysBetween, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return (f"CAST(julianday({compiler.process(end, **kw)}) - "
            f"julianday({compiler.process(start, **kw)}) AS INTEGER)")
