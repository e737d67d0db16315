"""The PM function in Django's admin: document versions to inspect, processes, improvements."""

from __future__ import annotations

from django.contrib import admin

from productorg.function.models import FunctionDocumentVersion, Improvement, Process


@admin.register(FunctionDocumentVersion)
class FunctionDocumentVersionAdmin(admin.ModelAdmin):
    list_display = ["kind", "number", "author", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["author"]
    raw_id_fields = ["author"]
    # Versions are history: a change is a new version, made on the document's own page.
    readonly_fields = ["kind", "number", "body", "author", "created_at"]


@admin.register(Process)
class ProcessAdmin(admin.ModelAdmin):
    list_display = ["name", "health", "owner", "last_reviewed"]
    list_filter = ["health"]
    list_select_related = ["owner"]
    search_fields = ["name"]
    raw_id_fields = ["owner"]


@admin.register(Improvement)
class ImprovementAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "quarter", "owner", "process"]
    list_filter = ["kind", "status"]
    list_select_related = ["owner", "process"]
    search_fields = ["title"]
    raw_id_fields = ["owner", "process"]
