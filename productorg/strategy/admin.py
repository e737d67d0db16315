from __future__ import annotations

from django.contrib import admin

from productorg.strategy.models import (
    BalanceDimension,
    Classification,
    Dependency,
    DimensionValue,
    Initiative,
    InitiativeEffort,
    KeyResult,
    Milestone,
    MixTarget,
    Objective,
    Risk,
    ScoringModel,
    StatusUpdate,
    Vision,
)


class KeyResultInline(admin.TabularInline):
    model = KeyResult
    extra = 0


class DependencyInline(admin.TabularInline):
    model = Dependency
    fk_name = "initiative"
    autocomplete_fields = ["depends_on"]
    extra = 0


class InitiativeEffortInline(admin.TabularInline):
    model = InitiativeEffort
    autocomplete_fields = ["team"]
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class RiskInline(admin.TabularInline):
    model = Risk
    extra = 0


class ClassificationInline(admin.TabularInline):
    model = Classification
    extra = 0


class StatusUpdateInline(admin.StackedInline):
    model = StatusUpdate
    autocomplete_fields = ["author"]
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "period", "owner", "parent"]
    list_filter = ["period"]
    search_fields = ["title"]
    autocomplete_fields = ["owner", "parent"]
    list_select_related = ["owner", "parent"]
    readonly_fields = ["version"]
    inlines = [KeyResultInline]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "owner", "category", "status", "health", "effort_estimate"]
    list_filter = ["category", "status", "health", "team"]
    search_fields = ["title"]
    autocomplete_fields = ["team", "owner", "objectives"]
    list_select_related = ["team", "owner"]
    readonly_fields = ["version"]
    inlines = [
        InitiativeEffortInline,
        DependencyInline,
        MilestoneInline,
        RiskInline,
        ClassificationInline,
        StatusUpdateInline,
    ]


@admin.register(Vision)
class VisionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "author"]
    autocomplete_fields = ["author"]


class DimensionValueInline(admin.TabularInline):
    model = DimensionValue
    extra = 0


@admin.register(BalanceDimension)
class BalanceDimensionAdmin(admin.ModelAdmin):
    list_display = ["name", "initiative_field", "order"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DimensionValueInline]


@admin.register(MixTarget)
class MixTargetAdmin(admin.ModelAdmin):
    list_display = ["period", "dimension", "team", "value", "share", "tolerance"]
    list_filter = ["period", "dimension"]
    autocomplete_fields = ["team"]
    list_select_related = ["dimension", "team", "value"]


@admin.register(ScoringModel)
class ScoringModelAdmin(admin.ModelAdmin):
    list_display = ["name", "formula", "author"]
    autocomplete_fields = ["author"]
