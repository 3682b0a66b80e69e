"""Every foundation command of `casework`, run as a separate process the way an operator does."""

from __future__ import annotations

import stat
import sys
import urllib.request
from pathlib import Path

import pytest

from casework import create_app
from casework.accounts import service
from casework.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.support import databases
from tests.support.servers import free_port, run_casework, running_server

SECURE = {"CASEWORK_COOKIE_SECURE": "1"}  # production checks refuse insecure cookies


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def ok(result) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def refused(result) -> str:
    assert result.returncode != 0, result.stdout
    return result.stdout + result.stderr


def usernames(env: dict) -> set[str]:
    app = create_app({"instance_path": env["CASEWORK_INSTANCE"],
                      "database_url": env["CASEWORK_DATABASE_URL"]})
    from casework.accounts.models import User
    from casework.extensions import db

    with app.app_context():
        names = {user.username for user in db.session.scalars(db.select(User))}
        db.engine.dispose()
    return names


# --- init-instance ---

def test_init_instance_creates_private_secret_and_key_files(tmp_path):
    folder = tmp_path / "instance"
    output = ok(run_casework("init-instance", "--instance", str(folder), env={}))
    assert "Created instance" in output and "keys/" in output
    assert mode_of(folder / "secret_key") == 0o600
    assert mode_of(folder / "keys" / "keyring.json") == 0o600
    assert mode_of(folder) & 0o077 == 0
    assert "is_demo = false" in (folder / "casework.toml").read_text()


def test_init_instance_never_replaces_an_existing_secret(tmp_path):
    folder = tmp_path / "instance"
    ok(run_casework("init-instance", "--instance", str(folder), env={}))
    secret = (folder / "secret_key").read_text()
    keys = (folder / "keys" / "keyring.json").read_text()
    output = ok(run_casework("init-instance", "--instance", str(folder), env={}))
    assert "already exists" in output and "nothing changed" in output
    assert (folder / "secret_key").read_text() == secret
    assert (folder / "keys" / "keyring.json").read_text() == keys


def test_init_instance_reads_the_folder_from_the_environment(tmp_path):
    folder = tmp_path / "from-env"
    ok(run_casework("init-instance", "--demo", env={"CASEWORK_INSTANCE": str(folder)}))
    assert "is_demo = true" in (folder / "casework.toml").read_text()


# --- init-db and check ---

def test_check_names_each_problem_and_exits_non_zero(fresh_instance):
    output = refused(run_casework("check", env=fresh_instance))
    assert "PROBLEM: database is not at the latest migration: run `casework init-db`" in output
    assert "PROBLEM: CASEWORK_COOKIE_SECURE is off outside a demo" in output


def test_init_db_migrates_and_can_run_again(fresh_instance):
    assert "latest migration" in ok(run_casework("init-db", env=fresh_instance))
    ok(run_casework("init-db", env=fresh_instance))
    assert ok(run_casework("check", env={**fresh_instance, **SECURE})).startswith("OK")


def test_check_names_a_reports_replica_it_cannot_use(fresh_instance, tmp_path):
    ok(run_casework("init-db", env=fresh_instance))
    primary = fresh_instance["CASEWORK_DATABASE_URL"]
    # A database without Casework's tables: the right server, not (yet) a replica of it.
    empty = (f"sqlite:///{tmp_path / 'empty.db'}" if primary.startswith("sqlite")
             else primary.rsplit("/", 1)[0] + "/postgres")
    output = refused(run_casework("check", env={**fresh_instance, **SECURE,
                                                "CASEWORK_REPORTS_DATABASE_URL": empty}))
    assert "PROBLEM: reports replica (CASEWORK_REPORTS_DATABASE_URL) unusable" in output
    same = {**fresh_instance, **SECURE, "CASEWORK_REPORTS_DATABASE_URL": primary}
    assert ok(run_casework("check", env=same)).startswith("OK")


def test_check_names_an_account_that_still_has_the_demo_password(fresh_instance):
    ok(run_casework("init-db", env=fresh_instance))
    ok(run_casework("create-user", "--username", "lan", "--display-name", "Lan",
                    "--role", "operator", "--password-stdin", env=fresh_instance,
                    input=DEMO_PASSWORD + "\n"))
    output = refused(run_casework("check", env={**fresh_instance, **SECURE}))
    assert "PROBLEM: user lan still has the demo password" in output


# --- create-user ---

def test_create_user_reads_the_password_from_stdin(fresh_instance):
    ok(run_casework("init-db", env=fresh_instance))
    output = ok(run_casework(
        "create-user", "--username", "hoa.le", "--display-name", "Lê Thị Hoa",
        "--role", "supervisor", "--password-stdin", env=fresh_instance,
        input="a long admin passphrase\n"))
    assert output.strip() == "Created supervisor hoa.le."
    app = create_app({"instance_path": fresh_instance["CASEWORK_INSTANCE"],
                      "database_url": fresh_instance["CASEWORK_DATABASE_URL"]})
    with app.app_context():
        result = service.check_password("hoa.le", "a long admin passphrase")
        assert result.outcome in (service.SignInOutcome.OK, service.SignInOutcome.NEEDS_TOTP)
        from casework.extensions import db

        db.session.rollback()
        db.engine.dispose()


@pytest.mark.parametrize("password", ["short\n", "password123456\n"])
def test_create_user_refuses_a_weak_password(fresh_instance, password):
    ok(run_casework("init-db", env=fresh_instance))
    output = refused(run_casework("create-user", "--username", "lan", "--display-name", "Lan",
                                  "--role", "operator", "--password-stdin",
                                  env=fresh_instance, input=password))
    assert "Password refused: " in output and "Traceback" not in output
    assert "lan" not in usernames(fresh_instance)


def test_create_user_refuses_a_taken_username_and_an_unknown_role(fresh_instance):
    ok(run_casework("init-db", env=fresh_instance))
    command = ("create-user", "--username", "lan", "--display-name", "Lan", "--role",
               "operator", "--password-stdin")
    ok(run_casework(*command, env=fresh_instance, input="a long test passphrase\n"))
    assert "is taken" in refused(run_casework(*command, env=fresh_instance,
                                              input="a long test passphrase\n"))
    unknown_role = refused(run_casework("create-user", "--username", "x1", "--display-name",
                                        "X", "--role", "root", "--password-stdin",
                                        env=fresh_instance, input="a long test passphrase\n"))
    assert "Invalid value for '--role'" in unknown_role


# --- demo ---

def test_demo_creates_a_seeded_demo_instance_once(tmp_path):
    with databases.scratch_database(tmp_path) as url:
        env = {"CASEWORK_INSTANCE": str(tmp_path / "demo"), "CASEWORK_DATABASE_URL": url}
        first = ok(run_casework("demo", "--no-serve", "--port", "5123", env=env))
        assert "Creating demo data" in first
        assert "Casework DEMO at http://127.0.0.1:5123/" in first
        assert f"password for all: {DEMO_PASSWORD}" in first
        expected = {username for username, _name, _role in DEMO_ACCOUNTS}
        assert expected <= usernames(env)
        again = ok(run_casework("demo", "--no-serve", env=env))
        assert "Creating demo data" not in again
        if url.startswith("sqlite"):
            checked = ok(run_casework("check", env=env))
            assert checked.startswith("WARNING: THIS IS A DEMO INSTANCE")
            assert "OK FOR A DEMO ONLY" in checked


def test_check_says_loudly_that_a_demo_is_a_demo(fresh_instance):
    ok(run_casework("init-db", env=fresh_instance))
    output = run_casework("check", env={**fresh_instance, "CASEWORK_IS_DEMO": "true"})
    assert "WARNING: THIS IS A DEMO INSTANCE" in output.stdout
    assert "Never enter real people's data" in output.stdout
    assert not output.stdout.startswith("OK:")


def test_serve_and_check_refuse_demo_mode_on_postgresql(fresh_instance):
    if fresh_instance["CASEWORK_DATABASE_URL"].startswith("sqlite"):
        pytest.skip("needs PostgreSQL (CASEWORK_TEST_DATABASE_URL)")
    ok(run_casework("init-db", env=fresh_instance))
    demo = {**fresh_instance, **SECURE, "CASEWORK_IS_DEMO": "true"}
    output = refused(run_casework("serve", "--port", str(free_port()), env=demo))
    assert "Cannot start:" in output and "demo mode is on for a PostgreSQL database" in output
    assert "Traceback" not in output
    checked = refused(run_casework("check", env=demo))
    assert "PROBLEM: demo mode is on for a PostgreSQL database" in checked


def test_demo_refuses_to_serve_on_postgresql(tmp_path):
    with databases.scratch_database(tmp_path) as url:
        if url.startswith("sqlite"):
            pytest.skip("needs PostgreSQL (CASEWORK_TEST_DATABASE_URL)")
        env = {"CASEWORK_INSTANCE": str(tmp_path / "demo"), "CASEWORK_DATABASE_URL": url}
        output = refused(run_casework("demo", "--port", str(free_port()), env=env))
    assert "Cannot serve: demo mode is on for a PostgreSQL database" in output


def test_demo_refuses_an_instance_that_is_not_a_demo(fresh_instance):
    output = refused(run_casework("demo", "--no-serve", env=fresh_instance))
    assert "is not a demo instance; use `casework serve`" in output


# --- serve ---

def test_serve_without_a_secret_says_what_to_set(tmp_path):
    output = refused(run_casework("serve", env={"CASEWORK_INSTANCE": str(tmp_path / "none")}))
    assert "Cannot start: No secret key: set CASEWORK_SECRET_KEY" in output
    assert "Traceback" not in output


def test_serve_without_keys_says_what_to_set(fresh_instance):
    (Path(fresh_instance["CASEWORK_INSTANCE"]) / "keys" / "keyring.json").unlink()
    output = refused(run_casework("serve", env=fresh_instance))
    assert "Cannot start:" in output and "CASEWORK_KEYRING" in output
    assert "Traceback" not in output


def test_serve_refuses_while_check_finds_a_problem(fresh_instance):
    output = refused(run_casework("serve", env={**fresh_instance, **SECURE}))
    assert "Cannot start:" in output and "casework init-db" in output


def test_serve_answers_when_configured(fresh_instance, tmp_path):
    ok(run_casework("init-db", env=fresh_instance))
    port = free_port()
    env = {**fresh_instance, **SECURE}
    with running_server(["serve", "--port", str(port)], env=env, port=port,
                        log_path=tmp_path / "serve.log") as base_url:
        with urllib.request.urlopen(base_url + "/healthz", timeout=5) as response:
            assert response.status == 200 and b'"ok"' in response.read()
        with urllib.request.urlopen(base_url + "/login", timeout=5) as response:
            assert response.status == 200
            assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "casework"
    if not script.exists():
        pytest.skip(f"no console script beside {sys.executable}")
    import subprocess

    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "init-instance" in result.stdout
