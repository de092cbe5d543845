from django.urls import path

from callboard.company import views

app_name = "company"
urlpatterns = [
    path("", views.roster, name="roster"),
    path("<int:pk>/", views.dancer, name="dancer"),
    path("staff/", views.staff, name="staff"),
    path("studios/", views.studios, name="studios"),
    path("labour/", views.labour, name="labour"),
]
