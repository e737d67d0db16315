from __future__ import annotations

from django import forms
from django.contrib import admin

from productorg.people.models import (
    Competency,
    CompetencyCategory,
    Expectation,
    Level,
    Person,
    Team,
)
from productorg.people.selectors.framework import competencies_in_use
from productorg.people.services.framework import EXPECTATION_MAX_LENGTH


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["name", "rank", "track", "code", "scope_of_impact"]
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


# The career framework. Admins edit it here; people's ratings, goals and feedback are not
# registered: admins see people data only as meta.


class ExpectationForm(forms.ModelForm):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}), max_length=EXPECTATION_MAX_LENGTH
    )

    class Meta:
        model = Expectation
        fields = ["level", "text"]


class ExpectationInline(admin.TabularInline):
    model = Expectation
    form = ExpectationForm
    extra = 0
    ordering = ["level__rank"]
    verbose_name_plural = "expectations (a level left out inherits the nearest lower one)"


class CompetencyInline(admin.TabularInline):
    model = Competency
    fields = ["position", "code", "name", "leadership"]
    extra = 0
    show_change_link = True
    # Deleting here would bypass the check that nobody has been rated on the competency.
    can_delete = False


class FrameworkDeletionGuard:
    """A competency people were rated on, set goals or got feedback about is their history:
    it may be edited but not deleted (the bulk delete action is off for the same reason)."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(CompetencyCategory)
class CompetencyCategoryAdmin(FrameworkDeletionGuard, admin.ModelAdmin):
    list_display = ["name", "code", "position", "manager_track_only"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [CompetencyInline]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and competencies_in_use().filter(category=obj).exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Competency)
class CompetencyAdmin(FrameworkDeletionGuard, admin.ModelAdmin):
    list_display = ["name", "code", "category", "leadership", "position"]
    list_filter = ["category", "leadership"]
    search_fields = ["name", "code", "description"]
    list_select_related = ["category"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [ExpectationInline]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and competencies_in_use().filter(pk=obj.pk).exists():
            return False
        return super().has_delete_permission(request, obj)
