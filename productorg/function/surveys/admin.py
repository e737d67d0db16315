"""Surveys in Django's admin: rounds and their questions, and links without their answers.

Responses and answers are not listed here at all: a list of them beside the list of links is
exactly what an anonymous survey must not offer, and the results pages give the aggregates.
"""

from __future__ import annotations

from django.contrib import admin

from productorg.function.surveys.models import Invitation, Question, Survey


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["title", "anonymous", "opens_on", "closes_on", "closed_on"]
    raw_id_fields = ["created_by"]
    inlines = [QuestionInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "survey", "team", "expires_at", "answered"]
    list_select_related = ["survey", "team"]
    list_filter = ["survey"]
    # The token's hash is no secret, but nothing here needs it; nor the time of answering,
    # which could be matched against the order of an anonymous survey's rows.
    exclude = ["token_hash", "used_at"]
    readonly_fields = ["survey", "user", "person", "issued_at", "answered"]

    @admin.display(boolean=True)
    def answered(self, invitation: Invitation) -> bool:
        return invitation.used_at is not None

    def has_add_permission(self, request) -> bool:
        # A link is made by the survey page, which shows its token once.
        return False
