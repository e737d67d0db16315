from __future__ import annotations

from productorg.accounts.permissions import Role, role_of, visible_person_ids
from productorg.factories import PersonFactory, UserFactory


def test_roles_follow_the_reporting_tree_and_the_account_kind(org):
    assert role_of(org.cora.user) == Role.LEADER
    assert role_of(org.gabe.user) == Role.LEADER
    assert role_of(org.pia.user) == Role.PRODUCT_MANAGER
    assert role_of(org.sam) == Role.STAKEHOLDER
    assert role_of(org.ada) == Role.ADMIN


def test_a_pm_becomes_a_leader_when_someone_reports_to_them(org):
    PersonFactory(name="New hire", manager=org.pia)
    user = type(org.pia.user).objects.get(pk=org.pia.user.pk)
    assert role_of(user) == Role.LEADER


def test_a_member_without_a_person_sees_no_people_data(db):
    assert visible_person_ids(UserFactory(username="loner")) == set()


def test_a_leader_sees_their_whole_subtree_and_no_one_above_or_beside(org):
    assert visible_person_ids(org.dana.user) == {
        org.dana.pk,
        org.gabe.pk,
        org.greta.pk,
        org.pia.pk,
        org.paul.pk,
        org.olive.pk,
    }
    assert visible_person_ids(org.greta.user) == {org.greta.pk, org.olive.pk}


def test_stakeholders_see_no_people_data(org):
    assert visible_person_ids(org.sam) == set()
