from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from productorg.factories import TeamFactory
from productorg.people import services
from productorg.people.models import Level


def test_the_ladder_has_nine_levels_in_order(db):
    assert list(Level.objects.values_list("name", flat=True)) == [
        "Associate PM",
        "PM",
        "Senior PM",
        "Principal PM",
        "Group PM",
        "Manager of PM",
        "Director",
        "VP",
        "CPO",
    ]
    assert set(Level.objects.filter(rank__lte=4).values_list("track", flat=True)) == {"ic"}


def test_a_manager_cycle_is_refused_with_a_clear_error(org):
    with pytest.raises(ValidationError) as refused:
        services.person_set_manager(person=org.gabe, manager=org.pia)
    assert "reporting cycle" in str(refused.value)
    org.gabe.refresh_from_db()
    assert org.gabe.manager == org.dana


def test_a_two_person_cycle_is_refused(org):
    with pytest.raises(ValidationError):
        services.person_set_manager(person=org.cora, manager=org.dana)


def test_being_ones_own_manager_is_refused(org):
    with pytest.raises(ValidationError):
        services.person_set_manager(person=org.pia, manager=org.pia)


def test_moving_a_person_to_another_manager_is_allowed(org):
    services.person_set_manager(person=org.pia, manager=org.greta)
    org.pia.refresh_from_db()
    assert org.pia.manager == org.greta


def test_the_admin_form_refuses_a_manager_cycle(admin_client, org):
    response = admin_client.post(
        f"/admin/people/person/{org.dana.pk}/change/",
        {
            "name": "Dana",
            "email": "dana@example.com",
            "level": org.dana.level_id,
            "manager": org.pia.pk,
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "reporting cycle" in response.content.decode()


def test_negative_capacity_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError):
        TeamFactory(capacity_per_quarter=-1)
