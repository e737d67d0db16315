from __future__ import annotations

app_name = "function"
urlpatterns: list = []
