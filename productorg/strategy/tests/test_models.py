from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from productorg.factories import InitiativeFactory, ObjectiveFactory


def test_negative_effort_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError):
        InitiativeFactory(effort_estimate=-3)


def test_negative_value_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError):
        InitiativeFactory(value_estimate=-1)


@pytest.mark.parametrize("period", ["2027", "2027-H1", "2027-Q4"])
def test_periods_are_years_halves_or_quarters(db, period):
    ObjectiveFactory.build(period=period).full_clean()


@pytest.mark.parametrize("period", ["2027-Q5", "27-Q1", "next year", "2027-H3"])
def test_a_period_that_is_not_one_is_refused(db, period):
    with pytest.raises(ValidationError) as refused:
        ObjectiveFactory.build(period=period).full_clean()
    assert "period" in refused.value.message_dict
