"""Report indexes: the time ranges and codes the board's statistics group by

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21

"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_calls_report_started_line_type", "calls", ["started_at", "line", "call_type"]),
    ("ix_calls_report_survivor_started", "calls", ["survivor_id", "started_at"]),
    ("ix_cases_report_closed", "cases", ["closed_at"]),
    ("ix_referrals_report_created", "referrals", ["created_at"]),
    ("ix_survivors_report_created", "survivors", ["created_at"]),
)


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
