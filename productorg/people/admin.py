from __future__ import annotations

from django.contrib import admin

from productorg.people.models import Level, Person, Team


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["name", "rank", "track", "code"]
    ordering = ["rank"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "level", "manager", "active", "start_date"]
    list_filter = ["level", "active"]
    search_fields = ["name", "email"]
    autocomplete_fields = ["manager", "user"]
    list_select_related = ["level", "manager"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "product_area", "product_manager", "leader", "capacity_per_quarter"]
    list_filter = ["product_area"]
    search_fields = ["name", "product_area"]
    autocomplete_fields = ["product_manager", "leader"]
    list_select_related = ["product_manager", "leader"]
