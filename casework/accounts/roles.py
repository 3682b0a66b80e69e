"""Staff roles: stable codes stored in the database, translated for display."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class Role(StrEnum):
    OPERATOR = "operator"
    SOCIAL_WORKER = "social_worker"
    SUPERVISOR = "supervisor"
    BOARD = "board"
    ADMIN = "admin"

    @property
    def label(self):
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.OPERATOR: _l("Hotline operator"),
    Role.SOCIAL_WORKER: _l("Social worker"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.BOARD: _l("Board (statistics)"),
    Role.ADMIN: _l("Administrator"),
}

ALL_ROLES = frozenset(Role)
STAFF_ROLES = frozenset({Role.OPERATOR, Role.SOCIAL_WORKER, Role.SUPERVISOR, Role.ADMIN})
