from __future__ import annotations

from productorg.reports import views

app_name = "reports"
urlpatterns = [*views.urlpatterns]
