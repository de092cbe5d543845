from django.contrib import admin
from django.urls import include, path

from callboard.core.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("callboard.core.urls")),
    path("people/", include("callboard.company.urls")),
    path("repertoire/", include("callboard.repertoire.urls")),
    path("season/", include("callboard.season.urls")),
    path("casting/", include("callboard.casting.urls")),
    path("schedule/", include("callboard.scheduling.urls")),
    path("boxoffice/", include("callboard.boxoffice.urls")),
    path("reception/", include("callboard.reception.urls")),
    path("wellbeing/", include("callboard.wellbeing.urls")),
    path("feedback/", include("callboard.reception.public_urls")),
]
