"""The case status machine as data: which step leads from which status to which, and who acts.

new → initial_assessment → detailed_assessment → plan → in_support → review → closed,
with re-planning from review and reopening of a closed case. Plans and closures need a
supervisor's approval: a social worker submits, a supervisor approves (the status moves)
or returns with a comment (it stays). Each step is one service function in
`casework.cases.service`, which checks this table before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from casework.accounts.roles import Role
from casework.cases.codes import OPEN_STATUSES

WORKER = frozenset({Role.SOCIAL_WORKER, Role.SUPERVISOR})
SUPERVISOR = frozenset({Role.SUPERVISOR})


@dataclass(frozen=True)
class Step:
    """A named step of the workflow; `target` None leaves the status as it is.

    While a closure waits for approval the case is frozen: only steps marked
    `while_closing` may be taken.
    """

    name: str
    sources: frozenset[str]
    target: str | None
    roles: frozenset[Role]
    while_closing: bool = False


STEPS: dict[str, Step] = {
    step.name: step
    for step in (
        Step("assign", frozenset({"new"}), "initial_assessment", SUPERVISOR),
        Step("reassign", OPEN_STATUSES - {"new"}, None, SUPERVISOR, while_closing=True),
        Step("record_initial_assessment", frozenset({"initial_assessment"}),
             "detailed_assessment", WORKER),
        Step("record_detailed_assessment", frozenset({"detailed_assessment"}), "plan", WORKER),
        Step("submit_plan", frozenset({"plan"}), None, WORKER),
        Step("approve_plan", frozenset({"plan"}), "in_support", SUPERVISOR),
        Step("return_plan", frozenset({"plan"}), None, SUPERVISOR),
        Step("start_review", frozenset({"in_support"}), "review", WORKER),
        Step("replan", frozenset({"review"}), "plan", WORKER),
        Step("request_closure", OPEN_STATUSES, None, WORKER),
        Step("approve_closure", OPEN_STATUSES, "closed", SUPERVISOR, while_closing=True),
        Step("return_closure", OPEN_STATUSES, None, SUPERVISOR, while_closing=True),
        Step("reopen", frozenset({"closed"}), "initial_assessment", SUPERVISOR),
        Step("edit_details", OPEN_STATUSES, None, WORKER, while_closing=True),
        # What was done in an emergency is a fact to record whenever it happens.
        Step("record_emergency_action", OPEN_STATUSES, None, WORKER, while_closing=True),
    )
}


def step(name: str) -> Step:
    return STEPS[name]


def steps_from(status: str, role: str) -> list[Step]:
    """The steps a user of `role` could take from `status`, before any other condition."""
    return [s for s in STEPS.values() if status in s.sources and role in s.roles]
