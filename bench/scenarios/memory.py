"""Peak memory during the year report and during key rotation must not grow with the data.

Measured twice in one run: at a tenth of the size (`run_small`, before the rest is seeded)
and at the full size (`run`). The report's figure is the peak resident memory (VmHWM, reset
just before) of a `casework serve` process while it answers the board's year report over
HTTP; the rotation's is the peak of the `casework keys rotate` process. The comparison is
full size against a tenth: flat means a ratio near 1.
"""

from __future__ import annotations

from bench.live import Browser, LiveServer
from bench.scenarios import Context, Unavailable
from bench.scenarios import board_report, key_rotation
from bench.site import BENCH_PASSWORD
from bench.stats import Comparison, Measurement, Target

TARGET = Target(1.25)
SMALL = "memory_at_tenth"


def report_peak_mib(context: Context) -> float:
    """Peak RSS of a fresh server while it answers the year report, in MiB."""
    site = context.site
    path = board_report.report_path(site)
    username = site.create_user("board", "bench-memory-board")
    log = context.workdir / f"{site.database}-memory.serve.log"
    with LiveServer(site.env, threads=context.options.server_threads, log_path=log) as server:
        browser = Browser(server.base_url)
        if not browser.sign_in(username, BENCH_PASSWORD):
            raise RuntimeError("the board user could not sign in")
        browser.get("/home")
        if not server.reset_peak_memory():
            raise Unavailable("this kernel does not let the peak memory be reset")
        response = browser.get(path)
        if response.status != 200:
            raise RuntimeError(f"the year report answered {response.status}")
        return server.memory_kib("VmHWM") / 1024


def measure(context: Context, rotation_peak: float | None = None) -> dict[str, float]:
    """Peak MiB of each operation that can be measured here."""
    peaks = {}
    try:
        peaks["report"] = report_peak_mib(context)
    except Unavailable as error:
        context.progress(f"    report memory not measured: {error}")
    if rotation_peak is None:
        _values, _seconds, rotation_peak = key_rotation.rotate_all(context.site)
    peaks["rotation"] = rotation_peak
    return peaks


def run_small(context: Context) -> list[Comparison]:
    """Measure at a tenth of the size; compared later by `run`."""
    context.observations[SMALL] = (context.site.calls, measure(context))
    return []


def run(context: Context) -> list[Comparison]:
    if SMALL not in context.observations:
        raise Unavailable("memory at a tenth of the size was not measured")
    small_calls, small = context.observations[SMALL]
    large = measure(context, context.observations.get("rotation_peak_mib"))
    site = context.site
    if not set(small) & set(large):
        raise Unavailable("neither the report nor the rotation could be measured")
    return [
        Comparison(f"Peak memory: {label}", site.database, site.calls,
                   Measurement(f"at {site.calls:,} calls", [large[kind]], unit="MiB"),
                   Measurement(f"at {small_calls:,} calls", [small[kind]], unit="MiB"),
                   TARGET)
        for kind, label in (("report", "server during the year report"),
                            ("rotation", "keys rotate"))
        if kind in small and kind in large
    ]
