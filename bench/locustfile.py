"""Locust users for the load benchmark (`python -m bench.load`, which sets everything up).

`ProductOrgUser` signs in as a demo account (four product managers to one leader), then
browses the portfolio and strategy pages, asks for htmx fragments as the pages do, and (a
product manager) posts status updates on their team's work. `TrivialUser` asks a tiny WSGI
app for the baseline. Request names start with their group: "page: ", "fragment: ", "post: ",
"baseline: " ("login" is not measured).

Nothing is recorded until every user has signed in: the benchmark measures browsing, not the
deliberately slow password hashing of fifty sign-ins at once. Then the requests of the next
BENCH_SECONDS seconds are written to BENCH_RESULTS as JSON and the run stops.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections import Counter
from datetime import date
from pathlib import Path

import gevent
from locust import FastHttpUser, between, events, task

CONFIG = (
    json.loads(Path(os.environ["BENCH_CONFIG"]).read_text()) if "BENCH_CONFIG" in os.environ else {}
)
THINK = tuple(float(part) for part in os.environ.get("BENCH_THINK", "1,3").split(","))
# How long to wait for every user to sign in before measuring anyway.
READY_TIMEOUT = float(os.environ.get("BENCH_READY_TIMEOUT", "180"))
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HTMX = {"HX-Request": "true"}
SUMMARIES = [
    "On track: the first slice is live for internal users.",
    "Slipping by a week: waiting for the platform team's API.",
    "Rollout at 50 % of traffic; conversion holds.",
]


class _Window:
    """The measured stretch of the run and what happened in it."""

    def __init__(self) -> None:
        self.ready = 0
        self.signed_in = 0
        self.open = False
        self.start = 0.0
        self.end = 0.0
        self.requests: list[tuple[str, float, bool]] = []
        self.errors: Counter[tuple[str, str]] = Counter()


window = _Window()


@events.request.add_listener
def _record(name: str, response_time: float, exception: Exception | None = None, **_) -> None:
    if not window.open:
        return
    window.requests.append((name, response_time, exception is None))
    if exception is not None:
        window.errors[(name, str(exception)[:160])] += 1


@events.test_start.add_listener
def _start_measuring(environment, **_) -> None:
    gevent.spawn(_measure, environment)


def _measure(environment) -> None:
    users = int(os.environ.get("BENCH_USERS", "1"))
    seconds = float(os.environ.get("BENCH_SECONDS", "60"))
    deadline = time.monotonic() + READY_TIMEOUT
    while window.ready < users and time.monotonic() < deadline:
        gevent.sleep(0.1)
    ready = window.ready
    window.start, window.open = time.time(), True
    gevent.sleep(seconds)
    window.open, window.end = False, time.time()
    if "BENCH_RESULTS" in os.environ:
        results = {
            "users_ready": ready,
            "users_signed_in": window.signed_in,
            "seconds": window.end - window.start,
            "requests": window.requests,
            "errors": [[name, message, count] for (name, message), count in window.errors.items()],
        }
        Path(os.environ["BENCH_RESULTS"]).write_text(json.dumps(results))
    environment.runner.quit()


def _accounts() -> itertools.cycle:
    """Four product managers, then a leader, over and over."""
    pms, leaders = CONFIG.get("pms", []), CONFIG.get("leaders", [])
    order = []
    for index, pm in enumerate(pms):
        order.append(pm)
        if index % 4 == 3 and leaders:
            order.append(leaders[(index // 4) % len(leaders)])
    return itertools.cycle(order or [{"username": "", "initiatives": []}])


ACCOUNTS = _accounts()


class ProductOrgUser(FastHttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        self.account = next(ACCOUNTS)
        self.rng = random.Random(self.account["username"])
        try:
            # Sign in first, then count: `+=` around a call that yields to other users would
            # read the count before the call and lose their increments.
            signed_in = self._sign_in()
            window.signed_in += signed_in
        finally:
            window.ready += 1

    def _sign_in(self) -> bool:
        form = self.client.get("/accounts/login/", name="login")
        token = CSRF_TOKEN.search(form.text)
        data = {
            "username": self.account["username"],
            "password": CONFIG.get("password", ""),
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
        with self.client.post(
            "/accounts/login/", data=data, name="login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"sign-in answered HTTP {response.status_code}")
                return False
        return True

    def _get(self, url: str, name: str, *, fragment: bool = False):
        with self.client.get(
            url, name=name, headers=HTMX if fragment else None, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure("sent to the sign-in page")
            elif fragment and "<html" in response.text[:1000].lower():
                response.failure("answered the whole page, not a fragment")
            else:
                response.success()
        return response

    def _pick(self, key: str, default: object = "") -> object:
        values = CONFIG.get(key) or [default]
        return self.rng.choice(values)

    # Pages.

    @task(3)
    def home(self) -> None:
        self._get("/", "page: /")

    @task(2)
    def initiatives(self) -> None:
        self._get("/initiatives/", "page: /initiatives/")

    @task(2)
    def initiatives_filtered(self) -> None:
        filters = self.rng.choice(
            [
                "category=growth&page=2",
                "status=in_progress&health=red",
                f"team={self._pick('teams', 0)}",
            ]
        )
        self._get(f"/initiatives/?{filters}", "page: /initiatives/?filters")

    @task(3)
    def initiative_detail(self) -> None:
        self._get(f"/initiatives/{self._pick('initiatives', 0)}/", "page: /initiatives/<id>/")

    @task(2)
    def strategy(self) -> None:
        self._get("/strategy/", "page: /strategy/")

    @task(2)
    def mix_board(self) -> None:
        self._get("/strategy/mix/", "page: /strategy/mix/")

    @task(1)
    def alignment(self) -> None:
        self._get("/strategy/alignment/", "page: /strategy/alignment/")

    @task(2)
    def roadmap(self) -> None:
        self._get("/roadmap/", "page: /roadmap/")

    @task(2)
    def capacity(self) -> None:
        self._get("/capacity/", "page: /capacity/")

    @task(2)
    def ranking(self) -> None:
        self._get("/strategy/ranking/", "page: /strategy/ranking/")

    # Fragments: what htmx asks for when a filter changes or a drill-down opens.

    @task(3)
    def initiatives_search(self) -> None:
        word = self._pick("words", "checkout")
        self._get(f"/initiatives/?q={word}", "fragment: /initiatives/?q=", fragment=True)

    @task(2)
    def ranking_by_model(self) -> None:
        model = self.rng.choice(["rice", "wsjf", "ice", "value-effort"])
        self._get(
            f"/strategy/ranking/?model={model}",
            "fragment: /strategy/ranking/?model=",
            fragment=True,
        )

    @task(2)
    def mix_drilldown(self) -> None:
        value = self.rng.choice(["feature", "growth", "scaling", "pmf_expansion"])
        query = f"period={CONFIG.get('period', '')}&dimension=work-category&value={value}"
        if self.rng.random() < 0.5:
            query += f"&team={self._pick('teams', 0)}"
        self._get(
            f"/strategy/mix/initiatives/?{query}",
            "fragment: /strategy/mix/initiatives/",
            fragment=True,
        )

    @task(1)
    def mix_dimension(self) -> None:
        dimension = self.rng.choice(["bucket", "demand-source"])
        self._get(
            f"/strategy/mix/?dimension={dimension}",
            "fragment: /strategy/mix/?dimension=",
            fragment=True,
        )

    @task(1)
    def roadmap_filtered(self) -> None:
        category = self.rng.choice(["growth", "scaling", "feature"])
        self._get(f"/roadmap/?category={category}", "fragment: /roadmap/?category=", fragment=True)

    @task(1)
    def alignment_kind(self) -> None:
        kind = self.rng.choice(["stale-status", "over-capacity", "leader-owned"])
        self._get(
            f"/strategy/alignment/?kind={kind}",
            "fragment: /strategy/alignment/?kind=",
            fragment=True,
        )

    # Writes: a product manager posts a status update on their team's work.

    @task(2)
    def status_update(self) -> None:
        initiatives = self.account.get("initiatives") or []
        if not initiatives:
            self.home()
            return
        initiative = self.rng.choice(initiatives)
        url = f"/initiatives/{initiative}/"
        page = self._get(url, "page: /initiatives/<id>/")
        token = CSRF_TOKEN.search(page.text or "")
        data = {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "date": date.today().isoformat(),  # noqa: DTZ011 - the server's local day, as the form's
            "health": self.rng.choice(["green", "green", "amber", "red"]),
            "progress": self.rng.randint(10, 90),
            "summary": self.rng.choice(SUMMARIES),
            "risks": "",
            "decisions_needed": "",
        }
        with self.client.post(
            url, data=data, name="post: status update", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code} (a saved update redirects)")


class TrivialUser(FastHttpUser):
    wait_time = between(*THINK)

    def on_start(self) -> None:
        window.signed_in += 1
        window.ready += 1

    @task
    def trivial(self) -> None:
        self.client.get("/", name="baseline: trivial WSGI app")
