"""Emergency actions recorded at any stage of a case, and the reason for closing a case
whose 12-hour emergency clock was never stopped

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

MEASURES = ("removed_to_safety", "emergency_medical", "police_intervention",
            "separated_from_perpetrator", "temporary_care", "commune_intervention", "other")


def upgrade():
    op.create_table(
        "case_emergency_actions",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("measure", sa.String(length=32), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("acted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("measure IN (" + ", ".join(f"'{m}'" for m in MEASURES) + ")",
                           name=op.f("ck_case_emergency_actions_measure_known")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_case_emergency_actions_case_id_cases"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["users.id"],
                                name=op.f("fk_case_emergency_actions_recorded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_emergency_actions")),
    )
    with op.batch_alter_table("case_emergency_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_emergency_actions_case_id"), ["case_id"],
                              unique=False)
    with op.batch_alter_table("case_closure_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("no_emergency_action_reason", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("case_closure_requests", schema=None) as batch_op:
        batch_op.drop_column("no_emergency_action_reason")
    with op.batch_alter_table("case_emergency_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_emergency_actions_case_id"))
    op.drop_table("case_emergency_actions")
