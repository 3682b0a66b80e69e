"""Values per second that key rotation re-encrypts, against raw AES-GCM on the same values.

    python -m bench.rotation [--survivors 20000] [--databases sqlite,postgresql]
                             [--postgres-url URL] [--batch-size 2000]

For each database: a scratch instance (`bench.site.Site`) is filled with survivors whose
name, phone and address are encrypted (three values and two blind indexes each), written
through the models as production writes them. Three figures, in the same run:

- raw AES-GCM: every stored value decrypted and encrypted again under another key, with
  AES objects made once and the envelopes parsed in advance: the cryptography alone (the
  median of rounds run before, between and after the rotations);
- `rotate()` in process: what `casework keys rotate` does after start-up (select a batch,
  decrypt, seal under the new primary, recompute blind indexes, guarded UPDATE, commit);
- `casework keys rotate`: the real command's wall time, start-up included.

The full benchmark suite (`python -m bench.run --scenarios rotation`) measures the command
on data from `casework seed`; this script is the small, self-contained version.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from bench.site import Site
from casework.crypto.rotation import DEFAULT_BATCH

SEED_BATCH = 2000


@dataclass(frozen=True)
class Rate:
    method: str
    values: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.values / self.seconds if self.seconds else float("inf")


def seed_survivors(site: Site, count: int) -> None:
    """Add survivors with an encrypted name, phone and address, as the models write them."""
    from casework.extensions import db
    from casework.people.models import Survivor

    with site.app.app_context():
        for start in range(0, count, SEED_BATCH):
            db.session.add_all(
                Survivor(name=f"Nguyễn Thị Hoa {n}", phone=f"09{n:08d}", address=f"Ấp {n % 97}")
                for n in range(start, min(count, start + SEED_BATCH))
            )
            db.session.commit()


def stored_envelopes(site: Site) -> list[tuple[str, str, object, str]]:
    """(table, column, record id, envelope) of every stored encrypted value."""
    from casework.crypto.inventory import encrypted_tables
    from casework.extensions import db

    found = []
    with site.app.app_context():
        for spec in encrypted_tables():
            for field in spec.fields:
                query = sa.select(spec.id, sa.type_coerce(field, sa.Text)).where(
                    field.is_not(None))
                found += [(spec.name, field.name, rid, env)
                          for rid, env in db.session.execute(query)]
    return found


def raw_aes_gcm(site: Site, envelopes) -> Rate:
    """Decrypt and re-encrypt every value with AES objects made once: the crypto alone."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from casework.crypto.envelope import associated_data, parse_envelope

    keyring = site.app.extensions["casework.keyring"]
    old = {key_id: AESGCM(key.key_for("field")) for key_id, key in keyring.keys.items()}
    new = AESGCM(os.urandom(32))
    parsed = []
    for table, column, record_id, envelope in envelopes:
        key_id, nonce, body = parse_envelope(envelope)
        parsed.append((old[key_id], nonce, body,
                       associated_data(table, column, record_id, key_id)))
    started = time.perf_counter()
    for cipher, nonce, body, aad in parsed:
        new.encrypt(os.urandom(12), cipher.decrypt(nonce, body, aad), aad)
    return Rate("raw AES-GCM in memory", len(parsed), time.perf_counter() - started)


def median_rate(rates: list[Rate]) -> Rate:
    """The middle of several rounds: one noisy neighbour does not decide the figure."""
    middle = sorted(rates, key=lambda rate: rate.seconds)[len(rates) // 2]
    return Rate(f"{middle.method}, median of {len(rates)}", middle.values, middle.seconds)


def rotate_in_process(site: Site, values: int, batch_size: int) -> Rate:
    """A new primary key, then `rotate()` timed on its own."""
    from casework.crypto.rotation import rotate
    from casework.extensions import db

    site.casework("keys", "generate")
    site.reload_app()
    with site.app.app_context():
        started = time.perf_counter()
        rotate(db.engine, site.app.extensions["casework.keyring"], batch_size=batch_size)
        seconds = time.perf_counter() - started
    return Rate(f"rotate() in process, batches of {batch_size}", values, seconds)


def rotate_command(site: Site, values: int) -> Rate:
    """A new primary key, then the real `casework keys rotate`, start-up included."""
    site.casework("keys", "generate")
    started = time.perf_counter()
    site.casework("keys", "rotate")
    seconds = time.perf_counter() - started
    site.reload_app()
    return Rate("casework keys rotate (wall time)", values, seconds)


def measure(site: Site, survivors: int, batch_size: int, rounds: int = 3) -> list[Rate]:
    """Seed the site, then measure the three rates on the same values.

    The raw baseline runs before, between and after the two rotations, so that load from
    other processes on a shared machine weighs on both sides alike.
    """
    seed_survivors(site, survivors)
    raw = [raw_aes_gcm(site, stored_envelopes(site)) for _ in range(rounds)]
    in_process = rotate_in_process(site, raw[0].values, batch_size)
    raw += [raw_aes_gcm(site, stored_envelopes(site)) for _ in range(rounds)]
    command = rotate_command(site, raw[0].values)
    raw += [raw_aes_gcm(site, stored_envelopes(site)) for _ in range(rounds)]
    return [median_rate(raw), in_process, command]


def print_table(database: str, rates: list[Rate]) -> None:
    raw = rates[0].per_second
    print(f"\n{database}: {rates[0].values:,} encrypted values")
    print(f"| {'method':<42} | {'seconds':>8} | {'values/s':>10} | {'vs raw':>7} |")
    print(f"| {'-' * 42} | {'-' * 8} | {'-' * 10} | {'-' * 7} |")
    for rate in rates:
        print(f"| {rate.method:<42} | {rate.seconds:>8.2f} | {rate.per_second:>10,.0f} "
              f"| {rate.per_second / raw:>6.3f}× |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--survivors", type=int, default=20_000)
    parser.add_argument("--databases", default="sqlite")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1/postgres")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="casework-rotation-") as workdir:
        for database in options.databases.split(","):
            site = Site(database, Path(workdir), options.postgres_url).create()
            try:
                print_table(database, measure(site, options.survivors, options.batch_size))
            finally:
                site.drop()


if __name__ == "__main__":
    main()
