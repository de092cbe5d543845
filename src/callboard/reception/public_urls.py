"""The public audience survey: no sign-in, reached from the printed programme's QR code."""

from django.urls import path

from callboard.reception import views

app_name = "feedback"
urlpatterns = [
    path("<str:token>/", views.survey, name="survey"),
    path("<str:token>/thanks/", views.survey_thanks, name="thanks"),
]
