"""Intake: survivors, calls, call classifications and drafts

Coded columns hold taxonomy codes; names, phones, addresses, narratives and drafts are
encrypted (Text), phones and names with an integer blind index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 11:52:45.040889

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survivors',
    sa.Column('name', sa.Text(), nullable=True),
    sa.Column('name_index', sa.Integer(), nullable=True),
    sa.Column('phone', sa.Text(), nullable=True),
    sa.Column('phone_index', sa.Integer(), nullable=True),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('sex', sa.String(length=32), nullable=True),
    sa.Column('age', sa.SmallInteger(), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('age_band', sa.String(length=32), nullable=False),
    sa.Column('is_child_vn', sa.Boolean(), nullable=True),
    sa.Column('is_minor', sa.Boolean(), nullable=True),
    sa.Column('ethnicity', sa.String(length=32), nullable=True),
    sa.Column('is_ethnic_minority', sa.Boolean(), nullable=True),
    sa.Column('disability', sa.String(length=32), nullable=True),
    sa.Column('province_code', sa.SmallInteger(), nullable=True),
    sa.Column('commune_code', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survivors'))
    )
    with op.batch_alter_table('survivors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survivors_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_survivors_name_index'), ['name_index'], unique=False)
        batch_op.create_index(batch_op.f('ix_survivors_phone_index'), ['phone_index'], unique=False)

    op.create_table('survivor_vulnerabilities',
    sa.Column('survivor_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['survivor_id'], ['survivors.id'], name=op.f('fk_survivor_vulnerabilities_survivor_id_survivors'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('survivor_id', 'code', name=op.f('pk_survivor_vulnerabilities'))
    )
    op.create_table('call_drafts',
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('line', sa.String(length=8), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('save_seq', sa.Integer(), nullable=False),
    sa.Column('contents', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['users.id'], name=op.f('fk_call_drafts_operator_id_users')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_call_drafts_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_call_drafts'))
    )
    with op.batch_alter_table('call_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_drafts_operator_id'), ['operator_id'], unique=False)

    op.create_table('calls',
    sa.Column('line', sa.String(length=8), nullable=False),
    sa.Column('service_line', sa.String(length=32), nullable=True),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('call_type', sa.String(length=32), nullable=False),
    sa.Column('is_data_call', sa.Boolean(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('duration_seconds', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Uuid(), nullable=False),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('caller_relationship', sa.String(length=32), nullable=True),
    sa.Column('caller_sex', sa.String(length=32), nullable=True),
    sa.Column('caller_age_group', sa.String(length=32), nullable=True),
    sa.Column('caller_name', sa.Text(), nullable=True),
    sa.Column('caller_phone', sa.Text(), nullable=True),
    sa.Column('caller_phone_index', sa.Integer(), nullable=True),
    sa.Column('survivor_id', sa.Uuid(), nullable=True),
    sa.Column('previous_call_id', sa.Uuid(), nullable=True),
    sa.Column('setting', sa.String(length=32), nullable=True),
    sa.Column('perpetrator_relationship', sa.String(length=32), nullable=True),
    sa.Column('perpetrator_sex', sa.String(length=32), nullable=True),
    sa.Column('perpetrator_age_group', sa.String(length=32), nullable=True),
    sa.Column('incident_when', sa.String(length=32), nullable=True),
    sa.Column('is_ongoing', sa.Boolean(), nullable=True),
    sa.Column('trafficking_status', sa.String(length=32), nullable=True),
    sa.Column('counselling_topic', sa.String(length=32), nullable=True),
    sa.Column('gbvims_type', sa.String(length=32), nullable=True),
    sa.Column('chi_category', sa.String(length=32), nullable=True),
    sa.Column('urgency', sa.String(length=12), nullable=True),
    sa.Column('narrative', sa.Text(), nullable=True),
    sa.Column('action_deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_referral', sa.Boolean(), nullable=True),
    sa.Column('consent_data_sharing', sa.Boolean(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("line IN ('1800', '111')", name=op.f('ck_calls_line_known')),
    sa.CheckConstraint("urgency IS NULL OR urgency IN ('immediate', 'urgent', 'routine')", name=op.f('ck_calls_urgency_known')),
    sa.CheckConstraint('ended_at >= started_at', name=op.f('ck_calls_ends_after_start')),
    sa.ForeignKeyConstraint(['operator_id'], ['users.id'], name=op.f('fk_calls_operator_id_users')),
    sa.ForeignKeyConstraint(['previous_call_id'], ['calls.id'], name=op.f('fk_calls_previous_call_id_calls')),
    sa.ForeignKeyConstraint(['survivor_id'], ['survivors.id'], name=op.f('fk_calls_survivor_id_survivors')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_calls_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calls'))
    )
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calls_caller_phone_index'), ['caller_phone_index'], unique=False)
        batch_op.create_index('ix_calls_operator_started', ['operator_id', 'started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_survivor_id'), ['survivor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calls_unit_id'), ['unit_id'], unique=False)

    op.create_table('call_classifications',
    sa.Column('call_id', sa.Uuid(), nullable=False),
    sa.Column('scheme', sa.String(length=32), nullable=False),
    sa.Column('code', sa.String(length=48), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_call_classifications_call_id_calls'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('call_id', 'scheme', 'code', name=op.f('pk_call_classifications'))
    )
    with op.batch_alter_table('call_classifications', schema=None) as batch_op:
        batch_op.create_index('ix_call_classifications_scheme_code', ['scheme', 'code'], unique=False)



def downgrade():
    with op.batch_alter_table('call_classifications', schema=None) as batch_op:
        batch_op.drop_index('ix_call_classifications_scheme_code')

    op.drop_table('call_classifications')
    with op.batch_alter_table('calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calls_unit_id'))
        batch_op.drop_index(batch_op.f('ix_calls_survivor_id'))
        batch_op.drop_index(batch_op.f('ix_calls_started_at'))
        batch_op.drop_index('ix_calls_operator_started')
        batch_op.drop_index(batch_op.f('ix_calls_caller_phone_index'))

    op.drop_table('calls')
    with op.batch_alter_table('call_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_call_drafts_operator_id'))

    op.drop_table('call_drafts')
    op.drop_table('survivor_vulnerabilities')
    with op.batch_alter_table('survivors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survivors_phone_index'))
        batch_op.drop_index(batch_op.f('ix_survivors_name_index'))
        batch_op.drop_index(batch_op.f('ix_survivors_commune_code'))

    op.drop_table('survivors')
