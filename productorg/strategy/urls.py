from __future__ import annotations

from django.urls import path

from productorg.strategy import views

app_name = "strategy"
urlpatterns = [
    path("initiatives/", views.initiative_list, name="initiative-list"),
    path("initiatives/<int:initiative_id>/", views.initiative_detail, name="initiative-detail"),
]
