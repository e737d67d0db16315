"""Page times on the large demo against the small demo, measured side by side in one run.

Each size is loaded into its own temporary SQLite database in a child process, which then
renders every page as the CPO and the PM (Django's test client: no network, no server) and
reports the median time and the number of SQL queries. The small demo is the baseline: a
page that scaled with the data would show a large/small ratio near the data ratio (12.5x
initiatives), a bounded one stays near 1.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

from bench import measure_in_child

PAGES = [
    "/",
    "/initiatives/",
    "/initiatives/?category=growth&page=2",
    "/org-chart/",
    "/teams/",
    "/strategy/",
    "/people/",
    "/my-growth/",
    "/one-on-ones/",
]
ROLES = ["CPO", "PM"]
REPEATS = 7


def measure() -> dict:
    """Runs in the child: load the demo named by BENCH_SIZE, time every page."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productorg.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from productorg.accounts.models import User
    from productorg.demo import generator

    call_command("migrate", verbosity=0)
    generator.demo_organisation_create(size=os.environ["BENCH_SIZE"], seed=1)
    results = {}
    for account in generator.demo_accounts():
        if account.role not in ROLES:
            continue
        client = Client()
        client.force_login(User.objects.get(username=account.username))
        for page in PAGES:
            client.get(page)  # warm caches and templates
            times = []
            for _ in range(REPEATS):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    client.get(page)
                times.append(time.perf_counter() - started)
            results[f"{account.role} {page}"] = {
                "ms": 1000 * statistics.median(times),
                "queries": len(queries.captured_queries),
            }
    return results


def main(argv: list[str]) -> int:
    if argv == ["--child"]:
        print(json.dumps(measure()))
        return 0
    small, large = (
        measure_in_child("bench.pages", "small"),
        measure_in_child("bench.pages", "large"),
    )
    print("Page times, small demo (400 initiatives, baseline) vs large demo (5,000)")
    print(f"{'page':52} {'small ms':>9} {'large ms':>9} {'ratio':>6} {'queries s/l':>12}")
    worst = 0.0
    for page, baseline in small.items():
        measured = large[page]
        ratio = measured["ms"] / baseline["ms"]
        worst = max(worst, ratio)
        queries = f"{baseline['queries']}/{measured['queries']}"
        print(f"{page:52} {baseline['ms']:9.1f} {measured['ms']:9.1f} {ratio:6.2f} {queries:>12}")
    print(f"worst large/small ratio: {worst:.2f} (data ratio 12.5)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
