from __future__ import annotations

from django.contrib import admin

from productorg.strategy.models import Initiative, Objective


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "period", "owner", "parent"]
    list_filter = ["period"]
    search_fields = ["title"]
    autocomplete_fields = ["owner", "parent"]
    list_select_related = ["owner", "parent"]


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "owner", "category", "status", "health", "effort_estimate"]
    list_filter = ["category", "status", "health", "team"]
    search_fields = ["title"]
    autocomplete_fields = ["team", "owner", "objectives"]
    list_select_related = ["team", "owner"]
