"""Reads of the season app, with the prefetching pages need.

Every list here costs a fixed number of queries whatever the number of performances:
pages and the API iterate what these return without touching the database again.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from callboard.company.models import Company, Dancer, Person, Staff
from callboard.core.errors import NotFound
from callboard.core.i18n import format_moment
from callboard.core.zones import UTC, company_zone, zone_or_utc
from callboard.repertoire.models import Work
from callboard.season.clashes import Clash, clashes, duration, stage_overlaps
from callboard.season.models import Performance, Programme, ProgrammeWork, Season, Tour, Venue

# ---------------------------------------------------------------- the company


def company_time_zone() -> str:
    """The company's home zone (the installation's TIME_ZONE when no company exists yet)."""
    return company_zone().key  # one source: core.zones (read through company.locale)


def company_rest_minutes() -> int | None:
    """Least rest between two working days under the company's labour agreement, if any."""
    company = Company.objects.select_related("labour_profile").first()
    if company is None or company.labour_profile is None:
        return None
    return company.labour_profile.min_rest_between_days_minutes


# ---------------------------------------------------------------- venues


def venue_list() -> QuerySet[Venue]:
    return Venue.objects.order_by("name")


def venue_get(*, pk: int) -> Venue:
    venue = Venue.objects.select_related("stage__site").filter(pk=pk).first()
    if venue is None:
        raise NotFound(_("No venue with id %(pk)s.") % {"pk": pk})
    return venue


def venue_upcoming_performances(
    *, venue: Venue, now: dt.datetime, limit: int = 50
) -> list[Performance]:
    return list(
        _performances()
        .filter(venue=venue, ends_at__gte=now)
        .exclude(status=Performance.Status.CANCELLED)
        .order_by("starts_at")[:limit]
    )


# ---------------------------------------------------------------- seasons, tours, programmes


def _programmes_with_works() -> QuerySet[Programme]:
    return Programme.objects.prefetch_related(
        Prefetch(
            "items", queryset=ProgrammeWork.objects.select_related("work").order_by("order", "pk")
        )
    )


def season_list() -> QuerySet[Season]:
    """Seasons, newest first, with their tours and programmes (and the programmes' works)."""
    return Season.objects.order_by("-starts_on").prefetch_related(
        Prefetch("tours", queryset=Tour.objects.order_by("starts_on", "name")),
        Prefetch("programmes", queryset=_programmes_with_works().order_by("title")),
    )


def season_get(*, pk: int) -> Season:
    season = Season.objects.filter(pk=pk).first()
    if season is None:
        raise NotFound(_("No season with id %(pk)s.") % {"pk": pk})
    return season


def tour_list(*, season: Season | None = None) -> QuerySet[Tour]:
    tours = Tour.objects.select_related("season").order_by("starts_on", "name")
    return tours.filter(season=season) if season is not None else tours


def tour_get(*, pk: int) -> Tour:
    tour = Tour.objects.select_related("season").filter(pk=pk).first()
    if tour is None:
        raise NotFound(_("No tour with id %(pk)s.") % {"pk": pk})
    return tour


def programme_list(*, season: Season | None = None) -> QuerySet[Programme]:
    programmes = _programmes_with_works().select_related("season").order_by("title")
    return programmes.filter(season=season) if season is not None else programmes


def programme_get(*, pk: int) -> Programme:
    programme = programme_list().filter(pk=pk).first()
    if programme is None:
        raise NotFound(_("No programme with id %(pk)s.") % {"pk": pk})
    return programme


def conductor_list() -> QuerySet[Person]:
    """People who hold a conductor's post on the staff."""
    return Person.objects.filter(staff_roles__kind=Staff.Kind.CONDUCTOR).distinct()


# ---------------------------------------------------------------- performances


def _performances() -> QuerySet[Performance]:
    return Performance.objects.select_related(
        "programme", "programme__season", "venue", "tour", "conductor"
    )


@dataclass(frozen=True)
class PerformanceFilter:
    starts_from: dt.datetime | None = None
    starts_before: dt.datetime | None = None
    venue_id: int | None = None
    season_id: int | None = None
    tour_id: int | None = None


def performance_list(*, filters: PerformanceFilter | None = None) -> QuerySet[Performance]:
    """Performances in start order, with everything a list row shows."""
    f = filters or PerformanceFilter()
    performances = _performances().order_by("starts_at", "pk")
    if f.starts_from is not None:
        performances = performances.filter(starts_at__gte=f.starts_from)
    if f.starts_before is not None:
        performances = performances.filter(starts_at__lt=f.starts_before)
    if f.venue_id is not None:
        performances = performances.filter(venue_id=f.venue_id)
    if f.season_id is not None:
        performances = performances.filter(programme__season_id=f.season_id)
    if f.tour_id is not None:
        performances = performances.filter(tour_id=f.tour_id)
    return performances


def performance_get(*, pk: int) -> Performance:
    performance = (
        _performances()
        .prefetch_related(
            Prefetch(
                "programme__items",
                queryset=ProgrammeWork.objects.select_related("work").order_by("order", "pk"),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if performance is None:
        raise NotFound(_("No performance with id %(pk)s.") % {"pk": pk})
    return performance


def local_day(performance: Performance) -> dt.date:
    """The day a performance is on, at its venue."""
    return performance.starts_at.astimezone(zone_or_utc(performance.venue.time_zone)).date()


# ---------------------------------------------------------------- tours: itinerary and warnings


def _city_key(venue: Venue) -> tuple[str, str]:
    return (" ".join(venue.city.split()).casefold(), " ".join(venue.country.split()).casefold())


def _when(moment: dt.datetime, venue: Venue) -> str:
    return format_moment(moment, "day_short_time", zone=zone_or_utc(venue.time_zone))


def _hours(delta: dt.timedelta) -> str:
    minutes = max(0, int(delta.total_seconds() // 60))
    return f"{minutes // 60}:{minutes % 60:02d}"


@dataclass(frozen=True)
class TourWarning:
    """Something a company manager should look at; nothing is refused because of it."""

    code: str  # "two_cities_one_day" | "short_rest_after_travel" | "two_places_at_once"
    message: str
    day: dt.date
    performance_ids: tuple[int, ...]


@dataclass
class ItineraryStop:
    performance: Performance
    day: dt.date
    travel_from: str = ""  # the city the company comes from, when it changes city
    days_between: int | None = None  # whole days between the previous stop's day and this one
    rest: dt.timedelta | None = None  # from the previous performance's end to this start


@dataclass
class TourPlan:
    tour: Tour
    stops: list[ItineraryStop]
    warnings: list[TourWarning] = field(default_factory=list)


def _tour_window(tour: Tour) -> QuerySet[Performance]:
    """Every booked (not cancelled) performance that may fall on one of the tour's days."""
    start = dt.datetime.combine(tour.starts_on, dt.time.min, tzinfo=UTC) - dt.timedelta(days=1)
    end = dt.datetime.combine(tour.ends_on, dt.time.min, tzinfo=UTC) + dt.timedelta(days=2)
    return (
        _performances()
        .filter(Q(tour=tour) | Q(starts_at__gte=start, starts_at__lt=end))
        .exclude(status=Performance.Status.CANCELLED)
        .order_by("starts_at", "pk")
    )


def _warnings(
    *, tour: Tour, booked: list[Performance], rest_minutes: int | None
) -> list[TourWarning]:
    warnings: list[TourWarning] = []
    on_tour = {p.pk for p in booked if p.tour_id == tour.pk}

    # 1. Two different cities on the same (local) day.
    by_day: dict[dt.date, list[Performance]] = defaultdict(list)
    for p in booked:
        by_day[local_day(p)].append(p)
    for day in sorted(by_day):
        performances = by_day[day]
        cities = {_city_key(p.venue): p.venue.city for p in performances}
        if len(cities) > 1 and any(p.pk in on_tour for p in performances):
            warnings.append(
                TourWarning(
                    code="two_cities_one_day",
                    message=_("On %(day)s the company is booked in %(cities)s.")
                    % {
                        "day": format_moment(day, "date"),
                        "cities": _(" and ").join(sorted(cities.values())),
                    },
                    day=day,
                    performance_ids=tuple(p.pk for p in performances),
                )
            )

    # 2. A performance after travel from another city, without the agreed rest.
    for before, after in itertools.pairwise(booked):
        if before.pk not in on_tour and after.pk not in on_tour:
            continue
        if _city_key(before.venue) == _city_key(after.venue):
            continue
        rest = after.starts_at - before.ends_at
        if rest_minutes is not None:
            short = rest < dt.timedelta(minutes=rest_minutes)
            rule = _("the labour agreement asks for %(rest)s h of rest") % {
                "rest": _hours(dt.timedelta(minutes=rest_minutes))
            }
        else:
            short = local_day(before) == local_day(after)
            rule = _("the company travels between cities on the day of a performance")
        if rest < dt.timedelta(0):
            # Not a short rest: the two overlap, and the company cannot be in both cities.
            # Said from the one that ends last: "the Moscow show starts 2 h 45 min before the
            # Uglich one ends".
            if after.starts_at == before.starts_at and after.ends_at > before.ends_at:
                before, after = after, before
                rest = after.starts_at - before.ends_at
            warnings.append(
                TourWarning(
                    code="two_places_at_once",
                    message=_(
                        "%(after)s in %(to)s starts %(when)s, %(overlap)s before %(before)s "
                        "in %(from)s ends: the company cannot be in both."
                    )
                    % {
                        "after": after.billing,
                        "to": after.venue.city,
                        "when": _when(after.starts_at, after.venue),
                        "overlap": duration(-rest),
                        "before": before.billing,
                        "from": before.venue.city,
                    },
                    day=local_day(after),
                    performance_ids=(before.pk, after.pk),
                )
            )
        elif short:
            warnings.append(
                TourWarning(
                    code="short_rest_after_travel",
                    message=_(
                        "%(after)s in %(to)s starts %(when)s, %(rest)s h after %(before)s in "
                        "%(from)s ends; %(rule)s."
                    )
                    % {
                        "after": after.billing,
                        "to": after.venue.city,
                        "when": _when(after.starts_at, after.venue),
                        "rest": _hours(rest),
                        "before": before.billing,
                        "from": before.venue.city,
                        "rule": rule,
                    },
                    day=local_day(after),
                    performance_ids=(before.pk, after.pk),
                )
            )
    return warnings


def tour_warnings(*, tour: Tour) -> list[TourWarning]:
    """What on this tour breaks good practice: two cities a day, or too little rest after travel.

    Looks at the tour's performances and any other booked performance of the company on the
    same days. The rest rule is the labour agreement's least rest between working days; with
    no such rule, a change of city on the day of a performance is what is flagged.
    """
    return tour_plan(tour=tour).warnings


def tour_plan(*, tour: Tour) -> TourPlan:
    """The tour's performances in order with the travel between cities, and its warnings."""
    window = list(_tour_window(tour))
    booked = [
        p for p in window if p.tour_id == tour.pk or tour.starts_on <= local_day(p) <= tour.ends_on
    ]
    stops: list[ItineraryStop] = []
    previous: Performance | None = None
    for p in _performances().filter(tour=tour).order_by("starts_at", "pk"):
        stop = ItineraryStop(performance=p, day=local_day(p))
        if previous is not None:
            stop.days_between = (stop.day - local_day(previous)).days
            stop.rest = p.starts_at - previous.ends_at
            if _city_key(previous.venue) != _city_key(p.venue):
                stop.travel_from = previous.venue.city
        stops.append(stop)
        if p.status != Performance.Status.CANCELLED:
            previous = p
    return TourPlan(
        tour=tour,
        stops=stops,
        warnings=_warnings(tour=tour, booked=booked, rest_minutes=company_rest_minutes()),
    )


# ---------------------------------------------------------------- the calendar


@dataclass
class CalendarDay:
    day: dt.date
    in_month: bool
    today: bool
    events: list[Performance] = field(default_factory=list)


@dataclass
class CalendarMonth:
    first: dt.date
    weeks: list[list[CalendarDay]]
    previous: dt.date
    next: dt.date
    count: int


def month_of(moment: dt.datetime, zone_name: str) -> dt.date:
    """The first day of the month ``moment`` falls in, in the given zone."""
    local = moment.astimezone(zone_or_utc(zone_name))
    return local.date().replace(day=1)


def calendar_month(
    *, first: dt.date, today: dt.date | None = None, season_id: int | None = None
) -> CalendarMonth:
    """A Monday-first grid of whole weeks covering the month of ``first``.

    Each performance sits on its local day at its venue: one query for the whole grid.
    """
    first = first.replace(day=1)
    days_in_month = pycalendar.monthrange(first.year, first.month)[1]
    last = first.replace(day=days_in_month)
    grid_start = first - dt.timedelta(days=first.weekday())
    grid_end = last + dt.timedelta(days=6 - last.weekday())
    # Zones lie within a day of UTC: widen the UTC window by a day each side, then place.
    window_start = dt.datetime.combine(grid_start, dt.time.min, tzinfo=UTC) - dt.timedelta(days=1)
    window_end = dt.datetime.combine(grid_end, dt.time.min, tzinfo=UTC) + dt.timedelta(days=2)
    performances = performance_list(
        filters=PerformanceFilter(
            starts_from=window_start, starts_before=window_end, season_id=season_id
        )
    )
    by_day: dict[dt.date, list[Performance]] = defaultdict(list)
    for p in performances:
        by_day[local_day(p)].append(p)
    weeks: list[list[CalendarDay]] = []
    day = grid_start
    count = 0
    while day <= grid_end:
        week = []
        for _i in range(7):
            events = by_day.get(day, [])
            if day.month == first.month:
                count += len(events)
            week.append(
                CalendarDay(
                    day=day, in_month=day.month == first.month, today=day == today, events=events
                )
            )
            day += dt.timedelta(days=1)
        weeks.append(week)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = last + dt.timedelta(days=1)
    return CalendarMonth(first=first, weeks=weeks, previous=previous, next=following, count=count)


# ---------------------------------------------------------------- parts of pages below season

PAST_PERFORMANCES_SHOWN = 25
UPCOMING_PERFORMANCES_SHOWN = 50


def work_performances(*, work: Work, now: dt.datetime) -> dict[str, Any]:
    """The work page's performances: upcoming and past ones of programmes that include
    ``work`` (registered on :data:`callboard.repertoire.selectors.WORK_PAGE`)."""
    performances = Performance.objects.filter(programme__items__work=work).select_related(
        "venue", "programme", "tour"
    )
    upcoming = list(
        performances.filter(starts_at__gte=now).order_by("starts_at")[:UPCOMING_PERFORMANCES_SHOWN]
    )
    past_all = performances.filter(starts_at__lt=now)
    past = list(past_all.order_by("-starts_at")[:PAST_PERFORMANCES_SHOWN])
    past_count = past_all.count()
    return {"upcoming": upcoming, "past": past, "past_count": past_count}


def dancer_upcoming(*, dancer: Dancer, now: dt.datetime) -> dict[str, Any]:
    """The dancer page's coming performances of works the dancer knows a role in (registered
    on :data:`callboard.company.selectors.DANCER_PAGE`)."""
    upcoming = list(
        Performance.objects.filter(
            starts_at__gte=now,
            programme__works__roles__dancers_knowing__dancer=dancer,
        )
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("programme", "venue")
        .distinct()
        .order_by("starts_at")[:10]
    )
    return {"upcoming": upcoming}


# --------------------------------------------------------------------------- clashes


def performance_clashes(*, performance: Performance) -> list[Clash]:
    """Everyone of this performance booked elsewhere at once, or without time to travel."""
    return clashes(
        start=performance.starts_at - dt.timedelta(days=1),
        end=performance.ends_at + dt.timedelta(days=1),
        performance_ids=[performance.pk],
    )


def stage_in_use(*, performance: Performance) -> list[str]:
    """What is already on the performance's stage during its get-in … get-out (sentences)."""
    return stage_overlaps(performance)


def month_clashes(*, first: dt.date) -> list[Clash]:
    """The clashes of a calendar month (in the company's zone)."""
    zone = company_zone()
    first = first.replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return clashes(start=start, end=end)


def tour_clashes(*, tour: Tour) -> list[Clash]:
    """Everyone of the tour's performances booked elsewhere at once, or without time to travel."""
    zone = company_zone()
    start = dt.datetime.combine(tour.starts_on, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(tour.ends_on + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    ids = list(Performance.objects.filter(tour=tour).values_list("pk", flat=True))
    return clashes(start=start, end=end, performance_ids=ids) if ids else []
