"""Report releases: the register of custom ranges the board has seen (codes and dates only)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21

"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_releases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("start_day", sa.Date(), nullable=False),
        sa.Column("end_day", sa.Date(), nullable=False),
        sa.Column("line", sa.String(length=8), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_by_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(["released_by_id"], ["users.id"],
                                name=op.f("fk_report_releases_released_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_releases")),
        sa.UniqueConstraint("start_day", "end_day", "line", "k", name="uq_report_releases_range"),
    )


def downgrade():
    op.drop_table("report_releases")
