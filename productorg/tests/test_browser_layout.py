"""In a real Chromium, on a laptop (1280 px) and a phone (390 px): every main page of the demo
organisation fits the screen's width (wide tables scroll inside their own box, long unbroken
titles wrap), the navigation is one row on the laptop and behind a menu button on the phone,
its menus open from the keyboard, and long pickers can be searched."""

from __future__ import annotations

import pytest
from django.conf import settings

from productorg.demo import generator
from productorg.factories import InitiativeFactory
from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# One word wider than a phone: an identifier-like title without a space or hyphen.
# As long as a title may be (200 characters, which PostgreSQL holds the column to), unbroken.
LONG_TITLE = ("Replatform" + "CheckoutService" * 13)[:200]

OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# The navigation's top-level entries are one row when each starts above where every other ends.
NAV_ONE_ROW = """() => {
    const items = [...document.querySelectorAll('.topbar nav > ul > li, .topbar .nav-links > li')]
        .filter((item) => item.offsetParent !== null).map((item) => item.getBoundingClientRect());
    return Math.max(...items.map((box) => box.top)) < Math.min(...items.map((box) => box.bottom));
}"""
# Every table sits in the one box that scrolls sideways (.table-wrap), on every page.
TABLES_OUTSIDE_THE_BOX = "document.querySelectorAll('main table:not(.table-wrap table)').length"
# Checkboxes something else covers at their centre (a help text over the box, say).
COVERED_CHECKBOXES = """() => [...document.querySelectorAll('main input[type=checkbox]')]
    .filter((box) => box.offsetParent !== null).filter((box) => {
        box.scrollIntoView({block: 'center'});
        const {left, top, width, height} = box.getBoundingClientRect();
        const onTop = document.elementFromPoint(left + width / 2, top + height / 2);
        return onTop !== box && !(onTop && onTop.control === box);
    }).map((box) => box.name)"""
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
    from productorg.function.surveys.models import Survey
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
        "survey": Survey.objects.order_by("pk").first().pk,
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
            f"/function/surveys/{demo['survey']}/",
            f"/function/surveys/{demo['survey']}/results/",
            "/import/",
            "/strategy/mix/dimensions/new/",
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
    if covered := page.evaluate(COVERED_CHECKBOXES):
        problems.append(f"{where}: checkboxes covered by something else: {covered}")
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


def test_on_a_phone_the_navigation_folds_behind_a_menu_button(page, live_server, org):  # noqa: F811
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "pia")
    links, menu = page.locator("#nav-links"), page.get_by_role("button", name="Menu")
    expect(links).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.get_by_text("Portfolio", exact=True).click()
    # The menu's links list one under another, in place.
    tops = page.locator("#nav-links details[open] li").evaluate_all(
        "items => items.map((item) => item.getBoundingClientRect().top)"
    )
    assert len(tops) >= 6 and tops == sorted(set(tops)), tops
    page.get_by_role("link", name="Roadmap").click()
    expect(page).to_have_url(f"{live_server.url}/roadmap/")
    expect(links).to_be_hidden()
    page.set_viewport_size(LAPTOP)
    expect(menu).to_be_hidden()
    expect(links).to_be_visible()


def test_the_navigation_menus_work_from_the_keyboard_without_inline_script(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, "pia")
    portfolio = page.locator("summary", has_text="Portfolio")
    portfolio.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Roadmap")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="Roadmap")).to_be_hidden()
    expect(portfolio).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Strategy")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/strategy/")
    # A strict Content-Security-Policy is coming: the layout has no inline script or style.
    assert page.locator("script:not([src])").count() == 0
    assert page.locator("header [style], footer [style]").count() == 0


def test_a_long_picker_is_searchable_and_posts_the_same_field(page, live_server, org):  # noqa: F811
    from playwright.sync_api import expect

    from productorg.reports.models import LeadershipReport

    for number in range(40):
        InitiativeFactory(title=f"Routine work {number:02}", team=org.checkout)
    baskets = InitiativeFactory(title="Saved baskets", team=org.search)
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, "cora", then="/reports/")
    page.get_by_label("Scope").select_option(label="Selected initiatives")
    page.locator("#id_initiatives-ts-control").fill("basket")
    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_count(1)
    expect(options).to_have_text("Saved baskets")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Make the report").click()
    expect(page.get_by_role("heading", name="Saved baskets")).to_be_visible()
    report = LeadershipReport.objects.get()
    assert [row["id"] for row in report.snapshot["initiatives"]] == [baskets.pk]


def test_without_javascript_a_long_picker_is_the_plain_select(page, live_server, org):  # noqa: F811
    from playwright.sync_api import expect

    from productorg.strategy.models import Initiative

    for number in range(20):
        InitiativeFactory(title=f"Routine work {number:02}", team=org.checkout)
    offered = Initiative.objects.exclude(status=Initiative.Status.DROPPED).count()
    plain = page.context.browser.new_page(java_script_enabled=False, viewport=LAPTOP)
    sign_in(plain, live_server, "cora", then="/reports/")
    picker = plain.locator("select[name=initiatives]")
    expect(picker).to_be_visible()
    expect(picker.locator("option")).to_have_count(offered)
    expect(plain.locator(".ts-wrapper")).to_have_count(0)
    plain.close()


def test_the_leadership_level_box_shows_above_its_help_and_its_label_ticks_it(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    org,
):
    from playwright.sync_api import expect

    initiative = InitiativeFactory(title="Saved baskets", team=org.checkout)
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, "pia", then=f"/initiatives/{initiative.pk}/edit/")
    box = page.get_by_role("checkbox", name="Leadership-level")
    expect(box).to_be_visible()
    assert page.evaluate(COVERED_CHECKBOXES) == []
    page.get_by_text("Leadership-level", exact=True).click()
    expect(box).to_be_checked()
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(f"{live_server.url}/initiatives/{initiative.pk}/")
    initiative.refresh_from_db()
    assert initiative.leadership_level is True


def test_after_going_back_a_searchable_picker_still_opens(page, live_server, org):  # noqa: F811
    from playwright.sync_api import expect

    from productorg.factories import TeamFactory

    for number in range(16):
        TeamFactory(name=f"Team {number:02}")
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server, "pia", then="/initiatives/")
    expect(page.locator(".ts-wrapper")).to_have_count(1)
    page.fill("input[name=q]", "reorder")
    page.wait_for_url("**q=reorder**")
    page.fill("input[name=q]", "dunning")
    page.wait_for_url("**q=dunning**")
    page.go_back()
    page.wait_for_url("**q=reorder**")
    # htmx put back its snapshot of the page: one picker, alive.
    expect(page.locator(".ts-wrapper")).to_have_count(1)
    page.locator(".ts-wrapper").click()
    expect(page.locator(".ts-dropdown .option", has_text="Team 07")).to_be_visible()
