from django.urls import path

from callboard.season import views

app_name = "season"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("venues/", views.venues, name="venues"),
    path("venues/new/", views.venue_edit, name="venue_new"),
    path("venues/<int:pk>/", views.venue, name="venue"),
    path("venues/<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path("venues/<int:pk>/stage/", views.venue_stage, name="venue_stage"),
    path("seasons/", views.seasons, name="seasons"),
    path("seasons/new/", views.season_edit, name="season_new"),
    path("seasons/<int:pk>/edit/", views.season_edit, name="season_edit"),
    path("tours/new/", views.tour_edit, name="tour_new"),
    path("tours/<int:pk>/", views.tour, name="tour"),
    path("tours/<int:pk>/edit/", views.tour_edit, name="tour_edit"),
    path("programmes/new/", views.programme_edit, name="programme_new"),
    path("programmes/<int:pk>/", views.programme, name="programme"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("performances/", views.performances, name="performances"),
    path("performances/new/", views.performance_edit, name="performance_new"),
    path("performances/<int:pk>/", views.performance, name="performance"),
    path("performances/<int:pk>/edit/", views.performance_edit, name="performance_edit"),
    path("performances/<int:pk>/stage/", views.performance_stage, name="performance_stage"),
    path("performances/<int:pk>/cancel/", views.performance_cancel, name="performance_cancel"),
]
