"""The load benchmark (issue 6): every figure in one command, a table on stdout and the figures as JSON.

    python -m tests.benchmarks.load [--quick] [--json PATH]

Everything runs on this machine over loopback, in three processes (``tests.benchmarks._load_stack``): the fake
Discord here, the four service emulators in a child process, and the real bot (``GridBot``, discord.py) in a child
process of its own with the bot's default settings, so its CPU time, peak memory and event-loop lag are its own
(``tests.benchmarks._bot_process``). Every wait is bounded. The figures move with other work on the machine: the
JSON records the load average before and after, and the fake Discord's own loop lag.

1. 1,000 ``/imagine`` at 50 per second, round-robin over the four services, emulator jobs of 3–8 s (each its own):
   slash command → interaction callback received (fake Discord's clocks); the emulator's finish (its job start +
   that job's duration) → the final edit received by the fake; status requests each emulator received per
   job-second of open jobs. The details say how late the poll schedule alone is (``next_poll_delay``).
2. 2,000 ``/imagine`` at 100 per second with 25–35 s jobs, so that all 2,000 are open at once: all delivered?, the
   bot process's loop lag (a probe task sleeping 10 ms, recording its overshoot), peak RSS (``ru_maxrss``), CPU
   time per job (``time.process_time``, all threads). Every job runs on one account of each service; the
   Midjourney-style API's default paging (20 pages of 100) reaches back past all of them.
3. 4 × 1024² photo-like PNG → grid attachment: ``bot.imaging.compose_grid`` against the floor (decode the four
   inputs + encode the output alike, same library, same run), p50 of 9 runs; the file always within 10 MiB.
4. Restart: 10,000 finished and 500 open jobs written through ``JobStore`` (the open ones real jobs at the
   emulators, finished while no bot ran); a new bot process on that file, timed from its start until every open
   job was polled again (its row left ``submitted``) and until all were delivered.

``--quick`` runs each part small (and with the poll intervals scaled by 0.1, so that it ends in about half a
minute): a smoke test of the benchmark, not figures to quote. JSON goes to ``benchmarks/latest.json`` (quick:
``benchmarks/latest-quick.json``) unless ``--json`` says where.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.config import FrontEndSettings
from providers.core.base import Provider
from providers.registry import PROVIDERS
from storage.lifecycle import LifecycleState, next_poll_delay
from tests.benchmarks._load_grid import grid_figures
from tests.benchmarks._load_imagine import LoadRun, polls_per_open_job_second, run_imagine_load
from tests.benchmarks._load_restart import build_database, restart_figures
from tests.benchmarks._load_stack import REPO_ROOT, load_stack


@dataclass(frozen=True)
class LoadPlan:
    """How many jobs, how fast, how long: one run of ``run_imagine_load``."""

    count: int
    rate: float
    #: each emulator job takes between these many seconds (its own share, see ``SpreadJobClock``)
    job_seconds: tuple[float, float]
    #: how long to wait for the last final message after the last command
    timeout: float
    environment: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    callbacks: LoadPlan
    many_open: LoadPlan
    restart_finished: int
    restart_open: int
    grid_runs: int
    grid_sets: int
    #: the bot's own pacing unless a smoke test needs it shorter (FRONTEND_POLL_INTERVAL_SCALE)
    pacing: dict[str, str] = field(default_factory=dict)


FULL = Plan(
    callbacks=LoadPlan(count=1000, rate=50, job_seconds=(3, 8), timeout=90),
    many_open=LoadPlan(count=2000, rate=100, job_seconds=(25, 35), timeout=150),
    restart_finished=10_000,
    restart_open=500,
    grid_runs=9,
    grid_sets=3,
)
QUICK = Plan(
    callbacks=LoadPlan(count=60, rate=50, job_seconds=(0.5, 1.5), timeout=30),
    many_open=LoadPlan(count=200, rate=100, job_seconds=(3, 4), timeout=30),
    restart_finished=1000,
    restart_open=50,
    grid_runs=3,
    grid_sets=1,
    pacing={"FRONTEND_POLL_INTERVAL_SCALE": "0.1"},
)
#: Discord's deadline for the first answer to an interaction
DISCORD_CALLBACK_DEADLINE = 3.0


@dataclass
class Figure:
    """One row of the table (and of the JSON)."""

    key: str
    figure: str
    value: float
    unit: str
    target: str
    #: None: reported only, no target
    met: bool | None
    details: dict[str, Any] = field(default_factory=dict)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` 0.5 = median, 0.99 = p99); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _batches_polls(service: str) -> bool:
    """Whether the service can answer for many jobs in one call (its provider overrides ``poll_many``)."""
    return PROVIDERS[service].poll_many is not Provider.poll_many


def _mean(values: list[int]) -> float | None:
    """None when the service's requests do not name their jobs (nothing to count)."""
    return round(sum(values) / len(values), 2) if values else None


def _lag_ms(run: LoadRun, since: float) -> list[float]:
    return [late * 1000 for at, late in run.bot["lag_samples"] if at >= since]


def _harness_lag_p99_ms(run: LoadRun) -> float:
    """The fake Discord's own loop lag: were it high, the bench and not the bot would make answers look late."""
    return percentile([late * 1000 for _, late in run.harness_lag_samples], 0.99)


def _finish_to_edit(run: LoadRun, service: str | None = None) -> list[float]:
    return [
        job.final_at - job.finished_at
        for job in run.jobs
        if job.delivered and job.finished_at is not None and (service is None or job.service == service)
    ]


def schedule_lateness(service: str, job_seconds: tuple[float, float], scale: float, steps: int = 100) -> float:
    """On average over job durations spread evenly in ``job_seconds``: how long after a job finishes the bot's poll
    schedule alone first looks at it (``storage.lifecycle.next_poll_delay`` for the service's typical duration,
    from the submit on, capped as the bot's default settings cap it). What the bot adds beyond this is its own
    work."""
    typical = PROVIDERS[service].typical_job_seconds
    defaults = FrontEndSettings.model_construct()
    cap = (defaults.follow_interval_seconds if PROVIDERS[service].answers_many_per_call
           else defaults.per_job_follow_interval_seconds)
    shortest, longest = job_seconds
    total = 0.0
    for step in range(steps):
        duration = shortest + (longest - shortest) * (step + 0.5) / steps
        age = 0.0
        while age < duration:
            age += next_poll_delay(LifecycleState.SUBMITTED, age, typical, 0, longest_unasked=cap) * scale
        total += age - duration
    return total / steps


def _jobs(plan: LoadPlan) -> str:
    return f"{plan.job_seconds[0]:g}–{plan.job_seconds[1]:g} s jobs"


def callback_figures(run: LoadRun, plan: LoadPlan) -> list[Figure]:
    waits = [(job.callback_at - job.sent_at) * 1000 for job in run.jobs if job.callback_at is not None]
    p99 = percentile(waits, 0.99)
    finishing = _finish_to_edit(run)
    by_service = {s: round(percentile(_finish_to_edit(run, s), 0.5), 3) for s in sorted(run.requests)}
    scale = float(run.environment.get("FRONTEND_POLL_INTERVAL_SCALE", 1.0))
    schedule = {s: round(schedule_lateness(s, plan.job_seconds, scale), 3) for s in sorted(run.requests)}
    load = f"{plan.count:,} /imagine at {plan.rate:g}/s, {_jobs(plan)}"
    figures = [
        Figure(
            "callback_p99_ms", f"slash command → interaction callback received, p99 ({load})", p99, "ms", "≤ 50",
            p99 <= 50,
            {"p50 ms": percentile(waits, 0.5), "max ms": max(waits, default=math.nan), "answered": len(waits),
             "later than Discord's 3 s": sum(w > DISCORD_CALLBACK_DEADLINE * 1000 for w in waits),
             "fake Discord's own loop lag p99 ms": _harness_lag_p99_ms(run)},
        ),
        Figure(
            "finish_to_edit_p50_s", f"service finished → final edit received, p50 ({load})",
            percentile(finishing, 0.5), "s", "≤ 1.0", percentile(finishing, 0.5) <= 1.0,
            {"p50 s by service": by_service, "jobs": len(finishing),
             "s the poll schedule alone is late, by service": schedule},
        ),
        Figure(
            "finish_to_edit_p99_s", f"service finished → final edit received, p99 ({load})",
            percentile(finishing, 0.99), "s", "≤ 2.0", percentile(finishing, 0.99) <= 2.0,
            {"max s": max(finishing, default=math.nan)},
        ),
    ]
    return figures + request_figures(run, load)


def request_figures(run: LoadRun, load: str, *, suffix: str = "") -> list[Figure]:
    figures = []
    for service, rate in polls_per_open_job_second(run).items():
        batches = _batches_polls(service)
        value = math.nan if rate is None else rate
        figures.append(
            Figure(
                f"polls_per_open_job_second_{service}{suffix}",
                f"{service}: status requests per open job per second ({load})",
                value, "req/job/s", "≤ 0.2 (asks for many jobs per call)" if batches else "report",
                (value <= 0.2) if batches else None,
                {"requests by kind": dict(run.requests[service]),
                 "open job-seconds": round(run.open_seconds(service), 1),
                 "jobs asked about per status request, mean": _mean(run.jobs_per_poll.get(service, []))},
            )
        )
    return figures


def many_open_figures(run: LoadRun, plan: LoadPlan) -> list[Figure]:
    delivered = sum(job.delivered for job in run.jobs)
    lag = _lag_ms(run, run.sending_began)
    following = _lag_ms(run, run.sending_ended)
    rss_mb = run.bot["peak_rss_bytes"] / 2**20
    cpu_ms = run.bot["cpu_seconds"] * 1000 / plan.count
    load = f"{plan.count:,} jobs open at once, {_jobs(plan)}, sent at {plan.rate:g}/s"
    finishing = _finish_to_edit(run)
    p99 = percentile(lag, 0.99)
    return [
        Figure(
            "many_open_delivered", f"{load}: delivered", delivered, "jobs", f"all {plan.count:,}",
            delivered == plan.count,
            {"peak open at once": run.peak_open(), "notes": run.notes,
             "seconds from first command to last final edit": round(run.ended - run.sending_began, 1),
             "finish → final edit p50 / p99 s": [percentile(finishing, 0.5), percentile(finishing, 0.99)]},
        ),
        Figure(
            "many_open_loop_lag_p99_ms", f"{load}: bot event-loop lag, p99", p99, "ms", "≤ 25", p99 <= 25,
            {"p50 ms": percentile(lag, 0.5), "max ms": max(lag, default=math.nan), "samples": len(lag),
             "p99 ms once all were sent": percentile(following, 0.99),
             "fake Discord's own loop lag p99 ms": _harness_lag_p99_ms(run),
             "garbage collections": _collections(run)},
        ),
        Figure("many_open_peak_rss_mb", f"{load}: bot peak RSS", rss_mb, "MiB", "≤ 300", rss_mb <= 300),
        Figure("many_open_cpu_ms_per_job", f"{load}: bot CPU per job", cpu_ms, "ms", "report", None,
               {"bot CPU seconds": run.bot["cpu_seconds"]}),
        *request_figures(run, load, suffix="_many_open"),
    ]


def _collections(run: LoadRun) -> dict[str, dict[str, float]]:
    """Per generation: how many garbage collections ran in the bot, their longest pause and their total, in ms."""
    pauses: dict[int, list[float]] = {}
    for generation, seconds in run.bot.get("gc_pauses", []):
        pauses.setdefault(int(generation), []).append(seconds * 1000)
    return {f"generation {generation}": {"count": len(taken), "max ms": round(max(taken), 2),
                                         "total ms": round(sum(taken), 1)}
            for generation, taken in sorted(pauses.items())}


def grid_rows(figures: dict[str, Any]) -> list[Figure]:
    details = {k: v for k, v in figures.items() if k not in ("ratio",)}
    return [
        Figure("grid_ratio_to_floor", "4 × 1024² PNG → grid attachment, p50 time / floor (decode 4 + encode 1)",
               figures["ratio"], "×", "≤ 1.2", figures["ratio"] <= 1.2, details),
        Figure("grid_p50_ms", "4 × 1024² PNG → grid attachment, p50 time", figures["bot p50 seconds"] * 1000, "ms",
               "report", None, {"floor p50 ms": figures["floor p50 seconds"] * 1000}),
        Figure("grid_largest_mib", "4 × 1024² PNG → grid attachment, largest file", figures["largest bytes"] / 2**20,
               "MiB", f"≤ {figures['limit bytes'] / 2**20:g} (upload limit), always", figures["always within limit"]),
    ]


def restart_rows(figures: dict[str, Any], finished: int) -> list[Figure]:
    followed = figures["followed after"]
    label = f"restart with {finished:,} finished and {figures['open jobs']:,} open jobs"
    return [
        Figure("restart_all_followed_s", f"{label}: process start → all open jobs polled again",
               math.nan if followed is None else followed, "s", "report", None,
               {"process start → bot ready s": figures["ready after"],
                "process start → all delivered s": figures["delivered after"],
                "writing the database s": figures["database seconds"]}),
    ]


async def measure(plan: Plan, folder: Path) -> tuple[list[Figure], dict[str, Any]]:
    figures: list[Figure] = []
    raw: dict[str, Any] = {}
    for name, load, rows in (("callbacks", plan.callbacks, callback_figures),
                             ("many_open", plan.many_open, many_open_figures)):
        environment = plan.pacing | load.environment
        async with load_stack(folder, load.job_seconds, extra_environment=environment) as stack:
            began = time.process_time()
            run = await run_imagine_load(stack, folder / f"{name}.sqlite3", count=load.count, rate=load.rate,
                                         timeout=load.timeout, name=name)
            raw[name] = {"plan": asdict(load), "notes": run.notes, "bot cpu seconds": run.bot["cpu_seconds"],
                         "fake Discord (this process) cpu seconds": time.process_time() - began}
        figures += rows(run, load)
    async with load_stack(folder, (1.0, 1.0), users=1, extra_environment=plan.pacing) as stack:
        database = folder / "restart.sqlite3"
        seconds = await build_database(stack, database, finished=plan.restart_finished, open_jobs=plan.restart_open)
        await asyncio.sleep(1.0)  # the emulators finish the open jobs while no bot runs
        restart = await restart_figures(stack, database, timeout=120) | {"database seconds": seconds}
    figures += restart_rows(restart, plan.restart_finished)
    figures += grid_rows(grid_figures(plan.grid_runs, plan.grid_sets))
    return figures, raw


def _number(value: float) -> str:
    if math.isnan(value):
        return "—"
    return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"


def table(figures: list[Figure]) -> str:
    rows = [("figure", "value", "target", "met")]
    for figure in figures:
        value = _number(figure.value)
        met = "—" if figure.met is None else "yes" if figure.met else "NO"
        rows.append((figure.figure, f"{value} {figure.unit}", figure.target, met))
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [" | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "-+-".join("-" * width for width in widths))
    return "\n".join(lines)


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a small run (about 30 s): a smoke test")
    parser.add_argument("--json", type=Path, help="where to write the figures (default: benchmarks/latest.json)")
    parser.add_argument("--keep", type=Path, help="a folder to keep the databases and process logs in (default: a "
                        "temporary one, removed at the end)")
    arguments = parser.parse_args()
    plan = QUICK if arguments.quick else FULL
    target = arguments.json or REPO_ROOT / "benchmarks" / ("latest-quick.json" if arguments.quick else "latest.json")
    began, load_before = time.monotonic(), os.getloadavg()
    if arguments.keep is not None:
        arguments.keep.mkdir(parents=True, exist_ok=True)
        figures, raw = asyncio.run(measure(plan, arguments.keep.resolve()))
    else:
        with tempfile.TemporaryDirectory(prefix="gridbot-load-") as folder:
            figures, raw = asyncio.run(measure(plan, Path(folder)))
    print(table(figures))
    report = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if arguments.quick else "full",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    # other work on the machine inflates every figure: the load average says whether there was any
                    "load average before (1, 5, 15 min)": load_before, "load average after": os.getloadavg()},
        "plan": asdict(plan),
        "seconds": round(time.monotonic() - began, 1),
        "figures": [asdict(figure) for figure in figures],
        "runs": raw,
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(_json_safe(report), indent=2, ensure_ascii=False) + "\n")
    print(f"\n{len(figures)} figures in {report['seconds']} s; load average before {load_before[0]:.2f}, after "
          f"{os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs); JSON: {target}")


if __name__ == "__main__":
    main()
