"""A Hypothesis state machine over the case lifecycle.

Random users (the assigned social worker, another social worker, the unit's supervisor,
a supervisor of another unit, the operator) try random steps on a few cases. A simple model
predicts which attempts are legal. Checked after every step: exactly the legal attempts
succeed, each success adds one audit entry and one version, a refusal changes nothing, and
the number of cases in each status matches the model.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from casework.audit.models import AuditEntry
from casework.cases import lifecycle, service
from casework.cases.changes import CaseError
from casework.cases.codes import ANY_STAGE_CLOSURE_REASONS, CLOSURE_REASON
from casework.cases.models import Case
from casework.cases.schedule import local_today
from casework.extensions import db
from tests.cases.builders import make_case
from tests.factories import make_unit, make_user

CASES = 2
ACTORS = ("worker", "other_worker", "supervisor", "foreign_supervisor", "operator")
WORKER_ACTORS = {"worker", "supervisor"}
OPEN = {"new", "initial_assessment", "detailed_assessment", "plan", "in_support", "review"}


@dataclass
class Model:
    """What the lifecycle should be, per case."""

    status: str = "new"
    assigned: str | None = None
    plan_pending: bool = False
    closure_pending: bool = False
    audit_entries: int = 1  # the opening
    version: int = 1
    history: list = field(default_factory=list)


def _legal(model: Model, step: str, actor: str, **args) -> bool:
    """Whether the model allows `actor` to take `step` now."""
    worker_ok = actor == "supervisor" or (actor != "operator" and model.assigned == actor)
    supervisor_ok = actor == "supervisor"
    frozen = model.closure_pending
    rules = {
        "assign": supervisor_ok and model.status == "new" and not frozen,
        "reassign": supervisor_ok and model.status in OPEN - {"new"}
        and args.get("to") != model.assigned,
        "record_initial_assessment": worker_ok and model.status == "initial_assessment"
        and not frozen,
        "record_detailed_assessment": worker_ok and model.status == "detailed_assessment"
        and not frozen,
        "submit_plan": worker_ok and model.status == "plan" and not model.plan_pending
        and not frozen,
        "approve_plan": supervisor_ok and model.status == "plan" and model.plan_pending
        and not frozen,
        "return_plan": supervisor_ok and model.status == "plan" and model.plan_pending
        and not frozen,
        "start_review": worker_ok and model.status == "in_support" and not frozen,
        "replan": worker_ok and model.status == "review" and not frozen,
        "request_closure": worker_ok and model.status in OPEN and not frozen
        and not model.plan_pending
        and (model.status == "review" or args.get("reason") in ANY_STAGE_CLOSURE_REASONS),
        "approve_closure": supervisor_ok and model.status in OPEN and model.closure_pending,
        "return_closure": supervisor_ok and model.status in OPEN and model.closure_pending,
        "reopen": supervisor_ok and model.status == "closed",
    }
    return rules[step]


def _apply(model: Model, step: str, **args) -> None:
    """Update the model after a successful step."""
    targets = {"assign": "initial_assessment", "record_initial_assessment": "detailed_assessment",
               "record_detailed_assessment": "plan", "approve_plan": "in_support",
               "start_review": "review", "replan": "plan", "approve_closure": "closed",
               "reopen": "initial_assessment"}
    model.status = targets.get(step, model.status)
    if step in ("assign", "reassign"):
        model.assigned = args["to"]
    model.plan_pending = step == "submit_plan" or (
        model.plan_pending and step not in ("approve_plan", "return_plan"))
    model.closure_pending = step == "request_closure" or (
        model.closure_pending and step not in ("approve_closure", "return_closure"))
    model.audit_entries += 2 if step == "reopen" else 1  # reopening also adds its reason note
    model.version += 1
    model.history.append(step)


STEP_NAMES = ("assign", "reassign", "record_initial_assessment", "record_detailed_assessment",
              "submit_plan", "approve_plan", "return_plan", "start_review", "replan",
              "request_closure", "approve_closure", "return_closure", "reopen")


# Steps `advance` chooses from: the other rules try everything and are mostly refused.
FORWARD_STEPS = ("assign", "record_initial_assessment", "record_detailed_assessment",
                 "submit_plan", "approve_plan", "return_plan", "start_review", "replan",
                 "request_closure", "approve_closure", "return_closure", "reopen")


def _arguments(step: str) -> list[dict]:
    if step in ("assign", "reassign"):
        return [{"to": "worker"}, {"to": "other_worker"}]
    if step == "request_closure":
        return [{"reason": "safe_stable"}]  # only after review; any-stage reasons come randomly
    return [{}]


def _perform(case: Case, step: str, user, **args) -> None:
    """Call the service function of a step with plausible input."""
    review_on = local_today() + timedelta(days=30)
    calls = {
        "assign": lambda: service.assign_case(case, args["worker_user"], by=user),
        "reassign": lambda: service.assign_case(case, args["worker_user"], by=user),
        "record_initial_assessment": lambda: lifecycle.record_initial_assessment(
            case, risk_level="high", emergency_measures=True, findings="f", by=user),
        "record_detailed_assessment": lambda: lifecycle.record_detailed_assessment(
            case, risk_level="medium", needs=["safety"], findings="f", by=user),
        "submit_plan": lambda: lifecycle.submit_plan(case, goals="g", review_on=review_on,
                                                     by=user),
        "approve_plan": lambda: lifecycle.approve_plan(case, by=user),
        "return_plan": lambda: lifecycle.return_plan(case, comment="c", by=user),
        "start_review": lambda: lifecycle.start_review(case, by=user),
        "replan": lambda: lifecycle.replan(case, by=user),
        "request_closure": lambda: lifecycle.request_closure(
            case, reason=args["reason"], outcome="o", by=user,
            no_emergency_action_reason="n"),  # kept only while the 12-hour clock runs
        "approve_closure": lambda: lifecycle.approve_closure(case, by=user),
        "return_closure": lambda: lifecycle.return_closure(case, comment="c", by=user),
        "reopen": lambda: lifecycle.reopen_case(case, reason="r", by=user),
    }
    calls[step]()


class Lifecycle(RuleBasedStateMachine):
    users: dict = {}

    def __init__(self):
        super().__init__()
        self.savepoint = db.session.begin_nested()
        self.cases = [make_case(self.users["operator"], urgency="urgent") for _ in range(CASES)]
        self.models = [Model() for _ in range(CASES)]

    def teardown(self):
        self.savepoint.rollback()

    def _audit_count(self, case: Case) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.object_type.in_(("case", "case_note")),
                                        AuditEntry.object_id.in_(self._ids_of(case))))

    def _ids_of(self, case: Case) -> list:
        from casework.cases.models import CaseNote

        return [case.id, *db.session.scalars(sa.select(CaseNote.id)
                                             .where(CaseNote.case_id == case.id))]

    def _attempt(self, index: int, step: str, actor: str, **args) -> None:
        case, model = self.cases[index], self.models[index]
        legal = _legal(model, step, actor, **args)
        savepoint = db.session.begin_nested()
        try:
            _perform(case, step, self.users[actor], **args)
            db.session.flush()
        except CaseError:
            savepoint.rollback()
            db.session.refresh(case)
            assert not legal, f"{actor} was refused {step} from {model.status} ({model.history})"
        else:
            savepoint.commit()
            assert legal, f"{actor} could {step} from {model.status} ({model.history})"
            _apply(model, step, **args)

    @rule(index=st.integers(0, CASES - 1), actor=st.sampled_from(ACTORS),
          to=st.sampled_from(("worker", "other_worker")))
    def assign(self, index, actor, to):
        step = "assign" if self.models[index].status == "new" else "reassign"
        self._attempt(index, step, actor, to=to, worker_user=self.users[to])

    @rule(index=st.integers(0, CASES - 1), actor=st.sampled_from(ACTORS),
          step=st.sampled_from(("record_initial_assessment", "record_detailed_assessment",
                                "submit_plan", "approve_plan", "return_plan", "start_review",
                                "replan", "approve_closure", "return_closure", "reopen")))
    def take_step(self, index, actor, step):
        self._attempt(index, step, actor)

    @rule(index=st.integers(0, CASES - 1), actor=st.sampled_from(ACTORS),
          reason=st.sampled_from(CLOSURE_REASON.codes))
    def request_closure(self, index, actor, reason):
        self._attempt(index, "request_closure", actor, reason=reason)

    @rule(index=st.integers(0, CASES - 1), data=st.data())
    def advance(self, index, data):
        """Take a step the model says is legal, so that runs reach every stage."""
        model = self.models[index]
        moves = [(step, actor, args) for step in FORWARD_STEPS for actor in ACTORS
                 for args in _arguments(step) if _legal(model, step, actor, **args)]
        if not moves:
            return
        step = data.draw(st.sampled_from(sorted({move[0] for move in moves})))
        step, actor, args = data.draw(st.sampled_from([m for m in moves if m[0] == step]))
        if "to" in args:
            args = {**args, "worker_user": self.users[args["to"]]}
        self._attempt(index, step, actor, **args)

    @invariant()
    def each_case_matches_its_model(self):
        for case, model in zip(self.cases, self.models):
            assert (case.status, case.version) == (model.status, model.version), model.history
            assert self._audit_count(case) == model.audit_entries, model.history
            assigned = {None: None, "worker": self.users["worker"].id,
                        "other_worker": self.users["other_worker"].id}[model.assigned]
            assert case.assigned_to_id == assigned

    @invariant()
    def counts_per_status_match(self):
        ids = [case.id for case in self.cases]
        stored = dict(db.session.execute(
            sa.select(Case.status, sa.func.count()).where(Case.id.in_(ids)).group_by(Case.status)
        ).all())
        assert stored == dict(Counter(model.status for model in self.models))


def test_only_legal_transitions_happen_and_each_is_audited(db_session):
    unit, elsewhere = make_unit(), make_unit("UNIT-B", "Unit B")
    Lifecycle.users = {
        "worker": make_user("social_worker", unit=unit),
        "other_worker": make_user("social_worker", unit=unit),
        "supervisor": make_user("supervisor", unit=unit),
        "foreign_supervisor": make_user("supervisor", unit=elsewhere),
        "operator": make_user("operator", unit=unit),
    }
    run_state_machine_as_test(Lifecycle, settings=settings(
        max_examples=25, stateful_step_count=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
