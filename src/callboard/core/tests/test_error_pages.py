"""Error pages speak to the person in front of them, in the company's layout, never a debug page."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_an_unknown_address_gets_the_companys_not_found_page(client_as):
    from callboard.core.roles import Role

    client = client_as(Role.BALLET_MASTER)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "There is nothing at this address" in text
    assert 'href="#main"' in text  # the site's own layout, not Django's bare page
    assert "Traceback" not in text and "URLconf" not in text


@pytest.mark.django_db
def test_an_expired_form_says_nothing_was_saved():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "The form expired" in text
    assert "nothing was saved" in text
    assert "CSRF_FAILURE_VIEW" not in text  # not Django's debug help


def test_the_server_error_page_is_the_companys_and_needs_no_request_context(rf):
    """Django renders 500.html with no request and no context processors: it must still
    render (no database, no user) and keep the site's layout."""
    from django.views import defaults

    response = defaults.server_error(rf.get("/anything/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong" in text
    assert "saved whole or not at all" in text
    assert 'href="#main"' in text
