"""The ranking of a 5,000-initiative portfolio by each scoring model: is it interactive?

The large demo (5,000 initiatives) is loaded into a temporary SQLite database in a child
process, with the scoring inputs the demo gives (ideas often unestimated, about one initiative
in ten missing an input). It then times, seven times each, and reports the median:

- the selector alone (`selectors.scoring.ranking`): one query, every row scored in Python,
  sorted and paginated, per built-in model and for a custom formula;
- the whole page and its htmx fragment through Django's test client, as the demo CPO.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

from bench import measure_in_child

REPEATS = 7
CUSTOM_FORMULA = "max(value, 1) * confidence / 100 / sqrt(max(effort, 1)) if reach > 100 else 0"


def _medians(action) -> dict:
    """Median wall and CPU milliseconds; CPU time holds steady when other work shares the
    machine, wall time is what a person waits."""
    action()  # warm caches and templates
    wall, cpu = [], []
    for _ in range(REPEATS):
        started, started_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"ms": 1000 * statistics.median(wall), "cpu_ms": 1000 * statistics.median(cpu)}


def measure() -> dict:
    """Runs in the child: load the large demo, time the ranking."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productorg.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from productorg.accounts.models import User
    from productorg.demo import generator
    from productorg.strategy import scoring
    from productorg.strategy.models import Initiative, ScoringModel
    from productorg.strategy.selectors import scoring as selectors

    call_command("migrate", verbosity=0)
    generator.demo_organisation_create(size=os.environ.get("BENCH_SIZE", "large"), seed=1)
    custom = ScoringModel.objects.create(name="Bench", formula=CUSTOM_FORMULA)
    cpo = next(account for account in generator.demo_accounts() if account.role == "CPO")
    user = User.objects.get(username=cpo.username)
    specs = [
        *scoring.BUILTIN_MODELS,
        next(s for s in selectors.scoring_specs(user=user) if s.custom_id == custom.pk),
    ]
    results: dict = {"initiatives": Initiative.objects.count()}
    for spec in specs:
        ranked = selectors.ranking(user=user, spec=spec)
        results[f"selector {spec.name}"] = {
            **_medians(lambda spec=spec: selectors.ranking(user=user, spec=spec)),
            "scored": ranked.scored,
            "unscored": ranked.unscored,
        }
    client = Client()
    client.force_login(user)
    pages = {
        "page /strategy/ranking/": ("/strategy/ranking/", {}),
        "page ?model=wsjf&page=3": ("/strategy/ranking/?model=wsjf&page=3", {}),
        f"page ?model=custom-{custom.pk}": (f"/strategy/ranking/?model=custom-{custom.pk}", {}),
        "htmx fragment ?model=ice": ("/strategy/ranking/?model=ice", {"HX-Request": "true"}),
    }
    for name, (url, headers) in pages.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, headers=headers).status_code == 200
        # Counted now: every later request clears the connection's query log.
        count = len(queries.captured_queries)
        results[name] = {
            **_medians(lambda url=url, headers=headers: client.get(url, headers=headers)),
            "queries": count,
        }
    return results


def main(argv: list[str]) -> int:
    if argv == ["--child"]:
        print(json.dumps(measure()))
        return 0
    results = measure_in_child("bench.ranking", "large")
    count = results.pop("initiatives")
    print(f"Ranking {count:,} initiatives (large demo), median of {REPEATS}, as the CPO")
    print(f"{'what':44} {'wall ms':>8} {'CPU ms':>7}  detail")
    for name, figures in results.items():
        if "scored" in figures:
            detail = f"{figures['scored']:,} scored, {figures['unscored']:,} without a score"
        else:
            detail = f"{figures['queries']} queries"
        print(f"{name:44} {figures['ms']:8.1f} {figures['cpu_ms']:7.1f}  {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
