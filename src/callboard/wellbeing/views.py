"""Pages of wellbeing: parse the request, call one service or selector, render.

Who sees what is decided in :mod:`callboard.wellbeing.access`; a page never invents its
own rule. Medical pages answer 403 to everyone but the dancer and the medical staff.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callboard.core.errors import DomainError, NotFound, PermissionDenied
from callboard.core.pages import forbidden, found, show_error
from callboard.core.zones import company_today
from callboard.wellbeing import access, selectors, services
from callboard.wellbeing.forms import (
    InjuryForm,
    StageForm,
    parse_day,
)
from callboard.wellbeing.models import ReturnStage
from callboard.wellbeing.planning import injury_data, periods

T = TypeVar("T")


# --------------------------------------------------------------------------- index


# --------------------------------------------------------------------------- workload


# --------------------------------------------------------------------------- planning


@login_required
def planning(request: HttpRequest) -> HttpResponse:
    today = company_today(timezone.now())
    start = parse_day(request.GET.get("from")) or today
    end = parse_day(request.GET.get("to")) or start + dt.timedelta(days=28)
    if end < start or (end - start).days > 366:
        messages.warning(request, _("Show at most a year, from an earlier to a later date."))
        end = start + dt.timedelta(days=28)
    try:
        access.require_company_workload(request.user)
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    entries = selectors.planning_view(start=start, end=end)
    return render(
        request,
        "wellbeing/planning.html",
        {"entries": entries, "start": start, "end": end, "section": "planning"},
    )


# --------------------------------------------------------------------------- medical


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    try:
        items = selectors.medical_caseload(user=request.user, today=company_today(timezone.now()))
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    return render(request, "wellbeing/caseload.html", {"items": items, "section": "caseload"})


@login_required
def injuries(request: HttpRequest, pk: int) -> HttpResponse:
    the_dancer = found(selectors.dancer_get, pk=pk)
    try:
        records = selectors.dancer_injuries(dancer=the_dancer, user=request.user)
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    form = InjuryForm(request.POST or None, initial={"occurred_on": company_today(timezone.now())})
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
        return forbidden(request, exc.message)
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
                injury=record, by=request.user, now=timezone.now(), changes=form.cleaned_data
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

    plan = periods(
        [injury_data(record)], record.occurred_on, max(next_day, company_today(timezone.now()))
    )
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
        return forbidden(request, exc.message)
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
        return forbidden(request, exc.message)
    return redirect("wellbeing:injury", pk=stage.injury_id)


@login_required
@require_POST
def injury_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        record = _injury_or_403(request, pk)
        dancer_pk = record.dancer_id
        services.injury_delete(injury=record, by=request.user, now=timezone.now())
    except PermissionDenied as exc:
        return forbidden(request, exc.message)
    messages.success(request, _("Injury record removed."))
    return redirect("wellbeing:injuries", pk=dancer_pk)
