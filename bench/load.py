"""Load: concurrent signed-in users against gunicorn and the large demo on SQLite.

`python -m bench.load [--users 50] [--seconds 60]` makes a temporary var directory, migrates
it, loads the demo (large by default) into its SQLite file, and starts gunicorn on a free
loopback port the way `productorg serve` does, with DEBUG off. Locust (headless, see
bench/locustfile.py) then signs the users in as demo accounts and, once all are in, records
`--seconds` of browsing pages, htmx fragments and status-update posts. Before that, the same
number of users ask a trivial WSGI app on gunicorn with the same workers for
`--baseline-seconds`: the floor the machine, gunicorn and locust set, so the figures are
reported as ratios to it. It prints requests per second, p50/p95/p99 latency and errors per
group and per request, checks the targets and greps gunicorn's log for "database is locked".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
GROUPS = ("page", "fragment", "post")
# p95 targets in milliseconds, from the issue.
TARGETS_P95 = {"page": 300.0, "fragment": 150.0}
LOCKED = "database is locked"
SEARCH_WORDS = ["checkout", "search", "mobile", "payments", "merchant", "loyalty", "api", "returns"]


@dataclass(frozen=True)
class Figures:
    """What one group (or one request name) did in the measured window."""

    requests: int
    per_second: float
    p50: float
    p95: float
    p99: float
    errors: int

    @classmethod
    def of(cls, samples: list[tuple[float, bool]], seconds: float) -> Figures:
        times = sorted(time_ms for time_ms, _ in samples)
        return cls(
            requests=len(samples),
            per_second=len(samples) / seconds if seconds else 0.0,
            p50=_percentile(times, 0.50),
            p95=_percentile(times, 0.95),
            p99=_percentile(times, 0.99),
            errors=sum(1 for _, ok in samples if not ok),
        )


@dataclass(frozen=True)
class Phase:
    """One locust run against one gunicorn: its measured requests and the server's log."""

    seconds: float
    users_signed_in: int
    requests: list[tuple[str, float, bool]]
    errors: list[tuple[str, str, int]]
    server_log: str
    locust_log: str

    def figures(self, prefix: str | None = None) -> Figures:
        samples = [
            (time_ms, ok)
            for name, time_ms, ok in self.requests
            if prefix is None or name.startswith(f"{prefix}: ")
        ]
        return Figures.of(samples, self.seconds)

    def by_name(self) -> dict[str, Figures]:
        samples: dict[str, list[tuple[float, bool]]] = defaultdict(list)
        for name, time_ms, ok in self.requests:
            samples[name].append((time_ms, ok))
        return {name: Figures.of(found, self.seconds) for name, found in sorted(samples.items())}


def _percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile of an ordered list; 0 for none."""
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def prepare(config_path: Path, size: str, seed: int) -> None:
    """In the child: migrate, load the demo, and write what the locust users need."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productorg.settings")
    django.setup()
    import random

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from productorg.demo import generator
    from productorg.people.models import Person, Team
    from productorg.strategy.models import Initiative

    call_command("migrate", interactive=False, verbosity=0)
    today = timezone.localdate()
    started = time.perf_counter()
    generator.demo_organisation_create(size=size, seed=seed, today=today)
    loaded = time.perf_counter() - started
    rng = random.Random(seed)
    work: dict[int, list[int]] = defaultdict(list)
    for pk, pm_id in Initiative.objects.filter(
        status__in=[Initiative.Status.IN_PROGRESS, Initiative.Status.PLANNED],
        team__product_manager__isnull=False,
    ).values_list("pk", "team__product_manager"):
        work[pm_id].append(pk)
    pms = [
        {"username": username, "initiatives": sorted(work[pk])[:20]}
        for pk, username in Team.objects.filter(product_manager__user__isnull=False)
        .order_by("pk")
        .values_list("product_manager", "product_manager__user__username")
        .distinct()
        if work[pk]
    ]
    leaders = [
        {"username": username, "initiatives": []}
        for username in Person.objects.filter(
            level__code__in=["cpo", "vp", "director", "group-pm"], user__isnull=False
        )
        .order_by("pk")
        .values_list("user__username", flat=True)
    ]
    initiative_ids = list(Initiative.objects.values_list("pk", flat=True))
    config = {
        "password": settings.DEMO_PASSWORD,
        "pms": rng.sample(pms, len(pms)),
        "leaders": leaders,
        "initiatives": rng.sample(initiative_ids, min(500, len(initiative_ids))),
        "teams": list(Team.objects.values_list("pk", flat=True)),
        "period": generator.periods_from(today)[0],
        "words": SEARCH_WORDS,
        "loaded_seconds": loaded,
        "counts": {
            "initiatives": len(initiative_ids),
            "teams": Team.objects.count(),
            "people": Person.objects.count(),
        },
    }
    config_path.write_text(json.dumps(config))


def gunicorn_version() -> tuple[int, ...]:
    import gunicorn

    return tuple(gunicorn.version_info)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode} before answering")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url, timeout=5) as response,  # noqa: S310 - loopback
        ):
            if response.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f} s")


def run_phase(
    *,
    app: str,
    ready_path: str,
    user_class: str,
    users: int,
    seconds: float,
    workers: int,
    think: str,
    spawn_rate: float,
    env: dict[str, str],
    work_dir: Path,
) -> Phase:
    """Serve `app` with gunicorn on a free loopback port and run locust's `user_class` at it."""
    name = user_class.lower()
    port = _free_port()
    server_log = work_dir / f"{name}-gunicorn.log"
    locust_log = work_dir / f"{name}-locust.log"
    results = work_dir / f"{name}-results.json"
    # As `productorg serve` runs it in production: sync workers, access log on stdout.
    server_command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        # The server's own time per request (ms), to tell queueing from work.
        "--access-logformat",
        '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
    ]
    if gunicorn_version() >= (27,):
        # Not the shared ~/.gunicorn control socket: another gunicorn may be using it.
        server_command += ["--control-socket", str(work_dir / f"{name}-gunicorn.ctl")]
    with server_log.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - our own fixed command
            server_command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}{ready_path}", server)
        locust_env = {
            **env,
            "BENCH_USERS": str(users),
            "BENCH_SECONDS": str(seconds),
            "BENCH_THINK": think,
            "BENCH_RESULTS": str(results),
        }
        locust_command = [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--host",
            f"http://127.0.0.1:{port}",
            # A backstop only: the locustfile stops the run once it has measured.
            "--run-time",
            f"{int(seconds) + 300}s",
            "--stop-timeout",
            "5",
            "--only-summary",
            "--loglevel",
            "WARNING",
            user_class,
        ]
        with locust_log.open("w") as log:
            subprocess.run(  # noqa: S603 - our own fixed command
                locust_command, env=locust_env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    if not results.exists():
        raise RuntimeError(
            f"locust wrote no results; its log ends:\n{_tail(locust_log.read_text())}"
        )
    data = json.loads(results.read_text())
    return Phase(
        seconds=data["seconds"],
        users_signed_in=data["users_signed_in"],
        requests=[tuple(row) for row in data["requests"]],
        errors=[tuple(row) for row in data["errors"]],
        server_log=server_log.read_text(errors="replace"),
        locust_log=locust_log.read_text(errors="replace"),
    )


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.1f}x" if baseline else "-"


def report(app: Phase, baseline: Phase, options: argparse.Namespace, config: dict) -> int:
    """Print the tables and the verdict; 0 when every target is met."""
    floor = baseline.figures("baseline")
    counts = config["counts"]
    print(
        f"Load: {options.users} users, think time {options.think.replace(',', '-')} s, "
        f"{options.workers} gunicorn workers, {options.size} demo ({counts['initiatives']:,} "
        f"initiatives, {counts['teams']} teams; loaded in {config['loaded_seconds']:.1f} s), "
        "SQLite (WAL)"
    )
    print(
        f"Measured {app.seconds:.0f} s after {app.users_signed_in} of {options.users} users "
        f"signed in; baseline: the same users on a trivial WSGI app for {baseline.seconds:.0f} s."
    )
    header = (
        f"{'group':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>6}   {'p50/p95/p99 vs baseline':>24}"
    )
    print(header)
    rows = [(group, app.figures(group)) for group in GROUPS]
    rows += [("all", app.figures()), ("baseline", floor)]
    for group, figures in rows:
        ratios = "/".join(
            _ratio(getattr(figures, name), getattr(floor, name)) for name in ("p50", "p95", "p99")
        )
        print(
            f"{group:<10} {figures.requests:>8} {figures.per_second:>7.1f} {figures.p50:>8.1f} "
            f"{figures.p95:>8.1f} {figures.p99:>8.1f} {figures.errors:>6}   {ratios:>24}"
        )
    print()
    print(f"{'request':<44} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for name, figures in app.by_name().items():
        print(
            f"{name:<44} {figures.requests:>6} {figures.p50:>8.1f} {figures.p95:>8.1f} "
            f"{figures.p99:>8.1f} {figures.errors:>6}"
        )
    if app.errors:
        print("\nErrors (request: message, count):")
        for name, message, count in sorted(app.errors, key=lambda row: -row[2])[:15]:
            print(f"  {name}: {message} ({count})")
    locked = sum(log.count(LOCKED) for log in (app.server_log, baseline.server_log))
    overloaded = "CPU usage above" in app.locust_log or "CPU usage above" in baseline.locust_log

    print("\nTargets:")
    verdicts = []
    for group, limit in TARGETS_P95.items():
        p95 = app.figures(group).p95
        verdicts.append((f"{group} p95 {p95:.0f} ms < {limit:.0f} ms", p95 < limit))
    errors = app.figures().errors
    verdicts.append((f"no errors ({errors})", errors == 0))
    verdicts.append((f"no '{LOCKED}' in the gunicorn log ({locked})", locked == 0))
    verdicts.append((f"all {options.users} users signed in", app.users_signed_in == options.users))

    for text, met in verdicts:
        print(f"  {'met   ' if met else 'MISSED'} {text}")
    if overloaded:
        print("  note: locust warned that its own CPU was saturated; latencies are overstated.")
    return 0 if all(met for _, met in verdicts) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60, help="measured, after sign-in")
    parser.add_argument("--baseline-seconds", type=float, default=15)
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    parser.add_argument(
        "--think", default="1,3", help="seconds a user waits between requests: min,max"
    )
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--size", default="large", choices=["small", "large"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the var directory and logs")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.prepare:
        prepare(options.prepare, options.size, options.seed)
        return 0

    work_dir = Path(tempfile.mkdtemp(prefix="productorg-load-"))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "PRODUCTORG_ENV", "SECRET_KEY", "SECRET_KEY_FILE"}
    }
    # Development settings (plain-HTTP cookies on loopback) with DEBUG off, SQLite under var/
    # configured as in production (`sqlite_database()`: WAL, BEGIN IMMEDIATE).
    env.update(
        {
            "PRODUCTORG_VAR_DIR": str(work_dir / "var"),
            "DEBUG": "false",
            "BENCH_CONFIG": str(work_dir / "config.json"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    try:
        print(f"Loading the {options.size} demo into {work_dir / 'var'} ...", flush=True)
        subprocess.run(  # noqa: S603 - this same module, fixed arguments
            [
                sys.executable,
                "-m",
                "bench.load",
                "--prepare",
                env["BENCH_CONFIG"],
                "--size",
                options.size,
                "--seed",
                str(options.seed),
            ],
            env=env,
            cwd=ROOT,
            check=True,
        )
        config = json.loads(Path(env["BENCH_CONFIG"]).read_text())
        common = {
            "users": options.users,
            "workers": options.workers,
            "think": options.think,
            "spawn_rate": options.spawn_rate,
            "env": env,
            "work_dir": work_dir,
        }
        print(f"Baseline: {options.baseline_seconds:.0f} s on a trivial WSGI app ...", flush=True)
        baseline = run_phase(
            app="bench.trivial_wsgi:application",
            ready_path="/",
            user_class="TrivialUser",
            seconds=options.baseline_seconds,
            **common,
        )
        print(f"ProductOrg: sign-in, then {options.seconds:.0f} s measured ...", flush=True)
        app = run_phase(
            app="productorg.wsgi:application",
            ready_path="/accounts/login/",
            user_class="ProductOrgUser",
            seconds=options.seconds,
            **common,
        )
        print()
        return report(app, baseline, options, config)
    finally:
        if options.keep:
            print(f"Kept {work_dir}")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
