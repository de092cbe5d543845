"""Pages of the season app: parse the request, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TypeVar

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callboard.core.errors import DomainError
from callboard.core.pages import form_page, found, show_error
from callboard.core.roles import Cap, can, page_requires
from callboard.core.zones import UTC, known_zones, zone_or_utc
from callboard.season import selectors, services
from callboard.season.forms import (
    CancelForm,
    PerformanceFilterForm,
    PerformanceForm,
    PerformanceStageForm,
    ProgrammeForm,
    ProgrammeItemFormSet,
    SeasonForm,
    TourForm,
    VenueForm,
    VenueStageForm,
    programme_items,
)
from callboard.season.models import Performance

T = TypeVar("T")
PAGE_SIZE = 50
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _pk(value: str | None) -> int | None:
    """An id from the query string, or None when it is not a plausible one."""
    if not value or not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    return int(value) or None


# ---------------------------------------------------------------- calendar


def parse_month(text: str | None) -> dt.date | None:
    """``2026-12`` -> 1 Dec 2026; anything else (or a year out of range) -> None."""
    match = _MONTH.match((text or "").strip())
    if not match:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1900 <= year <= 2999 and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


@page_requires(Cap.VIEW_COMPANY)
def calendar(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    zone_name = selectors.company_time_zone()
    today = now.astimezone(zone_or_utc(zone_name)).date()
    first = parse_month(request.GET.get("month"))
    if first is None:
        if request.GET.get("month"):
            messages.warning(
                request, _("Give the month as YYYY-MM, e.g. 2026-12; showing this month.")
            )
        first = selectors.month_of(now, zone_name)
    season_id = _pk(request.GET.get("season"))
    month = selectors.calendar_month(first=first, today=today, season_id=season_id)
    return render(
        request,
        "season/calendar.html",
        {
            "section": "calendar",
            "month": month,
            "clashes": selectors.month_clashes(first=first),
            "season_id": season_id,
            "seasons": selectors.season_list().prefetch_related(None),
            "zone_name": zone_name,
        },
    )


# ---------------------------------------------------------------- venues


@page_requires(Cap.VIEW_COMPANY)
def venues(request: HttpRequest) -> HttpResponse:
    return render(
        request, "season/venue_list.html", {"venues": selectors.venue_list(), "section": "venues"}
    )


@page_requires(Cap.VIEW_COMPANY)
def venue(request: HttpRequest, pk: int) -> HttpResponse:
    the_venue = found(selectors.venue_get, pk=pk)
    upcoming = selectors.venue_upcoming_performances(venue=the_venue, now=timezone.now())
    return render(
        request,
        "season/venue_detail.html",
        {"venue": the_venue, "upcoming": upcoming, "section": "venues"},
    )


@page_requires(Cap.EDIT_SEASON)
def venue_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    the_venue = found(selectors.venue_get, pk=pk) if pk is not None else None
    initial = VenueForm.initial_for(the_venue) if the_venue else {"orchestra_pit": True}
    form = VenueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if the_venue is None:
                the_venue = services.venue_create(
                    **form.cleaned_data, by=request.user, now=timezone.now()
                )
                messages.success(request, _("Venue added."))
            else:
                services.venue_update(
                    venue=the_venue, changes=form.cleaned_data, by=request.user, now=timezone.now()
                )
                messages.success(request, _("Venue saved."))
            return redirect("season:venue", pk=the_venue.pk)
        except DomainError as exc:
            show_error(form, exc)
    return render(
        request,
        "season/venue_form.html",
        {"form": form, "venue": the_venue, "zones": known_zones(), "section": "venues"},
    )


def _said_on_stage(request: HttpRequest, saved: T, performances: Iterable[Performance]) -> T:
    """After a stage's times changed: a warning for each thing already on the stage during a
    performance's get-in … get-out (a rehearsal call placed before), which is not moved."""
    for performance in performances:
        for sentence in selectors.stage_in_use(performance=performance):
            messages.warning(request, sentence)
    return saved


@page_requires(Cap.EDIT_SEASON)
def venue_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """Which room is the venue's stage, how many dancers it holds, its get-in and get-out."""
    the_venue = found(selectors.venue_get, pk=pk)
    return form_page(
        request,
        template="season/stage_form.html",
        form_class=VenueStageForm,
        form_kwargs={"venue": the_venue},
        initial=VenueStageForm.initial_for(the_venue),
        run=lambda data: _said_on_stage(
            request,
            services.venue_stage_set(venue=the_venue, **data, by=request.user, now=timezone.now()),
            selectors.venue_upcoming_performances(venue=the_venue, now=timezone.now()),
        ),
        done=lambda venue: reverse("season:venue", args=[venue.pk]),
        success=_("Stage saved."),
        context={
            "title": _("Stage of %(venue)s") % {"venue": the_venue.name},
            "intro": _(
                "The stage is a room of the theatre's building: stage and dress rehearsals are "
                "planned on it, and each performance takes it from its get-in to its get-out."
            ),
            "back": reverse("season:venue", args=[the_venue.pk]),
            "section": "venues",
        },
    )


# ---------------------------------------------------------------- seasons and tours


@page_requires(Cap.VIEW_COMPANY)
def seasons(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "season/season_list.html",
        {"seasons": selectors.season_list(), "section": "seasons"},
    )


@page_requires(Cap.EDIT_SEASON)
def season_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    season = found(selectors.season_get, pk=pk) if pk is not None else None
    initial = (
        {"name": season.name, "starts_on": season.starts_on, "ends_on": season.ends_on}
        if season
        else {}
    )
    form = SeasonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if season is None:
                services.season_create(**form.cleaned_data, by=request.user, now=timezone.now())
                messages.success(request, _("Season added."))
            else:
                services.season_update(
                    season=season, changes=form.cleaned_data, by=request.user, now=timezone.now()
                )
                messages.success(request, _("Season saved."))
            return redirect("season:seasons")
        except DomainError as exc:
            show_error(form, exc)
    return render(
        request,
        "season/form.html",
        {
            "form": form,
            "title": _("Edit season") if season else _("New season"),
            "back": "season:seasons",
            "section": "seasons",
        },
    )


@page_requires(Cap.VIEW_COMPANY)
def tour(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.tour_plan(tour=found(selectors.tour_get, pk=pk))
    return render(
        request,
        "season/tour_detail.html",
        {
            "plan": plan,
            "tour": plan.tour,
            "clashes": selectors.tour_clashes(tour=plan.tour),
            "section": "seasons",
        },
    )


@page_requires(Cap.EDIT_SEASON)
def tour_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    the_tour = found(selectors.tour_get, pk=pk) if pk is not None else None
    if the_tour:
        initial = {
            "season": the_tour.season_id,
            "name": the_tour.name,
            "starts_on": the_tour.starts_on,
            "ends_on": the_tour.ends_on,
            "notes": the_tour.notes,
        }
    else:
        initial = {"season": _pk(request.GET.get("season"))}
    form = TourForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if the_tour is None:
                the_tour = services.tour_create(
                    **form.cleaned_data, by=request.user, now=timezone.now()
                )
                messages.success(request, _("Tour added."))
            else:
                services.tour_update(
                    tour=the_tour, changes=form.cleaned_data, by=request.user, now=timezone.now()
                )
                messages.success(request, _("Tour saved."))
            return redirect("season:tour", pk=the_tour.pk)
        except DomainError as exc:
            show_error(form, exc)
    return render(
        request,
        "season/form.html",
        {
            "form": form,
            "title": _("Edit tour") if the_tour else _("New tour"),
            "back": "season:seasons",
            "section": "seasons",
        },
    )


# ---------------------------------------------------------------- programmes


@page_requires(Cap.VIEW_COMPANY)
def programme(request: HttpRequest, pk: int) -> HttpResponse:
    the_programme = found(selectors.programme_get, pk=pk)
    performances = selectors.performance_list(
        filters=selectors.PerformanceFilter(season_id=the_programme.season_id)
    ).filter(programme=the_programme)[:PAGE_SIZE]
    return render(
        request,
        "season/programme_detail.html",
        {"programme": the_programme, "performances": performances, "section": "seasons"},
    )


@page_requires(Cap.EDIT_SEASON)
def programme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    the_programme = found(selectors.programme_get, pk=pk) if pk is not None else None
    if the_programme:
        initial = {
            "season": the_programme.season_id,
            "title": the_programme.title,
            "notes": the_programme.notes,
        }
        rows = [
            {"work": item.work_id, "interval_after_minutes": item.interval_after_minutes}
            for item in the_programme.items.all()
        ]
    else:
        initial, rows = {"season": _pk(request.GET.get("season"))}, []
    form = ProgrammeForm(request.POST or None, initial=initial)
    formset = ProgrammeItemFormSet(request.POST or None, initial=rows, prefix="works")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        fields = {**form.cleaned_data, "items": programme_items(formset)}
        try:
            if the_programme is None:
                the_programme = services.programme_create(
                    **fields, by=request.user, now=timezone.now()
                )
                messages.success(request, _("Programme added."))
            else:
                services.programme_update(
                    programme=the_programme, changes=fields, by=request.user, now=timezone.now()
                )
                messages.success(request, _("Programme saved."))
            return redirect("season:programme", pk=the_programme.pk)
        except DomainError as exc:
            show_error(form, exc)
    return render(
        request,
        "season/programme_form.html",
        {"form": form, "formset": formset, "programme": the_programme, "section": "seasons"},
    )


# ---------------------------------------------------------------- performances


def _day_start(day: dt.date, zone_name: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone_or_utc(zone_name)).astimezone(UTC)


@page_requires(Cap.VIEW_COMPANY)
def performances(request: HttpRequest) -> HttpResponse:
    zone_name = selectors.company_time_zone()
    if not request.GET:  # first visit: what is coming, from today at home
        today = timezone.now().astimezone(zone_or_utc(zone_name)).date()
        form = PerformanceFilterForm({"start": today.isoformat()})
    else:
        form = PerformanceFilterForm(request.GET)
    filters = selectors.PerformanceFilter()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.PerformanceFilter(
            starts_from=_day_start(data["start"], zone_name) if data.get("start") else None,
            starts_before=_day_start(data["end"] + dt.timedelta(days=1), zone_name)
            if data.get("end")
            else None,
            venue_id=data["venue"].pk if data.get("venue") else None,
            season_id=data["season"].pk if data.get("season") else None,
        )
    page = Paginator(selectors.performance_list(filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "season/performance_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "section": "performances"},
    )


@page_requires(Cap.VIEW_COMPANY)
def performance(request: HttpRequest, pk: int) -> HttpResponse:
    the_performance = found(selectors.performance_get, pk=pk)
    return render(
        request,
        "season/performance_detail.html",
        {
            "performance": the_performance,
            "clashes": selectors.performance_clashes(performance=the_performance),
            "section": "performances",
            "cancel_form": CancelForm() if can(request.user, Cap.EDIT_SEASON) else None,
        },
    )


@page_requires(Cap.EDIT_SEASON)
def performance_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    the_performance = found(selectors.performance_get, pk=pk) if pk is not None else None
    if the_performance:
        initial = PerformanceForm.initial_for(the_performance)
    else:
        initial = {
            "programme": _pk(request.GET.get("programme")),
            "venue": _pk(request.GET.get("venue")),
            "tour": _pk(request.GET.get("tour")),
            "start_time": dt.time(19, 0),
        }
    form = PerformanceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if the_performance is None:
                the_performance = services.performance_create(
                    data=form.performance_data(), now=timezone.now(), by=request.user
                )
                messages.success(request, _("Performance booked."))
            else:
                services.performance_update(
                    performance=the_performance,
                    changes=vars(form.performance_data()),
                    by=request.user,
                    now=timezone.now(),
                )
                messages.success(request, _("Performance saved."))
            return redirect("season:performance", pk=the_performance.pk)
        except DomainError as exc:
            show_error(form, exc, PerformanceForm.FIELDS)
    return render(
        request,
        "season/performance_form.html",
        {"form": form, "performance": the_performance, "section": "performances"},
    )


@page_requires(Cap.EDIT_SEASON)
def performance_stage(request: HttpRequest, pk: int) -> HttpResponse:
    """A performance's own get-in and get-out: when it takes its venue's stage."""
    the_performance = found(selectors.performance_get, pk=pk)
    return form_page(
        request,
        template="season/stage_form.html",
        form_class=PerformanceStageForm,
        form_kwargs={"performance": the_performance},
        initial={
            "get_in_minutes": the_performance.get_in_minutes,
            "get_out_minutes": the_performance.get_out_minutes,
        },
        run=lambda data: _said_on_stage(
            request,
            saved := services.performance_stage_times_set(
                performance=the_performance, **data, by=request.user, now=timezone.now()
            ),
            [saved],
        ),
        done=lambda performance: reverse("season:performance", args=[performance.pk]),
        success=_("Get-in and get-out saved."),
        context={
            "title": _("Get-in and get-out of %(billing)s") % {"billing": the_performance.billing},
            "intro": _(
                "From its get-in to its get-out the performance has the stage: no rehearsal, "
                "call or event can be placed on it then."
            ),
            "back": reverse("season:performance", args=[the_performance.pk]),
            "section": "performances",
        },
    )


@require_POST
@page_requires(Cap.EDIT_SEASON)
def performance_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    the_performance = found(selectors.performance_get, pk=pk)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.performance_cancel(
            performance=the_performance, reason=reason, now=timezone.now(), by=request.user
        )
        messages.success(request, _("Performance cancelled."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("season:performance", pk=pk)
