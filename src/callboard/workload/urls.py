"""The workload's pages of /wellbeing/ (in the "wellbeing" namespace, with the medical ones:
see ``callboard/urls.py``)."""

from django.urls import path

from callboard.workload import views

urlpatterns = [
    path("", views.index, name="index"),
    path("workload/", views.company, name="company"),
    path("figures/", views.figures, name="figures"),
    path("dancers/<int:pk>/", views.dancer, name="dancer"),
    path("dancers/<int:pk>/exertion/", views.exertion, name="exertion"),
]
