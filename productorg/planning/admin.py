"""The planner in Django's admin: scenarios with their inputs, and plan runs to inspect."""

from __future__ import annotations

from django.contrib import admin

from productorg.planning.models import (
    PlanRun,
    Scenario,
    ScenarioCapacity,
    ScenarioChoice,
    ScenarioMixBound,
)


class ScenarioCapacityInline(admin.TabularInline):
    model = ScenarioCapacity
    autocomplete_fields = ["team"]
    extra = 0


class ScenarioMixBoundInline(admin.TabularInline):
    model = ScenarioMixBound
    extra = 0


class ScenarioChoiceInline(admin.TabularInline):
    model = ScenarioChoice
    autocomplete_fields = ["initiative"]
    extra = 0


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "first_quarter", "quarters", "discount_rate", "time_limit_s"]
    search_fields = ["name"]
    raw_id_fields = ["copied_from", "created_by"]
    inlines = [ScenarioCapacityInline, ScenarioMixBoundInline, ScenarioChoiceInline]


@admin.register(PlanRun)
class PlanRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "scenario", "status", "created_at", "finished_at", "applied_at"]
    list_filter = ["status"]
    list_select_related = ["scenario"]
    raw_id_fields = ["scenario", "requested_by"]
    # Written by the worker, not by hand; the stop flag is the one lever.
    readonly_fields = [
        "status",
        "created_at",
        "started_at",
        "finished_at",
        "problem",
        "progress",
        "result",
        "error",
        "applied_at",
    ]
