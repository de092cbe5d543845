"""Pages of the callboard: parse the request, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from callboard.core import zones
from callboard.core.errors import DomainError
from callboard.core.htmx import is_htmx
from callboard.core.pages import found, show_error
from callboard.core.roles import Cap, can, page_requires
from callboard.scheduling import adapters, selectors, services, words
from callboard.scheduling.adapters import GOAL_TITLES
from callboard.scheduling.forms import (
    AddCallForm,
    CallForm,
    ClosureForm,
    EventForm,
    PeriodForm,
    PublishForm,
    RequestForm,
    SolveForm,
    UnavailabilityForm,
)
from callboard.scheduling.models import (
    Call,
    CallRequest,
    FixedEvent,
    SolveRun,
    StudioClosure,
    Unavailability,
)
from callboard.season.clashes import clashes


def _now() -> dt.datetime:
    return timezone.now()


def in_company_zone(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Show times in the company's zone, whatever the server's."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with timezone.override(zones.company_zone()):
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            return response

    return wrapped


def _today() -> dt.date:
    return _now().astimezone(zones.company_zone()).date()


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=zones.company_zone())


def _aware(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=zones.company_zone())
    return moment


def _get(model: Any, pk: int, **filters: Any) -> Any:
    obj = model.objects.filter(pk=pk, **filters).first()
    if obj is None:
        raise Http404(_("Not found."))
    return obj


def _period(pk: int) -> Any:
    return found(selectors.get_period, pk=pk)


def _show_error(form: forms.Form, exc: DomainError) -> None:
    """The error on its field, then the first few rules a hand edit would break."""
    show_error(form, exc)
    detail = exc.detail if isinstance(exc.detail, dict) else {}
    for v in detail.get("violations", [])[1:6]:
        form.add_error(None, v["message"])


def _person(request: HttpRequest) -> Any:
    return getattr(request.user, "person", None) if request.user.is_authenticated else None


def _parse_day(value: str | None, default: dt.date) -> dt.date:
    if not value:
        return default
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise Http404(_("Give the day as YYYY-MM-DD.")) from None
    if not 1900 < day.year < 3000:
        raise Http404(_("Give a year between 1901 and 2999."))
    return day


# --------------------------------------------------------------------------- index and plans


@login_required
@in_company_zone
def index(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Cap.PLAN_SCHEDULE):
        return redirect("scheduling:me")
    today = _today()
    form = PeriodForm(initial={"first_day": today, "last_day": today + dt.timedelta(days=6)})
    return render(
        request,
        "scheduling/index.html",
        {"periods": selectors.periods(), "form": form, "today": today},
    )


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
@in_company_zone
def period_new(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.POST)
    if form.is_valid():
        try:
            period = services.period_open(
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
                by=request.user,
                now=_now(),
            )
        except DomainError as exc:
            _show_error(form, exc)
            plan = (exc.detail or {}).get("period") if isinstance(exc.detail, dict) else None
            if plan:
                messages.error(request, exc.message)
                return redirect("scheduling:plan", pk=plan)
        else:
            return redirect("scheduling:plan", pk=period.pk)
    return render(
        request,
        "scheduling/index.html",
        {"periods": selectors.periods(), "form": form, "today": _today()},
        status=422,
    )


def _plan_context(period: Any, **forms_: Any) -> dict[str, Any]:
    context = selectors.plan_inputs(period)
    # Called dancers who cannot dance on any day of their rehearsal, and why.
    context["cannot_dance"] = adapters.called_who_cannot_dance(adapters.load_inputs(period))
    # Anyone booked in two places at once, or without time to travel, on the plan's days.
    zone = zones.company_zone()
    context["clashes"] = clashes(
        start=zones.local_day_bounds(period.first_day, zone)[0],
        end=zones.local_day_bounds(period.last_day, zone)[1],
    )
    first = period.first_day
    context.update(
        {
            "request_form": forms_.get("request_form")
            or RequestForm(initial={"earliest_day": first, "latest_day": period.last_day}),
            "event_form": forms_.get("event_form")
            or EventForm(
                initial={
                    "starts_at": _at(first, dt.time(10)),
                    "ends_at": _at(first, dt.time(11, 15)),
                }
            ),
            "closure_form": forms_.get("closure_form")
            or ClosureForm(
                initial={"starts_at": _at(first, dt.time(9)), "ends_at": _at(first, dt.time(22))}
            ),
            "unavailability_form": forms_.get("unavailability_form")
            or UnavailabilityForm(
                initial={
                    "starts_at": _at(first, dt.time(0)),
                    "ends_at": _at(first + dt.timedelta(days=1), dt.time(0)),
                }
            ),
            "solve_form": forms_.get("solve_form")
            or SolveForm(initial={"mode": "replan" if context["latest"] else "full"}),
        }
    )
    return context


@page_requires(Cap.PLAN_SCHEDULE)
@in_company_zone
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(pk)
    return render(request, "scheduling/plan.html", _plan_context(period))


def _plan_post(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[forms.Form],
    key: str,
    run: Callable[[Any, dict[str, Any]], Any],
    success: str,
    anchor: str,
) -> HttpResponse:
    period = _period(pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(period, form.cleaned_data)
        except DomainError as exc:
            _show_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(reverse("scheduling:plan", args=[period.pk]) + f"#{anchor}")
    context = _plan_context(period, **{key: form})
    context["open_form"] = key
    return render(request, "scheduling/plan.html", context, status=422)


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def requests_import(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(pk)
    try:
        result = services.requests_import(period=period, by=request.user, now=_now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s call request brought in from casting; %(m)s already here.",
                "%(n)s call requests brought in from casting; %(m)s already here.",
                result.created,
            )
            % {"n": result.created, "m": result.already},
        )
        for line in result.skipped[:8]:
            messages.warning(request, line)
    return redirect(reverse("scheduling:plan", args=[period.pk]) + "#requests")


def _request_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data.get(k) for k in services.REQUEST_FIELDS if k in data and k != "section"}


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def request_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_post(
        request,
        pk,
        form_class=RequestForm,
        key="request_form",
        run=lambda period, data: services.call_request_create(
            period=period,
            values=_request_values(data),
            people=list(data["people"]),
            studios=list(data["studios"]),
            by=request.user,
            now=_now(),
        ),
        success=_("Call request added."),
        anchor="requests",
    )


@page_requires(Cap.PLAN_SCHEDULE)
@in_company_zone
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(CallRequest, pk)
    if request.method == "POST":
        form = RequestForm(request.POST)
        if form.is_valid():
            try:
                services.call_request_update(
                    request=item,
                    by=request.user,
                    now=_now(),
                    changes={
                        **_request_values(form.cleaned_data),
                        "people": list(form.cleaned_data["people"]),
                        "studios": list(form.cleaned_data["studios"]),
                    },
                )
            except DomainError as exc:
                _show_error(form, exc)
            else:
                messages.success(request, _("Call request saved."))
                return redirect(reverse("scheduling:plan", args=[item.period_id]) + "#requests")
    else:
        initial = {k: getattr(item, k) for k in services.REQUEST_FIELDS if k != "section"}
        initial["people"] = list(item.people.all())
        initial["studios"] = list(item.studios.all())
        form = RequestForm(initial=initial)
    return render(
        request,
        "scheduling/form.html",
        {
            "form": form,
            "title": _("Edit the call request"),
            "back": reverse("scheduling:plan", args=[item.period_id]),
            "delete": reverse("scheduling:request_delete", args=[item.pk]),
        },
    )


def _delete(
    request: HttpRequest,
    obj: Any,
    period_pk: int | None,
    run: Callable[[], Any],
    success: str,
    anchor: str,
) -> HttpResponse:
    try:
        run()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    target = (
        reverse("scheduling:plan", args=[period_pk]) if period_pk else reverse("scheduling:index")
    )
    return redirect(target + f"#{anchor}")


def _back_period(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("period", "") or request.GET.get("period", ""))
    except ValueError:
        return None


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def request_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(CallRequest, pk)
    return _delete(
        request,
        item,
        item.period_id,
        lambda: services.call_request_delete(request=item, by=request.user, now=_now()),
        _("Call request removed."),
        "requests",
    )


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def event_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_post(
        request,
        pk,
        form_class=EventForm,
        key="event_form",
        run=lambda period, d: services.fixed_event_create(
            kind=d["kind"],
            label=d["label"],
            starts_at=_aware(d["starts_at"]),
            ends_at=_aware(d["ends_at"]),
            people=list(d["people"]),
            everyone=d["everyone"],
            studio=d["studio"],
            by=request.user,
            now=_now(),
        ),
        success=_("Fixed event added."),
        anchor="events",
    )


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(FixedEvent, pk)
    return _delete(
        request,
        item,
        _back_period(request),
        lambda: services.fixed_event_delete(event=item, by=request.user, now=_now()),
        _("Fixed event removed."),
        "events",
    )


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def closure_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_post(
        request,
        pk,
        form_class=ClosureForm,
        key="closure_form",
        run=lambda period, d: services.studio_closure_create(
            studio=d["studio"],
            starts_at=_aware(d["starts_at"]),
            ends_at=_aware(d["ends_at"]),
            reason=d["reason"],
            by=request.user,
            now=_now(),
        ),
        success=_("Studio closure added."),
        anchor="closures",
    )


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def closure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(StudioClosure, pk)
    return _delete(
        request,
        item,
        _back_period(request),
        lambda: services.studio_closure_delete(closure=item, by=request.user, now=_now()),
        _("Studio closure removed."),
        "closures",
    )


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def unavailability_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_post(
        request,
        pk,
        form_class=UnavailabilityForm,
        key="unavailability_form",
        run=lambda period, d: services.unavailability_create(
            person=d["person"],
            starts_at=_aware(d["starts_at"]),
            ends_at=_aware(d["ends_at"]),
            reason=d["reason"],
            by=request.user,
            now=_now(),
        ),
        success=_("Unavailability recorded."),
        anchor="unavailable",
    )


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def unavailability_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(Unavailability, pk)
    return _delete(
        request,
        item,
        _back_period(request),
        lambda: services.unavailability_delete(item=item, by=request.user, now=_now()),
        _("Unavailability removed."),
        "unavailable",
    )


# --------------------------------------------------------------------------- runs


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
@in_company_zone
def solve(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(pk)
    form = SolveForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            run = services.solve_run_start(
                period=period,
                by=request.user,
                now=_now(),
                time_limit=d["time_limit"],
                seed=d.get("seed") or 0,
                workers=d.get("workers") or 2,
                mode=d["mode"],
            )
        except DomainError as exc:
            _show_error(form, exc)
        else:
            return redirect("scheduling:run", pk=run.pk)
    context = _plan_context(period, solve_form=form)
    return render(request, "scheduling/plan.html", context, status=422)


def _in_words(run: SolveRun) -> list[str]:
    result = run.result or {}
    return words.costs_in_words(result.get("amounts") or {}, result.get("unplaced") or [])


@page_requires(Cap.PLAN_SCHEDULE)
@in_company_zone
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = services.solve_run_refresh(run=_get(SolveRun, pk), now=_now())
    return render(
        request,
        "scheduling/run.html",
        {"run": run, "period": run.period, "in_words": _in_words(run)},
    )


@page_requires(Cap.PLAN_SCHEDULE)
@in_company_zone
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = services.solve_run_refresh(run=_get(SolveRun, pk), now=_now())
    return render(request, "scheduling/_progress.html", {"run": run, "in_words": _in_words(run)})


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
@in_company_zone
def run_stop(request: HttpRequest, pk: int) -> HttpResponse:
    run = _get(SolveRun, pk)
    error = ""
    try:
        run = services.solve_run_stop(run=run, by=request.user, now=_now())
    except DomainError as exc:
        error = exc.message
    if request.headers.get("HX-Request"):
        return render(
            request,
            "scheduling/_progress.html",
            {"run": run, "error": error, "in_words": _in_words(run)},
            status=409 if error else 200,
        )
    if error:
        messages.error(request, error)
    return redirect("scheduling:run", pk=run.pk)


# --------------------------------------------------------------------------- review and edits


@page_requires(Cap.PLAN_SCHEDULE)
@in_company_zone
def review(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(pk)
    day = _parse_day(request.GET.get("day"), period.first_day)
    if not period.first_day <= day <= period.last_day:
        day = period.first_day
    view = "people" if request.GET.get("view") == "people" else "grid"
    draft = services.draft_of(period)
    calls = selectors.schedule_calls(draft)
    report = services.review_rows(period, adapters.rows_of(calls), calls)
    bad_requests = {pk for f in report.open_findings for pk in f.request_pks}
    flagged = {c.pk: ["breaks"] for c in calls if c.request_id in bad_requests}
    for c in calls:
        if c.override_reason:
            flagged.setdefault(c.pk, []).append("override")
    grid = selectors.build_grid(
        calls, day, selectors.studios_in_use(), flagged=flagged, blocks=selectors.studio_blocks(day)
    )
    versions = selectors.published_versions(period)
    return render(
        request,
        "scheduling/review.html",
        {
            "period": period,
            "draft": draft,
            "day": day,
            "view": view,
            "grid": grid,
            "people": selectors.by_person(
                c for c in calls if selectors.local(c.starts_at).date() == day
            )
            if view == "people"
            else [],
            "report": report,
            "costs": [
                (_(GOAL_TITLES.get(name, name)), words.goal_words(name, amount))
                for name, amount in (
                    adapters.goal_amounts(report.problem, report.solver_calls)
                    if report.problem is not None
                    else {}
                ).items()
                if report.costs.get(name)
            ],
            "overrides": [c for c in calls if c.override_reason],
            "calls_count": len(calls),
            "latest": versions[0] if versions else None,
            "versions": versions,
            "publish_form": PublishForm(initial={"first_day": day, "last_day": day, "firm": True}),
        },
    )


@page_requires(Cap.PLAN_SCHEDULE)
@in_company_zone
def explain(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(pk)
    draft = services.draft_of(period)
    calls = selectors.schedule_calls(draft)
    report = services.review_rows(period, adapters.rows_of(calls), calls)
    details = adapters.explain_schedule(report.problem, report.solver_calls, report.mapping)
    for goal in details["goals"]:
        goal["words"] = words.goal_words(goal["goal"], goal["amount"])
    for item in details["unplaced"]:
        item["duration"] = words.duration(item["minutes"])
    # htmx puts the explanation into the review page; opened on its own, it is a page.
    template = "scheduling/_explain.html" if is_htmx(request) else "scheduling/explain.html"
    return render(request, template, {"explain": details, "period": period})


def _call_times(data: dict[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    day = data["day"]
    return _at(day, data["start"]), _at(day, data["end"])


@page_requires(Cap.PLAN_SCHEDULE)
@in_company_zone
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = _get(Call, pk)
    back = reverse("scheduling:review", args=[call.schedule.period_id])
    local_start = selectors.local(call.starts_at)
    back += f"?day={local_start.date().isoformat()}"
    if request.method == "POST":
        form = CallForm(request.POST)
        if form.is_valid():
            start, end = _call_times(form.cleaned_data)
            try:
                services.call_move(
                    call=call,
                    studio=form.cleaned_data["studio"],
                    starts_at=start,
                    ends_at=end,
                    by=request.user,
                    now=_now(),
                    override_reason=form.cleaned_data["override_reason"],
                )
            except DomainError as exc:
                _show_error(form, exc)
            else:
                messages.success(request, _("Call moved."))
                return redirect(back)
    else:
        form = CallForm(
            initial={
                "studio": call.studio,
                "day": local_start.date(),
                "start": local_start.time(),
                "end": selectors.local(call.ends_at).time(),
            }
        )
    return render(
        request,
        "scheduling/call_form.html",
        {"form": form, "call": call, "back": back, "title": _("Move or resize the call")},
        status=422 if form.errors else 200,
    )


@page_requires(Cap.PLAN_SCHEDULE)
@in_company_zone
def call_new(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(pk)
    day = _parse_day(request.GET.get("day") or request.POST.get("day"), period.first_day)
    back = reverse("scheduling:review", args=[period.pk]) + f"?day={day.isoformat()}"
    if request.method == "POST":
        form = AddCallForm(request.POST, period=period)
        if form.is_valid():
            d = form.cleaned_data
            start, end = _call_times(d)
            try:
                services.call_add(
                    period=period,
                    studio=d["studio"],
                    starts_at=start,
                    ends_at=end,
                    request=d["request"],
                    label=d["label"],
                    people=list(d["people"]),
                    by=request.user,
                    now=_now(),
                    override_reason=d["override_reason"],
                )
            except DomainError as exc:
                _show_error(form, exc)
            else:
                messages.success(request, _("Call added."))
                return redirect(back)
    else:
        form = AddCallForm(
            period=period, initial={"day": day, "start": dt.time(12), "end": dt.time(13)}
        )
    return render(
        request,
        "scheduling/call_form.html",
        {"form": form, "call": None, "back": back, "title": _("Add a call")},
        status=422 if form.errors else 200,
    )


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def call_remove(request: HttpRequest, pk: int) -> HttpResponse:
    call = _get(Call, pk)
    day = selectors.local(call.starts_at).date()
    period_pk = call.schedule.period_id
    try:
        services.call_remove(
            call=call,
            by=request.user,
            now=_now(),
            override_reason=request.POST.get("override_reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Call removed from the draft."))
    return redirect(reverse("scheduling:review", args=[period_pk]) + f"?day={day.isoformat()}")


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def call_lock(request: HttpRequest, pk: int) -> HttpResponse:
    call = _get(Call, pk)
    try:
        services.call_lock(
            call=call, locked=request.POST.get("locked") == "1", by=request.user, now=_now()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    day = selectors.local(call.starts_at).date()
    return redirect(
        reverse("scheduling:review", args=[call.schedule.period_id]) + f"?day={day.isoformat()}"
    )


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(pk)
    form = PublishForm(request.POST)
    day = period.first_day
    if form.is_valid():
        d = form.cleaned_data
        day = d["first_day"]
        try:
            result = services.schedule_publish(
                period=period,
                first_day=d["first_day"],
                last_day=d["last_day"],
                firm=d["firm"],
                note=d["note"],
                by=request.user,
                now=_now(),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            detail = exc.detail if isinstance(exc.detail, dict) else {}
            for v in detail.get("violations", [])[1:8]:
                messages.error(request, v["message"])
        else:
            messages.success(
                request,
                ngettext(
                    "Published as version %(n)s; %(notices)s notice sent.",
                    "Published as version %(n)s; %(notices)s notices sent.",
                    result.notices,
                )
                % {"n": result.version.number, "notices": result.notices},
            )
            if result.late_notices:
                messages.warning(
                    request,
                    ngettext(
                        "%(n)s change comes with less personal notice than the agreement asks.",
                        "%(n)s changes come with less personal notice than the agreement asks.",
                        result.late_notices,
                    )
                    % {"n": result.late_notices},
                )
            if result.late_days:
                messages.warning(
                    request,
                    _("Posted after the agreement's deadline for: %(days)s.")
                    % {"days": ", ".join(d.isoformat() for d in result.late_days)},
                )
    else:
        messages.error(request, _("Give the days to publish."))
    return redirect(reverse("scheduling:review", args=[period.pk]) + f"?day={day.isoformat()}")


@page_requires(Cap.PLAN_SCHEDULE)
@in_company_zone
def version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    period = _period(pk)
    found = period.schedules.filter(status="published", number=number).first()
    if found is None:
        raise Http404(_("No such version."))
    day = _parse_day(request.GET.get("day"), found.published_from or period.first_day)
    calls = selectors.schedule_calls(found)
    grid = selectors.build_grid(
        calls, day, selectors.studios_in_use(), blocks=selectors.studio_blocks(day)
    )
    return render(
        request,
        "scheduling/version.html",
        {
            "period": period,
            "version": found,
            "grid": grid,
            "day": day,
            "verified": services.schedule_verify(found),
            "notices": found.notices.select_related("person").order_by("person__family_name")[:200],
        },
    )
