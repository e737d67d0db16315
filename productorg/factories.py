"""factory_boy factories for tests: deep graphs in one line."""

from __future__ import annotations

import factory
from django.conf import settings

from productorg.accounts.models import User
from productorg.people.models import (
    Competency,
    CompetencyCategory,
    Expectation,
    Level,
    Person,
    Team,
)
from productorg.people.services import ladder_ensure
from productorg.strategy.models import Initiative, Objective, WorkCategory


def level(code: str) -> Level:
    # A transactional test (the browser tests) flushes the rows the ladder migration made.
    ladder_ensure()
    return Level.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(settings.DEMO_PASSWORD)
    kind = User.Kind.MEMBER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")
    level = factory.LazyFunction(lambda: level("pm"))
    user = factory.SubFactory(
        UserFactory,
        username=factory.SelfAttribute("..email"),
        email=factory.SelfAttribute("..email"),
    )


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    product_area = "Core"
    capacity_per_quarter = 52


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    title = factory.Sequence(lambda n: f"Objective {n}")
    period = "2027-Q1"


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    title = factory.Sequence(lambda n: f"Initiative {n}")
    team = factory.SubFactory(TeamFactory)
    category = WorkCategory.FEATURE
    effort_estimate = 10
    value_estimate = 100


class CompetencyCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencyCategory

    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")
    position = factory.Sequence(lambda n: n)


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    category = factory.SubFactory(CompetencyCategoryFactory)
    code = factory.Sequence(lambda n: f"competency-{n}")
    name = factory.Sequence(lambda n: f"Competency {n}")
    position = factory.Sequence(lambda n: n)


class ExpectationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expectation

    competency = factory.SubFactory(CompetencyFactory)
    level = factory.LazyFunction(lambda: level("pm"))
    text = factory.LazyAttribute(lambda e: f"{e.competency.name} as expected at {e.level.name}.")
