"""The callboard's pages for everyone: my calls and notices, the day's call sheet (page and
PDF), and private calendar feeds. They share the planning pages' helpers (the company's zone,
"now" and "today": :mod:`callboard.scheduling.views`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callboard.core import push
from callboard.core.errors import DomainError
from callboard.core.roles import Cap, can
from callboard.scheduling import feeds, pdf, selectors, services, views
from callboard.scheduling.models import CalendarFeedToken, Notice


@login_required
@views.in_company_zone
def me(request: HttpRequest) -> HttpResponse:
    person = views._person(request)
    everyone = can(request.user, Cap.VIEW_ALL_CALLS)
    real_today = views._today()
    try:
        today = views._parse_day(request.GET.get("day"), real_today)
    except Http404:
        messages.warning(
            request, _("Give the day as YYYY-MM-DD, e.g. 2026-12-21; showing today's calls.")
        )
        today = real_today
    context = selectors.my_week(person, today, everyone=everyone)
    context.update(
        {
            "person": person,
            "day": today,
            "is_today": today == real_today,
            "real_today": real_today,
            "previous_week": today - dt.timedelta(days=7),
            "next_week": today + dt.timedelta(days=7),
            "last_day": today + dt.timedelta(days=6),
            "push_key": push.public_key() if push.push_enabled() else "",
        }
    )
    return render(request, "scheduling/me.html", context)


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    notice = views._get(Notice, pk)
    try:
        services.notice_mark_read(notice=notice, person=views._person(request), now=views._now())
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return redirect(reverse("scheduling:me") + "#notices")


@login_required
def board_today(request: HttpRequest) -> HttpResponse:
    return redirect("scheduling:board", day=views._today().isoformat())


@login_required
@views.in_company_zone
def board(request: HttpRequest, day: str) -> HttpResponse:
    the_day = views._parse_day(day, views._today())
    context = selectors.board(the_day)
    context.update(
        {
            "previous": the_day - dt.timedelta(days=1),
            "next": the_day + dt.timedelta(days=1),
        }
    )
    return render(request, "scheduling/board.html", context)


@login_required
@views.in_company_zone
def board_pdf(request: HttpRequest, day: str) -> HttpResponse:
    the_day = views._parse_day(day, views._today())
    data = pdf.call_sheet(selectors.board(the_day))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="call-sheet-{the_day.isoformat()}.pdf"'
    return response


@login_required
@views.in_company_zone
def feeds_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        scope = request.POST.get("scope", CalendarFeedToken.Scope.PERSONAL)
        try:
            if request.POST.get("action") == "revoke":
                services.feed_token_revoke(user=request.user, scope=scope, now=views._now())
                messages.success(request, _("The calendar address no longer works."))
            else:
                services.feed_token_create(user=request.user, scope=scope, now=views._now())
                messages.success(
                    request,
                    _("A new calendar address is ready; the old one (if any) no longer works."),
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect("scheduling:feeds")
    tokens = selectors.feed_tokens_of(request.user)
    return render(
        request,
        "scheduling/feeds.html",
        {
            "personal": tokens.get("personal"),
            "company": tokens.get("company"),
            "can_company": can(request.user, Cap.VIEW_ALL_CALLS),
            "has_person": views._person(request) is not None,
            "base": request.build_absolute_uri("/")[:-1],
        },
    )


@views.in_company_zone
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private iCalendar feed (no sign-in: the secret address is the key)."""
    try:
        found = services.feed_token_use(token=token, now=views._now())
    except DomainError as exc:
        return HttpResponse(exc.message, status=404, content_type="text/plain; charset=utf-8")
    body = feeds.calendar_for(found, today=views._today())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --------------------------------------------------------------------------- the phone


def manifest(request: HttpRequest) -> HttpResponse:
    """The web-app manifest: My calls on a phone's home screen. No person's data in it, and
    browsers fetch it without the session cookie, so it is public."""
    icons = [
        {"src": static("callboard/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("callboard/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("callboard/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("callboard/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    body = {
        "name": _("Callboard: my calls"),
        "short_name": _("My calls"),
        "description": _("Your rehearsal calls, roles and notices, on your phone."),
        "id": reverse("scheduling:me"),
        "start_url": reverse("scheduling:me"),
        "scope": reverse("scheduling:me"),
        "display": "standalone",
        "background_color": "#faf9fb",
        "theme_color": "#6b2145",
        "lang": get_language() or "en",
        "icons": icons,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@login_required
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker of My calls (scope: /schedule/me/). It keeps the signed-in person's
    own My calls pages, and the static files they need, for reading offline; nothing else."""
    response = render(
        request,
        "scheduling/sw.js",
        {
            "cache": f"my-calls-{offline_key(request.user)}",
            "scope": reverse("scheduling:me"),
            "assets": OFFLINE_ASSETS,
            "offline_text": _("You are offline: these are your calls as last seen."),
        },
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


def offline_key(user: Any) -> str:
    """A name for one person's offline copy, not guessable from their id."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:my-calls:{user.pk}".encode()).hexdigest()[:16]


OFFLINE_ASSETS = (
    "callboard/callboard.css",
    "scheduling/scheduling.css",
    "callboard/htmx.min.js",
    "callboard/ui.js",
    "scheduling/mycalls.js",
    "callboard/icons/icon-192.png",
    "callboard/icons/icon.svg",
)


@login_required
@require_POST
def push_subscription(request: HttpRequest) -> HttpResponse:
    """Turn push notifications on (``{"endpoint", "keys": {"p256dh", "auth"}}``) or off
    (``{"endpoint", "off": true}``) for this browser."""
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError
        keys = data.get("keys") or {}
        if not isinstance(keys, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"message": _("Send the browser's subscription as JSON.")}, status=400)
    endpoint = str(data.get("endpoint") or "")
    if data.get("off"):
        push.push_unsubscribe(user=request.user, endpoint=endpoint)  # type: ignore[arg-type]
        return JsonResponse({"message": _("Notifications to this phone are off.")})
    try:
        push.push_subscribe(
            user=request.user,  # type: ignore[arg-type]
            endpoint=endpoint,
            p256dh=str(keys.get("p256dh") or ""),
            auth=str(keys.get("auth") or ""),
            now=views._now(),
        )
    except DomainError as exc:
        return JsonResponse({"message": exc.message}, status=exc.status_code)
    return JsonResponse(
        {"message": _("This phone will be told when your calls are published or change.")},
        status=201,
    )
