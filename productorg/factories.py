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
from productorg.planning.models import Scenario
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


class ScenarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scenario

    name = factory.Sequence(lambda n: f"Scenario {n}")
    first_quarter = "2027-Q1"
    quarters = 4
    discount_rate = 0
    time_limit_s = 5


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


# 1:1s. Models named by label: the import block above stays as it is.


class OneOnOneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.OneOnOne"
        django_get_or_create = ["manager", "report"]

    report = factory.SubFactory(PersonFactory)
    manager = factory.LazyAttribute(lambda one_on_one: one_on_one.report.manager)
    cadence = "weekly"


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Meeting"

    one_on_one = factory.SubFactory(OneOnOneFactory)
    date = factory.Faker("date_between", start_date="-60d", end_date="today")
    held = False


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    author = factory.LazyAttribute(lambda item: item.meeting.one_on_one.report)
    text = factory.Sequence(lambda n: f"Agenda topic {n}")


class SharedNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.SharedNote"

    meeting = factory.SubFactory(MeetingFactory)
    author = factory.LazyAttribute(lambda note: note.meeting.one_on_one.manager)
    text = factory.Sequence(lambda n: f"Shared note {n}")


class PrivateNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.PrivateNote"

    meeting = factory.SubFactory(MeetingFactory)
    author = factory.LazyAttribute(lambda note: note.meeting.one_on_one.manager)
    text = factory.Sequence(lambda n: f"Private note {n}")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.ActionItem"

    raised_in = factory.SubFactory(MeetingFactory)
    one_on_one = factory.LazyAttribute(lambda item: item.raised_in.one_on_one)
    owner = factory.LazyAttribute(lambda item: item.one_on_one.report)
    text = factory.Sequence(lambda n: f"Action item {n}")


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A draft self-assessment unless told otherwise."""

    class Meta:
        model = "people.Assessment"

    person = factory.SubFactory(PersonFactory)
    author = factory.LazyAttribute(lambda assessment: assessment.person)
    kind = "self"
    level = factory.LazyAttribute(lambda assessment: assessment.person.level)


class RatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Rating"

    assessment = factory.SubFactory(AssessmentFactory)
    competency = factory.SubFactory(CompetencyFactory)
    score = 2
    evidence = factory.Sequence(lambda n: f"Evidence {n}")


class GrowthPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.GrowthPlan"

    person = factory.SubFactory(PersonFactory)
    target_level = factory.LazyFunction(lambda: level("senior-pm"))
    status = "active"
    summary = "Grow into the next level."


class GrowthGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.GrowthGoal"

    plan = factory.SubFactory(GrowthPlanFactory)
    title = factory.Sequence(lambda n: f"Growth goal {n}")
    position = factory.Sequence(lambda n: n)


class GrowthActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.GrowthAction"

    goal = factory.SubFactory(GrowthGoalFactory)
    title = factory.Sequence(lambda n: f"Growth action {n}")


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "people.Feedback"

    giver = factory.SubFactory(PersonFactory)
    recipient = factory.SubFactory(PersonFactory)
    kind = "praise"
    text = factory.Sequence(lambda n: f"Feedback {n}")
    visibility = "recipient"
