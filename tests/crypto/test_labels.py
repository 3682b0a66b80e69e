"""Key and backup events read well in an audit trail, in Vietnamese and English."""

import pytest
from flask_babel import force_locale

from casework.audit.labels import action_label

ACTIONS = ("keys_generate", "keys_rotate", "keys_retire", "backup_create", "backup_restore")


@pytest.mark.parametrize("action", ACTIONS)
def test_every_key_event_has_a_label_in_both_languages(app, action):
    with app.test_request_context():
        with force_locale("en"):
            english = action_label(action)
        with force_locale("vi"):
            vietnamese = action_label(action)
    assert english != action and vietnamese not in (action, english)


def test_the_vietnamese_label_of_a_rotation(app):
    with app.test_request_context(), force_locale("vi"):
        assert action_label("keys_rotate") == "Đã mã hóa lại dữ liệu đã lưu bằng khóa chính"
