"""What the board's reports store: the register of released custom ranges, and the indexes
their queries need on the tables of intake, cases and referrals.

The register holds codes and dates only (which range, which line, which threshold, when and
by whom): never a count. It is what lets each later custom range be protected jointly with
every range the board has already seen (docs/statistics.md).
"""

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.cases.models import Case
from casework.db import utcnow
from casework.extensions import db
from casework.intake.models import Call
from casework.people.models import Survivor
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


class ReleasedRange(db.Model):
    """A custom range whose statistics the board has seen, on one line, under one threshold.

    The id gives the release order: each range's suppression is worked out against the
    ranges released before it, so it can be recomputed exactly as it was first shown.
    """

    __tablename__ = "report_releases"
    __table_args__ = (sa.UniqueConstraint("start_day", "end_day", "line", "k",
                                          name="uq_report_releases_range"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=True)
    start_day: Mapped[date] = mapped_column(sa.Date)
    end_day: Mapped[date] = mapped_column(sa.Date)
    line: Mapped[str] = mapped_column(sa.String(8))
    k: Mapped[int] = mapped_column(sa.Integer)
    released_at: Mapped[datetime] = mapped_column(default=utcnow)
    # None when a scheduled `casework report` pull released it.
    released_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
