"""The 12-hour emergency clock: an emergency action recorded at any stage stops it; a case
closed while it runs needs a reason, is shown to the supervisor, counts as a missed deadline
(on the overview and in the board's table) and no page counts down a closed case."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from casework.audit.models import AuditEntry
from casework.cases import lifecycle, service
from casework.cases.changes import CaseError
from casework.cases.emergency import record_emergency_action
from casework.cases.models import Case, CaseEvent, ClosureRequest, EmergencyAction
from casework.cases.schedule import local_today, local_zone
from casework.crypto import reveal
from casework.db import utcnow
from casework.extensions import db
from casework.reports import service as reports
from casework.reports.periods import whole_year
from casework.reports.tables import TABLES_BY_KEY
from tests.cases.builders import make_case
from tests.cases.clients import signed_in, version_in


@pytest.fixture
def team(make_user):
    return {"operator": make_user("operator"), "worker": make_user("social_worker"),
            "supervisor": make_user("supervisor")}


@pytest.fixture
def urgent_child(team, db_session):
    """An urgent case about a 10-year-old reported 20 hours ago, assigned, assessed without
    emergency measures."""
    case = make_case(team["operator"], age=10, urgency="urgent",
                     started_at=utcnow() - timedelta(hours=20))
    service.assign_case(case, team["worker"], by=team["supervisor"])
    lifecycle.record_initial_assessment(case, risk_level="high", emergency_measures=False,
                                        findings="", by=team["worker"])
    return case


def _to_plan(case, worker):
    lifecycle.record_detailed_assessment(case, risk_level="high", needs=["safety"],
                                         findings="", by=worker)


def _close_without_action(case, team):
    lifecycle.request_closure(case, reason="lost_contact", outcome="Gia đình chuyển đi",
                              no_emergency_action_reason="Không liên lạc được gia đình",
                              by=team["worker"])
    lifecycle.approve_closure(case, by=team["supervisor"])


def test_an_emergency_action_at_a_later_stage_stops_the_clock(team, urgent_child, db_session):
    case = urgent_child
    _to_plan(case, team["worker"])
    assert case.status == "plan" and case.next_due_at == case.action_deadline_at
    acted_at = case.received_at + timedelta(hours=3)
    action = record_emergency_action(case, measure="removed_to_safety",
                                     details="Đưa trẻ đến nhà bà ngoại", acted_at=acted_at,
                                     by=team["worker"])
    db_session.commit()
    assert case.emergency_action_at == acted_at and not case.emergency_clock_running
    assert case.next_due_at != case.action_deadline_at  # the plan's deadline is next now
    stored = db_session.get(EmergencyAction, action.id)
    assert (stored.measure, stored.recorded_by_id) == ("removed_to_safety", team["worker"].id)
    assert reveal(stored, "details") == "Đưa trẻ đến nhà bà ngoại"
    assert db_session.scalar(sa.select(CaseEvent.detail).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "record_emergency_action")) \
        == "removed_to_safety"
    assert db_session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "record_emergency_action", AuditEntry.object_id == case.id)) == 1


def test_an_earlier_action_recorded_later_moves_the_clock_back(team, urgent_child):
    case, worker = urgent_child, team["worker"]
    later = case.received_at + timedelta(hours=14)
    record_emergency_action(case, measure="police_intervention", details="Công an xã",
                            acted_at=later, by=worker)
    earlier = case.received_at + timedelta(hours=2)
    record_emergency_action(case, measure="emergency_medical", details="Trạm y tế",
                            acted_at=earlier, by=worker)
    assert case.emergency_action_at == earlier


def test_an_emergency_action_needs_a_known_measure_and_a_possible_time(team, urgent_child):
    case, worker = urgent_child, team["worker"]
    attempts = {
        "measure": dict(measure="teleport", acted_at=utcnow()),
        "acted_on": dict(measure="other", acted_at=utcnow() + timedelta(hours=2)),
    }
    for field, args in attempts.items():
        with pytest.raises(CaseError) as refused:
            record_emergency_action(case, details="x", by=worker, **args)
        assert refused.value.field == field
    with pytest.raises(CaseError) as before_report:
        record_emergency_action(case, measure="other", details="x", by=worker,
                                acted_at=case.received_at - timedelta(days=1))
    assert before_report.value.field == "acted_on" and case.emergency_clock_running


def test_closing_while_the_clock_runs_needs_a_reason(team, urgent_child, db_session):
    case = urgent_child
    with pytest.raises(CaseError) as refused:
        lifecycle.request_closure(case, reason="lost_contact", outcome="Mất liên lạc",
                                  by=team["worker"])
    assert refused.value.field == "no_emergency_action_reason"
    _close_without_action(case, team)
    assert case.status == "closed" and case.closed_without_emergency_action
    reasons = [reveal(r, "no_emergency_action_reason") for r in db_session.scalars(
        sa.select(ClosureRequest).where(ClosureRequest.case_id == case.id))]
    assert reasons == ["Không liên lạc được gia đình"]


def test_a_case_with_an_action_closes_without_that_reason(team, urgent_child):
    case = urgent_child
    record_emergency_action(case, measure="temporary_care", details="Nhà tạm lánh",
                            acted_at=utcnow(), by=team["worker"])
    lifecycle.request_closure(case, reason="transferred", outcome="Chuyển UBND xã",
                              by=team["worker"])
    lifecycle.approve_closure(case, by=team["supervisor"])
    assert case.status == "closed" and not case.closed_without_emergency_action


def test_a_case_made_urgent_while_its_closure_waits_cannot_close_without_a_reason(team):
    case = make_case(team["operator"], age=9, urgency="routine")
    service.assign_case(case, team["worker"], by=team["supervisor"])
    lifecycle.request_closure(case, reason="duplicate", outcome="Trùng", by=team["worker"])
    service.edit_case(case, urgency="urgent", summary="", by=team["worker"])
    assert case.emergency_clock_running
    with pytest.raises(CaseError):
        lifecycle.approve_closure(case, by=team["supervisor"])
    assert case.status != "closed"


def test_a_closed_case_counts_down_nowhere(app, team, urgent_child, db_session):
    case = urgent_child
    _close_without_action(case, team)
    db_session.commit()
    worker = signed_in(app, db_session, team["worker"])
    supervisor = signed_in(app, db_session, team["supervisor"])
    page = supervisor.get(f"/cases/{case.id}").text
    assert 'class="countdown' not in page and 'id="emergency-deadline"' in page
    # A closed case whose stored next deadline was never cleared (imported or older data).
    db_session.execute(sa.update(Case.__table__).where(Case.__table__.c.id == case.id)
                       .values(next_due_at=case.action_deadline_at))
    db_session.commit()
    caseload = worker.get("/cases/mine").text
    assert f'data-case="{case.code}"' in caseload and 'class="countdown' not in caseload
    overview = supervisor.get("/cases/overview").text
    assert f'data-case="{case.code}"' in overview and 'class="countdown' not in overview


def test_the_supervisor_sees_a_case_closed_without_emergency_action(app, team, urgent_child,
                                                                    db_session):
    acted = make_case(team["operator"], age=8, urgency="immediate")
    record_emergency_action(acted, measure="removed_to_safety", details="An toàn",
                            acted_at=acted.received_at + timedelta(minutes=5),
                            by=team["supervisor"])
    _close_without_action(urgent_child, team)
    db_session.commit()
    page = signed_in(app, db_session, team["supervisor"]).get("/cases/overview").text
    flagged = page.split('id="closed-without-emergency-action"')[1].split("</table>")[0]
    assert f'data-case="{urgent_child.code}"' in flagged and acted.code not in flagged
    timeliness = page.split('id="emergency-timeliness"')[1].split("</section>")[0]
    assert _count(timeliness, "missed") == 1 and _count(timeliness, "in_time") == 1
    assert _count(timeliness, "pending") == 0


def _count(html: str, timing: str) -> int:
    row = html.split(f'data-timing="{timing}"')[1].split("</tr>")[0]
    return int(row.rsplit('class="num">', 1)[1].split("<")[0])


def test_the_board_counts_a_case_closed_without_action_as_missed(team, urgent_child,
                                                                db_session):
    on_time = make_case(team["operator"], age=7, urgency="urgent")
    record_emergency_action(on_time, measure="emergency_medical", details="Cấp cứu",
                            acted_at=on_time.received_at + timedelta(minutes=5),
                            by=team["supervisor"])
    _close_without_action(urgent_child, team)
    db_session.commit()
    zone = str(local_zone())
    spec = TABLES_BY_KEY["emergency_action"]
    cube = reports.fill_cube(spec, [whole_year(local_today().year)], zone,
                             db.session.connection())
    rows = cube.dims[0]
    counted = {rows.leaves[r]: int(cube.counts[r].sum()) for r in range(len(rows.leaves))}
    assert counted.get("missed") == 1 and counted.get("in_time") == 1


def test_the_emergency_action_form_records_and_explains_bad_input(app, team, urgent_child,
                                                                 db_session):
    case = urgent_child
    db_session.commit()
    worker = signed_in(app, db_session, team["worker"])
    path = f"/cases/{case.id}/emergency-action"
    form = worker.get(path)
    assert form.status_code == 200 and 'name="acted_time"' in form.text
    bad = worker.post(path, data={"version": version_in(form.text), "measure": "other",
                                  "acted_on": local_today().isoformat(), "acted_time": "25:99",
                                  "details": "Báo công an xã"})
    assert bad.status_code == 200 and "Báo công an xã" in bad.text
    assert case.emergency_clock_running
    moment = utcnow().astimezone(local_zone()) - timedelta(minutes=30)
    done = worker.post(path, data={"version": version_in(form.text), "measure": "other",
                                   "acted_on": moment.strftime("%d/%m/%Y"),
                                   "acted_time": moment.strftime("%H:%M"),
                                   "details": "Báo công an xã"}, follow_redirects=True)
    assert done.status_code == 200
    with app.test_request_context(), force_locale("vi"):
        said = gettext("Emergency action recorded: the 12-hour clock is stopped.")
    assert said in done.text and "Báo công an xã" in done.text
    db_session.refresh(case)
    assert case.emergency_action_at == moment.replace(second=0, microsecond=0)


def test_the_closure_form_asks_why_and_the_supervisor_is_warned(app, team, urgent_child,
                                                                db_session):
    case = urgent_child
    db_session.commit()
    worker = signed_in(app, db_session, team["worker"])
    path = f"/cases/{case.id}/closure"
    form = worker.get(path).text
    assert 'name="no_emergency_action_reason"' in form
    data = {"version": version_in(form), "reason": "lost_contact", "outcome": "Mất liên lạc"}
    refused = worker.post(path, data=data)
    assert refused.status_code == 200 and "Mất liên lạc" in refused.text
    assert case.status != "closed" and lifecycle.pending_closure(case) is None
    sent = worker.post(path, data={**data, "no_emergency_action_reason": "Gia đình bỏ đi"})
    assert sent.status_code == 302
    supervisor = signed_in(app, db_session, team["supervisor"])
    decision = supervisor.get(f"/cases/{case.id}/closure/decision").text
    assert 'id="no-emergency-action"' in decision
    assert "Gia đình bỏ đi" in supervisor.get(f"/cases/{case.id}").text


def test_recording_an_action_without_a_clock_claims_no_clock_stopped(app, team, db_session):
    adult = make_case(team["operator"], age=30, urgency="immediate", line="1800")
    service.assign_case(adult, team["worker"], by=team["supervisor"])
    db_session.commit()
    worker = signed_in(app, db_session, team["worker"])
    path = f"/cases/{adult.id}/emergency-action"
    moment = utcnow().astimezone(local_zone()) - timedelta(minutes=1)
    page = worker.post(path, data={"version": version_in(worker.get(path).text),
                                   "measure": "police_intervention",
                                   "acted_on": moment.date().isoformat(),
                                   "acted_time": moment.strftime("%H:%M"),
                                   "details": "Công an phường can thiệp"},
                       follow_redirects=True).text
    with app.test_request_context(), force_locale("vi"):
        plain = gettext("Emergency action recorded.")
        clock = gettext("Emergency action recorded: the 12-hour clock is stopped.")
    assert plain in page and clock not in page
