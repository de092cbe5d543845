from django.urls import path

from callboard.boxoffice import views

app_name = "boxoffice"
urlpatterns = [
    path("", views.index, name="index"),
    path("sweep/", views.sweep, name="sweep"),
    path("venues/<int:venue_id>/seatmap/", views.seatmap, name="seatmap"),
    path("venues/<int:venue_id>/seatmap.json", views.seatmap_export, name="seatmap_export"),
    path("performances/<int:pk>/", views.sales, name="sales"),
    path("performances/<int:pk>/holds/", views.holds, name="holds"),
    path("performances/<int:pk>/door/", views.door, name="door"),
    path("performances/<int:pk>/report/", views.report, name="report"),
    path("performances/<int:pk>/report.csv", views.report_csv, name="report_csv"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("tickets/<str:code>/qr.svg", views.ticket_qr, name="ticket_qr"),
    path("comps/", views.comps, name="comps"),
    path("comps/queue/", views.comps_queue, name="comps_queue"),
    path("performances/<int:pk>/prices/", views.prices, name="prices"),
    path("performances/<int:pk>/waitlist/", views.waitlist, name="waitlist"),
    path("performances/<int:pk>/waitlist/join/", views.waitlist_join, name="waitlist_join"),
    path("waitlist/<str:token>/", views.waitlist_offer, name="waitlist_offer"),
    path("discounts/", views.discounts, name="discounts"),
    path("discounts/<int:pk>/", views.discount, name="discount"),
    path("patrons/", views.patrons, name="patrons"),
    path("patrons/<int:pk>/", views.patron, name="patron"),
    path("patrons/<int:pk>/export.json", views.patron_export, name="patron_export"),
    path("patrons/<int:pk>/erase/", views.patron_erase, name="patron_erase"),
]
