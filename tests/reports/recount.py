"""Each report table recounted in plain Python from the seeded rows (no SQL aggregates).

A recount returns {(row code, column code, line): count} for one UTC window [start, end).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa

from casework.cases.models import Case, CaseCall
from casework.db import utcnow
from casework.extensions import db
from casework.intake.models import Call
from casework.people.models import Survivor
from casework.referrals.codes import REFERRAL_SERVICE_TYPES
from casework.referrals.models import Referral, ServiceDelivery
from casework.taxonomy import URGENT_LEVELS

NR = "not_recorded"


def coded(value):
    return NR if value is None else value


class Data:
    """Every seeded row the tables count, loaded once."""

    def __init__(self):
        self.calls = db.session.scalars(sa.select(Call)).all()
        self.survivors = db.session.scalars(sa.select(Survivor)).all()
        self.cases = db.session.scalars(sa.select(Case)).all()
        self.referrals = db.session.scalars(sa.select(Referral)).all()
        self.services = db.session.scalars(sa.select(ServiceDelivery)).all()
        links = db.session.execute(sa.select(CaseCall.case_id, CaseCall.call_id)).all()
        by_id = {call.id: call for call in self.calls}
        self.case_line = {}
        calls_of_case = defaultdict(list)
        for case_id, call_id in links:
            calls_of_case[case_id].append(by_id[call_id])
        for case_id, calls in calls_of_case.items():
            self.case_line[case_id] = min(calls, key=lambda c: (c.started_at, c.id)).line
        calls_of_survivor = defaultdict(list)
        for call in self.calls:
            if call.survivor_id:
                calls_of_survivor[call.survivor_id].append(call)
        self.calls_of_survivor = calls_of_survivor
        self.first_call = {sid: min(calls, key=lambda c: (c.started_at, c.id))
                           for sid, calls in calls_of_survivor.items()}


def inside(moment, window) -> bool:
    return moment is not None and window[0] <= moment < window[1]


def calls(data: Data, window) -> Counter:
    return Counter((c.call_type, "count", c.line) for c in data.calls
                   if inside(c.started_at, window))


def cases(data: Data, window) -> Counter:
    found = Counter()
    for case in data.cases:
        if case.id not in data.case_line:
            continue
        if inside(case.opened_at, window):
            found["opened", "count", data.case_line[case.id]] += 1
        if inside(case.closed_at, window):
            found["closed", "count", data.case_line[case.id]] += 1
    return found


def closure_reasons(data: Data, window) -> Counter:
    return Counter((coded(c.closure_reason), "count", data.case_line[c.id]) for c in data.cases
                   if c.id in data.case_line and inside(c.closed_at, window))


def _survivors(data: Data, window, row, col, keep=lambda s, first: True) -> Counter:
    found = Counter()
    for survivor in data.survivors:
        first = data.first_call.get(survivor.id)
        if first is None or not inside(survivor.created_at, window) or not keep(survivor, first):
            continue
        found[row(survivor, first), col(survivor, first), first.line] += 1
    return found


def violence_forms(data: Data, window) -> Counter:
    def forms(survivor, first):
        codes = sorted({item.code for call in data.calls_of_survivor[survivor.id]
                        for item in call.classifications if item.scheme == "violence_form"})
        return "+".join(codes) if codes else NR
    return _survivors(data, window, forms, lambda s, f: coded(s.sex))


def age_sex(data, window):
    return _survivors(data, window, lambda s, f: coded(s.age_band), lambda s, f: coded(s.sex))


def ethnicity(data, window):
    def group(s, f):
        return "kinh" if s.ethnicity == "kinh" else "minority" if s.is_ethnic_minority else NR
    return _survivors(data, window, group, lambda s, f: "count")


def disability(data, window):
    return _survivors(data, window, lambda s, f: coded(s.disability), lambda s, f: "count")


def setting(data, window):
    return _survivors(data, window, lambda s, f: coded(f.setting), lambda s, f: "count")


def perpetrators(data, window):
    return _survivors(data, window, lambda s, f: coded(f.perpetrator_relationship),
                      lambda s, f: coded(f.perpetrator_sex))


def basic_support(data, window):
    served_cases = {s.case_id for s in data.services if s.service_type in REFERRAL_SERVICE_TYPES}
    served = {c.survivor_id for c in data.cases if c.id in served_cases}
    return _survivors(data, window,
                      lambda s, f: "received" if s.id in served else "not_received",
                      lambda s, f: "count")


def abused_children(data, window):
    return _survivors(data, window, lambda s, f: f"{coded(s.sex)}|{coded(s.age_band)}",
                      lambda s, f: coded(f.setting), keep=lambda s, f: s.is_minor is True)


def referrals(data, window):
    cases_by_id = {c.id: c for c in data.cases}
    return Counter((r.service_type, r.status, data.case_line[r.case_id]) for r in data.referrals
                   if inside(r.created_at, window) and cases_by_id[r.case_id].id in data.case_line)


def emergency_action(data, window):
    found = Counter()
    for case in data.cases:
        if not (case.is_child and case.urgency in URGENT_LEVELS and inside(case.opened_at, window)):
            continue
        if case.emergency_action_at is None:
            ended = case.closed_at is not None or case.action_deadline_at < utcnow()
            timing = "missed" if ended else "pending"
        else:
            timing = "in_time" if case.emergency_action_at <= case.action_deadline_at else "late"
        found[timing, "count", data.case_line[case.id]] += 1
    return found


def plan_timeliness(data, window):
    found = Counter()
    for case in data.cases:
        if case.plan_due_at is None or not inside(case.opened_at, window):
            continue
        if case.plan_submitted_at is None:
            timing = "no_plan"
        else:
            timing = "in_time" if case.plan_submitted_at <= case.plan_due_at else "late"
        found[timing, "count", data.case_line[case.id]] += 1
    return found


RECOUNTS = {
    "calls": calls, "cases": cases, "closure_reasons": closure_reasons,
    "violence_forms": violence_forms, "age_sex": age_sex, "ethnicity": ethnicity,
    "disability": disability, "setting": setting, "perpetrators": perpetrators,
    "referrals": referrals, "basic_support": basic_support,
    "emergency_action": emergency_action, "plan_timeliness": plan_timeliness,
    "abused_children": abused_children,
}


def closure_days(data: Data, window) -> dict[str, list[int]]:
    """Whole days from report to closure of the cases closed in the window, per line."""
    days = defaultdict(list)
    for case in data.cases:
        if case.id in data.case_line and inside(case.closed_at, window):
            value = int((case.closed_at - case.received_at).total_seconds() // 86400)
            days[data.case_line[case.id]].append(value)
            days["both"].append(value)
    return days
