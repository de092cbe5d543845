"""The public shop: no sign-in. The buyer's order is reached by its unguessable link."""

from django.urls import path

from callboard.shop import views

app_name = "shop"
urlpatterns = [
    path("", views.index, name="index"),
    path("p/<int:pk>/", views.performance, name="performance"),
    path("embed/p/<int:pk>/", views.embedded_performance, name="embedded"),
    path("o/<str:token>/", views.order, name="order"),
    path("o/<str:token>/tickets/<str:code>.pdf", views.ticket_pdf, name="ticket_pdf"),
    path("o/<str:token>/performance.ics", views.order_ics, name="order_ics"),
    path("webhooks/<str:provider>/", views.webhook, name="webhook"),
]
