"""A logged data call writes its call and survivor rows once: every field before the audit."""

from __future__ import annotations

from sqlalchemy import event

from casework.intake.records import SurvivorDetails
from tests.factories import make_call


def test_a_data_call_inserts_its_rows_without_updating_them(operator, db_session):
    statements = []
    engine = db_session.get_bind().engine

    def keep(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        call = make_call(operator, "about_other", urgency="urgent",
                         survivor=SurvivorDetails(name="Lý Thị Sen", age=11))
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert call.action_deadline_at is not None and call.survivor_id is not None
    assert not [s for s in statements if s.startswith(("UPDATE calls", "UPDATE survivors"))]
    assert any(s.startswith("INSERT INTO survivors") for s in statements)
