"""Call drafts: a version per draft and the page that saved it last

Revision ID: 0010
Revises: 0005
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("call_drafts") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("writer", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("call_drafts") as batch:
        batch.drop_column("writer")
        batch.drop_column("version")
