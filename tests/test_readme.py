"""The README documents every setting and shows the test command that CI runs."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from casework.config import ENV_PREFIX, Settings

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Read from the environment under another name, or not a setting of its own.
NOT_BY_FIELD_NAME = {"instance_path", "keyring_env"}


def test_every_setting_is_documented_in_the_readme():
    names = [ENV_PREFIX + field.name.upper() for field in dataclasses.fields(Settings)
             if field.name not in NOT_BY_FIELD_NAME]
    names += ["CASEWORK_INSTANCE", "CASEWORK_KEYRING", "CASEWORK_SECRET_KEY"]
    assert [name for name in names if f"`{name}`" not in README] == []


def test_the_quick_start_test_command_is_the_one_ci_runs():
    ci_script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r'^TEST_COMMAND="(.+)"$', ci_script, re.M).group(1)
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = [line.strip() for line in quick_start.splitlines()
                if line.startswith("    python3 -m venv")]
    assert commands == [
        "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/casework demo",
        command,
    ]
