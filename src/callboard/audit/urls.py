from django.urls import path

from callboard.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
]
