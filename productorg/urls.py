from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from productorg import views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include("productorg.accounts.urls")),
    path("", include("productorg.people.urls")),
    path("", include("productorg.strategy.urls")),
    path("", include("productorg.planning.urls")),
    path("", include("productorg.reports.urls")),
    path("", include("productorg.function.urls")),
    path("", include("productorg.function.surveys.urls")),
    path("", include("productorg.interchange.urls")),
    path("api/v1/", include("productorg.api.urls")),
    path("admin/", admin.site.urls),
]

handler404 = "productorg.views.not_found"
