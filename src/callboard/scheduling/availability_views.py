"""Availability pages: the ballet master opens a period and answers each conflict; everyone
gives their own conflicts on "My availability"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from callboard.core.errors import DomainError
from callboard.core.pages import show_error
from callboard.core.roles import Cap, page_requires
from callboard.scheduling import selectors, services, views
from callboard.scheduling.forms import AvailabilityPeriodForm, ConflictForm, DecideForm
from callboard.scheduling.models import AvailabilityConflict, AvailabilityPeriod


@page_requires(Cap.PLAN_SCHEDULE)
@views.in_company_zone
def index(request: HttpRequest) -> HttpResponse:
    """The availability periods, and a form to open one."""
    form: forms.Form = AvailabilityPeriodForm()
    status = 200
    if request.method == "POST":
        form = AvailabilityPeriodForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                period = services.availability_period_open(
                    first_day=d["first_day"],
                    last_day=d["last_day"],
                    deadline=views._aware(d["deadline"]),
                    note=d["note"],
                    by=request.user,
                    now=views._now(),
                )
            except DomainError as exc:
                show_error(form, exc)
            else:
                messages.success(request, _("Everyone can now give their conflicts."))
                return redirect("scheduling:availability_period", pk=period.pk)
        status = 422
    context = {"periods": selectors.availability_periods(), "form": form}
    return render(request, "scheduling/availability.html", context, status=status)


@page_requires(Cap.PLAN_SCHEDULE)
@views.in_company_zone
def period(request: HttpRequest, pk: int) -> HttpResponse:
    """One period: every conflict to approve or decline, who answered and who has not."""
    item = views._get(AvailabilityPeriod, pk)
    overview = selectors.availability_overview(item)
    return render(
        request,
        "scheduling/availability_period.html",
        {"overview": overview, "period": item, "open": views._now() <= item.deadline},
    )


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = views._get(AvailabilityConflict, pk)
    form = DecideForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        services.conflict_decide(
            conflict=conflict,
            approve=bool(data.get("approve")),
            note=data.get("note") or "",
            by=request.user,
            now=views._now(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        said = (
            _("Approved: %(name)s will not be called then.")
            if data.get("approve")
            else _("Declined: %(name)s may be called then.")
        )
        messages.success(request, said % {"name": conflict.person.full_name})
    return redirect(
        reverse("scheduling:availability_period", args=[conflict.period_id])
        + f"#conflict-{conflict.pk}"
    )


@page_requires(Cap.PLAN_SCHEDULE)
@require_POST
def remind(request: HttpRequest, pk: int) -> HttpResponse:
    item = views._get(AvailabilityPeriod, pk)
    try:
        sent = services.availability_remind(period=item, by=request.user, now=views._now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(n)s reminder sent to those who have not answered.",
                "%(n)s reminders sent to those who have not answered.",
                sent,
            )
            % {"n": sent},
        )
    return redirect("scheduling:availability_period", pk=item.pk)


@login_required
@views.in_company_zone
def mine(request: HttpRequest) -> HttpResponse:
    """My availability: the periods asked about, my conflicts, and a form for each open one."""
    person = views._person(request)
    if person is None:
        messages.error(request, _("Your sign-in is not linked to a person of the company."))
        return redirect("scheduling:me")
    now = views._now()
    forms_by_period: dict[int, Any] = {}
    status = 200
    if request.method == "POST":
        raw = request.POST.get("period") or ""
        item = AvailabilityPeriod.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        if item is None:
            messages.error(request, _("Choose the period your conflict falls in."))
            return redirect("scheduling:availability_mine")
        form = ConflictForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.conflict_submit(
                    period=item,
                    person=person,
                    starts_at=views._aware(d["starts_at"]),
                    ends_at=views._aware(d["ends_at"]),
                    kind=d["kind"],
                    reason=d["reason"],
                    by=request.user,
                    now=now,
                )
            except DomainError as exc:
                show_error(form, exc)
            else:
                messages.success(request, _("Sent to the ballet master."))
                return redirect(reverse("scheduling:availability_mine") + f"#period-{item.pk}")
        forms_by_period[item.pk] = form
        status = 422
    periods = selectors.my_availability(person, now)
    for p in periods:
        p.form = forms_by_period.get(p.period.pk) or ConflictForm(  # type: ignore[attr-defined]
            initial={
                "starts_at": views._at(p.period.first_day, dt.time(9)),
                "ends_at": views._at(p.period.first_day, dt.time(12)),
            }
        )
    return render(
        request,
        "scheduling/availability_mine.html",
        {"periods": periods, "person": person},
        status=status,
    )


@login_required
@require_POST
def nothing(request: HttpRequest, pk: int) -> HttpResponse:
    item = views._get(AvailabilityPeriod, pk)
    person = views._person(request)
    if person is None:
        messages.error(request, _("Your sign-in is not linked to a person of the company."))
        return redirect("scheduling:me")
    try:
        services.availability_nothing_to_declare(
            period=item, person=person, by=request.user, now=views._now()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Thank you: the ballet master knows you can come."))
    return redirect(reverse("scheduling:availability_mine") + f"#period-{item.pk}")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back one of my conflicts (until the deadline)."""
    conflict = views._get(AvailabilityConflict, pk)
    try:
        services.conflict_withdraw(conflict=conflict, by=request.user, now=views._now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Taken back: the ballet master no longer sees it."))
    return redirect(reverse("scheduling:availability_mine") + f"#period-{conflict.period_id}")
