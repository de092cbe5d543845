"""Pages of the repertoire app: parse the request, call one service or selector, render.

Every page works without JavaScript; on the commissions board htmx advances a card in
place (the same POST, answered with the board fragment instead of a redirect).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callboard.core import zones
from callboard.core.errors import DomainError, NotFound
from callboard.core.pages import show_error
from callboard.core.roles import Cap, page_requires
from callboard.repertoire import forms, selectors, services
from callboard.repertoire.models import Commission
from callboard.repertoire.selectors import WORK_PAGE


def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return render(request, "repertoire/not_found.html", {"message": exc.message}, status=404)


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --------------------------------------------------------------------------- works


@page_requires(Cap.VIEW_COMPANY)
def works(request: HttpRequest) -> HttpResponse:
    form = forms.WorkFilterForm(request.GET or None)
    status = q = None
    if form.is_valid():
        status = form.cleaned_data["status"] or None
        q = form.cleaned_data["q"] or None
    work_list = list(selectors.work_list(status=status, q=q))
    return render(
        request,
        "repertoire/works.html",
        {"form": form, "works": work_list, "filtered": bool(status or q)},
    )


@page_requires(Cap.VIEW_COMPANY)
def work(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        context = selectors.work_page(pk=pk, now=timezone.now())
    except NotFound as exc:
        return _not_found(request, exc)
    return render(request, "repertoire/work.html", context)


@page_requires(Cap.EDIT_REPERTOIRE)
def work_create(request: HttpRequest) -> HttpResponse:
    form = forms.WorkForm(request.POST or None, initial={"status": "in_repertoire"})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.work_create(**form.cleaned_data, by=request.user, now=timezone.now())
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("“%(title)s” added to the repertoire.") % {"title": new})
            return redirect("repertoire:work", pk=new.pk)
    return render(request, "repertoire/work_form.html", {"form": form, "work": None})


@page_requires(Cap.EDIT_REPERTOIRE)
def work_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        current = selectors.work_detail(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    commission = getattr(current, "commission", None)
    locked = commission is not None and commission.status in services.OPEN_COMMISSION
    initial = {name: getattr(current, name) for name in services.WORK_FIELDS}
    form = forms.WorkForm(request.POST or None, initial=initial, locked_status=locked)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if form.fields[k].disabled is False}
        try:
            services.work_update(work=current, changes=changes, by=request.user, now=timezone.now())
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Changes to “%(title)s” saved.") % {"title": current})
            return redirect("repertoire:work", pk=current.pk)
    return render(request, "repertoire/work_form.html", {"form": form, "work": current})


# --------------------------------------------------------------------------- sections


@page_requires(Cap.EDIT_REPERTOIRE)
def section_create(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        parent_work = selectors.work_get(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    form = forms.SectionForm(request.POST or None, work=parent_work)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_create(
                work=parent_work, **form.cleaned_data, by=request.user, now=timezone.now()
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Section added."))
            return redirect(reverse("repertoire:work", args=[parent_work.pk]) + "#sections")
    return render(
        request,
        "repertoire/section_form.html",
        {"form": form, "work": parent_work, "section": None},
    )


@page_requires(Cap.EDIT_REPERTOIRE)
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        section = selectors.section_get(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    initial = {
        name: getattr(section, name) for name in ("name", "kind", "parent", "duration_minutes")
    }
    form = forms.SectionForm(
        request.POST or None, initial=initial, work=section.work, section=section
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(
                section=section, changes=form.cleaned_data, by=request.user, now=timezone.now()
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Section saved."))
            return redirect(reverse("repertoire:work", args=[section.work_id]) + "#sections")
    return render(
        request,
        "repertoire/section_form.html",
        {"form": form, "work": section.work, "section": section},
    )


@require_POST
@page_requires(Cap.EDIT_REPERTOIRE)
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        section = selectors.section_get(pk=pk)
        services.section_move(
            section=section,
            direction=request.POST.get("direction", ""),
            by=request.user,
            now=timezone.now(),
        )
    except NotFound as exc:
        return _not_found(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("repertoire:work", args=[section.work_id]) + "#sections")


@require_POST
@page_requires(Cap.EDIT_REPERTOIRE)
def section_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        section = selectors.section_get(pk=pk)
        services.section_delete(section=section, by=request.user, now=timezone.now())
    except NotFound as exc:
        return _not_found(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%(name)s” removed.") % {"name": section.name})
    return redirect(reverse("repertoire:work", args=[section.work_id]) + "#sections")


# --------------------------------------------------------------------------- roles


@page_requires(Cap.EDIT_REPERTOIRE)
def role_create(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        parent_work = selectors.work_get(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    form = forms.RoleForm(request.POST or None, work=parent_work)
    if request.method == "POST" and form.is_valid():
        try:
            role = services.role_create(
                work=parent_work, **form.cleaned_data, by=request.user, now=timezone.now()
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Role “%(name)s” added.") % {"name": role.name})
            return redirect(reverse("repertoire:work", args=[parent_work.pk]) + "#roles")
    return render(
        request, "repertoire/role_form.html", {"form": form, "work": parent_work, "role": None}
    )


@page_requires(Cap.EDIT_REPERTOIRE)
def role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a role, and record who has learned it or is learning it."""
    try:
        role = selectors.role_detail(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    initial: dict[str, Any] = {
        name: getattr(role, name)
        for name in ("name", "dancers_needed", "principal", "announceable", "description")
    }
    initial["sections"] = list(role.sections.all())
    form = forms.RoleForm(request.POST or None, initial=initial, work=role.work)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_update(
                role=role, changes=form.cleaned_data, by=request.user, now=timezone.now()
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Role “%(name)s” saved.") % {"name": role.name})
            return redirect(reverse("repertoire:work", args=[role.work_id]) + "#roles")
    return render(
        request,
        "repertoire/role_form.html",
        {
            "form": form,
            "work": role.work,
            "role": role,
            "dancer_form": forms.DancerRoleForm(initial={"status": "learning"}),
        },
    )


@require_POST
@page_requires(Cap.EDIT_REPERTOIRE)
def role_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        role = selectors.role_get(pk=pk)
        services.role_delete(role=role, by=request.user, now=timezone.now())
    except NotFound as exc:
        return _not_found(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("repertoire:role_edit", pk=role.pk)
    messages.success(request, _("Role “%(name)s” removed.") % {"name": role.name})
    return redirect(reverse("repertoire:work", args=[role.work_id]) + "#roles")


@require_POST
@page_requires(Cap.EDIT_REPERTOIRE)
def dancer_role_set(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        role = selectors.role_get(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    form = forms.DancerRoleForm(request.POST)
    if form.is_valid():
        try:
            services.dancer_role_set(
                role=role, **form.cleaned_data, by=request.user, now=timezone.now()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(dancer)s: %(role)s recorded.")
                % {"dancer": form.cleaned_data["dancer"], "role": role.name},
            )
    else:
        messages.error(
            request,
            _("Choose a dancer and whether the role is learned or being learned: %(problems)s")
            % {"problems": " ".join(str(e) for errs in form.errors.values() for e in errs)},
        )
    return redirect(reverse("repertoire:role_edit", args=[role.pk]) + "#dancers")


@require_POST
@page_requires(Cap.EDIT_REPERTOIRE)
def dancer_role_remove(request: HttpRequest, pk: int, dancer_pk: int) -> HttpResponse:
    try:
        role = selectors.role_get(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    try:
        dancer = selectors.dancer_get(pk=dancer_pk)
        services.dancer_role_remove(dancer=dancer, role=role, by=request.user, now=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(dancer)s removed from %(role)s.") % {"dancer": dancer, "role": role.name}
        )
    return redirect(reverse("repertoire:role_edit", args=[role.pk]) + "#dancers")


# --------------------------------------------------------------------------- commissions


@page_requires(Cap.VIEW_COMPANY)
def commissions(request: HttpRequest) -> HttpResponse:
    return render(request, "repertoire/commissions.html", selectors.commission_board())


@page_requires(Cap.VIEW_COMPANY)
def commission(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        current = selectors.commission_detail(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    now = timezone.now()
    # The performances of the work (the season app's part of the work page): the premiere
    # is one of those already danced.
    danced = WORK_PAGE.gather(work=current.work, now=now).get("past", [])
    zone = zones.company_zone()
    return render(
        request,
        "repertoire/commission.html",
        {
            "commission": current,
            "milestone_form": forms.MilestoneForm(),
            "premiere_choices": [
                (p.starts_at.astimezone(zone).date().isoformat(), p) for p in danced
            ],
        },
    )


@page_requires(Cap.EDIT_COMMISSIONS)
def commission_create(request: HttpRequest) -> HttpResponse:
    form = forms.CommissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.commission_create(
                now=timezone.now(), **form.cleaned_data, by=request.user
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(
                request, _("Commission of “%(title)s” recorded.") % {"title": new.work}
            )
            return redirect("repertoire:commission", pk=new.pk)
    return render(request, "repertoire/commission_form.html", {"form": form, "commission": None})


@page_requires(Cap.EDIT_COMMISSIONS)
def commission_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        current = selectors.commission_detail(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    initial = {name: getattr(current, name) for name in services.COMMISSION_FIELDS}
    form = forms.CommissionEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.commission_update(
                commission=current, changes=form.cleaned_data, by=request.user, now=timezone.now()
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Commission saved."))
            return redirect("repertoire:commission", pk=current.pk)
    return render(request, "repertoire/commission_form.html", {"form": form, "commission": current})


@require_POST
@page_requires(Cap.EDIT_COMMISSIONS)
def commission_advance(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a commission to the next column. htmx gets the board back; a plain POST a redirect."""
    notice: dict[str, str] = {}
    try:
        current = selectors.commission_get(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    form = forms.AdvanceForm(request.POST)
    if not form.is_valid():
        notice = {"level": "error", "text": _("Choose where to move the commission.")}
    else:
        target = form.cleaned_data["to_status"]
        try:
            services.commission_advance(
                commission=current,
                to_status=target,
                by=request.user,
                now=timezone.now(),
                premiere_date=form.cleaned_data.get("premiere_date"),
            )
        except DomainError as exc:
            notice = {"level": "error", "text": exc.message}
        else:
            label = dict(Commission.Status.choices)[target]
            notice = {
                "level": "success",
                "text": _("“%(title)s” is now %(status)s.")
                % {"title": current.work.title, "status": str(label).lower()},
            }
    if _htmx(request):
        return render(
            request, "repertoire/_board.html", {**selectors.commission_board(), "notice": notice}
        )
    getattr(messages, notice["level"])(request, notice["text"])
    if request.POST.get("back") == "commission":
        return redirect("repertoire:commission", pk=current.pk)
    return redirect("repertoire:commissions")


@require_POST
@page_requires(Cap.EDIT_COMMISSIONS)
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        current = selectors.commission_get(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    form = forms.MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_create(
                commission=current, **form.cleaned_data, by=request.user, now=timezone.now()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Milestone added."))
    else:
        messages.error(request, _("Give the milestone a title and, if you like, a due date."))
    return redirect(reverse("repertoire:commission", args=[current.pk]) + "#milestones")


@require_POST
@page_requires(Cap.EDIT_COMMISSIONS)
def milestone_complete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        milestone = selectors.milestone_get(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    form = forms.MilestoneDoneForm(request.POST)
    if form.is_valid():
        try:
            if request.POST.get("reopen"):
                services.milestone_reopen(milestone=milestone, by=request.user, now=timezone.now())
            else:
                services.milestone_complete(
                    milestone=milestone,
                    now=timezone.now(),
                    done_on=form.cleaned_data["done_on"],
                    by=request.user,
                )
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("Give the date the milestone was reached."))
    return redirect(
        reverse("repertoire:commission", args=[milestone.commission_id]) + "#milestones"
    )


@require_POST
@page_requires(Cap.EDIT_COMMISSIONS)
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        milestone = selectors.milestone_get(pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    services.milestone_delete(milestone=milestone, by=request.user, now=timezone.now())
    messages.success(request, _("Milestone “%(title)s” removed.") % {"title": milestone.title})
    return redirect(
        reverse("repertoire:commission", args=[milestone.commission_id]) + "#milestones"
    )
