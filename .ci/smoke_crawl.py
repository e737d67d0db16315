"""The production smoke crawl: every URL pattern of the resolver, as every demo role, against a
running server; fails listing every answer of 500 or more.

Run by `.ci/smoke` with the installed package's Python and the server's own environment, so
Django's settings point at the database the server uses: the URL patterns come from the
resolver and the ids that fill them from that database. A path parameter is filled from a
known source (SOURCES below, or the admin's model); a parameter with no source fails the crawl,
so a new URL pattern cannot be skipped silently. Each pattern is requested as a plain GET and,
where it answers with a page, again as htmx (`HX-Request: true`). 403, 404 and 405 are fine:
a role may not see a page or a GET may not be the page's method.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import re
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

# A value for parameters that match anything (catch-all patterns): it names nothing.
MISSING = "smoke-missing"
# In `Rows.also`: the parameter is the pk of any object of the content type the row is.
ANY_OBJECT = "smoke:any-object"


@dataclass(frozen=True)
class Rows:
    """Ids of `model` fill the parameter; `also` fills other parameters of the same pattern
    from that row's fields, so a nested URL names a child under its own parent."""

    model: str
    column: str = "pk"
    also: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Each:
    """Every value of an enumeration, each requested (function documents, import sources)."""

    values: str  # "app.Model.field" whose choices they are, or "module:Enum"


@dataclass(frozen=True)
class Fixed:
    """One value with a reason: a secret that exists only hashed, so no real one can be used."""

    value: str
    why: str


# By parameter name, or "namespace:name" where two apps use one name for different things.
SOURCES: dict[str, Rows | Each | Fixed] = {
    "person_id": Rows("people.Person"),
    "team_id": Rows("people.Team"),
    "token_id": Rows("accounts.ApiToken"),
    "assessment_id": Rows("people.Assessment"),
    "plan_id": Rows("people.GrowthPlan"),
    "goal_id": Rows("people.GrowthGoal"),
    "action_id": Rows("people.GrowthAction"),
    "one_on_one_id": Rows("people.OneOnOne"),
    "meeting_id": Rows("people.Meeting"),
    "agenda_item_id": Rows("people.AgendaItem", also={"meeting_id": "meeting_id"}),
    "shared_note_id": Rows("people.SharedNote", also={"meeting_id": "meeting_id"}),
    "action_item_id": Rows("people.ActionItem", also={"meeting_id": "raised_in_id"}),
    "initiative_id": Rows("strategy.Initiative"),
    "dependency_id": Rows("strategy.Dependency", also={"initiative_id": "initiative_id"}),
    "milestone_id": Rows("strategy.Milestone", also={"initiative_id": "initiative_id"}),
    "risk_id": Rows("strategy.Risk", also={"initiative_id": "initiative_id"}),
    "objective_id": Rows("strategy.Objective"),
    "key_result_id": Rows("strategy.KeyResult"),
    "scoring_model_id": Rows("strategy.ScoringModel"),
    "dimension_id": Rows("strategy.BalanceDimension"),
    "scenario_id": Rows("planning.Scenario"),
    "planning:run_id": Rows("planning.PlanRun", also={"scenario_id": "scenario_id"}),
    "api:run_id": Rows("planning.PlanRun", also={"scenario_id": "scenario_id"}),
    "interchange:run_id": Rows("interchange.ImportRun"),
    "source": Each("productorg.strategy.models:ImportSource"),
    "report_id": Rows("reports.LeadershipReport"),
    "process_id": Rows("function.Process"),
    "improvement_id": Rows("function.Improvement"),
    "function:kind": Each("function.FunctionDocumentVersion.kind"),
    "number": Rows("function.FunctionDocumentVersion", "number", also={"kind": "kind"}),
    "survey_id": Rows("surveys.Survey"),
    "question_id": Rows("surveys.Question", also={"survey_id": "survey_id"}),
    "invitation_id": Rows("surveys.Invitation", also={"survey_id": "survey_id"}),
    "token": Fixed("po-smoke-unknown-token", "survey links are stored only as a hash"),
    "admin:content_type_id": Rows("contenttypes.ContentType", also={"object_id": ANY_OBJECT}),
}


@dataclass
class Route:
    namespace: str
    name: str | None
    template: str  # the path with {param} placeholders
    params: list[str]
    choices: dict[str, list[str]]  # regex groups that are an alternation of literals
    callback: object
    admin_model: str | None  # "app_label.model_name" under the admin


@dataclass
class Answer:
    role: str
    url: str
    htmx: bool
    status: int
    content_type: str = ""
    error: str = ""


def walk(patterns, prefix: str = "", namespace: str = "", admin_model: str | None = None):
    from django.urls import URLResolver

    for pattern in patterns:
        part = route_part(pattern.pattern)
        if isinstance(pattern, URLResolver):
            namespace_here = pattern.namespace or namespace
            model = model_of(prefix + part, namespace_here) or admin_model
            yield from walk(pattern.url_patterns, prefix + part, namespace_here, model)
        else:
            yield prefix + part, pattern, namespace, admin_model


def model_of(prefix: str, namespace: str) -> str | None:
    """The admin nests each model's URLs under "admin/<app_label>/<model_name>/"."""
    if namespace != "admin":
        return None
    bits = prefix.removeprefix("admin/").strip("/").split("/")
    return ".".join(bits) if len(bits) == 2 and all(bits) else None


def route_part(pattern) -> str:
    """One level of a pattern as a path with `{name}` placeholders (regex groups included)."""
    from django.urls.resolvers import RoutePattern

    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:[^>:]+:)?([^>]+)>", r"{\1}", str(pattern))
    regex = str(pattern).removeprefix("^").removesuffix("$")
    regex = re.sub(r"\(\?P<(\w+)>([^)]*)\)", lambda m: "{" + m[1] + "=" + m[2] + "}", regex)
    regex = regex.replace(".*", MISSING).replace("\\", "")
    return regex


def routes() -> list[Route]:
    from django.urls import get_resolver

    found: dict[str, Route] = {}
    for raw, pattern, namespace, admin_model in walk(get_resolver().url_patterns):
        params: list[str] = []
        choices: dict[str, list[str]] = {}

        def placeholder(match: re.Match, params=params, choices=choices) -> str:
            name, _, body = match[1].partition("=")
            params.append(name)
            if body and re.fullmatch(r"[\w-]+(\|[\w-]+)+", body):
                choices[name] = body.split("|")
            return "{" + name + "}"

        template = re.sub(r"\{([^}]+)\}", placeholder, raw)
        # Several API operations share one path (GET and POST): it is requested once.
        found.setdefault(
            template,
            Route(
                namespace, pattern.name, template, params, choices, pattern.callback, admin_model
            ),
        )
    return list(found.values())


def source_for(route: Route, param: str) -> Rows | Each | Fixed | None:
    if param in route.choices:
        return Fixed("|".join(route.choices[param]), "choices")
    if route.admin_model and param in {"object_id", "id"}:
        return Rows(route.admin_model)
    if param == "url" and route.namespace == "admin":
        return Fixed(MISSING, "the admin's catch-all")
    return SOURCES.get(f"{route.namespace}:{param}") or SOURCES.get(param)


def near(model, user):
    """Rows of `model` that concern `user`: theirs, their person's or their reports'
    (foreign keys followed two levels deep), so a role sees pages it may open, not only 404s."""
    from django.db.models import Q

    from productorg.accounts.models import User
    from productorg.people.models import Person

    if user is None:
        return model.objects.none()
    person = Person.objects.filter(user=user).first()
    if model is Person and person:
        return model.objects.filter(Q(manager=person) | Q(pk=person.pk))
    query = Q(pk__in=[])
    for path in fk_paths(model, depth=2):
        target = path[-1].related_model
        lookup = "__".join(f.name for f in path)
        if target is User:
            query |= Q(**{lookup: user})
        elif target is Person and person:
            query |= Q(**{lookup: person}) | Q(**{f"{lookup}__manager": person})
    return model.objects.filter(query)


def fk_paths(model, depth: int):
    for f in model._meta.fields:
        if f.is_relation and f.related_model is not None:
            yield [f]
            if depth > 1 and f.related_model is not model:
                for rest in fk_paths(f.related_model, depth - 1):
                    yield [f, *rest]


_rows_seen: dict[tuple, list[dict[str, str]]] = {}


def rows_candidates(source: Rows, user) -> list[dict[str, str]]:
    """Up to three fillings: two rows near the user, then the first rows of all."""
    key = (source.model, source.column, tuple(source.also.items()), user.pk if user else None)
    if key not in _rows_seen:
        _rows_seen[key] = _rows_candidates(source, user)
    return _rows_seen[key]


def _rows_candidates(source: Rows, user) -> list[dict[str, str]]:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    model = apps.get_model(source.model)
    columns = [source.column, *(c for c in source.also.values() if c != ANY_OBJECT)]
    querysets = [near(model, user).order_by("pk"), model.objects.order_by("pk")]
    rows: list[tuple] = []
    for queryset in querysets:
        for column in source.also.values():
            if column != ANY_OBJECT:
                queryset = queryset.exclude(**{f"{column}__isnull": True})
        rows += list(queryset.values_list(*columns)[:2])
    fillings = []
    for row in dict.fromkeys(rows):
        values = dict(zip(["self", *source.also], row, strict=False))
        if ANY_OBJECT in source.also.values():
            # The admin's "view on site" link: a content type and one object of it.
            content_type = ContentType.objects.get(pk=row[0])
            first = content_type.model_class().objects.order_by("pk").first()
            if first is None:
                continue
            values.update(dict.fromkeys(source.also, first.pk))
        fillings.append({k: str(v) for k, v in values.items()})
    return fillings[:3]


def each_values(source: Each) -> list[str]:
    import importlib

    from django.apps import apps

    if ":" in source.values:
        module, name = source.values.split(":")
        return [str(member.value) for member in getattr(importlib.import_module(module), name)]
    label, field_name = source.values.rsplit(".", 1)
    return [str(value) for value, _ in apps.get_model(label)._meta.get_field(field_name).choices]


def fillings(route: Route, user) -> tuple[list[list[dict[str, str]]], list[str], list[str]]:
    """The ways to fill `route`: groups of candidate fillings (every group is requested, the
    candidates of a group until one answers other than 404), with unknown and empty params."""
    unknown: list[str] = []
    empty: list[str] = []
    sources = {param: source_for(route, param) for param in route.params}
    # The leaf: the row source whose row names the other parameters it nests under.
    leaf: tuple[str, Rows] | None = None
    for param, source in sources.items():
        if isinstance(source, Rows) and (leaf is None or set(source.also) > set(leaf[1].also)):
            leaf = (param, source)
    reached = set(leaf[1].also) if leaf else set()
    unknown = [
        param for param, source in sources.items() if source is None and param not in reached
    ]
    if unknown:
        return [], unknown, empty
    candidates: list[dict[str, str]] = [{}]
    covered: set[str] = set()
    if leaf:
        param, source = leaf
        rows = [
            {param: r["self"], **{k: v for k, v in r.items() if k != "self"}}
            for r in rows_candidates(source, user)
        ]
        covered = {param, *source.also}
        if not rows:
            empty.append(param)
            rows = [dict.fromkeys(covered, "999999999")]
        candidates = rows
    enumerations = []
    for param in route.params:
        if param in covered:
            continue
        source = source_for(route, param)
        if isinstance(source, Each):
            enumerations.append([(param, v) for v in each_values(source)])
        elif isinstance(source, Fixed):
            enumerations.append([(param, v) for v in source.value.split("|")])
        else:
            # A second row source the leaf does not reach: its first row.
            rows = rows_candidates(source, user)
            if not rows:
                empty.append(param)
            enumerations.append([(param, rows[0]["self"] if rows else "999999999")])
    groups = []
    for combination in itertools.product(*enumerations):
        groups.append([{**candidate, **dict(combination)} for candidate in candidates])
    return groups, unknown, empty


class Client:
    """One signed-in browser: cookies by hand, because production's cookies are Secure and the
    server is reached over plain http on loopback, announced as https by X-Forwarded-Proto as a
    TLS-terminating proxy would."""

    def __init__(self, base_url: str, role: str) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.role = role
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        sent = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "productorg-smoke",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response, content

    def sign_in(self, username: str, password: str) -> None:
        _, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise SystemExit(f"!! {self.role}: the sign-in page has no CSRF token")
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1]}
        )
        response, _ = self.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"https://{self.host}:{self.port}",
                "Referer": f"https://{self.host}:{self.port}/accounts/login/",
            },
        )
        if response.status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"!! {self.role} ({username}) could not sign in: {response.status}")

    def get(self, url: str, *, htmx: bool) -> Answer:
        headers = {"HX-Request": "true", "HX-Current-URL": url} if htmx else {}
        try:
            response, _ = self.request("GET", url, headers=headers)
        except (OSError, http.client.HTTPException) as error:
            return Answer(self.role, url, htmx, 0, error=f"{type(error).__name__}: {error}")
        return Answer(self.role, url, htmx, response.status, response.getheader("Content-Type", ""))


def crawl_route(client: Client, route: Route, groups: list[list[dict[str, str]]]) -> list[Answer]:
    from django.urls import Resolver404, resolve

    answers = []
    for candidates in groups:
        answer = None
        for values in candidates:
            url = "/" + route.template.format(**values)
            try:
                match = resolve(urllib.parse.urlsplit(url).path)
            except Resolver404:
                match = None
            if match is None or match.func is not route.callback:
                answers.append(Answer(client.role, url, False, -1, error="resolves elsewhere"))
                break
            answer = client.get(url, htmx=False)
            answers.append(answer)
            if answer.status != 404:
                break
        if answer and answer.status == 200 and answer.content_type.startswith("text/html"):
            answers.append(client.get(answer.url, htmx=True))
    return answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="http://127.0.0.1:PORT")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "productorg.settings")
    import django

    django.setup()
    from productorg.accounts.models import User
    from productorg.demo import generator

    started = time.monotonic()
    accounts = [(a.role, a.username) for a in generator.demo_accounts()]
    if len(accounts) < 6:
        print(f"!! expected six demo accounts, found {accounts}")
        return 1
    first = Client(args.base_url, "anonymous").get("/accounts/login/", htmx=False)
    if first.status != 200:
        print(f"!! the sign-in page answers {first.error or first.status}, not 200")
    try:
        all_routes = routes()
    except Exception as error:  # whatever breaks the URLconf: say it and stop
        print(f"!! the URL patterns cannot be loaded: {type(error).__name__}: {error}")
        return 1
    if first.status != 200:
        return 1
    sessions: list[tuple[Client, object]] = [(Client(args.base_url, "anonymous"), None)]
    for role, username in accounts:
        client = Client(args.base_url, role)
        client.sign_in(username, generator.demo_password())
        sessions.append((client, User.objects.get(username=username)))

    jobs, unknown, empty = [], set(), set()
    for client, user in sessions:
        for route in all_routes:
            groups, route_unknown, route_empty = fillings(route, user)
            unknown |= {(route.template, p) for p in route_unknown}
            empty |= {(route.template, p) for p in route_empty}
            # Signing out ends the session: last, so every other page is seen signed in.
            order = 1 if route.name == "logout" else 0
            jobs.append((order, client, route, groups))
    jobs.sort(key=lambda job: job[0])

    answers: list[Answer] = []
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        for result in pool.map(lambda job: crawl_route(*job[1:]), [j for j in jobs if not j[0]]):
            answers += result
    for _, client, route, groups in (j for j in jobs if j[0]):
        answers += crawl_route(client, route, groups)

    statuses: dict[int, int] = {}
    for answer in answers:
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
    filled = len(all_routes) - len({t for t, _ in unknown | empty})
    print(
        f"-- {len(all_routes)} URL patterns, {filled} filled with real values, "
        f"{len(sessions)} sessions ({', '.join(c.role for c, _ in sessions)}), "
        f"{len(answers)} requests in {time.monotonic() - started:.0f}s; statuses: "
        + ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
    )
    for template, param in sorted(empty):
        print(f"-- no row to fill {{{param}}} in /{template}: requested with an id that is absent")
    failures = [a for a in answers if a.status >= 500 or a.status <= 0]
    for template, param in sorted(unknown):
        print(f"!! no source for {{{param}}} in /{template}: add it to SOURCES in {__file__}")
    for answer in failures:
        kind = "htmx " if answer.htmx else ""
        what = answer.error or f"HTTP {answer.status}"
        print(f"!! {answer.role}: {kind}GET {answer.url} -> {what}")
    if filled < 0.9 * len(all_routes):
        print(f"!! only {filled} of {len(all_routes)} patterns were filled with real values")
        return 1
    return 1 if failures or unknown else 0


if __name__ == "__main__":
    sys.exit(main())
