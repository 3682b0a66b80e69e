"""A scratch Casework instance for one benchmark run: its database, keys, users and data.

The database is created for the run and dropped after it (a PostgreSQL database on the
given server, or a SQLite file in the work folder); data comes from the project's own
`casework seed`, so the benchmark measures what production code writes.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from functools import cached_property
from pathlib import Path

import sqlalchemy as sa

from bench.live import casework_command

BENCH_PASSWORD = "bench passphrase, never a real one"
SEED_DAYS = 730
# Sign-in is not what is measured, so the board's second factor is not asked for here.
INSTANCE_SETTINGS = {"require_2fa_roles": ["supervisor", "admin"]}


class SiteError(RuntimeError):
    """A set-up step of the benchmark failed; the message says which and why."""


class Site:
    """One instance folder and one scratch database, on SQLite or PostgreSQL."""

    def __init__(self, database: str, workdir: Path, postgres_url: str | None = None):
        self.database = database
        self.folder = workdir / database
        self.postgres_url = postgres_url
        self.db_name = f"casework_bench_{os.getpid()}_{secrets.token_hex(3)}"
        self.calls = 0

    @cached_property
    def url(self) -> str:
        if self.database == "sqlite":
            return f"sqlite:///{self.folder / 'casework.db'}"
        server = sa.make_url(self.postgres_url)
        return server.set(database=self.db_name).render_as_string(hide_password=False)

    @property
    def env(self) -> dict[str, str]:
        """The environment a `casework` command of this instance needs, and nothing stray."""
        clean = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_")}
        return {**clean, "CASEWORK_INSTANCE": str(self.folder / "instance"),
                "CASEWORK_DATABASE_URL": self.url}

    def create(self) -> Site:
        from casework.config import KEYRING_DIR, KEYRING_FILE, create_instance
        from casework.crypto.keyring import new_keyring, save_keyring_file

        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        if self.database == "postgresql":
            self._admin("CREATE DATABASE \"{}\"")
        instance = self.folder / "instance"
        create_instance(instance, demo=False, extra=INSTANCE_SETTINGS)
        save_keyring_file(instance / KEYRING_DIR / KEYRING_FILE, new_keyring())
        self.casework("init-db")
        return self

    def drop(self) -> None:
        self.__dict__.pop("app", None)
        if self.database == "postgresql":
            self._admin("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)")
        shutil.rmtree(self.folder, ignore_errors=True)

    def _admin(self, statement: str) -> None:
        engine = sa.create_engine(self.postgres_url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql(statement.format(self.db_name))
        finally:
            engine.dispose()

    def casework(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        """Run a `casework` command of this instance; a failure stops the benchmark."""
        result = subprocess.run([*casework_command(), *args], env=self.env, input=stdin,
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise SiteError(f"`casework {' '.join(args)}` failed on {self.database}:\n"
                            f"{result.stdout[-2000:]}{result.stderr[-2000:]}")
        return result

    def seed_to(self, calls: int, progress=print) -> float:
        """Grow the database to `calls` calls with `casework seed`; returns the seconds taken."""
        if calls <= self.calls:
            return 0.0
        started = time.monotonic()
        # A fixed random seed per step, so that two runs seed the same data. Two years of
        # calls: the last whole year, which the board reports on, holds about half of them.
        self.casework("seed", "--calls", str(calls - self.calls), "--seed", str(calls),
                      "--days", str(SEED_DAYS))
        self.calls = calls
        seconds = time.monotonic() - started
        progress(f"  {self.database}: seeded to {calls:,} calls in {seconds:.0f} s")
        return seconds

    @cached_property
    def app(self):
        """The application in this process, for in-process scenarios and set-up."""
        from casework import create_app

        return create_app({"instance_path": str(self.folder / "instance"),
                           "database_url": self.url})

    def reload_app(self) -> None:
        """Forget the in-process app, e.g. after `keys rotate` changed the key file."""
        app = self.__dict__.pop("app", None)
        if app is not None:
            with app.app_context():
                from casework.extensions import db

                db.engine.dispose()

    def create_user(self, role: str, username: str) -> str:
        """A staff account with the bench password, created through the accounts service."""
        from casework.accounts import service
        from casework.extensions import db

        with self.app.app_context():
            if service.find_user(username) is None:
                unit = service.get_or_create_unit("BENCH", "Benchmark unit")
                service.create_user(username=username, display_name=username, role=role,
                                    password=BENCH_PASSWORD, unit=unit)
                db.session.commit()
        return username

    def row_counts(self, tables: tuple[str, ...]) -> dict[str, int]:
        """Rows per table, for the sizes section; tables that do not exist are left out."""
        engine = sa.create_engine(self.url)
        try:
            present = set(sa.inspect(engine).get_table_names())
            with engine.connect() as connection:
                return {t: connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()
                        for t in tables if t in present}
        finally:
            engine.dispose()
