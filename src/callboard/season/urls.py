from django.urls import path

from callboard.season import views

app_name = "season"
urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("venues/", views.venues, name="venues"),
    path("performances/<int:pk>/", views.performance, name="performance"),
]
