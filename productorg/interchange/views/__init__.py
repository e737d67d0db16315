from __future__ import annotations

from productorg.interchange.views import exports, imports

urlpatterns = [*exports.urlpatterns, *imports.urlpatterns]
