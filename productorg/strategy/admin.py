from __future__ import annotations

from django.contrib import admin

from productorg.strategy.models import (
    Dependency,
    Initiative,
    KeyResult,
    Objective,
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
    inlines = [KeyResultInline]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "owner", "category", "status", "health", "effort_estimate"]
    list_filter = ["category", "status", "health", "team"]
    search_fields = ["title"]
    autocomplete_fields = ["team", "owner", "objectives"]
    list_select_related = ["team", "owner"]
    inlines = [DependencyInline, StatusUpdateInline]


@admin.register(Vision)
class VisionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "author"]
    autocomplete_fields = ["author"]
