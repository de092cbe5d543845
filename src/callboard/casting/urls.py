from django.urls import path

from callboard.casting import views

app_name = "casting"
urlpatterns = [
    path("", views.index, name="index"),
    path("programmes/<int:pk>/", views.board, name="board"),
    path("programmes/<int:pk>/copy/", views.copy, name="copy"),
    path("programmes/<int:pk>/announce/", views.announce, name="announce"),
    path("programmes/<int:pk>/suggest/", views.suggest, name="suggest"),
    path("programmes/<int:pk>/sheet/", views.sheet, name="sheet"),
    path("programmes/<int:pk>/sheet.csv", views.sheet_csv, name="sheet_csv"),
    path("programmes/<int:pk>/changes/", views.changes, name="changes"),
    path("programmes/<int:pk>/needs/", views.needs, name="needs"),
    path("programmes/<int:pk>/needs/refresh/", views.needs_refresh, name="needs_refresh"),
    path("cell/", views.cell, name="cell"),
    path("candidates/", views.candidates, name="candidates"),
    path("suggestions/<int:pk>/", views.proposal, name="proposal"),
    path("suggestions/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("suggestions/<int:pk>/discard/", views.proposal_discard, name="proposal_discard"),
    path("needs/<int:pk>/", views.need_edit, name="need"),
    path("needs/<int:pk>/delete/", views.need_delete, name="need_delete"),
    path("performances/<int:pk>/danced/", views.record_danced, name="record_danced"),
    path("dancers/<int:pk>/", views.dancer, name="dancer"),
    path("me/", views.me, name="me"),
    path("works/<int:pk>/history/", views.work_history, name="work_history"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
