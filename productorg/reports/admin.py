from __future__ import annotations

from django.contrib import admin

from productorg.reports.models import LeadershipReport


@admin.register(LeadershipReport)
class LeadershipReportAdmin(admin.ModelAdmin):
    list_display = ["period", "scope_description", "as_of", "created_at"]
    list_filter = ["scope_kind", "period"]
    # A report is a snapshot: the admin shows it and may delete it, never edits it.
    readonly_fields = [
        "period",
        "scope_kind",
        "scope_key",
        "scope_description",
        "as_of",
        "snapshot",
        "created_by",
        "created_at",
    ]
