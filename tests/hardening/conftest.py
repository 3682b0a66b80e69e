"""Fixtures for the attack, crash and load tests: real instances and server processes."""

from __future__ import annotations

import os

import pytest

from tests.hardening.live import LiveInstance, casework, instance_app
from tests.support import databases


def loop_count(name: str, default: int) -> int:
    """A loop size that CI keeps modest; raise it with CASEWORK_<NAME> for a longer proof."""
    return int(os.environ.get(f"CASEWORK_{name}", default))


@pytest.fixture(scope="module")
def live_instance(tmp_path_factory, keyring):
    """A migrated instance with its own database, shared by one module's server tests."""
    directory = tmp_path_factory.mktemp("live")
    with databases.scratch_database(directory) as url:
        env = databases.make_instance(directory / "instance", url, keyring)
        casework(env, "init-db")
        yield LiveInstance(env, directory)


@pytest.fixture(scope="module")
def live_app(live_instance):
    """An app in this process on the live instance's database, to seed and inspect it."""
    app = instance_app(live_instance.env)
    yield app
    from casework.extensions import db

    with app.app_context():
        db.engine.dispose()
