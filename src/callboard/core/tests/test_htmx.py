"""An htmx form refused with a 4xx keeps the browser's address (HtmxFormErrorMiddleware)."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from callboard.core.htmx import HtmxFormErrorMiddleware


def _answer(status: int, *, method: str = "post", htmx: bool = True) -> HttpResponse:
    headers = {"HX-Request": "true"} if htmx else {}
    request = getattr(RequestFactory(), method)("/plans/1/requests/new/", headers=headers)
    return HtmxFormErrorMiddleware(lambda r: HttpResponse("<form></form>", status=status))(request)


@pytest.mark.parametrize("status", [400, 403, 409, 422])
def test_a_refused_htmx_post_keeps_the_address(status):
    assert _answer(status)["HX-Push-Url"] == "false"


@pytest.mark.parametrize(
    "kwargs", [{"status": 200}, {"status": 302}, {"status": 500}, {"status": 422, "htmx": False}]
)
def test_other_answers_leave_the_history_to_htmx(kwargs):
    assert "HX-Push-Url" not in _answer(**kwargs)


def test_a_refused_get_may_be_pushed():
    assert "HX-Push-Url" not in _answer(404, method="get")
