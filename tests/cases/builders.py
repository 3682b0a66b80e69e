"""Calls and cases for case tests, built directly from the intake models.

Intake's own factories build calls through its forms; the case tests need only a logged
data call with a survivor of a given age, at a given time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from casework.cases import service
from casework.db import utcnow
from casework.extensions import db
from casework.intake.models import Call
from casework.people.models import Survivor
from casework.taxonomy import is_child_vn, is_minor


def make_survivor(age: int | None = 12, name: str = "Nguyễn Thị Hoa") -> Survivor:
    survivor = Survivor(age=age, is_child_vn=is_child_vn(age), is_minor=is_minor(age))
    survivor.name = name
    db.session.add(survivor)
    return survivor


def make_call(operator, *, survivor: Survivor | None = None, urgency: str = "routine",
              line: str = "111", call_type: str = "about_other",
              started_at: datetime | None = None, is_data_call: bool = True) -> Call:
    started_at = started_at or utcnow() - timedelta(minutes=10)
    call = Call(line=line, channel="phone", call_type=call_type, is_data_call=is_data_call,
                started_at=started_at, ended_at=started_at + timedelta(minutes=6),
                duration_seconds=360, operator_id=operator.id, unit_id=operator.unit_id,
                survivor_id=survivor.id if survivor else None, urgency=urgency,
                service_line="child_protection" if line == "111" else None)
    db.session.add(call)
    db.session.flush()
    return call


def make_case(operator, *, age: int | None = 12, urgency: str = "routine", **call_args):
    """Open a case from a new data call about a survivor of the given age."""
    call = make_call(operator, survivor=make_survivor(age), urgency=urgency, **call_args)
    case = service.open_case_from_call(call, opened_by=operator)
    db.session.flush()
    return case
