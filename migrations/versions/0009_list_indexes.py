"""List indexes: the keys the call lists, caseloads and case trails page by

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-06

"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEXES = (
    # A supervisor's call list: the unit's calls, newest first (an operator's has its own).
    ("ix_calls_unit_started", "calls", ["unit_id", "started_at", "id"]),
    # A social worker's caseload and a unit's overview, by status and next deadline.
    ("ix_cases_assigned_status_due", "cases", ["assigned_to_id", "status", "next_due_at"]),
    ("ix_cases_unit_status_due", "cases", ["unit_id", "status", "next_due_at"]),
    # The audit trail of one record, in chain order.
    ("ix_audit_entries_object_seq", "audit_entries", ["object_id", "seq"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
