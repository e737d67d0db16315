"""In a real Chromium, under the strict Content-Security-Policy: the main pages of every role,
the API's interactive docs and Django admin report no violation (no inline script or style
refused), and htmx still works — a filter narrows the initiatives, a growth action is ticked."""

from __future__ import annotations

import pytest

from productorg.factories import GrowthActionFactory, GrowthGoalFactory, GrowthPlanFactory
from productorg.tests.test_browser import chromium, page, sign_in  # noqa: F401
from productorg.tests.test_browser_layout import demo, main_pages, signed_in_page  # noqa: F401

pytestmark = pytest.mark.browser

# Django admin's list, an add form with its JavaScript widgets (the permission picker), a
# change form: admin needs no relaxed policy.
ADMIN_PAGES = [
    "/admin/",
    "/admin/accounts/user/",
    "/admin/auth/group/add/",
    "/admin/accounts/user/add/",
]
# Set before any page script runs: every violation the page reports, as text.
LISTEN = """window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
    window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});"""


def watched(page) -> list[str]:  # noqa: F811 - not the fixture
    """Violations seen by the page, from its console and its securitypolicyviolation events."""
    seen: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


def violations(page, seen: list[str], where: str) -> list[str]:  # noqa: F811
    events = page.evaluate("window.cspViolations || []")
    return [f"{where}: {text}" for text in [*seen, *events]]


def test_no_main_page_of_any_role_breaks_the_policy(
    page,  # noqa: F811 - the fixture imported above
    live_server,
    demo,  # noqa: F811
):
    problems: list[str] = []
    pages = main_pages(demo)
    pages["Admin"] = [*pages["Admin"], *ADMIN_PAGES, "/api/v1/docs"]
    for role, urls in pages.items():
        account = signed_in_page(page.context.browser, live_server, demo["accounts"][role])
        seen = watched(account)
        for url in urls:
            assert account.goto(f"{live_server.url}{url}").status == 200, url
            account.wait_for_load_state("networkidle")
            problems += violations(account, seen, f"{role} {url}")
            seen.clear()
        account.close()
    assert not problems, "\n".join(problems)


def test_the_roadmap_lays_out_its_bars_by_class(page, live_server, demo):  # noqa: F811
    account = signed_in_page(page.context.browser, live_server, demo["accounts"]["CPO"])
    account.goto(f"{live_server.url}/roadmap/")
    columns = account.locator(".rm-bar").evaluate_all(
        "bars => bars.map((bar) => getComputedStyle(bar).gridColumnStart)"
    )
    assert columns and "auto" not in columns, columns
    quarters = account.locator(".roadmap").evaluate(
        "box => getComputedStyle(box).getPropertyValue('--quarters')"
    )
    assert quarters.strip().isdigit()


def test_the_watch_sees_a_violation(page, live_server, org):  # noqa: F811
    # So that "no violation" above means none happened, not that none could be seen.
    seen = watched(page)
    sign_in(page, live_server, "pia")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_function("window.cspViolations.length > 0")
    assert any("style-src" in text for text in violations(page, seen, "/"))


def test_htmx_filters_and_ticks_under_the_policy(page, live_server, org):  # noqa: F811
    from playwright.sync_api import expect

    seen = watched(page)
    sign_in(page, live_server, "sam", then="/initiatives/")
    page.evaluate("window.notReloaded = true")
    page.fill("input[name=q]", "dunning")
    expect(page.get_by_text("1 initiative", exact=True)).to_be_visible()
    assert page.evaluate("window.notReloaded") is True

    plan = GrowthPlanFactory(person=org.pia, target_level=org.pia.level, status="active")
    goal = GrowthGoalFactory(plan=plan, title="Own pricing discovery")
    GrowthActionFactory(goal=goal, title="Shadow a pricing review")
    page.context.clear_cookies()
    sign_in(page, live_server, "gabe", then=f"/growth-plans/{plan.pk}/")
    page.get_by_role("button", name="Mark “Shadow a pricing review” done").click()
    expect(
        page.get_by_role("button", name="Mark “Shadow a pricing review” not done")
    ).to_be_visible()
    assert goal.actions.get().done
    assert not violations(page, seen, "htmx")
