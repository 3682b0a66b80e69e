"""The audit trail is append-only in the database, and `casework audit verify` notices tampering.

Each tampering test works on a copy of a real chain with the triggers dropped (what an
attacker with database access could do) and expects `audit verify` to exit non-zero and
name the first broken entry.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from casework.cli import cli
from tests.audit.chain_copies import execute, instance_app, record_events, unguarded_copy

ENTRIES = 6


@pytest.fixture
def chain(fresh_instance):
    """An instance whose audit chain holds ENTRIES events; returns its environment."""
    app = instance_app(fresh_instance)
    record_events(app, ENTRIES)
    return fresh_instance


def verify(env: dict, database_url: str | None = None):
    overrides = {"CASEWORK_DATABASE_URL": database_url} if database_url else {}
    return CliRunner().invoke(cli, ["audit", "verify"], env={**env, **overrides})


def test_an_intact_chain_verifies(chain):
    result = verify(chain)
    assert result.exit_code == 0, result.output
    assert f"OK: {ENTRIES} audit entries verified" in result.output


def test_the_database_refuses_to_change_or_remove_an_entry(chain):
    engine = sa.create_engine(chain["CASEWORK_DATABASE_URL"])
    try:
        for statement in ("UPDATE audit_entries SET action = 'forged' WHERE seq = 2",
                          "DELETE FROM audit_entries WHERE seq = 2",
                          "DELETE FROM audit_entries"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                with engine.begin() as connection:
                    connection.exec_driver_sql(statement)
        with engine.connect() as connection:
            count = connection.exec_driver_sql("SELECT count(*) FROM audit_entries").scalar()
    finally:
        engine.dispose()
    assert count == ENTRIES
    assert verify(chain).exit_code == 0


def _insert_forged_entry_at_3(url: str) -> None:
    shifts = [f"UPDATE audit_entries SET seq = seq + 1 WHERE seq = {seq}"
              for seq in range(ENTRIES, 2, -1)]
    forged = ("INSERT INTO audit_entries (seq, at, actor_id, action, object_type, object_id, "
              "outcome, key_id, mac) SELECT 3, at, actor_id, 'sign_in', object_type, object_id, "
              "outcome, key_id, mac FROM audit_entries WHERE seq = 2")
    execute(url, *shifts, forged)


TAMPERINGS = {
    "edited": lambda url: execute(url, "UPDATE audit_entries SET action = 'x' WHERE seq = 3"),
    "deleted": lambda url: execute(url, "DELETE FROM audit_entries WHERE seq = 3"),
    "reordered": lambda url: execute(
        url,
        "UPDATE audit_entries SET seq = 1000 WHERE seq = 3",
        "UPDATE audit_entries SET seq = 3 WHERE seq = 4",
        "UPDATE audit_entries SET seq = 4 WHERE seq = 1000",
    ),
    "inserted": _insert_forged_entry_at_3,
}


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_tampering_with_a_copy_is_named_by_verify(chain, tampering):
    with unguarded_copy(chain["CASEWORK_DATABASE_URL"]) as copy_url:
        TAMPERINGS[tampering](copy_url)
        result = verify(chain, copy_url)
    assert result.exit_code == 1, result.output
    assert "BROKEN at entry 3:" in result.output


def test_entries_cut_from_the_end_are_noticed_after_a_verification(chain):
    assert verify(chain).exit_code == 0  # remembers the head it saw
    with unguarded_copy(chain["CASEWORK_DATABASE_URL"]) as copy_url:
        execute(copy_url, f"DELETE FROM audit_entries WHERE seq >= {ENTRIES - 1}")
        result = verify(chain, copy_url)
    assert result.exit_code == 1, result.output
    assert f"BROKEN at entry {ENTRIES - 1}: entries removed from the end" in result.output


def test_a_chain_cut_before_any_verification_still_verifies(chain):
    """Without a remembered head, a shortened chain is indistinguishable from a young one."""
    with unguarded_copy(chain["CASEWORK_DATABASE_URL"]) as copy_url:
        execute(copy_url, f"DELETE FROM audit_entries WHERE seq = {ENTRIES}")
        result = verify(chain, copy_url)
    assert result.exit_code == 0, result.output
    assert f"OK: {ENTRIES - 1} audit entries verified" in result.output


def test_entries_recorded_in_bulk_chain_like_single_ones(fresh_instance):
    import uuid

    from casework.audit.service import record_many
    from casework.extensions import db

    app = instance_app(fresh_instance)
    record_events(app, 2)
    with app.app_context():
        assert record_many([("case_open", "case", uuid.uuid4(), None) for _ in range(50)]) == 50
        db.session.commit()
        db.engine.dispose()
    record_events(app, 1)
    result = verify(fresh_instance)
    assert result.exit_code == 0, result.output
    assert "OK: 53 audit entries verified" in result.output
