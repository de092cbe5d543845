"""The pages of the assembly: the home page, whose panels read several apps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from callboard.site import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "core/home.html", selectors.home_panels(user=request.user, now=timezone.now())
    )
