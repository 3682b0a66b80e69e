"""Cases and referrals: cases and their calls, events, assessments, plans, closure requests,
notes and tasks; the service directory, referrals and services delivered

Coded columns are checked against their lists; free text about a person is encrypted (Text).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 11:54:40.507233

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_code_counters',
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', 'year', name=op.f('pk_case_code_counters'))
    )
    op.create_table('service_providers',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('service_type', sa.String(length=32), nullable=False),
    sa.Column('commune_code', sa.String(length=10), nullable=True),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("service_type IN ('health', 'forensic', 'police', 'legal_aid', 'shelter', 'psychosocial', 'social_work_centre', 'womens_union', 'court_procuracy', 'school', 'commune_committee', 'no_contact_order', 'summon_perpetrator', 'behaviour_change', 'administrative_handling', 'criminal_handling')", name=op.f('ck_service_providers_type_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_providers'))
    )
    with op.batch_alter_table('service_providers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_providers_service_type'), ['service_type'], unique=False)

    op.create_table('cases',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('survivor_id', sa.Uuid(), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('assigned_to_id', sa.Uuid(), nullable=True),
    sa.Column('opened_by_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('urgency', sa.String(length=12), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('is_child', sa.Boolean(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('action_deadline_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('emergency_action_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan_submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('plan_approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_due_on', sa.Date(), nullable=True),
    sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closure_reason', sa.String(length=32), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("closure_reason IS NULL OR closure_reason IN ('safe_stable', 'goals_met', 'transferred', 'lost_contact', 'declined', 'duplicate', 'died')", name=op.f('ck_cases_closure_reason_known')),
    sa.CheckConstraint("status IN ('new', 'initial_assessment', 'detailed_assessment', 'plan', 'in_support', 'review', 'closed')", name=op.f('ck_cases_status_known')),
    sa.CheckConstraint("urgency IN ('immediate', 'urgent', 'routine')", name=op.f('ck_cases_urgency_known')),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['users.id'], name=op.f('fk_cases_assigned_to_id_users')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['users.id'], name=op.f('fk_cases_opened_by_id_users')),
    sa.ForeignKeyConstraint(['survivor_id'], ['survivors.id'], name=op.f('fk_cases_survivor_id_survivors')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_cases_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('code', name=op.f('uq_cases_code'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_assigned_status', ['assigned_to_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_next_due_at'), ['next_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_opened_at'), ['opened_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_opened_by_id'), ['opened_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_survivor_id'), ['survivor_id'], unique=False)
        batch_op.create_index('ix_cases_unit_status', ['unit_id', 'status'], unique=False)

    op.create_table('case_assessments',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('risk_level', sa.String(length=32), nullable=False),
    sa.Column('needs', sa.String(length=400), nullable=False),
    sa.Column('emergency_measures', sa.Boolean(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=True),
    sa.Column('assessed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('assessed_by_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("kind IN ('initial', 'detailed')", name=op.f('ck_case_assessments_kind_known')),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['users.id'], name=op.f('fk_case_assessments_assessed_by_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_assessments_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_assessments'))
    )
    with op.batch_alter_table('case_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_assessments_case_id'), ['case_id'], unique=False)

    op.create_table('case_calls',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('call_id', sa.Uuid(), nullable=False),
    sa.Column('attached_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attached_by_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['attached_by_id'], ['users.id'], name=op.f('fk_case_calls_attached_by_id_users')),
    sa.ForeignKeyConstraint(['call_id'], ['calls.id'], name=op.f('fk_case_calls_call_id_calls')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_calls_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', 'call_id', name=op.f('pk_case_calls'))
    )
    with op.batch_alter_table('case_calls', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_calls_call_id'), ['call_id'], unique=False)

    op.create_table('case_closure_requests',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('open_referrals_note', sa.Text(), nullable=True),
    sa.Column('submitted_by_id', sa.Uuid(), nullable=False),
    sa.Column('decided_by_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision_comment', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("reason IN ('safe_stable', 'goals_met', 'transferred', 'lost_contact', 'declined', 'duplicate', 'died')", name=op.f('ck_case_closure_requests_reason_known')),
    sa.CheckConstraint("status IN ('submitted', 'approved', 'returned')", name=op.f('ck_case_closure_requests_status_known')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_closure_requests_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_case_closure_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_case_closure_requests_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_closure_requests'))
    )
    with op.batch_alter_table('case_closure_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_closure_requests_case_id'), ['case_id'], unique=False)

    op.create_table('case_events',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Uuid(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('from_status', sa.String(length=32), nullable=True),
    sa.Column('to_status', sa.String(length=32), nullable=True),
    sa.Column('subject_id', sa.Uuid(), nullable=True),
    sa.Column('detail', sa.String(length=200), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_case_events_actor_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_case_at', ['case_id', 'at'], unique=False)

    op.create_table('case_notes',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_case_notes_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_case_id'), ['case_id'], unique=False)

    op.create_table('case_plans',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=False),
    sa.Column('goals', sa.Text(), nullable=True),
    sa.Column('submitted_by_id', sa.Uuid(), nullable=False),
    sa.Column('decided_by_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decision_comment', sa.Text(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("status IN ('submitted', 'approved', 'returned')", name=op.f('ck_case_plans_status_known')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_plans_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_case_plans_decided_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_case_plans_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_plans'))
    )
    with op.batch_alter_table('case_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_plans_case_id'), ['case_id'], unique=False)

    op.create_table('case_tasks',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_tasks_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_case_tasks_created_by_id_users')),
    sa.ForeignKeyConstraint(['done_by_id'], ['users.id'], name=op.f('fk_case_tasks_done_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_tasks'))
    )
    with op.batch_alter_table('case_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_tasks_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_tasks_open_due', ['done_at', 'due_on'], unique=False)

    op.create_table('referrals',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=False),
    sa.Column('service_type', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('consent_rule', sa.String(length=32), nullable=False),
    sa.Column('survivor_consent', sa.Boolean(), nullable=True),
    sa.Column('representative_consent', sa.Boolean(), nullable=True),
    sa.Column('consent_recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('consent_recorded_by_id', sa.Uuid(), nullable=True),
    sa.Column('override_reason', sa.Text(), nullable=True),
    sa.Column('consent_given_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('override_by_id', sa.Uuid(), nullable=True),
    sa.Column('override_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('responded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("consent_rule IN ('adult', 'child_under_7', 'child_7_plus')", name=op.f('ck_referrals_rule_known')),
    sa.CheckConstraint("service_type IN ('health', 'forensic', 'police', 'legal_aid', 'shelter', 'psychosocial', 'social_work_centre', 'womens_union', 'court_procuracy', 'school', 'commune_committee', 'no_contact_order', 'summon_perpetrator', 'behaviour_change', 'administrative_handling', 'criminal_handling')", name=op.f('ck_referrals_type_known')),
    sa.CheckConstraint("status IN ('proposed', 'consent_refused') OR consent_given_at IS NOT NULL OR override_by_id IS NOT NULL", name=op.f('ck_referrals_sent_with_consent')),
    sa.CheckConstraint("status IN ('proposed', 'consent_refused', 'sent', 'accepted', 'declined', 'completed')", name=op.f('ck_referrals_status_known')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_referrals_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['consent_recorded_by_id'], ['users.id'], name=op.f('fk_referrals_consent_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_referrals_created_by_id_users')),
    sa.ForeignKeyConstraint(['override_by_id'], ['users.id'], name=op.f('fk_referrals_override_by_id_users')),
    sa.ForeignKeyConstraint(['provider_id'], ['service_providers.id'], name=op.f('fk_referrals_provider_id_service_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referrals'))
    )
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referrals_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referrals_provider_id'), ['provider_id'], unique=False)

    op.create_table('services_delivered',
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('service_type', sa.String(length=32), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('provider_id', sa.Uuid(), nullable=True),
    sa.Column('referral_id', sa.Uuid(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("service_type IN ('health', 'forensic', 'police', 'legal_aid', 'shelter', 'psychosocial', 'social_work_centre', 'womens_union', 'court_procuracy', 'school', 'commune_committee', 'no_contact_order', 'summon_perpetrator', 'behaviour_change', 'administrative_handling', 'criminal_handling')", name=op.f('ck_services_delivered_type_known')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_services_delivered_case_id_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['service_providers.id'], name=op.f('fk_services_delivered_provider_id_service_providers')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_services_delivered_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['referral_id'], ['referrals.id'], name=op.f('fk_services_delivered_referral_id_referrals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services_delivered'))
    )
    with op.batch_alter_table('services_delivered', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_services_delivered_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_services_delivered_type_on', ['service_type', 'delivered_on'], unique=False)



def downgrade():
    with op.batch_alter_table('services_delivered', schema=None) as batch_op:
        batch_op.drop_index('ix_services_delivered_type_on')
        batch_op.drop_index(batch_op.f('ix_services_delivered_case_id'))

    op.drop_table('services_delivered')
    with op.batch_alter_table('referrals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referrals_provider_id'))
        batch_op.drop_index(batch_op.f('ix_referrals_case_id'))

    op.drop_table('referrals')
    with op.batch_alter_table('case_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_case_tasks_open_due')
        batch_op.drop_index(batch_op.f('ix_case_tasks_case_id'))

    op.drop_table('case_tasks')
    with op.batch_alter_table('case_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_plans_case_id'))

    op.drop_table('case_plans')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_case_id'))

    op.drop_table('case_notes')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_case_at')

    op.drop_table('case_events')
    with op.batch_alter_table('case_closure_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_closure_requests_case_id'))

    op.drop_table('case_closure_requests')
    with op.batch_alter_table('case_calls', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_calls_call_id'))

    op.drop_table('case_calls')
    with op.batch_alter_table('case_assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_assessments_case_id'))

    op.drop_table('case_assessments')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_unit_status')
        batch_op.drop_index(batch_op.f('ix_cases_survivor_id'))
        batch_op.drop_index(batch_op.f('ix_cases_opened_by_id'))
        batch_op.drop_index(batch_op.f('ix_cases_opened_at'))
        batch_op.drop_index(batch_op.f('ix_cases_next_due_at'))
        batch_op.drop_index('ix_cases_assigned_status')

    op.drop_table('cases')
    with op.batch_alter_table('service_providers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_providers_service_type'))

    op.drop_table('service_providers')
    op.drop_table('case_code_counters')
