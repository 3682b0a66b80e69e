"""The demo instance: accounts for every role and synthetic data, never real people."""

from __future__ import annotations

from collections.abc import Callable

from casework.accounts import service as accounts
from casework.accounts.roles import Role
from casework.cases.demo import seed_demo_cases
from casework.intake.seeding import seed_demo_calls
from casework.reports.demo import seed_last_year

DEMO_PASSWORD = "casework-demo"
DEMO_ACCOUNTS = (
    ("operator", "Trần Thị Lan", Role.OPERATOR),
    ("socialworker", "Lê Văn Minh", Role.SOCIAL_WORKER),
    ("supervisor", "Phạm Thị Thu", Role.SUPERVISOR),
    ("board", "Ban VSTBPN tỉnh", Role.BOARD),
    ("admin", "Quản trị hệ thống", Role.ADMIN),
)


def seed_accounts(progress: Callable[[str], None]) -> None:
    unit = accounts.get_or_create_unit("AG-CTXH", "Trung tâm Công tác xã hội tỉnh An Giang")
    for username, display_name, role in DEMO_ACCOUNTS:
        if accounts.find_user(username) is None:
            accounts.create_user(username=username, display_name=display_name, role=role,
                                 password=DEMO_PASSWORD, unit=unit)
    progress(f"{len(DEMO_ACCOUNTS)} demo accounts")


# Each later domain adds its seeder here, in dependency order.
DEMO_SEEDERS: list[Callable[[Callable[[str], None]], None]] = [seed_accounts, seed_demo_calls,
                                                                  seed_last_year, seed_demo_cases]


def seed_demo(progress: Callable[[str], None] = print) -> None:
    """Fill an empty demo database; each seeder commits its own work."""
    from casework.extensions import db

    for seeder in DEMO_SEEDERS:
        seeder(progress)
        db.session.commit()
