from __future__ import annotations

from productorg.function.surveys.views import respond, results, rounds

app_name = "surveys"
# Each page module lists its own routes.
urlpatterns = [*rounds.urlpatterns, *results.urlpatterns, *respond.urlpatterns]
