"""What the key and backup events are called when someone reads an audit trail."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from casework.audit.labels import register_action_labels

register_action_labels({
    "keys_generate": _l("New encryption key made primary"),
    "keys_rotate": _l("Stored values re-encrypted under the primary key"),
    "keys_retire": _l("Old encryption key retired"),
    "backup_create": _l("Encrypted backup made"),
    "backup_restore": _l("Database restored from a backup"),
})
