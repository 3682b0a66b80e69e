"""Fill an instance's database with records holding encrypted values, quickly."""

from __future__ import annotations

import sqlalchemy as sa

from casework import create_app
from casework.accounts.models import User
from casework.extensions import db
from casework.people.models import Survivor


def instance_app(env: dict):
    """The app of a CLI test instance, reading its keys from the instance's key file."""
    return create_app({"instance_path": env["CASEWORK_INSTANCE"],
                       "database_url": env["CASEWORK_DATABASE_URL"]})


def survivor_phone(number: int) -> str:
    return f"0912 {number:06d}"


def populate(env: dict, *, users: int = 0, survivors: int = 0) -> None:
    """Add users with a second-factor secret and survivors with name, phone and address."""
    app = instance_app(env)
    with app.app_context():
        db.session.add_all(
            User(username=f"bulk{n}", display_name="Bulk", role="operator",
                 password_hash="not-a-hash", totp_secret=f"SECRET{n:08d}")
            for n in range(users)
        )
        db.session.add_all(
            Survivor(name=f"Nguyễn Thị Hoa {n}", phone=survivor_phone(n), address=f"Ấp {n}")
            for n in range(survivors)
        )
        db.session.commit()
        db.engine.dispose()


def count_under_key(env: dict, table: str, column: str, key_id: str) -> int:
    """How many values of one column are sealed under one key, read from outside the app."""
    engine = sa.create_engine(env["CASEWORK_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.text(
                f"SELECT count(*) FROM {table} WHERE {column} LIKE :prefix"
            ), {"prefix": f"v1:{key_id}:%"})
    finally:
        engine.dispose()
