"""The callboard's pages for everyone: my calls and notices, the day's call sheet (page and
PDF), and private calendar feeds. They share the planning pages' helpers (the company's zone,
"now" and "today": :mod:`callboard.scheduling.views`)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callboard.core.errors import DomainError
from callboard.core.roles import Cap, can
from callboard.scheduling import feeds, pdf, selectors, services, views
from callboard.scheduling.models import CalendarFeedToken, Notice


@login_required
@views.in_company_zone
def me(request: HttpRequest) -> HttpResponse:
    person = views._person(request)
    everyone = can(request.user, Cap.VIEW_ALL_CALLS)
    today = views._parse_day(request.GET.get("day"), views._today())
    context = selectors.my_week(person, today, everyone=everyone)
    context.update({"person": person, "day": today, "is_today": today == views._today()})
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
