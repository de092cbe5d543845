"""Pages of the workload: a dancer's weeks and the company's, ratings of exertion, and the
company's injury figures. Who sees what is decided in :mod:`callboard.wellbeing.access`."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callboard.core.charts import bar_chart, stacked_chart
from callboard.core.errors import DomainError, PermissionDenied
from callboard.core.i18n import format_moment
from callboard.core.pages import forbidden, found
from callboard.core.roles import Cap, can
from callboard.core.zones import company_today
from callboard.scheduling.workload import week_start
from callboard.wellbeing import access
from callboard.wellbeing import selectors as medical
from callboard.wellbeing.forms import (
    ExertionForm,
    parse_day,
    parse_int,
)
from callboard.workload import selectors, services


def _week(request: HttpRequest, today: dt.date) -> dt.date:
    day = parse_day(request.GET.get("week"))
    if day is None and request.GET.get("week"):
        messages.warning(request, _("Give the week as a date, YYYY-MM-DD; showing this week."))
    return week_start(day or today)


def _nav(week: dt.date) -> dict[str, str]:
    return {
        "prev_week": (week - dt.timedelta(weeks=1)).isoformat(),
        "next_week": (week + dt.timedelta(weeks=1)).isoformat(),
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if can(request.user, Cap.VIEW_WORKLOAD):
        return redirect("wellbeing:company")
    own = access.own_dancer_id(request.user)
    if own is not None:
        return redirect("wellbeing:dancer", pk=own)
    return forbidden(
        request, _("Workload pages are for dancers, management and the medical staff.")
    )


@login_required
def company(request: HttpRequest) -> HttpResponse:
    today = company_today(timezone.now())
    week = _week(request, today)
    weeks = parse_int(request.GET.get("weeks"), default=8, low=2, high=26)
    try:
        data = selectors.company_workload(
            user=request.user, focus_week=week, weeks=weeks, today=today
        )
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    chart = bar_chart(
        [
            (format_moment(w, "day_month"), total)
            for w, total in zip(data.week_starts, data.totals, strict=True)
        ],
        title=_("Company minutes per week"),
        unit=_("min"),
        key="company-minutes",
        flags={i for i, n in enumerate(data.flagged) if n},
    )
    load_chart = bar_chart(
        [
            (format_moment(w, "day_month"), load)
            for w, load in zip(data.week_starts, data.loads, strict=True)
        ],
        title=_("Company load per week (minutes × exertion)"),
        unit=_("AU"),
        key="company-load",
    )
    return render(
        request,
        "wellbeing/company.html",
        {
            "w": data,
            "chart": chart,
            "load_chart": load_chart,
            "medical": access.is_medical(request.user),
            "section": "company",
            **_nav(week),
        },
    )


@login_required
def dancer(request: HttpRequest, pk: int) -> HttpResponse:
    the_dancer = found(medical.dancer_get, pk=pk)
    today = company_today(timezone.now())
    week = _week(request, today)
    weeks = parse_int(request.GET.get("weeks"), default=8, low=1, high=52)
    try:
        data = selectors.dancer_workload(
            dancer=the_dancer, user=request.user, focus_week=week, weeks=weeks, today=today
        )
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    flags = {i for i, w in enumerate(data.weeks) if w.spike}
    minutes_chart = stacked_chart(
        [
            (format_moment(w.start, "day_month"), [w.class_minutes, w.rehearsal, w.performance])
            for w in data.weeks
        ],
        series=[_("Class"), _("Rehearsals"), _("Performances")],
        title=_("Minutes per week"),
        unit=_("min"),
        key="minutes",
        flags=flags,
    )
    load_chart = bar_chart(
        [(format_moment(w.start, "day_month"), w.load) for w in data.weeks],
        title=_("Load per week (minutes × exertion)"),
        unit=_("AU"),
        key="load",
        flags={i for i, w in enumerate(data.weeks) if w.load_spike},
    )
    own = access.own_dancer_id(request.user) == the_dancer.pk
    may_rate = own or access.is_medical(request.user)
    form = ExertionForm(initial={"day": min(today, data.focus.end), "session": "day"})
    return render(
        request,
        "wellbeing/dancer.html",
        {
            "w": data,
            "d": the_dancer,
            "minutes_chart": minutes_chart,
            "load_chart": load_chart,
            "own": own,
            "may_rate": may_rate,
            "medical": access.may_see_medical(request.user, the_dancer.pk),
            "form": form,
            "section": "dancer",
            **_nav(data.focus.start),
        },
    )


@login_required
@require_POST
def exertion(request: HttpRequest, pk: int) -> HttpResponse:
    the_dancer = found(medical.dancer_get, pk=pk)
    form = ExertionForm(request.POST)
    back = reverse("wellbeing:dancer", args=[the_dancer.pk])
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    try:
        services.exertion_record(
            dancer=the_dancer,
            day=form.cleaned_data["day"],
            session=form.cleaned_data["session"],
            rpe=form.cleaned_data["rpe"],
            note=form.cleaned_data["note"],
            by=request.user,
            now=timezone.now(),
        )
        messages.success(request, _("Thank you: exertion recorded."))
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{back}?week={week_start(form.cleaned_data['day']).isoformat()}")


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    today = company_today(timezone.now())
    start = parse_day(request.GET.get("from")) or today - dt.timedelta(days=364)
    end = parse_day(request.GET.get("to")) or today
    if end < start or (end - start).days > 3 * 366:
        messages.warning(request, _("Show at most three years, from an earlier to a later date."))
        start, end = today - dt.timedelta(days=364), today
    try:
        data = selectors.injury_figures(user=request.user, start=start, end=end, today=today)
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    shown = [(c.label, c.injuries) for c in data.by_body_part if c.injuries is not None]
    chart = (
        bar_chart(shown, title=_("Injuries by body part"), unit=_("injuries"), key="parts")
        if shown
        else None
    )
    return render(
        request, "wellbeing/figures.html", {"f": data, "chart": chart, "section": "figures"}
    )
