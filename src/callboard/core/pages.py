"""Helpers every app's pages share: a service's error on its form, a selector's NotFound as
the 404 page, and the form page that parses, calls one service and redirects."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse

from callboard.core.errors import DomainError, NotFound

T = TypeVar("T")


def show_error(
    form: forms.BaseForm, exc: DomainError, fields: Mapping[str, str] | None = None
) -> None:
    """Put a service's error next to the field it is about, or on top of the form.

    ``fields`` maps a service's argument name to the form's field name where they differ
    (``{"site_id": "site"}``)."""
    name = (fields or {}).get(exc.field or "", exc.field)
    form.add_error(name if name in form.fields else None, exc.message)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """The 403 page, saying why (a service's PermissionDenied, a role that may not see it)."""
    return TemplateResponse(request, "core/forbidden.html", {"message": message}, status=403)


def found(lookup: Callable[..., T], **kwargs: Any) -> T:
    """``lookup(**kwargs)``, with a selector's :class:`NotFound` turned into the 404 page."""
    try:
        return lookup(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def form_page(
    request: HttpRequest,
    *,
    template: str,
    form_class: type[forms.Form],
    initial: dict[str, Any] | None,
    run: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str],
    success: str,
    form_kwargs: dict[str, Any] | None = None,
    fields: Mapping[str, str] | None = None,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET shows the form; POST parses it, calls the service (``run``) and redirects to
    ``done(result)`` with ``success`` as a message, or shows the service's error (422)."""
    form_kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, initial=initial, **form_kwargs)
        if form.is_valid():
            try:
                result = run(form.cleaned_data)
            except DomainError as exc:
                show_error(form, exc, fields)
            else:
                messages.success(request, success)
                return redirect(done(result))
    else:
        form = form_class(initial=initial, **form_kwargs)
    return render(
        request,
        template,
        {"form": form, **(context or {})},
        status=200 if not form.errors else 422,
    )


class PageParts:
    """Parts of one app's page that apps above it supply: a registry filled from above.

    The dancer's profile belongs to the company, yet shows the roles the dancer knows
    (repertoire) and coming performances (season). The company defines
    ``DANCER_PAGE = PageParts("dancer")`` and calls ``DANCER_PAGE.gather(...)``; each app above
    registers what it adds in its ``AppConfig.ready()``. No import goes up.
    """

    def __init__(self, page: str) -> None:
        self.page = page
        self._parts: dict[str, Callable[..., Mapping[str, Any]]] = {}

    def register(self, key: str, part: Callable[..., Mapping[str, Any]]) -> None:
        """Add ``part``: called with the page's keyword arguments, it returns context values."""
        self._parts[key] = part

    def gather(self, **kwargs: Any) -> dict[str, Any]:
        """Every registered part's values, in the order the parts were registered."""
        values: dict[str, Any] = {}
        for part in self._parts.values():
            values.update(part(**kwargs))
        return values
