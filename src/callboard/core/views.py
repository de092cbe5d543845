from __future__ import annotations

from typing import cast
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login

from callboard.core import health as health_checks
from callboard.core import services, twofactor
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
    return render(
        request,
        "core/account.html",
        {
            "tokens": tokens,
            "new_token": new_token,
            "two_factor_on": twofactor.is_on(_user(request)),
        },
    )


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


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers ask for whatever a page's ``<link rel="icon">`` says."""
    return redirect(static("callboard/icons/favicon.ico"))


@never_cache
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """``/login/verify/``: the second step of signing in, a code from the app or a recovery
    code. Only for a session that has the password and owes the code."""
    if not request.user.is_authenticated:
        return redirect("login")
    then = twofactor.safe_next(request)
    if not twofactor.owes_code(request):
        return HttpResponseRedirect(then)  # a URL, never a view name to reverse
    error = ""
    status = 200
    if request.method == "POST":
        try:
            if twofactor.check_code(request, request.POST.get("code", "")):
                return HttpResponseRedirect(then)  # a URL, never a view name to reverse
            error = _(
                "That code does not match. Enter the code your app shows now, or one of your "
                "recovery codes."
            )
        except DomainError as exc:
            error = exc.message
        status = 422
    return render(
        request, "core/two_factor_verify.html", {"error": error, "next": then}, status=status
    )


@never_cache
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """``/account/two-factor/``: set up the authenticator app (QR code, then a code to
    confirm, then the recovery codes, shown once), or see that it is on."""
    user = _user(request)
    then = twofactor.safe_next(request, default="")
    if twofactor.owes_code(request):
        return redirect(f"{reverse('two_factor_verify')}?next={quote(then or '/')}")
    context: dict[str, object] = {
        "required": twofactor.required_for(user),
        "next": then,
        "error": "",
    }
    status = 200
    if twofactor.is_on(user):
        context["on"] = True
        return render(request, "core/two_factor.html", context)
    if request.method == "POST":
        try:
            device, codes = twofactor.turn_on(
                user=user, token=request.POST.get("code", ""), now=timezone.now()
            )
        except DomainError as exc:
            context["error"] = exc.message
            status = 422
        else:
            otp_login(request, device)
            request.session.pop(twofactor.NO_APP_SESSION_KEY, None)
            context.update(on=True, codes=codes)
            return render(request, "core/two_factor.html", context)
    device = twofactor.pending_device(user=user)
    context.update(
        secret=twofactor.secret_of(device),
        qr=mark_safe(twofactor.qr_svg(device.config_url)),
    )
    return render(request, "core/two_factor.html", context, status=status)


@never_cache
@login_required
@require_POST
def two_factor_off(request: HttpRequest) -> HttpResponse:
    try:
        twofactor.turn_off(
            user=_user(request), token=request.POST.get("code", ""), now=timezone.now()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Two-factor sign-in is off for your account."))
    return redirect("two_factor")
