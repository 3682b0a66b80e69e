"""Sign-in throttles per client, enrolment secrets kept server-side, restore records

Revision ID: 0008
Revises: 0005
Create Date: 2026-12-06

"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_pending_secret", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("totp_pending_at", sa.DateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_key", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_login_throttles_user_key"), ["user_key"],
                              unique=False)
    # Rows from before were keyed by the hashed username alone: they are the account's.
    op.execute("UPDATE login_throttles SET user_key = username_key")
    op.create_table(
        "backup_restores",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("restored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("backup_made_at", sa.String(length=40), nullable=False),
        sa.Column("backup_kind", sa.String(length=16), nullable=False),
        sa.Column("backup_key_id", sa.String(length=32), nullable=False),
        sa.Column("restored_head_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_backup_restores")),
    )


def downgrade():
    op.drop_table("backup_restores")
    with op.batch_alter_table("login_throttles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_throttles_user_key"))
        batch_op.drop_column("user_key")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("totp_pending_at")
        batch_op.drop_column("totp_pending_secret")
