"""Logging a data call over HTTP through `casework serve`, against a bare Flask insert.

Each simulated operator signs in through the real form once, starts calls the way the desk
does (each start creates the server-side draft the call is logged from; not timed), then
submits the full data-call form: CSRF, validation, encryption of names, phones, address and
narrative, blind indexes, the survivor record, classifications and the audit entry, in one
request. The baseline server (`bench/baseline_server.py`, waitress with the same threads)
receives the same form and inserts it as one plaintext row into the same database.
Both run with the same number of concurrent clients, in alternating rounds.
"""

from __future__ import annotations

import random
import sys
import threading
import time


from bench.live import Browser, LiveServer
from bench.scenarios import Context, Unavailable
from bench.site import BENCH_PASSWORD
from bench.stats import Comparison, Measurement, Target

TARGET = Target(0.5, at_least=True)


def data_call_fields(rng: random.Random, communes: list[str]) -> dict[str, object]:
    """A complete, valid data call about a child, as an operator would fill it in."""
    from faker import Faker

    from casework import taxonomy

    fake = Faker("vi_VN")
    fake.seed_instance(rng.random())

    def one(code_list):
        return rng.choice(list(code_list.codes))

    return {
        "call_type": "about_other", "urgency": one(taxonomy.URGENCY),
        "caller_relationship": one(taxonomy.CALLER_RELATIONSHIP),
        "caller_phone": f"09{rng.randrange(10**8):08d}", "caller_name": fake.name(),
        "caller_sex": one(taxonomy.SEX), "caller_age_group": one(taxonomy.PERSON_AGE_GROUP),
        "survivor_name": fake.name(), "survivor_phone": f"03{rng.randrange(10**8):08d}",
        "survivor_sex": one(taxonomy.SEX), "survivor_age": str(rng.randint(6, 15)),
        "survivor_commune": rng.choice(communes), "survivor_address": fake.street_address(),
        "survivor_ethnicity": one(taxonomy.ETHNICITY),
        "violence_forms": rng.sample(list(taxonomy.VIOLENCE_FORM.codes), 2),
        "setting": "family", "perpetrator_relationship": one(taxonomy.PERPETRATOR_RELATIONSHIP),
        "perpetrator_sex": one(taxonomy.SEX), "perpetrator_age_group": "adult"
        if "adult" in taxonomy.PERSON_AGE_GROUP.codes else one(taxonomy.PERSON_AGE_GROUP),
        "incident_when": one(taxonomy.INCIDENT_WHEN), "is_ongoing": "yes",
        "consent_referral": "yes", "consent_data_sharing": "no",
        "narrative": " ".join(fake.paragraphs(nb=4)),
        "line": "111", "service_line": "child_protection", "channel": "phone",
    }


def _communes(site) -> list[str]:
    from casework import taxonomy

    with site.app.app_context():
        return list(taxonomy.configured_communes().codes)


class Operator:
    """One simulated operator with a signed-in browser on the real server."""

    def __init__(self, base_url: str, username: str):
        self.browser = Browser(base_url)
        if not self.browser.sign_in(username, BENCH_PASSWORD):
            raise RuntimeError(f"{username} could not sign in to the bench server")
        self.drafts: list[str] = []

    def start_calls(self, count: int) -> None:
        self.browser.get("/calls/desk")
        for _ in range(count):
            started = self.browser.post("/calls/start", {"line": "111", "channel": "phone"})
            if started.status != 302 or "/drafts/" not in (started.location or ""):
                raise RuntimeError(f"starting a call answered {started.status}")
            self.drafts.append(started.location.rstrip("/").rsplit("/", 1)[-1])
        # A browser follows each redirect and so reads its flashed message; this client
        # does not, so a page read here keeps the session cookie from growing round after round.
        self.browser.get("/calls/desk")

    def log_next(self, fields: dict) -> None:
        draft = self.drafts.pop()
        response = self.browser.post(f"/calls/drafts/{draft}/log", fields)
        if response.status != 302:
            raise RuntimeError(f"logging a call answered {response.status}, not a redirect: "
                               "the form was refused")


class PlainClient:
    """A client of the baseline server: the same form, no session."""

    def __init__(self, base_url: str):
        self.browser = Browser(base_url)

    def log_next(self, fields: dict) -> None:
        if self.browser.request("POST", "/calls", fields).status != 302:
            raise RuntimeError("the baseline server refused an insert")


def hammer(clients: list, forms: list[dict], per_client: int, into: Measurement) -> None:
    """Let every client log `per_client` calls at once; add latencies and the window."""
    barrier = threading.Barrier(len(clients) + 1)
    failures: list[BaseException] = []

    def work(client, offset):
        barrier.wait()
        try:
            for n in range(per_client):
                started = time.perf_counter()
                client.log_next(forms[(offset + n) % len(forms)])
                into.samples.append((time.perf_counter() - started) * 1000)
        except BaseException as error:  # noqa: BLE001 — reported after the join
            failures.append(error)

    threads = [threading.Thread(target=work, args=(c, i * per_client))
               for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    into.elapsed += time.perf_counter() - started
    into.operations += per_client * len(clients)
    if failures:
        raise failures[0]


def _count(site, table: str) -> int:
    return site.row_counts((table,)).get(table, 0)


def run(context: Context) -> list[Comparison]:
    site, options = context.site, context.options
    try:
        from casework.intake import views  # noqa: F401 — the desk must exist
    except ImportError as error:
        raise Unavailable(f"intake's call desk is missing ({error})") from None
    rng = random.Random(8)
    forms = [data_call_fields(rng, _communes(site)) for _ in range(50)]
    names = [site.create_user("operator", f"bench-operator-{n}") for n in range(options.clients)]
    per_round = max(1, options.calls_per_client // options.rounds)
    plain_command = [sys.executable, "-m", "bench.baseline_server", "--database-url", site.url,
                     "--fields", ",".join(forms[0])]
    logs = context.workdir / f"{site.database}-logging"
    real = Measurement("HTTP data call", unit="ops/s")
    plain = Measurement("bare Flask insert", unit="ops/s")
    calls_before = _count(site, "calls")
    with LiveServer(site.env, threads=options.server_threads,
                    log_path=logs.with_suffix(".serve.log")) as server, \
            LiveServer(site.env, threads=options.server_threads, command=plain_command,
                       log_path=logs.with_suffix(".baseline.log")) as baseline:
        operators = [Operator(server.base_url, name) for name in names]
        plain_clients = [PlainClient(baseline.base_url) for _ in names]
        for _ in range(options.rounds):
            for operator in operators:
                operator.start_calls(per_round)
            hammer(operators, forms, per_round, real)
            hammer(plain_clients, forms, per_round, plain)
    logged = _count(site, "calls") - calls_before
    if logged != real.operations:
        raise RuntimeError(f"{real.operations} calls were posted but {logged} were stored")
    return [Comparison("Log a data call over HTTP", site.database, site.calls, real, plain,
                       TARGET, note=f"{len(operators)} operators at once, "
                                    f"{options.server_threads} server threads")]
