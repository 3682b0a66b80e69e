"""Synthetic cases for demos and benchmarks, built as rows from calls: never real people.

A case goes as far through the workflow as its age allows (older cases are mostly closed),
with the events, assessments, plan, referrals, services, notes and audit events each step
leaves, timed as a busy unit would work: the initial assessment of an urgent child case
within hours, the plan within days, the review after some weeks.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from casework.cases.codes import CASE_STATUS, NEED
from casework.crypto.envelope import seal
from casework.crypto.fields import Sealed
from casework.crypto.keyring import Keyring
from casework.referrals.service import consent_rule
from casework.taxonomy import URGENT_LEVELS

STAGES = CASE_STATUS.codes  # new … review, closed: the order of the workflow
# After how many days a case is usually at least at each stage.
TYPICAL_DAYS = {"new": 0, "initial_assessment": 0.1, "detailed_assessment": 2,
                "plan": 5, "in_support": 9, "review": 45, "closed": 60}
SUMMARIES = (
    "Trẻ bị bạo lực thể chất trong gia đình, cần bảo đảm an toàn ngay.",
    "Phụ nữ bị chồng bạo hành nhiều lần, muốn được tư vấn pháp lý và nơi tạm lánh.",
    "Trẻ có dấu hiệu bị xâm hại tình dục, cần khám và hỗ trợ tâm lý.",
    "Trẻ bị bỏ mặc, nghỉ học dài ngày, gia đình khó khăn.",
    "Người bị kiểm soát kinh tế và cô lập, cần hỗ trợ sinh kế.",
)
FINDINGS = ("Nguy cơ tái diễn cao khi người gây bạo lực uống rượu.",
            "Gia đình bên ngoại sẵn sàng cho ở tạm.",
            "Trẻ sợ hãi, ít nói, cần đánh giá tâm lý thêm.",
            "Chính quyền xã đã nắm thông tin và phối hợp.")
GOALS = ("Bảo đảm an toàn, khám sức khỏe, tư vấn tâm lý hằng tuần trong 2 tháng.",
         "Hỗ trợ pháp lý, áp dụng biện pháp cấm tiếp xúc, kết nối Hội Phụ nữ xã.",
         "Đưa trẻ trở lại trường, thăm gia đình hai tuần một lần.")
NOTES = ("Đã gọi điện, người bị hại hiện an toàn.", "Thăm nhà, trao đổi với bà ngoại.",
         "Phối hợp với công an xã, đã lập biên bản.", "Trẻ đã đi học lại, tinh thần ổn hơn.")
OUTCOMES = ("Người bị hại an toàn, gia đình ổn định, không còn bạo lực.",
            "Đạt các mục tiêu kế hoạch; tiếp tục theo dõi qua Hội Phụ nữ xã.")
REFERRAL_TYPES = ("health", "psychosocial", "legal_aid", "police", "shelter", "womens_union")
CLOSURE_WEIGHTS = {"safe_stable": 45, "goals_met": 30, "transferred": 8, "lost_contact": 8,
                   "declined": 6, "duplicate": 2, "died": 1}


@dataclass(frozen=True)
class CaseSource:
    """What a synthetic case takes from the call that opens it."""

    call_id: uuid.UUID
    started_at: datetime
    operator_id: uuid.UUID
    unit_id: uuid.UUID | None
    urgency: str
    line: str
    survivor_id: uuid.UUID | None
    survivor_age: int | None
    survivor_is_child: bool | None


@dataclass
class Staff:
    """Who works the unit's cases: social workers and a supervisor per unit."""

    workers: dict[uuid.UUID | None, list[uuid.UUID]]
    supervisors: dict[uuid.UUID | None, uuid.UUID]
    providers: dict[str, list[uuid.UUID]]  # active directory entries by service type


@dataclass
class CaseRows:
    """Rows to insert, by table name, and the audit events, in order."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    audit: list[tuple] = field(default_factory=list)

    def add(self, table: str, row: dict) -> dict:
        self.rows.setdefault(table, []).append(row)
        return row


def stage_for_age(rng: random.Random, age_days: float) -> str:
    """How far a case of this age has gone: mostly the typical stage, sometimes behind."""
    reached = [stage for stage in STAGES if TYPICAL_DAYS[stage] <= age_days]
    if len(reached) > 1 and rng.random() < 0.25:
        reached.pop()
    return reached[-1]


class CaseBuilder:
    """Builds one case's rows at a time; `deadlines` computes the legal clocks."""

    def __init__(self, keyring: Keyring, rng: random.Random, staff: Staff, now: datetime,
                 deadlines):
        self.keyring, self.rng, self.staff, self.now = keyring, rng, staff, now
        self.deadlines = deadlines

    def seal(self, table: str, column: str, record_id: uuid.UUID, text: str) -> Sealed:
        return Sealed(seal(self.keyring, text, table=table, column=column, record_id=record_id))

    def build(self, source: CaseSource, code: str, stage: str) -> CaseRows:
        """The rows of a case opened from `source` and taken as far as `stage`."""
        out, case_id = CaseRows(), uuid.uuid4()
        is_child = bool(source.survivor_is_child) or (
            source.survivor_is_child is None and source.line == "111")
        case = out.add("cases", self._case_row(case_id, source, code, is_child))
        out.add("case_calls", {"case_id": case_id, "call_id": source.call_id,
                               "attached_at": case["opened_at"],
                               "attached_by_id": source.operator_id})
        self._event(out, case, "case_open", source.operator_id, case["opened_at"], source.call_id)
        clock = _Clock(self.rng, case["opened_at"], self.now, STAGES.index(stage),
                       urgent=is_child and source.urgency in URGENT_LEVELS)
        for step in STAGES[1:STAGES.index(stage) + 1]:
            getattr(self, f"_to_{step}")(out, case, clock, source, is_child)
        case["next_due_at"] = self._next_due(case)
        return out

    def _case_row(self, case_id, source: CaseSource, code: str, is_child: bool) -> dict:
        opened = min(source.started_at + timedelta(minutes=self.rng.randint(5, 40)), self.now)
        return {
            "id": case_id, "code": code, "survivor_id": source.survivor_id,
            "unit_id": source.unit_id, "assigned_to_id": None, "opened_by_id": source.operator_id,
            "status": "new", "urgency": source.urgency, "is_child": is_child,
            "summary": self.seal("cases", "summary", case_id, self.rng.choice(SUMMARIES)),
            "opened_at": opened, "received_at": source.started_at,
            "action_deadline_at": self.deadlines.emergency(source.started_at, source.urgency,
                                                           is_child),
            "emergency_action_at": None,
            "plan_due_at": self.deadlines.plan(source.started_at, is_child),
            "plan_submitted_at": None, "plan_approved_at": None, "review_due_on": None,
            "next_due_at": None, "closed_at": None, "closure_reason": None,
            "updated_at": opened, "version": 1,
        }

    def _event(self, out: CaseRows, case: dict, action: str, actor, at: datetime,
               subject=None, detail=None, *, moves_to: str | None = None) -> None:
        from_status = case["status"]
        if action != "case_open":
            case["version"] += 1
        if moves_to:
            case["status"] = moves_to
        case["updated_at"] = at
        out.add("case_events", {"id": uuid.uuid4(), "case_id": case["id"],
                                "version": case["version"], "at": at, "actor_id": actor,
                                "action": action, "from_status": from_status,
                                "to_status": case["status"], "subject_id": subject,
                                "detail": detail})
        out.audit.append((action, "case", case["id"], actor))

    def _to_initial_assessment(self, out, case, clock, source, is_child):
        workers = self.staff.workers.get(source.unit_id) or [None]
        case["assigned_to_id"] = worker = self.rng.choice(workers)
        self._event(out, case, "assign", self._supervisor(source), clock.next(), worker,
                    moves_to="initial_assessment")

    def _to_detailed_assessment(self, out, case, clock, source, is_child):
        at, risk = clock.next(), self.rng.choice(("medium", "high", "severe", "low"))
        measures = case["action_deadline_at"] is not None or risk == "severe"
        assessment = self._assessment(out, case, "initial", risk, [], at, measures)
        if measures:
            case["emergency_action_at"] = at
        self._event(out, case, "record_initial_assessment", case["assigned_to_id"], at,
                    assessment, risk, moves_to="detailed_assessment")

    def _to_plan(self, out, case, clock, source, is_child):
        at, risk = clock.next(), self.rng.choice(("low", "medium", "high"))
        needs = self.rng.sample(NEED.codes[:-1], self.rng.randint(1, 3))
        assessment = self._assessment(out, case, "detailed", risk, needs, at, False)
        self._event(out, case, "record_detailed_assessment", case["assigned_to_id"], at,
                    assessment, risk, moves_to="plan")

    def _assessment(self, out, case, kind, risk, needs, at, measures) -> uuid.UUID:
        assessment_id = uuid.uuid4()
        out.add("case_assessments", {
            "id": assessment_id, "case_id": case["id"], "kind": kind, "risk_level": risk,
            "needs": " ".join(sorted(needs)), "emergency_measures": measures,
            "findings": self.seal("case_assessments", "findings", assessment_id,
                                  self.rng.choice(FINDINGS)),
            "assessed_at": at, "assessed_by_id": case["assigned_to_id"]})
        return assessment_id

    def _to_in_support(self, out, case, clock, source, is_child):
        submitted, approved = clock.next(), clock.next()
        plan_id, review_on = uuid.uuid4(), (approved + timedelta(days=30)).date()
        out.add("case_plans", {
            "id": plan_id, "case_id": case["id"], "review_on": review_on,
            "goals": self.seal("case_plans", "goals", plan_id, self.rng.choice(GOALS)),
            "submitted_by_id": case["assigned_to_id"], "submitted_at": submitted,
            "status": "approved", "decided_at": approved,
            "decided_by_id": self._supervisor(source), "decision_comment": None})
        case["plan_submitted_at"], case["plan_approved_at"] = submitted, approved
        case["review_due_on"] = review_on
        self._event(out, case, "submit_plan", case["assigned_to_id"], submitted, plan_id)
        self._event(out, case, "approve_plan", self._supervisor(source), approved, plan_id,
                    moves_to="in_support")
        self._support(out, case, clock, source, is_child)

    def _support(self, out, case, clock, source, is_child):
        for _ in range(self.rng.choice((0, 1, 1, 2))):
            self._referral(out, case, clock.next(), source, is_child)
        if self.rng.random() < 0.85:
            for _ in range(self.rng.randint(1, 3)):
                self._service(out, case, clock.next())
        note_id, at = uuid.uuid4(), clock.next()
        out.add("case_notes", {"id": note_id, "case_id": case["id"], "kind": "note",
                               "body": self.seal("case_notes", "body", note_id,
                                                 self.rng.choice(NOTES)),
                               "created_at": at, "author_id": case["assigned_to_id"]})
        self._event(out, case, "note_add", case["assigned_to_id"], at, note_id, "note")

    def _referral(self, out, case, at, source, is_child):
        service_type = self.rng.choice([t for t in REFERRAL_TYPES if self.staff.providers.get(t)]
                                       or [None])
        if service_type is None:
            return
        referral_id, refused = uuid.uuid4(), self.rng.random() < 0.08
        override = refused and is_child and self.rng.random() < 0.4
        status = "consent_refused" if refused and not override else self.rng.choice(
            ("sent", "accepted", "completed", "completed"))
        out.add("referrals", {
            "id": referral_id, "case_id": case["id"],
            "provider_id": self.rng.choice(self.staff.providers[service_type]),
            "service_type": service_type, "status": status, "reason": None,
            "consent_rule": consent_rule(is_child, source.survivor_age),
            "survivor_consent": not refused, "representative_consent": (not refused)
            if is_child else None, "consent_recorded_at": at, "consent_recorded_by_id":
            case["assigned_to_id"], "consent_given_at": None if refused else at,
            "override_reason": self.seal("referrals", "override_reason", referral_id,
                                         "Trẻ đang gặp nguy hiểm, không chờ được.")
            if override else None,
            "override_by_id": self._supervisor(source) if override else None,
            "override_at": at if override else None, "created_at": at,
            "created_by_id": case["assigned_to_id"],
            "sent_at": None if status == "consent_refused" else at,
            "responded_at": at if status in ("accepted", "completed") else None,
            "completed_at": at if status == "completed" else None, "outcome": None,
            "version": 3})
        self._event(out, case, f"referral_{'override' if override else 'propose'}",
                    case["assigned_to_id"], at, referral_id, service_type)

    def _service(self, out, case, at):
        delivery_id = uuid.uuid4()
        service_type = self.rng.choice(("psychosocial", "health", "legal_aid", "social_work_centre",
                                        "shelter", "no_contact_order"))
        providers = self.staff.providers.get(service_type)
        out.add("services_delivered", {
            "id": delivery_id, "case_id": case["id"], "service_type": service_type,
            "delivered_on": at.date(), "provider_id": self.rng.choice(providers)
            if providers else None, "referral_id": None, "note": None, "recorded_at": at,
            "recorded_by_id": case["assigned_to_id"]})
        self._event(out, case, "service_record", case["assigned_to_id"], at, delivery_id,
                    service_type)

    def _to_review(self, out, case, clock, source, is_child):
        self._event(out, case, "start_review", case["assigned_to_id"], clock.next(),
                    moves_to="review")

    def _to_closed(self, out, case, clock, source, is_child):
        requested, approved = clock.next(), clock.next()
        request_id = uuid.uuid4()
        reason = self.rng.choices(list(CLOSURE_WEIGHTS), list(CLOSURE_WEIGHTS.values()))[0]
        out.add("case_closure_requests", {
            "id": request_id, "case_id": case["id"], "reason": reason,
            "outcome": self.seal("case_closure_requests", "outcome", request_id,
                                 self.rng.choice(OUTCOMES)),
            "open_referrals_note": None, "submitted_by_id": case["assigned_to_id"],
            "submitted_at": requested, "status": "approved", "decided_at": approved,
            "decided_by_id": self._supervisor(source), "decision_comment": None})
        case["closed_at"], case["closure_reason"] = approved, reason
        self._event(out, case, "request_closure", case["assigned_to_id"], requested, request_id,
                    reason)
        self._event(out, case, "approve_closure", self._supervisor(source), approved,
                    request_id, reason, moves_to="closed")

    def _supervisor(self, source: CaseSource):
        return self.staff.supervisors.get(source.unit_id)

    def _next_due(self, case: dict) -> datetime | None:
        if case["status"] == "closed":
            return None
        due = [case["action_deadline_at"] if case["emergency_action_at"] is None else None,
               case["plan_due_at"] if case["plan_submitted_at"] is None else None]
        if case["status"] == "in_support" and case["review_due_on"]:
            due.append(self.deadlines.end_of_day(case["review_due_on"]))
        due = [moment for moment in due if moment is not None]
        return min(due) if due else None


class _Clock:
    """Times of successive steps: spread over the case's life, never after now.

    Nine urgent child cases in ten are assigned and assessed within hours (the 12-hour
    deadline); the tenth is late, as happens.
    """

    def __init__(self, rng: random.Random, start: datetime, now: datetime, steps: int,
                 urgent: bool):
        self.rng, self.now, self.at = rng, now, start
        span = max((now - start).total_seconds(), 60.0)
        self.gap = span / (steps * 3 + 6)  # leaves room for the steps to come
        self.quick = 2 if urgent and rng.random() < 0.9 else 0

    def next(self) -> datetime:
        if self.quick:
            self.quick -= 1
            step = timedelta(hours=self.rng.uniform(0.3, 5))
        else:
            step = timedelta(seconds=self.gap * self.rng.uniform(0.5, 2.5))
        self.at = min(self.at + step, self.now)
        return self.at
