from __future__ import annotations

from productorg.planning.views import compare, runs, scenarios

app_name = "planning"
# Each page module lists its own routes.
urlpatterns = [*scenarios.urlpatterns, *runs.urlpatterns, *compare.urlpatterns]
