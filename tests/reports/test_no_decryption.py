"""The report code never decrypts, never reads an encrypted column, and runs one query per table."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

import casework.reports
from casework.crypto import EncryptedText
from casework.extensions import db
from casework.reports import service
from casework.reports.periods import Line, Period, whole_year
from casework.reports.tables import TABLES
from tests.reports.seeding import seed_year

REPORTS = Path(casework.reports.__file__).parent
FORBIDDEN_NAMES = {"reveal", "unseal", "seal", "seal_value", "Keyring", "load_keyring"}


def test_no_report_module_imports_decryption():
    for path in sorted(REPORTS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("casework.crypto"), path.name
                assert not {alias.name for alias in node.names} & FORBIDDEN_NAMES, path.name
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("casework.crypto") for a in node.names), path.name
            elif isinstance(node, (ast.Name, ast.Attribute)):
                name = node.id if isinstance(node, ast.Name) else node.attr
                assert name not in FORBIDDEN_NAMES, (path.name, name)


def encrypted_columns() -> list[str]:
    return [f"{table.name}.{column.name}" for table in db.metadata.tables.values()
            for column in table.columns if isinstance(column.type, EncryptedText)]


@pytest.fixture
def statements(app, db_session, monkeypatch):
    seed_year(2024, calls=200)
    db_session.flush()
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    def refuse(*args, **kwargs):
        raise AssertionError("the report tried to decrypt")

    monkeypatch.setattr("casework.crypto.fields.unseal", refuse)
    monkeypatch.setattr("casework.crypto.envelope.unseal", refuse)
    engine = db_session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", record)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", record)


def test_a_year_report_runs_one_query_per_table_and_reads_no_encrypted_column(statements):
    service.build_report(whole_year(2024), Line.BOTH, k=5, timezone="Asia/Ho_Chi_Minh",
                         today=date(2025, 2, 1))
    selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(selects) == len(TABLES) + 1  # and one for the median's histogram
    columns = encrypted_columns()
    assert "calls.narrative" in columns and "survivors.name" in columns
    for statement in selects:
        for column in columns:
            assert not re.search(rf"\b{re.escape(column)}\b", statement), column
        assert "GROUP BY" in statement.upper(), "aggregates only, never records"


def test_a_custom_range_adds_one_query_per_table_for_each_year_it_touches(statements):
    service.build_report(Period(date(2024, 3, 1), date(2024, 9, 30)), Line.BOTH, k=5,
                         timezone="Asia/Ho_Chi_Minh", today=date(2025, 2, 1))
    selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    register = [s for s in selects if "FROM report_releases" in s]
    assert len(register) == 1, "the register of released ranges is read once"
    assert len(selects) == 2 * len(TABLES) + 1 + 1  # the median's histogram, the register
