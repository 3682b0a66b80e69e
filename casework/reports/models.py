"""Indexes the board's report queries need, on the tables of intake, cases and referrals.

The reports own no table. Each query scans a time range and groups by codes, so these
indexes lead with the timestamp that selects the period (and carry the grouped codes where
that lets the database answer from the index alone).
"""

import sqlalchemy as sa

from casework.cases.models import Case
from casework.intake.models import Call, Survivor
from casework.referrals.models import Referral

REPORT_INDEXES = (
    # Calls by type and line: answered from the index alone.
    sa.Index("ix_calls_report_started_line_type", Call.started_at, Call.line, Call.call_type),
    # Each survivor's first call (line, setting, perpetrator).
    sa.Index("ix_calls_report_survivor_started", Call.survivor_id, Call.started_at),
    sa.Index("ix_survivors_report_created", Survivor.created_at),
    sa.Index("ix_cases_report_closed", Case.closed_at),
    sa.Index("ix_referrals_report_created", Referral.created_at),
)
