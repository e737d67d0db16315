from __future__ import annotations

from django.urls import path

from productorg.strategy import views

app_name = "strategy"
urlpatterns = [
    path("initiatives/", views.initiative_list, name="initiative-list"),
    path("initiatives/<int:initiative_id>/", views.initiative_detail, name="initiative-detail"),
    path("strategy/", views.strategy, name="strategy"),
    path("strategy/vision/", views.vision_edit, name="vision-edit"),
    path(
        "strategy/key-results/<int:key_result_id>/",
        views.key_result_record,
        name="key-result-record",
    ),
]
