from __future__ import annotations

from productorg.function.views import documents, hub, improvements, processes

app_name = "function"
# Each page module lists its own routes.
urlpatterns = [
    *hub.urlpatterns,
    *processes.urlpatterns,
    *improvements.urlpatterns,
    *documents.urlpatterns,
]
