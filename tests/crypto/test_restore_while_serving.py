"""A restore refuses while Casework serves the instance and names each server, unless forced."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from casework.instance_lock import run_folder, running_servers, serving
from tests.crypto.test_backup import _survivor_names, instance  # noqa: F401  (fixture)
from tests.support.servers import free_port, run_casework, running_server

SECURE = {"CASEWORK_COOKIE_SECURE": "1"}

HOLDER = """
import sys, time
from pathlib import Path
from casework.instance_lock import serving
with serving(Path(sys.argv[1]), "http://127.0.0.1:1/", "sqlite"):
    print("serving", flush=True)
    time.sleep(600)
"""


def test_a_serving_process_is_listed_with_its_pid_and_start_and_gone_after(tmp_path):
    with serving(tmp_path, "http://127.0.0.1:8000/", "sqlite") as record:
        (listed,) = running_servers(tmp_path)
        assert listed == record and listed.pid == os.getpid()
        assert f"pid {os.getpid()}" in listed.describe() and "since" in listed.describe()
    assert running_servers(tmp_path) == []
    assert list(run_folder(tmp_path).iterdir()) == []


def test_a_record_left_by_a_killed_server_is_not_reported(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "serving"
        assert [record.pid for record in running_servers(tmp_path)] == [holder.pid]
    finally:
        os.kill(holder.pid, signal.SIGKILL)  # no clean-up runs
        holder.wait()
    assert list(run_folder(tmp_path).glob("serve-*.json")), "the record was left behind"
    assert running_servers(tmp_path) == []
    assert not list(run_folder(tmp_path).glob("serve-*.json")), "and is now removed"


def test_a_record_nobody_holds_is_stale(tmp_path):
    folder = run_folder(tmp_path)
    folder.mkdir()
    (folder / "serve-99999.json").write_text(json.dumps({
        "pid": 99999, "hostname": "x", "address": "http://x/", "database": "sqlite",
        "started_at": "2026-01-01T00:00:00+00:00"}))
    assert running_servers(tmp_path) == []


def test_restore_refuses_while_serve_runs_and_names_it(instance, tmp_path):  # noqa: F811
    backup = tmp_path / "casework.backup"
    assert run_casework("backup", str(backup), env=instance).returncode == 0
    before = _survivor_names(instance)
    port = free_port()
    with running_server(["serve", "--port", str(port)], env={**instance, **SECURE}, port=port,
                        log_path=tmp_path / "serve.log"):
        (server,) = running_servers(Path(instance["CASEWORK_INSTANCE"]))
        refused = run_casework("restore", "--yes", str(backup), env=instance)
        assert refused.returncode != 0
        assert "Casework is serving this instance; nothing changed" in refused.stderr
        assert f"pid {server.pid}" in refused.stderr and "since" in refused.stderr
        assert f"http://127.0.0.1:{port}/" in refused.stderr and "--force" in refused.stderr
        assert _survivor_names(instance) == before
        forced = run_casework("restore", "--yes", "--force", str(backup), env=instance)
        assert forced.returncode == 0, forced.stdout + forced.stderr
        assert "WARNING: restoring while Casework serves" in forced.stderr
    deadline = time.monotonic() + 15
    while running_servers(Path(instance["CASEWORK_INSTANCE"])) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert running_servers(Path(instance["CASEWORK_INSTANCE"])) == []
    assert run_casework("restore", "--yes", str(backup), env=instance).returncode == 0


