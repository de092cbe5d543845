"""Pages of wellbeing: parse the request, call one service or selector, render.

Who sees what is decided in :mod:`callboard.wellbeing.access`; a page never invents its
own rule. Medical pages answer 403 to everyone but the dancer and the medical staff.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callboard.core.errors import DomainError, NotFound, PermissionDenied
from callboard.reception.charts import bar_chart, stacked_chart
from callboard.wellbeing import access, selectors, services
from callboard.wellbeing.forms import (
    ExertionForm,
    InjuryForm,
    StageForm,
    parse_day,
    parse_int,
    show_error,
)
from callboard.wellbeing.models import ReturnStage
from callboard.wellbeing.workload import company_zone, week_start

T = TypeVar("T")


def _found(lookup: Callable[..., T], **kwargs: Any) -> T:
    try:
        return lookup(**kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _forbidden(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return TemplateResponse(request, "core/forbidden.html", {"message": exc.message}, status=403)


def _today() -> dt.date:
    return timezone.now().astimezone(company_zone()).date()


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


# --------------------------------------------------------------------------- index


@login_required
def index(request: HttpRequest) -> HttpResponse:
    from callboard.core.roles import Cap, can

    if can(request.user, Cap.VIEW_WORKLOAD):
        return redirect("wellbeing:company")
    own = access.own_dancer_id(request.user)
    if own is not None:
        return redirect("wellbeing:dancer", pk=own)
    return _forbidden(
        request,
        PermissionDenied(_("Workload pages are for dancers, management and the medical staff.")),
    )


# --------------------------------------------------------------------------- workload


@login_required
def company(request: HttpRequest) -> HttpResponse:
    today = _today()
    week = _week(request, today)
    weeks = parse_int(request.GET.get("weeks"), default=8, low=2, high=26)
    try:
        data = selectors.company_workload(
            user=request.user, focus_week=week, weeks=weeks, today=today
        )
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    chart = bar_chart(
        [
            (w.strftime("%d %b"), total)
            for w, total in zip(data.week_starts, data.totals, strict=True)
        ],
        title=_("Company minutes per week"),
        unit=_("min"),
        key="company-minutes",
        flags={i for i, n in enumerate(data.flagged) if n},
    )
    load_chart = bar_chart(
        [(w.strftime("%d %b"), load) for w, load in zip(data.week_starts, data.loads, strict=True)],
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
    the_dancer = _found(selectors.dancer_get, pk=pk)
    today = _today()
    week = _week(request, today)
    weeks = parse_int(request.GET.get("weeks"), default=8, low=1, high=52)
    try:
        data = selectors.dancer_workload(
            dancer=the_dancer, user=request.user, focus_week=week, weeks=weeks, today=today
        )
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    flags = {i for i, w in enumerate(data.weeks) if w.spike}
    minutes_chart = stacked_chart(
        [
            (w.start.strftime("%d %b"), [w.class_minutes, w.rehearsal, w.performance])
            for w in data.weeks
        ],
        series=[_("Class"), _("Rehearsals"), _("Performances")],
        title=_("Minutes per week"),
        unit=_("min"),
        key="minutes",
        flags=flags,
    )
    load_chart = bar_chart(
        [(w.start.strftime("%d %b"), w.load) for w in data.weeks],
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
    the_dancer = _found(selectors.dancer_get, pk=pk)
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
        return _forbidden(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{back}?week={week_start(form.cleaned_data['day']).isoformat()}")


# --------------------------------------------------------------------------- planning


@login_required
def planning(request: HttpRequest) -> HttpResponse:
    today = _today()
    start = parse_day(request.GET.get("from")) or today
    end = parse_day(request.GET.get("to")) or start + dt.timedelta(days=28)
    if end < start or (end - start).days > 366:
        messages.warning(request, _("Show at most a year, from an earlier to a later date."))
        end = start + dt.timedelta(days=28)
    try:
        access.require_company_workload(request.user)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    entries = selectors.planning_view(start=start, end=end)
    return render(
        request,
        "wellbeing/planning.html",
        {"entries": entries, "start": start, "end": end, "section": "planning"},
    )


@login_required
def figures(request: HttpRequest) -> HttpResponse:
    today = _today()
    start = parse_day(request.GET.get("from")) or today - dt.timedelta(days=364)
    end = parse_day(request.GET.get("to")) or today
    if end < start or (end - start).days > 3 * 366:
        messages.warning(request, _("Show at most three years, from an earlier to a later date."))
        start, end = today - dt.timedelta(days=364), today
    try:
        data = selectors.injury_figures(user=request.user, start=start, end=end, today=today)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    shown = [(c.label, c.injuries) for c in data.by_body_part if c.injuries is not None]
    chart = (
        bar_chart(shown, title=_("Injuries by body part"), unit=_("injuries"), key="parts")
        if shown
        else None
    )
    return render(
        request, "wellbeing/figures.html", {"f": data, "chart": chart, "section": "figures"}
    )


# --------------------------------------------------------------------------- medical


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    try:
        items = selectors.medical_caseload(user=request.user, today=_today())
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    return render(request, "wellbeing/caseload.html", {"items": items, "section": "caseload"})


@login_required
def injuries(request: HttpRequest, pk: int) -> HttpResponse:
    the_dancer = _found(selectors.dancer_get, pk=pk)
    try:
        records = selectors.dancer_injuries(dancer=the_dancer, user=request.user)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    form = InjuryForm(request.POST or None, initial={"occurred_on": _today()})
    if request.method == "POST" and form.is_valid():
        try:
            injury = services.injury_record(
                dancer=the_dancer, by=request.user, now=timezone.now(), **form.cleaned_data
            )
            messages.success(request, _("Injury recorded. Add the return-to-dance plan below."))
            return redirect("wellbeing:injury", pk=injury.pk)
        except DomainError as exc:
            show_error(form, exc)
    return render(
        request,
        "wellbeing/injuries.html",
        {"d": the_dancer, "records": records, "form": form, "section": "dancer"},
    )


def _injury_or_403(request: HttpRequest, pk: int) -> Any:
    try:
        return selectors.injury_get(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def injury(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = _injury_or_403(request, pk)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    initial = {
        name: getattr(record, name)
        for name in (
            "body_part",
            "side",
            "occurred_on",
            "mechanism",
            "activity",
            "diagnosis",
            "time_lost_days",
            "notes",
        )
    }
    form = InjuryForm(request.POST or None, initial=initial, prefix="injury")
    if request.method == "POST" and form.is_valid():
        try:
            services.injury_update(
                injury=record, by=request.user, now=timezone.now(), **form.cleaned_data
            )
            messages.success(request, _("Injury record saved."))
            return redirect("wellbeing:injury", pk=record.pk)
        except DomainError as exc:
            show_error(form, exc)
    stages = list(record.stages.all())
    next_day = max([s.starts_on for s in stages] + [record.occurred_on]) + dt.timedelta(days=7)
    stage_form = StageForm(
        initial={"starts_on": next_day, "mode": ReturnStage.Mode.LIMITED}, prefix="stage"
    )
    from callboard.wellbeing.planning import injury_data, periods

    plan = periods([injury_data(record)], record.occurred_on, max(next_day, _today()))
    return render(
        request,
        "wellbeing/injury.html",
        {
            "i": record,
            "d": record.dancer,
            "form": form,
            "stage_form": stage_form,
            "stages": stages,
            "plan": plan,
            "medical_staff": access.is_medical(request.user),
            "section": "dancer",
        },
    )


@login_required
@require_POST
def stage_add(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = _injury_or_403(request, pk)
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    form = StageForm(request.POST, prefix="stage")
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                label = form.fields[name].label if name in form.fields else ""
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect("wellbeing:injury", pk=record.pk)
    try:
        services.return_stage_add(
            injury=record, by=request.user, now=timezone.now(), **form.cleaned_data
        )
        messages.success(request, _("Stage added to the return-to-dance plan."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("wellbeing:injury", pk=record.pk)


@login_required
@require_POST
def stage_remove(request: HttpRequest, pk: int) -> HttpResponse:
    stage = ReturnStage.objects.select_related("injury__dancer").filter(pk=pk).first()
    if stage is None:
        raise Http404(_("No such stage."))
    try:
        services.return_stage_remove(stage=stage, by=request.user, now=timezone.now())
        messages.success(request, _("Stage removed."))
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    return redirect("wellbeing:injury", pk=stage.injury_id)


@login_required
@require_POST
def injury_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = _injury_or_403(request, pk)
        dancer_pk = record.dancer_id
        services.injury_delete(injury=record, by=request.user, now=timezone.now())
    except PermissionDenied as exc:
        return _forbidden(request, exc)
    messages.success(request, _("Injury record removed."))
    return redirect("wellbeing:injuries", pk=dancer_pk)
