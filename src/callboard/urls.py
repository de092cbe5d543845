from django.contrib import admin
from django.urls import include, path, re_path

from callboard.core.api import api
from callboard.core.api import not_found as api_not_found

# A lost database answers 503 "try again in a minute" even outside a view.
handler500 = "callboard.core.middleware.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # After the API: an address under it that no operation matches answers in JSON too.
    re_path(r"^api/v1/", api_not_found, name="api-not-found"),
    path("", include("callboard.core.urls")),
    path("people/", include("callboard.company.urls")),
    path("repertoire/", include("callboard.repertoire.urls")),
    path("season/", include("callboard.season.urls")),
    path("casting/", include("callboard.casting.urls")),
    path("schedule/", include("callboard.scheduling.urls")),
    path("boxoffice/", include("callboard.boxoffice.urls")),
    path("reception/", include("callboard.reception.urls")),
    path("wellbeing/", include("callboard.wellbeing.urls")),
    path("audit/", include("callboard.audit.urls")),
    path("feedback/", include("callboard.reception.public_urls")),
]
