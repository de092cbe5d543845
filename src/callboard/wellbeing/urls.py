from django.urls import path

from callboard.wellbeing import views

app_name = "wellbeing"
urlpatterns = [
    path("", views.index, name="index"),
    path("workload/", views.company, name="company"),
    path("planning/", views.planning, name="planning"),
    path("figures/", views.figures, name="figures"),
    path("caseload/", views.caseload, name="caseload"),
    path("dancers/<int:pk>/", views.dancer, name="dancer"),
    path("dancers/<int:pk>/exertion/", views.exertion, name="exertion"),
    path("dancers/<int:pk>/injuries/", views.injuries, name="injuries"),
    path("injuries/<int:pk>/", views.injury, name="injury"),
    path("injuries/<int:pk>/stages/", views.stage_add, name="stage_add"),
    path("injuries/<int:pk>/delete/", views.injury_delete, name="injury_delete"),
    path("stages/<int:pk>/remove/", views.stage_remove, name="stage_remove"),
]
