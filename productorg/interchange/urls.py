from __future__ import annotations

from productorg.interchange import views

app_name = "interchange"
urlpatterns: list = [*views.urlpatterns]
