"""`casework keys rotate` over every stored value, against raw AES-GCM on the same values.

The measured side generates a new primary key (`casework keys generate`) and runs
`casework keys rotate` as an administrator would: every encrypted value decrypted, sealed
again under the new key with its associated data, its blind indexes recomputed, in
committed batches. Its throughput is values re-encrypted per second of the command's wall
time, start-up included. The baseline decrypts and re-encrypts the same values (a sample
of them, parsed in advance) with AES-GCM objects made once, in memory: the cryptography
alone. The command's peak memory is kept for the memory scenario.
"""

from __future__ import annotations

import os
import subprocess
import time

import sqlalchemy as sa

from bench.live import casework_command
from bench.scenarios import Context, Unavailable
from bench.stats import Comparison, Measurement, Target

TARGET = Target(1 / 3, at_least=True, only_on="sqlite")
BASELINE_SAMPLE = 100_000


def _inventory():
    try:
        from casework.crypto.inventory import encrypted_tables
    except ImportError as error:
        raise Unavailable(f"key rotation is missing ({error})") from None
    return encrypted_tables()


def count_values(site) -> int:
    """Non-empty encrypted values in the database: what a rotation must re-encrypt."""
    from casework.extensions import db

    with site.app.app_context():
        return sum(
            db.session.scalar(sa.select(sa.func.count()).select_from(spec.table)
                              .where(field.is_not(None)))
            for spec in _inventory() for field in spec.fields)


def sample_values(site, limit: int) -> list[tuple[str, str, object, str]]:
    """(table, column, record id, envelope) of up to `limit` stored values."""
    from casework.extensions import db

    found = []
    with site.app.app_context():
        for spec in _inventory():
            for field in spec.fields:
                rows = db.session.execute(
                    sa.select(spec.id, sa.type_coerce(field, sa.Text)).where(field.is_not(None))
                    .limit(limit - len(found))).all()
                found += [(spec.name, field.name, record_id, envelope)
                          for record_id, envelope in rows]
                if len(found) >= limit:
                    return found
    return found


def raw_aes_gcm(site, values, rounds: int) -> Measurement:
    """The crypto alone, with bench/rotation.py's own baseline, timed in several rounds."""
    from bench import rotation

    measured = Measurement("raw AES-GCM in memory", unit="ops/s")
    for _ in range(rounds):
        rate = rotation.raw_aes_gcm(site, values)
        measured.samples.append(rate.seconds * 1000 / rate.values)
        measured.operations += rate.values
        measured.elapsed += rate.seconds
    return measured


def timed_command(site, *args: str) -> tuple[float, float]:
    """Run a `casework` command; (wall seconds, peak resident memory in MiB)."""
    started = time.perf_counter()
    process = subprocess.Popen([*casework_command(), *args], env=site.env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"`casework {' '.join(args)}` failed: "
                           f"{process.stderr.read().decode()[-1500:]}")
    process.stderr.close()
    return seconds, usage.ru_maxrss / 1024


def rotate_all(site) -> tuple[int, float, float]:
    """Make a new primary key and rotate everything; (values, seconds, peak MiB)."""
    values = count_values(site)
    site.casework("keys", "generate")
    seconds, peak_mib = timed_command(site, "keys", "rotate")
    site.reload_app()
    return values, seconds, peak_mib


def run(context: Context) -> list[Comparison]:
    site = context.site
    values = sample_values(site, BASELINE_SAMPLE)
    if not values:
        raise Unavailable("the seeded database holds no encrypted values")
    baseline = raw_aes_gcm(site, values, context.options.rounds)
    total, seconds, peak_mib = rotate_all(site)
    context.observations["rotation_peak_mib"] = peak_mib
    subject = Measurement("keys rotate", unit="ops/s", samples=[seconds * 1000 / total],
                          operations=total, elapsed=seconds)
    return [Comparison("Key rotation (values/s)", site.database, site.calls, subject, baseline,
                       TARGET, note=f"{total:,} values in {seconds:.0f} s, baseline on "
                                    f"{len(values):,} of them")]
