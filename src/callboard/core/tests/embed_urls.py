"""A URL configuration for the embedding tests: one page marked frameable, one not."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from callboard.core.headers import frameable


def seat_picker(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>Seats</p>")


def other(request: HttpRequest) -> HttpResponse:
    return HttpResponse("<p>Other</p>")


urlpatterns = [
    path("embed/", frameable(seat_picker), name="embed"),
    path("other/", other, name="other"),
]
