"""Short, bounded atheris runs of every fuzz target; longer runs are in docs/security.md.

CASEWORK_FUZZ_RUNS sets the number of inputs per target (default 3000); the suppression
target, which solves integer programs for every input, runs a tenth of that.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(importlib.util.find_spec("atheris") is None,
                       reason="atheris is not installed: pip install -e '.[fuzz]'"),
]

REPO = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("CASEWORK_FUZZ_RUNS", "3000"))
# Target -> share of CASEWORK_FUZZ_RUNS it runs.
TARGETS = {"envelope": 1, "phone": 1, "name": 1, "suppression": 0.1}


def run_target(name: str, workdir: Path, runs: int) -> subprocess.CompletedProcess:
    """Fuzz one target from its seed corpus for a fixed number of inputs."""
    from tests.fuzz.harness import seed_corpus

    corpus = workdir / "corpus"
    corpus.mkdir()
    for number, seed in enumerate(seed_corpus(name)):
        (corpus / f"seed-{number}").write_bytes(seed)
    command = [sys.executable, "-m", "tests.fuzz.harness", name, f"-runs={runs}",
               "-seed=1", "-max_len=4096", "-timeout=30", f"-artifact_prefix={workdir}/",
               str(corpus)]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(command, cwd=REPO, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=600)


@pytest.mark.parametrize("name", TARGETS)
def test_fuzz_target_holds_its_properties(name, tmp_path):
    result = run_target(name, tmp_path, max(1, int(RUNS * TARGETS[name])))
    crashes = sorted(path.name for path in tmp_path.glob("crash-*"))
    assert result.returncode == 0 and not crashes, result.stdout[-4000:]
    assert "Done" in result.stdout  # libFuzzer's summary line: the runs really happened


def test_the_harness_reports_a_broken_property(tmp_path):
    result = run_target("selftest", tmp_path, 100)
    assert result.returncode != 0
    assert list(tmp_path.glob("crash-*")), "libFuzzer saved no crashing input"
    assert "planted bug reached" in result.stdout
