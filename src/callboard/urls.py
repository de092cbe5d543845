from django.contrib import admin
from django.urls import include, path, re_path

from callboard.site import views as site_views
from callboard.site.api import api
from callboard.site.api import not_found as api_not_found
from callboard.wellbeing import urls as wellbeing_urls
from callboard.workload import urls as workload_urls

# A lost database answers 503 "try again in a minute" even outside a view.
handler500 = "callboard.core.middleware.server_error"
# A body too large for its form fields answers 413 (JSON on the API), not a bare 400.
handler400 = "callboard.core.limits.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    # After the API: an address under it that no operation matches answers in JSON too.
    re_path(r"^api/v1/", api_not_found, name="api-not-found"),
    path("", site_views.home, name="home"),
    path("", include("callboard.core.urls")),
    path("people/", include("callboard.company.urls")),
    path("repertoire/", include("callboard.repertoire.urls")),
    path("season/", include("callboard.season.urls")),
    path("casting/", include("callboard.casting.urls")),
    path("schedule/", include("callboard.scheduling.urls")),
    path("boxoffice/", include("callboard.boxoffice.urls")),
    path("reception/", include("callboard.reception.urls")),
    # One "wellbeing" namespace for the workload's pages and the medical ones.
    path(
        "wellbeing/",
        include((workload_urls.urlpatterns + wellbeing_urls.urlpatterns, "wellbeing")),
    ),
    path("audit/", include("callboard.audit.urls")),
    path("feedback/", include("callboard.reception.public_urls")),
    path("shop/", include("callboard.shop.urls")),
]
