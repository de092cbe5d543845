from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from callboard.core import health as health_checks
from callboard.core import services
from callboard.core.errors import DomainError
from callboard.core.models import ApiToken


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    return cast(User, request.user)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    new_token = None
    if request.method == "POST":
        try:
            _token, new_token = services.api_token_create(
                user=_user(request), name=request.POST.get("name", ""), now=timezone.now()
            )
            messages.success(request, _("Token created. Copy it now: it will not be shown again."))
        except DomainError as exc:
            messages.error(request, exc.message)
    tokens = ApiToken.objects.filter(user=_user(request))
    return render(request, "core/account.html", {"tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.api_token_revoke(user=_user(request), token_id=token_id, now=timezone.now())
        messages.success(request, _("Token revoked."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("account")


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """``/health/``: the installation's checks as JSON, 200 when all pass, else 503."""
    status, checks = health_checks.report()
    return JsonResponse(
        {"status": status, "checks": checks, "checked_at": health_checks.checked_at()},
        status=200 if status == "ok" else 503,
    )


@never_cache
@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """``/health/live/``: this process serves requests (nothing else is touched)."""
    return JsonResponse({"status": "ok"})
