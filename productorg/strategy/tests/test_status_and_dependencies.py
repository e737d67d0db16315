from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from productorg.factories import InitiativeFactory
from productorg.strategy import services
from productorg.strategy.models import StatusUpdate

UPDATE = {
    "date": "2026-11-20",
    "health": "amber",
    "progress": "40",
    "summary": "Beta with **12** merchants.",
    "risks": "Payment provider API changes in December.",
    "decisions_needed": "Ship without Klarna?",
}


def test_the_pm_of_the_team_posts_a_status_update_and_the_health_follows(client_for, org):
    initiative = org.checkout.initiatives.get()
    response = client_for(org.pia).post(f"/initiatives/{initiative.pk}/", UPDATE)
    assert response.status_code == 302
    update = StatusUpdate.objects.get()
    assert (update.health, update.progress, update.author) == ("amber", 40, org.pia)
    initiative.refresh_from_db()
    assert initiative.health == "amber"
    page = client_for(org.sam).get(f"/initiatives/{initiative.pk}/").content.decode()
    assert "<strong>12</strong>" in page and "Ship without Klarna?" in page


@pytest.mark.parametrize("viewer", ["gabe", "cora"])
def test_leaders_post_status_updates_on_any_initiative(client_for, org, viewer):
    initiative = org.billing.initiatives.get()
    response = client_for(getattr(org, viewer)).post(f"/initiatives/{initiative.pk}/", UPDATE)
    assert response.status_code == 302
    assert StatusUpdate.objects.filter(initiative=initiative).exists()


@pytest.mark.parametrize("viewer", ["paul", "olive", "sam", "ada"])
def test_others_cannot_post_a_status_update_on_a_team_not_theirs(client_for, org, viewer):
    initiative = org.checkout.initiatives.get()
    client = client_for(getattr(org, viewer))
    assert (
        "Post a status update" not in client.get(f"/initiatives/{initiative.pk}/").content.decode()
    )
    assert client.post(f"/initiatives/{initiative.pk}/", UPDATE).status_code == 404
    assert not StatusUpdate.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("progress", "140"),
        ("progress", "-1"),
        ("health", "purple"),
        ("summary", ""),
        ("date", "yesterday"),
        ("summary", "x" * 4001),
    ],
)
def test_a_bad_status_update_is_refused_naming_the_field(client_for, org, field, value):
    initiative = org.checkout.initiatives.get()
    response = client_for(org.pia).post(f"/initiatives/{initiative.pk}/", {**UPDATE, field: value})
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert not StatusUpdate.objects.exists()


def test_dependencies_show_on_both_initiatives(client_for, org):
    first = InitiativeFactory(title="Payments API v2", team=org.billing)
    second = org.checkout.initiatives.get()
    services.dependency_add(initiative=second, depends_on=first)
    client = client_for(org.pia)
    assert "Payments API v2" in client.get(f"/initiatives/{second.pk}/").content.decode()
    assert "One-click reorder" in client.get(f"/initiatives/{first.pk}/").content.decode()


def test_a_dependency_cycle_is_refused_with_the_cycle_named(db):
    a, b, c = (InitiativeFactory(title=title) for title in ["Alpha", "Beta", "Gamma"])
    services.dependency_add(initiative=b, depends_on=a)
    services.dependency_add(initiative=c, depends_on=b)
    with pytest.raises(ValidationError) as refused:
        services.dependency_add(initiative=a, depends_on=c)
    message = refused.value.message_dict["depends_on"][0]
    assert "Alpha → Gamma → Beta → Alpha" in message


def test_an_initiative_cannot_depend_on_itself(db):
    alone = InitiativeFactory(title="Alone")
    with pytest.raises(ValidationError):
        services.dependency_add(initiative=alone, depends_on=alone)


def test_the_same_dependency_twice_is_refused(db):
    a, b = InitiativeFactory(), InitiativeFactory()
    services.dependency_add(initiative=b, depends_on=a)
    with pytest.raises((ValidationError, IntegrityError)):
        services.dependency_add(initiative=b, depends_on=a)


def test_the_initiative_page_shows_its_status_updates_once_and_keeps_a_plain_title(client_for, org):
    initiative = org.checkout.initiatives.get()
    client = client_for(org.pia)
    client.post(f"/initiatives/{initiative.pk}/", UPDATE)
    page = client.get(f"/initiatives/{initiative.pk}/").content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert "Status updates" not in title and "<article" not in title
    assert page.count('id="status"') == 1
    assert page.count("Ship without Klarna?") == 1
