"""The shared persona org every test can use (after healthchecks' alice, bob and charlie).

Cora (CPO)
└── Dana (Director)
    ├── Gabe (Group PM) ── Pia (PM, team Checkout), Paul (PM, team Search)
    └── Greta (Group PM) ── Olive (PM of another group, team Billing)
Sam: a stakeholder. Ada: an admin. Both have no Person.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from productorg.accounts.models import User
from productorg.factories import (
    CompetencyCategoryFactory,
    CompetencyFactory,
    ExpectationFactory,
    InitiativeFactory,
    PersonFactory,
    TeamFactory,
    UserFactory,
    level,
)
from productorg.people.models import Competency, CompetencyCategory, Person, Team
from productorg.strategy.selectors.scoring import ranking_cache_clear


@dataclass
class Org:
    cora: Person
    dana: Person
    gabe: Person
    greta: Person
    pia: Person
    paul: Person
    olive: Person
    sam: User
    ada: User
    checkout: Team
    search: Team
    billing: Team


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user by design; tests create dozens of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_ranking_cache():
    # Each test's database starts over (ids and, under a frozen clock, timestamps repeat), so
    # a ranking one test cached must not answer the next.
    ranking_cache_clear()
    yield
    ranking_cache_clear()


@pytest.fixture(autouse=True, scope="session")
def quick_demo_plan():
    # Every demo build plans its base scenario; the suite builds the demo a few dozen times
    # and no test depends on how good that plan is.
    import productorg.demo.planning as demo_planning

    saved = demo_planning.DEMO_PLAN_TIME_LIMIT_S
    demo_planning.DEMO_PLAN_TIME_LIMIT_S = 0.3
    yield
    demo_planning.DEMO_PLAN_TIME_LIMIT_S = saved


@pytest.fixture
def org(db) -> Org:
    def person(name: str, code: str, manager: Person | None) -> Person:
        username = name.lower()
        return PersonFactory(
            name=name,
            email=f"{username}@example.com",
            level=level(code),
            manager=manager,
            user=UserFactory(username=username),
        )

    cora = person("Cora", "cpo", None)
    dana = person("Dana", "director", cora)
    gabe = person("Gabe", "group-pm", dana)
    greta = person("Greta", "group-pm", dana)
    pia = person("Pia", "pm", gabe)
    paul = person("Paul", "senior-pm", gabe)
    olive = person("Olive", "pm", greta)
    checkout = TeamFactory(name="Checkout", product_manager=pia, leader=gabe)
    search = TeamFactory(name="Search", product_manager=paul, leader=gabe)
    billing = TeamFactory(name="Billing", product_manager=olive, leader=greta)
    InitiativeFactory(title="One-click reorder", team=checkout, owner=pia)
    InitiativeFactory(title="Typo-tolerant search", team=search, owner=paul, category="growth")
    InitiativeFactory(title="Invoice dunning", team=billing, owner=olive, category="scaling")
    return Org(
        cora=cora,
        dana=dana,
        gabe=gabe,
        greta=greta,
        pia=pia,
        paul=paul,
        olive=olive,
        sam=UserFactory(username="sam", kind=User.Kind.STAKEHOLDER),
        ada=UserFactory(username="ada", kind=User.Kind.ADMIN),
        checkout=checkout,
        search=search,
        billing=billing,
    )


@dataclass
class Framework:
    craft: CompetencyCategory
    leadership: CompetencyCategory
    discovery: Competency
    delivery: Competency
    coaching: Competency
    hiring: Competency

    @property
    def competencies(self) -> list[Competency]:
        return [self.discovery, self.delivery, self.coaching, self.hiring]


@pytest.fixture
def framework(db) -> Framework:
    """A small career framework: two craft and two people-leadership competencies.

    Expectations exist for PM, Senior PM and Group PM only, so lookups for other levels
    exercise the fall-back to the nearest lower level.
    """
    craft = CompetencyCategoryFactory(code="craft", name="Craft and execution", position=1)
    leadership = CompetencyCategoryFactory(
        code="people-leadership", name="People leadership", position=5, manager_track_only=True
    )
    discovery = CompetencyFactory(category=craft, code="discovery", name="Product discovery")
    delivery = CompetencyFactory(category=craft, code="delivery", name="Delivery")
    coaching = CompetencyFactory(
        category=leadership, code="coaching", name="Coaching PMs", leadership=True
    )
    hiring = CompetencyFactory(
        category=leadership, code="hiring", name="Hiring and onboarding", leadership=True
    )
    for competency in [discovery, delivery, coaching, hiring]:
        for code in ["pm", "senior-pm", "group-pm"]:
            ExpectationFactory(competency=competency, level=level(code))
    return Framework(craft, leadership, discovery, delivery, coaching, hiring)


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user or person."""

    def sign_in(who: User | Person):
        user = who.user if isinstance(who, Person) else who
        client.force_login(user)
        return client

    return sign_in
