"""The medical pages of /wellbeing/. The workload's pages share the "wellbeing" namespace:
``callboard/urls.py`` joins these with :mod:`callboard.workload.urls`."""

from django.urls import path

from callboard.wellbeing import views

urlpatterns = [
    path("planning/", views.planning, name="planning"),
    path("caseload/", views.caseload, name="caseload"),
    path("dancers/<int:pk>/injuries/", views.injuries, name="injuries"),
    path("injuries/<int:pk>/", views.injury, name="injury"),
    path("injuries/<int:pk>/stages/", views.stage_add, name="stage_add"),
    path("injuries/<int:pk>/delete/", views.injury_delete, name="injury_delete"),
    path("stages/<int:pk>/remove/", views.stage_remove, name="stage_remove"),
]
