"""Rows of the PM function for its tests: documents, processes, improvements."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from productorg.function.models import DocumentKind, FunctionDocumentVersion, Improvement, Process


def document_version(kind: str = DocumentKind.CHARTER, body: str = "We exist.", **fields):
    """The next version of a document, written straight to the table."""
    number = FunctionDocumentVersion.objects.filter(kind=kind).count() + 1
    return FunctionDocumentVersion.objects.create(kind=kind, number=number, body=body, **fields)


@pytest.fixture
def catalog(org) -> dict:
    """Two processes (one long unreviewed) and three improvements, one linked."""
    today = timezone.localdate()
    onboarding = Process.objects.create(
        name="PM onboarding",
        purpose="The first 90 days.",
        owner=org.gabe,
        link="https://wiki.example.com/onboarding",
        last_reviewed=today - datetime.timedelta(days=200),
        health=Process.Health.BROKEN,
    )
    review = Process.objects.create(
        name="Discovery review",
        owner=org.pia,
        last_reviewed=today - datetime.timedelta(days=10),
        health=Process.Health.HEALTHY,
    )
    buddy = Improvement.objects.create(
        title="A buddy for every hire",
        kind=Improvement.Kind.PROCESS,
        status=Improvement.Status.PLANNED,
        quarter="2027-Q2",
        owner=org.gabe,
        process=onboarding,
    )
    course = Improvement.objects.create(
        title="Key results course",
        kind=Improvement.Kind.TRAINING,
        status=Improvement.Status.IDEA,
        quarter="2027-Q4",
    )
    wiki = Improvement.objects.create(
        title="Wiki search", kind=Improvement.Kind.TOOLING, status=Improvement.Status.DONE
    )
    return {
        "onboarding": onboarding,
        "review": review,
        "buddy": buddy,
        "course": course,
        "wiki": wiki,
    }
