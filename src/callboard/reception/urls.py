from django.urls import path

from callboard.reception import views

app_name = "reception"
urlpatterns = [
    path("", views.index, name="index"),
    path("performances/<int:pk>/", views.performance, name="performance"),
    path("performances/<int:pk>/report/", views.report_edit, name="report_edit"),
    path("performances/<int:pk>/reviews/new/", views.review_new, name="review_new"),
    path("performances/<int:pk>/survey/", views.survey_card, name="survey_card"),
    path("performances/<int:pk>/survey/qr.svg", views.survey_qr, name="survey_qr"),
    path("reviews/<int:pk>/edit/", views.review_edit, name="review_edit"),
    path("reviews/<int:pk>/delete/", views.review_delete, name="review_delete"),
    path("works/<int:pk>/", views.work_press, name="work_press"),
    path("programmes/<int:pk>/", views.programme_press, name="programme_press"),
    path("feedback/", views.moderation, name="moderation"),
]
