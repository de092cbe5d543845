from django.urls import path

from callboard.scheduling import availability_views, board_views, views

app_name = "scheduling"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/new/", views.period_new, name="period_new"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("plans/<int:pk>/import/", views.requests_import, name="requests_import"),
    path("plans/<int:pk>/requests/new/", views.request_new, name="request_new"),
    path("plans/<int:pk>/events/new/", views.event_new, name="event_new"),
    path("plans/<int:pk>/closures/new/", views.closure_new, name="closure_new"),
    path("plans/<int:pk>/unavailability/new/", views.unavailability_new, name="unavailability_new"),
    path("plans/<int:pk>/solve/", views.solve, name="solve"),
    path("plans/<int:pk>/review/", views.review, name="review"),
    path("plans/<int:pk>/explain/", views.explain, name="explain"),
    path("plans/<int:pk>/calls/new/", views.call_new, name="call_new"),
    path("plans/<int:pk>/publish/", views.publish, name="publish"),
    path("plans/<int:pk>/versions/<int:number>/", views.version, name="version"),
    path("requests/<int:pk>/", views.request_edit, name="request_edit"),
    path("requests/<int:pk>/delete/", views.request_delete, name="request_delete"),
    path("events/<int:pk>/delete/", views.event_delete, name="event_delete"),
    path("closures/<int:pk>/delete/", views.closure_delete, name="closure_delete"),
    path(
        "unavailability/<int:pk>/delete/", views.unavailability_delete, name="unavailability_delete"
    ),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/stop/", views.run_stop, name="run_stop"),
    path("calls/<int:pk>/", views.call_edit, name="call_edit"),
    path("calls/<int:pk>/remove/", views.call_remove, name="call_remove"),
    path("calls/<int:pk>/lock/", views.call_lock, name="call_lock"),
    path("me/", board_views.me, name="me"),
    path("availability/", availability_views.index, name="availability"),
    path("availability/mine/", availability_views.mine, name="availability_mine"),
    path("availability/<int:pk>/", availability_views.period, name="availability_period"),
    path("availability/<int:pk>/remind/", availability_views.remind, name="availability_remind"),
    path("availability/<int:pk>/nothing/", availability_views.nothing, name="availability_nothing"),
    path(
        "availability/conflicts/<int:pk>/decide/",
        availability_views.decide,
        name="availability_decide",
    ),
    path(
        "availability/conflicts/<int:pk>/withdraw/",
        availability_views.withdraw,
        name="availability_withdraw",
    ),
    path("me/manifest.webmanifest", board_views.manifest, name="manifest"),
    path("me/sw.js", board_views.service_worker, name="service_worker"),
    path("me/push/", board_views.push_subscription, name="push"),
    path("notices/<int:pk>/read/", board_views.notice_read, name="notice_read"),
    path("board/", board_views.board_today, name="board_today"),
    path("board/<str:day>/", board_views.board, name="board"),
    path("board/<str:day>/pdf/", board_views.board_pdf, name="board_pdf"),
    path("feeds/", board_views.feeds_page, name="feeds"),
    path("feed/<str:token>.ics", board_views.feed, name="feed"),
]
