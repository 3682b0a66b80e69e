"""People: each call's own copy of its survivor, the history of survivors' details, and the
keyed hash of a repeat-caller search in the audit trail

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

Calls logged before this revision have no copy of their own: their page shows the
survivor's current details, as it did before.
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "survivor_detail_changes",
        sa.Column("survivor_id", sa.Uuid(), nullable=False),
        sa.Column("fields", sa.String(length=200), nullable=False),
        sa.Column("previous_values", sa.Text(), nullable=True),
        sa.Column("new_values", sa.Text(), nullable=True),
        sa.Column("changed_by_id", sa.Uuid(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint("source IN ('call', 'correction', 'merge')",
                           name=op.f("ck_survivor_detail_changes_source_known")),
        sa.ForeignKeyConstraint(["changed_by_id"], ["users.id"],
                                name=op.f("fk_survivor_detail_changes_changed_by_id_users")),
        sa.ForeignKeyConstraint(["survivor_id"], ["survivors.id"], ondelete="CASCADE",
                                name=op.f("fk_survivor_detail_changes_survivor_id_survivors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survivor_detail_changes")),
    )
    with op.batch_alter_table("survivor_detail_changes", schema=None) as batch_op:
        batch_op.create_index("ix_survivor_detail_changes_survivor_at",
                              ["survivor_id", "changed_at"], unique=False)
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("survivor_details", sa.Text(), nullable=True))
    # A plain ALTER on both databases: rebuilding the table would drop its append-only guards.
    op.execute("ALTER TABLE audit_entries ADD COLUMN term_hash VARCHAR(64)")


def downgrade():
    op.execute("ALTER TABLE audit_entries DROP COLUMN term_hash")
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_column("survivor_details")
    with op.batch_alter_table("survivor_detail_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_survivor_detail_changes_survivor_at")
    op.drop_table("survivor_detail_changes")
