from django.urls import path

from callboard.repertoire import views

app_name = "repertoire"
urlpatterns = [
    path("", views.works, name="works"),
    path("<int:pk>/", views.work, name="work"),
    path("commissions/", views.commissions, name="commissions"),
]
