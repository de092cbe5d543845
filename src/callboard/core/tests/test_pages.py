"""The helpers every app's pages share."""

from __future__ import annotations

import pytest
from django import forms
from django.http import Http404

from callboard.core.errors import NotFound, ValidationFailed
from callboard.core.pages import PageParts, found, show_error


class _Form(forms.Form):
    site = forms.CharField(required=False)
    name = forms.CharField(required=False)


def test_a_services_error_lands_on_its_field_or_on_the_form():
    form = _Form({})
    form.is_valid()
    show_error(form, ValidationFailed("Choose a site.", field="site_id"), {"site_id": "site"})
    show_error(form, ValidationFailed("Give it a name.", field="name"))
    show_error(form, ValidationFailed("Something else.", field="unknown"))
    assert form.errors["site"] == ["Choose a site."]
    assert form.errors["name"] == ["Give it a name."]
    assert form.non_field_errors() == ["Something else."]


def test_a_selectors_not_found_is_the_404_page():
    def lookup(*, pk: int) -> int:
        raise NotFound(f"No record {pk}.")

    assert found(lambda *, pk: pk * 2, pk=21) == 42
    with pytest.raises(Http404, match=r"No record 7\."):
        found(lookup, pk=7)


def test_page_parts_gather_what_every_app_above_registered():
    page = PageParts("test")
    page.register("one", lambda *, x: {"double": x * 2})
    page.register("two", lambda *, x: {"square": x * x})
    assert page.gather(x=3) == {"double": 6, "square": 9}
    page.register("one", lambda *, x: {"double": -x})  # registering again replaces
    assert page.gather(x=3) == {"double": -3, "square": 9}
