"""In a real Chromium, on a laptop (1280 px) and a phone (390 px): every main page of the demo
organisation fits the screen's width (wide tables scroll inside their own box, long unbroken
titles wrap), the navigation is one row on the laptop and behind a menu button on the phone,
its menus open from the keyboard, and long pickers can be searched."""

from __future__ import annotations

import pytest
from django.conf import settings

from productorg.demo import generator
from productorg.tests.test_browser import chromium, page  # noqa: F401

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# One word longer than any screen is wide: a pasted URL or an identifier-like title.
LONG_TITLE = "Replatform-" + "checkout-service-" * 12 + "v2"

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# The navigation's top-level entries are one row when each starts above where every other ends.
NAV_ONE_ROW = """() => {
    const items = [...document.querySelectorAll('.topbar nav > ul > li, .topbar .nav-links > li')]
        .filter((item) => item.offsetParent !== null).map((item) => item.getBoundingClientRect());
    return Math.max(...items.map((box) => box.top)) < Math.min(...items.map((box) => box.bottom));
}"""
# Every table sits in the one box that scrolls sideways (.table-wrap), on every page.
TABLES_OUTSIDE_THE_BOX = "document.querySelectorAll('main table:not(.table-wrap table)').length"
# What sticks out past the right edge (and is not inside a box that scrolls): names the culprit.
STICKING_OUT = """() => [...document.querySelectorAll('body *')].filter((element) => {
    if (element.getBoundingClientRect().right <= window.innerWidth + 0.5) return false;
    for (let box = element.parentElement; box; box = box.parentElement) {
        if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(box).overflowX)) return false;
    }
    return ['auto', 'scroll', 'hidden'].includes(getComputedStyle(element).overflowX)
        || ![...element.children].some(
            (child) => child.getBoundingClientRect().right > window.innerWidth + 0.5);
}).slice(0, 3).map((element) =>
    `${element.tagName.toLowerCase()}.${[...element.classList].join('.')}`
    + ` "${element.textContent.trim().slice(0, 30)}"`)"""


@pytest.fixture
def demo(live_server):
    """The small demo organisation, with one initiative given a very long unbroken title."""
    from productorg.planning.models import PlanRun, Scenario
    from productorg.reports.models import LeadershipReport
    from productorg.strategy.models import Initiative

    generator.demo_organisation_create(size="small", seed=1)
    accounts = {account.role: account.username for account in generator.demo_accounts()}
    initiative = Initiative.objects.filter(team__isnull=False).order_by("pk").first()
    Initiative.objects.filter(pk=initiative.pk).update(title=LONG_TITLE)
    run = PlanRun.objects.order_by("-pk").first()
    return {
        "accounts": accounts,
        "initiative": initiative.pk,
        "scenario": Scenario.objects.order_by("pk").first().pk,
        "run": (run.scenario_id, run.pk),
        "report": LeadershipReport.objects.order_by("-pk").first().pk,
        "person": initiative.team.product_manager_id,
    }


def main_pages(demo: dict) -> dict[str, list[str]]:
    """The main pages each demo account opens, by role."""
    scenario, (run_scenario, run) = demo["scenario"], demo["run"]
    portfolio = [
        "/",
        "/strategy/",
        "/initiatives/",
        f"/initiatives/{demo['initiative']}/",
        "/roadmap/",
        "/strategy/mix/",
        "/strategy/ranking/",
        "/capacity/",
        "/strategy/alignment/",
        "/reports/",
        f"/reports/{demo['report']}/",
        "/accounts/profile/",
    ]
    return {
        "CPO": [
            *portfolio,
            "/people/",
            "/teams/",
            "/org-chart/",
            "/framework/",
            f"/people/{demo['person']}/",
            f"/initiatives/{demo['initiative']}/edit/",
            "/initiatives/new/",
            "/plan/",
            f"/plan/scenarios/{scenario}/",
            f"/plan/scenarios/{run_scenario}/runs/{run}/",
            f"/plan/scenarios/{scenario}/edit/",
            f"/plan/scenarios/{scenario}/roadmap/",
            "/function/",
            "/function/processes/",
            "/function/improvements/",
            "/function/roadmap/",
            "/function/surveys/",
            "/import/",
        ],
        "PM": [
            "/",
            "/people/",
            "/my-growth/",
            "/one-on-ones/",
            "/feedback/",
            f"/initiatives/{demo['initiative']}/",
        ],
        "Stakeholder": portfolio,
        "Admin": ["/", "/people/", "/framework/", "/import/", "/accounts/profile/"],
    }


def signed_in_page(browser, live_server, username: str):
    page = browser.new_page(viewport=LAPTOP)  # noqa: F811 - a page of its own per account
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def layout_problems(page, where: str) -> list[str]:  # noqa: F811 - not the fixture
    """What is wrong with the layout of the open page at the laptop and the phone width."""
    problems = []
    page.set_viewport_size(LAPTOP)
    if not page.evaluate(NAV_ONE_ROW):
        problems.append(f"{where}: the navigation takes more than one row at 1280 px")
    if unwrapped := page.evaluate(TABLES_OUTSIDE_THE_BOX):
        problems.append(f"{where}: {unwrapped} table(s) outside a .table-wrap")
    for viewport in (LAPTOP, PHONE):
        page.set_viewport_size(viewport)
        if (overflow := page.evaluate(OVERFLOW)) > 0:
            culprits = ", ".join(page.evaluate(STICKING_OUT))
            width = viewport["width"]
            problems.append(f"{where} at {width} px: {overflow} px too wide ({culprits})")
    return problems


def test_every_main_page_fits_a_laptop_and_a_phone_without_sideways_scrolling(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    demo,
):
    problems = []
    for role, urls in main_pages(demo).items():
        account = signed_in_page(page.context.browser, live_server, demo["accounts"][role])
        for url in urls:
            assert account.goto(f"{live_server.url}{url}").status == 200, url
            problems += layout_problems(account, f"{role} {url}")
        account.close()
    assert not problems, "\n".join(problems)
