"""Mixed load: operators logging calls while others browse, at two sizes, on each database.

    python -m bench.mixed_load [--sizes 50000,2500000] [--databases sqlite,postgresql]
                               [--seconds 30] [--postgres-url URL] [--output FILE]

At each size, against one real `casework serve` with eight threads:

- alone: one operator logs data calls over HTTP for `--seconds`;
- mixed: the same operator and three more log calls while two supervisors page through the
  unit's call list (first page, then page after page by key), a social worker opens her
  caseload and her cases, and a board member asks for last year's report, for `--seconds`.

Targets, each a ratio measured in the same run: the operator's save p95 in the mixed load
≤ 1.5× her p95 alone; and each GET page's p95 at the largest size ≤ 1.5× its p95 at the
smallest (flat). The table goes to stdout and, with `--output`, to a Markdown file.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa

from bench.live import Browser, LiveServer
from bench.scenarios.call_logging import Operator, _communes, data_call_fields
import bench.site
from bench.site import BENCH_PASSWORD, Site
from bench.stats import percentile

SAVE = "operator saves a data call (POST)"
OPERATORS, SUPERVISORS = 4, 2
CASELOAD_CASES = 300
DEEPEST_PAGE = 40  # a supervisor goes back this many pages, then starts again
SAVE_TARGET = PAGE_TARGET = 1.5


class Timings:
    """Seconds per labelled request, from every simulated user's thread."""

    def __init__(self):
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self._lock = threading.Lock()

    def timed(self, label: str, browser: Browser, path: str, expect: int = 200):
        started = time.perf_counter()
        response = browser.get(path)
        self.add(label, time.perf_counter() - started)
        if response.status != expect:
            self.errors.append(f"{label}: {path} answered {response.status}")
        return response

    def add(self, label: str, seconds: float) -> None:
        with self._lock:
            self.samples[label].append(seconds)

    def p95_ms(self, label: str) -> float:
        found = self.samples.get(label)
        return percentile(found, 0.95) * 1000 if found else float("nan")


def operator_loop(operator, forms, stop, timings, label):
    while not stop.is_set():
        operator.start_calls(1)
        started = time.perf_counter()
        operator.log_next(random.choice(forms))
        timings.add(label, time.perf_counter() - started)


def supervisor_loop(browser, stop, timings):
    while not stop.is_set():
        page = timings.timed("supervisor: call list, first page", browser, "/calls/")
        for _ in range(DEEPEST_PAGE):
            older = next_link(page.body)
            if older is None or stop.is_set():
                break
            page = timings.timed("supervisor: call list, a page deeper", browser, older)
        timings.timed("supervisor: unit overview", browser, "/cases/overview")


def social_worker_loop(browser, case_ids, stop, timings):
    while not stop.is_set():
        timings.timed("social worker: caseload", browser, "/cases/mine")
        if case_ids:
            timings.timed("social worker: a case file", browser,
                          f"/cases/{random.choice(case_ids)}")


def board_loop(browser, year, stop, timings):
    while not stop.is_set():
        timings.timed("board: year report", browser,
                      f"/reports/?kind=year&year={year}&line=both")


def signed_in(base_url: str, username: str) -> Browser:
    browser = Browser(base_url)
    if not browser.sign_in(username, BENCH_PASSWORD):
        raise RuntimeError(f"{username} could not sign in")
    return browser


def next_link(body: bytes) -> str | None:
    marker = b'rel="next" href="'
    at = body.find(marker)
    if at < 0:
        return None
    end = body.find(b'"', at + len(marker))
    return body[at + len(marker):end].decode().replace("&amp;", "&")


def run_threads(targets, seconds: float) -> None:
    stop = threading.Event()

    def guarded(target, timings, *args):
        try:
            target(*args)
        except Exception as error:  # noqa: BLE001 — reported in the table, the run goes on
            timings.errors.append(f"{target.__name__}: {type(error).__name__}: {error}")

    threads = [threading.Thread(target=guarded, args=(target, rest[0], *args, stop, *rest),
                                daemon=True)
               for target, args, rest in targets]
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=300)


def prepare_users(site: Site) -> tuple[dict[str, list[str]], list[str]]:
    """Bench users in the seeded unit, and open cases assigned to the social worker."""
    from casework.accounts import service
    from casework.cases.codes import OPEN_STATUSES
    from casework.cases.models import Case
    from casework.extensions import db

    names = {"operator": [f"mix-op-{n}" for n in range(OPERATORS)],
             "supervisor": [f"mix-sup-{n}" for n in range(SUPERVISORS)],
             "social_worker": ["mix-sw"], "board": ["mix-board"]}
    with site.app.app_context():
        unit = service.get_or_create_unit("SEED", "Synthetic data unit")
        for role, usernames in names.items():
            for username in usernames:
                if service.find_user(username) is None:
                    service.create_user(username=username, display_name=username, role=role,
                                        password=BENCH_PASSWORD, unit=unit)
        worker = service.find_user("mix-sw")
        open_ids = db.session.scalars(sa.select(Case.id).where(
            Case.status.in_(OPEN_STATUSES)).order_by(Case.id).limit(CASELOAD_CASES)).all()
        db.session.execute(sa.update(Case).where(Case.id.in_(open_ids))
                           .values(assigned_to_id=worker.id, unit_id=unit.id))
        db.session.commit()
    return names, [str(case_id) for case_id in open_ids]


def measure(site: Site, seconds: float, year: int) -> tuple[Timings, Timings]:
    """The operator alone, then everyone at once, against a fresh server."""
    names, case_ids = prepare_users(site)
    rng = random.Random(7)
    forms = [data_call_fields(rng, _communes(site)) for _ in range(50)]
    server = LiveServer(site.env, threads=8, log_path=site.folder / "mixed-server.log").start()
    try:
        url = server.base_url
        alone, mixed = Timings(), Timings()
        # Everyone signs in before the clock starts: Argon2 at production cost is not
        # what is measured.
        operators = [Operator(url, name) for name in names["operator"]]
        supervisors = [signed_in(url, name) for name in names["supervisor"]]
        worker, board = signed_in(url, "mix-sw"), signed_in(url, "mix-board")
        run_threads([(operator_loop, (operators[0], forms), (alone, SAVE))], seconds)
        others = [(operator_loop, (operator, forms), (mixed, f"other {SAVE}"))
                  for operator in operators[1:]]
        others += [(supervisor_loop, (browser,), (mixed,)) for browser in supervisors]
        others += [(social_worker_loop, (worker, case_ids), (mixed,)),
                   (board_loop, (board, year), (mixed,))]
        run_threads([(operator_loop, (operators[0], forms), (mixed, SAVE)), *others], seconds)
        return alone, mixed
    finally:
        server.stop()


def table(database: str, results: dict[int, tuple[Timings, Timings]]) -> list[str]:
    sizes = sorted(results)
    small, large = sizes[0], sizes[-1]
    lines = [f"### {database}", "",
             "| Measured | Calls | p95 | Baseline | p95 | Ratio | Target | Result |",
             "| --- | ---: | ---: | --- | ---: | ---: | --- | --- |"]
    for size in sizes:
        alone, mixed = results[size]
        ratio = mixed.p95_ms(SAVE) / alone.p95_ms(SAVE)
        lines.append(f"| {SAVE}, mixed load ({len(mixed.samples[SAVE])} saves) | {size:,} | "
                     f"{mixed.p95_ms(SAVE):,.1f} ms | the same operator alone "
                     f"({len(alone.samples[SAVE])} saves) | {alone.p95_ms(SAVE):,.1f} ms | "
                     f"{ratio:.2f}× | ≤ {SAVE_TARGET}× | {verdict(ratio, SAVE_TARGET)} |")
    pages = sorted(label for label in results[large][1].samples if not label.endswith("(POST)"))
    for label in pages:
        big, base = results[large][1].p95_ms(label), results[small][1].p95_ms(label)
        ratio = big / base
        lines.append(f"| {label} ({len(results[large][1].samples[label])} requests) | "
                     f"{large:,} | {big:,.1f} ms | the same at {small:,} calls "
                     f"({len(results[small][1].samples.get(label, []))} requests) | "
                     f"{base:,.1f} ms | {ratio:.2f}× | ≤ {PAGE_TARGET}× | "
                     f"{verdict(ratio, PAGE_TARGET)} |")
    errors = [error for alone, mixed in results.values() for error in alone.errors + mixed.errors]
    if errors:
        lines += ["", f"Errors seen ({len(errors)}): " + "; ".join(sorted(set(errors))[:10])]
    return [*lines, ""]


def verdict(ratio: float, target: float) -> str:
    return "pass" if ratio <= target else "MISS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50000,2500000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    sizes = sorted(int(size) for size in args.sizes.split(","))
    # Signing in is not what is measured: supervisors sign in with a password alone here.
    bench.site.INSTANCE_SETTINGS = {"require_2fa_roles": ["admin"]}
    year = time.gmtime().tm_year - 1
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-mixed-"))
    lines = [f"Sizes: {', '.join(f'{size:,}' for size in sizes)} calls; "
             f"{args.seconds:.0f} s per phase; report year {year}.", ""]
    for database in args.databases.split(","):
        site = Site(database, workdir, args.postgres_url).create()
        try:
            results = {}
            for size in sizes:
                site.seed_to(size)
                site.reload_app()
                results[size] = measure(site, args.seconds, year)
                print("\n".join(table(database, results)), flush=True)
            lines += table(database, results)
        finally:
            site.drop()
    print("\n".join(lines))
    if args.output:
        args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
