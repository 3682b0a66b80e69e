"""Countdowns read in the page's language, also when many are shown in one request."""

from datetime import timedelta

from flask_babel import force_locale

from casework.cases.display import countdown, remaining_text
from casework.db import utcnow


def test_countdowns_follow_the_language_within_one_request(app):
    now = utcnow()
    with app.test_request_context(headers={"Accept-Language": "vi"}):
        assert remaining_text(now + timedelta(hours=3, minutes=20, seconds=5), now) \
            == "còn 3 giờ 20 phút"
        with force_locale("en"):
            assert remaining_text(now - timedelta(days=2, minutes=1), now) \
                == "overdue by 2 d 0 h"
        assert remaining_text(now + timedelta(days=1, hours=2, seconds=5), now) \
            == "còn 1 ngày 2 giờ"


def test_a_countdown_is_marked_overdue_and_carries_its_deadline(app):
    due = utcnow() - timedelta(hours=1)
    with app.test_request_context(), force_locale("en"):
        html = str(countdown(due))
    assert html.startswith(f'<span class="countdown overdue" data-due="{due.isoformat()}">')
    assert html.endswith(" min</span>") and "overdue by 1 h" in html
