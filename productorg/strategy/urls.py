from __future__ import annotations

from django.urls import path

from productorg.strategy.views import alignment, editing, mix, portfolio, roadmap, scoring

app_name = "strategy"
# Each area's module lists its own routes; the portfolio's come first.
urlpatterns = [
    path("initiatives/", portfolio.initiative_list, name="initiative-list"),
    *editing.urlpatterns,
    path("initiatives/<int:initiative_id>/", portfolio.initiative_detail, name="initiative-detail"),
    path("strategy/", portfolio.strategy, name="strategy"),
    path("strategy/vision/", portfolio.vision_edit, name="vision-edit"),
    path(
        "strategy/objectives/<int:objective_id>/",
        portfolio.objective_detail,
        name="objective-detail",
    ),
    path(
        "strategy/key-results/<int:key_result_id>/",
        portfolio.key_result_record,
        name="key-result-record",
    ),
    *scoring.urlpatterns,
    *mix.urlpatterns,
    *alignment.urlpatterns,
    *roadmap.urlpatterns,
]
