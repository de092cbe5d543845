"""Pages of the company app: parse the request, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callboard.company import locale, selectors, services
from callboard.company.forms import (
    ContactForm,
    DancerForm,
    ImportForm,
    LabourProfileForm,
    PresetForm,
    RosterFilterForm,
    SiteForm,
    StaffForm,
    StudioForm,
    TrainingForm,
    TravelForm,
)
from callboard.company.models import Person
from callboard.company.services import personal_data
from callboard.company.services.importing import COLUMNS, MAX_BYTES
from callboard.core.actors import Actor
from callboard.core.errors import DomainError
from callboard.core.pages import forbidden, form_page, found
from callboard.core.roles import Cap, can, page_requires
from callboard.core.zones import company_today

# Service argument names that a form calls differently.
_FORM_FIELD = {"site_id": "site", "person_id": "person", "related_to_id": "related_to"}


def _form_page(
    request: HttpRequest,
    *,
    form_class: type[forms.Form],
    initial: dict[str, Any] | None,
    run: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str],
    title: str,
    submit: str,
    cancel: str,
    success: str,
    form_kwargs: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The company's form page (see :func:`callboard.core.pages.form_page`)."""
    return form_page(
        request,
        template="company/form.html",
        form_class=form_class,
        initial=initial,
        run=run,
        done=done,
        success=success,
        form_kwargs=form_kwargs,
        fields=_FORM_FIELD,
        context={"title": title, "submit": submit, "cancel": cancel, **(extra or {})},
    )


# --------------------------------------------------------------------------- roster and dancers


@page_requires(Cap.VIEW_COMPANY)
def roster(request: HttpRequest) -> HttpResponse:
    filters = RosterFilterForm(request.GET)
    filters.is_valid()  # a value that is not a rank or status is dropped and shown as an error
    wanted = filters.cleaned_data
    page = selectors.roster_page(
        rank=wanted.get("rank") or "",
        status=wanted.get("status") or "",
        q=wanted.get("q") or "",
        page=request.GET.get("page"),
        day=company_today(timezone.now()),
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": filters, "page": page, "query": query.urlencode()}
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "company/_roster_results.html" if partial else "company/roster.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@page_requires(Cap.VIEW_COMPANY)
def dancer(request: HttpRequest, pk: int) -> HttpResponse:
    profile = found(selectors.dancer_profile, pk=pk, user=request.user, now=timezone.now())
    return render(request, "company/dancer.html", {"profile": profile, "dancer": profile.dancer})


@page_requires(Cap.EDIT_PEOPLE)
def dancer_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        form_class=DancerForm,
        initial=None,
        run=lambda data: services.dancer_create(**data, now=timezone.now(), by=request.user),
        done=lambda d: reverse("company:dancer", args=[d.pk]),
        title=_("New dancer"),
        submit=_("Add to the roster"),
        cancel=reverse("company:roster"),
        success=_("The dancer is on the roster."),
    )


@page_requires(Cap.EDIT_PEOPLE)
def dancer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    current = found(selectors.dancer_get, pk=pk)
    return _form_page(
        request,
        form_class=DancerForm,
        initial=DancerForm.initial_for(current),
        run=lambda data: services.dancer_update(
            dancer=current, changes=data, now=timezone.now(), by=request.user
        ),
        done=lambda d: reverse("company:dancer", args=[d.pk]),
        title=_("Edit %(name)s") % {"name": current.person.full_name},
        submit=_("Save"),
        cancel=reverse("company:dancer", args=[pk]),
        success=_("Saved."),
    )


@page_requires(Cap.EDIT_PEOPLE)
def training_add(request: HttpRequest, pk: int) -> HttpResponse:
    current = found(selectors.dancer_get, pk=pk)
    return _form_page(
        request,
        form_class=TrainingForm,
        initial=None,
        run=lambda data: services.training_add(
            dancer=current, **data, now=timezone.now(), by=request.user
        ),
        done=lambda entry: reverse("company:dancer", args=[pk]) + "#training",
        title=_("Training of %(name)s") % {"name": current.person.full_name},
        submit=_("Add to training history"),
        cancel=reverse("company:dancer", args=[pk]),
        success=_("Training entry added."),
    )


@page_requires(Cap.EDIT_PEOPLE)
@require_POST
def training_remove(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    current = found(selectors.dancer_get, pk=pk)
    try:
        services.training_remove(
            dancer=current, entry_id=entry_id, now=timezone.now(), by=request.user
        )
        messages.success(request, _("Training entry removed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("company:dancer", args=[pk]) + "#training")


# --------------------------------------------------------------------------- staff and contacts


@page_requires(Cap.VIEW_COMPANY)
def staff(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "company/staff.html",
        {
            "groups": selectors.staff_by_kind(),
            "show_private": can(request.user, Cap.VIEW_PRIVATE),
        },
    )


def _staff_run(data: dict[str, Any], by: Actor) -> Any:
    data = dict(data)
    person = data.pop("person", None)
    return services.staff_create(
        person_id=person.pk if person else None, **data, now=timezone.now(), by=by
    )


@page_requires(Cap.EDIT_PEOPLE)
def staff_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        form_class=StaffForm,
        initial=None,
        form_kwargs={"people": selectors.people_choices()},
        run=lambda data: _staff_run(data, request.user),
        done=lambda s: reverse("company:staff") + f"#staff-{s.pk}",
        title=_("New staff role"),
        submit=_("Add to the staff"),
        cancel=reverse("company:staff"),
        success=_("Added to the staff."),
    )


@page_requires(Cap.EDIT_PEOPLE)
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    current = found(selectors.staff_get, pk=pk)
    return _form_page(
        request,
        form_class=StaffForm,
        initial=StaffForm.initial_for(current),
        form_kwargs={"editing": True},
        run=lambda data: services.staff_update(
            staff=current, changes=data, now=timezone.now(), by=request.user
        ),
        done=lambda s: reverse("company:staff") + f"#staff-{s.pk}",
        title=_("Edit %(staff)s") % {"staff": current},
        submit=_("Save"),
        cancel=reverse("company:staff"),
        success=_("Saved."),
        extra={"remove_url": reverse("company:staff_remove", args=[pk])},
    )


@page_requires(Cap.EDIT_PEOPLE)
@require_POST
def staff_remove(request: HttpRequest, pk: int) -> HttpResponse:
    current = found(selectors.staff_get, pk=pk)
    try:
        services.staff_remove(staff=current, now=timezone.now(), by=request.user)
        messages.success(request, _("%(staff)s removed from the staff.") % {"staff": current})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("company:staff")


@page_requires(Cap.VIEW_COMPANY)
def contacts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "company/contacts.html",
        {"contacts": selectors.contact_list(), "show_private": can(request.user, Cap.VIEW_PRIVATE)},
    )


def _contact_data(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    related = data.pop("related_to", None)
    data["related_to_id"] = related.pk if related else None
    return data


@page_requires(Cap.EDIT_PEOPLE)
def contact_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        form_class=ContactForm,
        initial=None,
        form_kwargs={"people": selectors.people_choices()},
        run=lambda data: services.person_create(
            **_contact_data(data), now=timezone.now(), by=request.user
        ),
        done=lambda p: reverse("company:contacts") + f"#person-{p.pk}",
        title=_("New contact"),
        submit=_("Add contact"),
        cancel=reverse("company:contacts"),
        success=_("Contact added."),
    )


@page_requires(Cap.EDIT_PEOPLE)
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    current = found(selectors.contact_get, pk=pk)
    return _form_page(
        request,
        form_class=ContactForm,
        initial=ContactForm.initial_for(current),
        form_kwargs={"people": selectors.people_choices()},
        run=lambda data: services.person_update(
            person=current, changes=_contact_data(data), now=timezone.now(), by=request.user
        ),
        done=lambda p: reverse("company:contacts") + f"#person-{p.pk}",
        title=_("Edit %(name)s") % {"name": current.full_name},
        submit=_("Save"),
        cancel=reverse("company:contacts"),
        success=_("Saved."),
    )


# --------------------------------------------------------------------------- studios and sites


@page_requires(Cap.VIEW_COMPANY)
def studios(request: HttpRequest) -> HttpResponse:
    overview = selectors.studios_overview()
    context: dict[str, Any] = {"overview": overview}
    if can(request.user, Cap.EDIT_STUDIOS) and len(overview.sites) > 1:
        context["travel_form"] = TravelForm()
    return render(request, "company/studios.html", context)


def _studio_data(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    site = data.pop("site", None)
    data["site_id"] = site.pk if site else None
    return data


@page_requires(Cap.EDIT_STUDIOS)
def studio_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        form_class=StudioForm,
        initial={"has_piano": True, "active": True},
        run=lambda data: services.studio_create(
            **_studio_data(data), now=timezone.now(), by=request.user
        ),
        done=lambda s: reverse("company:studios") + f"#studio-{s.pk}",
        title=_("New studio"),
        submit=_("Add studio"),
        cancel=reverse("company:studios"),
        success=_("Studio added."),
    )


@page_requires(Cap.EDIT_STUDIOS)
def studio_edit(request: HttpRequest, pk: int) -> HttpResponse:
    current = found(selectors.studio_get, pk=pk)
    return _form_page(
        request,
        form_class=StudioForm,
        initial=StudioForm.initial_for(current),
        run=lambda data: services.studio_update(
            studio=current, changes=_studio_data(data), now=timezone.now(), by=request.user
        ),
        done=lambda s: reverse("company:studios") + f"#studio-{s.pk}",
        title=_("Edit %(studio)s") % {"studio": current.name},
        submit=_("Save"),
        cancel=reverse("company:studios"),
        success=_("Saved."),
    )


@page_requires(Cap.EDIT_STUDIOS)
def site_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        form_class=SiteForm,
        initial=None,
        run=lambda data: services.site_create(**data, now=timezone.now(), by=request.user),
        done=lambda s: reverse("company:studios") + f"#site-{s.pk}",
        title=_("New site"),
        submit=_("Add site"),
        cancel=reverse("company:studios"),
        success=_("Site added."),
    )


@page_requires(Cap.EDIT_STUDIOS)
def site_edit(request: HttpRequest, pk: int) -> HttpResponse:
    current = found(selectors.site_get, pk=pk)
    return _form_page(
        request,
        form_class=SiteForm,
        initial={"name": current.name, "address": current.address},
        run=lambda data: services.site_update(
            site=current, changes=data, now=timezone.now(), by=request.user
        ),
        done=lambda s: reverse("company:studios") + f"#site-{s.pk}",
        title=_("Edit %(site)s") % {"site": current.name},
        submit=_("Save"),
        cancel=reverse("company:studios"),
        success=_("Saved."),
    )


@page_requires(Cap.EDIT_STUDIOS)
@require_POST
def site_travel(request: HttpRequest) -> HttpResponse:
    form = TravelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose two sites and give the minutes between them."))
        return redirect(reverse("company:studios") + "#travel")
    try:
        services.site_travel_set(
            origin_id=form.cleaned_data["origin"].pk,
            destination_id=form.cleaned_data["destination"].pk,
            minutes=form.cleaned_data["minutes"],
            now=timezone.now(),
            by=request.user,
        )
        messages.success(request, _("Travel time saved."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(reverse("company:studios") + "#travel")


# --------------------------------------------------------------------------- labour


@page_requires(Cap.VIEW_COMPANY)
def labour(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "company/labour.html",
        {"overview": selectors.labour_overview(), "preset_form": PresetForm()},
    )


@page_requires(Cap.EDIT_LABOUR)
def labour_new(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        form_class=LabourProfileForm,
        initial={
            "free_days_per_week": 1,
            "class_counts_as_work": True,
            "performance_counts_as_work": True,
        },
        run=lambda data: services.labour_profile_create(
            data=data, now=timezone.now(), by=request.user
        ),
        done=lambda p: reverse("company:labour") + f"#profile-{p.pk}",
        title=_("New labour agreement"),
        submit=_("Save agreement"),
        cancel=reverse("company:labour"),
        success=_("Agreement saved. Put it in force when it applies."),
    )


@page_requires(Cap.EDIT_LABOUR)
def labour_edit(request: HttpRequest, pk: int) -> HttpResponse:
    current = found(selectors.labour_profile_get, pk=pk)
    return _form_page(
        request,
        form_class=LabourProfileForm,
        initial=LabourProfileForm.initial_for(current),
        run=lambda data: services.labour_profile_update(
            profile=current, changes=data, now=timezone.now(), by=request.user
        ),
        done=lambda p: reverse("company:labour") + f"#profile-{p.pk}",
        title=_("Edit %(name)s") % {"name": current.name},
        submit=_("Save agreement"),
        cancel=reverse("company:labour"),
        success=_("Saved."),
    )


@page_requires(Cap.EDIT_LABOUR)
@require_POST
def labour_from_preset(request: HttpRequest) -> HttpResponse:
    form = PresetForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the presets."))
        return redirect("company:labour")
    try:
        profile = services.labour_profile_from_preset(
            key=form.cleaned_data["key"], now=timezone.now(), by=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("company:labour")
    messages.success(
        request, _("“%(name)s” created. Adjust it, then put it in force.") % {"name": profile.name}
    )
    return redirect(reverse("company:labour_edit", args=[profile.pk]))


@page_requires(Cap.EDIT_LABOUR)
@require_POST
def labour_activate(request: HttpRequest, pk: int) -> HttpResponse:
    current = found(selectors.labour_profile_get, pk=pk)
    try:
        services.labour_profile_activate(profile=current, now=timezone.now(), by=request.user)
        messages.success(request, _("“%(name)s” is now in force.") % {"name": current.name})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("company:labour")


# --------------------------------------------------------------------------- roster import


@page_requires(Cap.EDIT_PEOPLE)
def roster_import(request: HttpRequest) -> HttpResponse:
    report = None
    carry = ""  # the previewed file, carried to the "import now" button
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            data: bytes | str = (
                upload.read(MAX_BYTES + 1) if upload else form.cleaned_data["content"]
            )
            if not data:
                form.add_error("file", _("Choose the roster file to import."))
            else:
                try:
                    report = services.roster_import(
                        data=data,
                        dry_run=form.cleaned_data["dry_run"],
                        now=timezone.now(),
                        by=request.user,
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                if report is not None and report.committed:
                    form = ImportForm()  # the report shows what was saved; start afresh
                elif report is not None and report.ok:
                    carry = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    else:
        form = ImportForm()
    return render(
        request,
        "company/import.html",
        {"form": form, "report": report, "carry": carry, "columns": COLUMNS},
        status=422 if report is not None and not report.ok else 200,
    )


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Choose the language to read Callboard in (anyone, signed in or not)."""
    chosen = locale.person_language_set(
        user=request.user, language=request.POST.get("language", "")
    )
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("home")
    response = redirect(target)
    locale.set_language_cookie(response, chosen)
    return response


# --------------------------------------------------------------------------- data on request


def _person_data_target(request: HttpRequest, pk: int) -> Person | HttpResponse:
    """The person whose data the page is about, or the answer for someone who may not ask."""
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    person = found(selectors.person_get, pk=pk)
    if not personal_data.may_export(person, request.user):
        return forbidden(
            request, _("Only management may see someone's data; you may see your own.")
        )
    return person


def person_data(request: HttpRequest, pk: int) -> HttpResponse:
    """``/people/persons/<id>/data/``: a person's data on request: download it as JSON
    (management, and the person themself); erase it (management)."""
    target = _person_data_target(request, pk)
    if isinstance(target, HttpResponse):
        return target
    return render(
        request,
        "company/person_data.html",
        {
            "person": target,
            "erased": personal_data.is_erased(target),
            "may_erase": can(request.user, Cap.EDIT_PEOPLE)
            and not personal_data.is_own(target, request.user),
            "own": personal_data.is_own(target, request.user),
        },
    )


@require_POST
def person_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The JSON file of everything Callboard holds about the person that the reader may see."""
    target = _person_data_target(request, pk)
    if isinstance(target, HttpResponse):
        return target
    try:
        data = services.person_data_export(person=target, by=request.user, now=timezone.now())
    except DomainError as exc:
        return forbidden(request, exc.message)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="callboard-person-{target.pk}.json"'
    return response


@require_POST
@page_requires(Cap.EDIT_PEOPLE)
def person_erase(request: HttpRequest, pk: int) -> HttpResponse:
    person = found(selectors.person_get, pk=pk)
    back = reverse("company:person_data", args=[person.pk])
    if request.POST.get("confirm") != "erase":
        messages.error(
            request,
            _(
                "Nothing was erased: tick the box to confirm the person asked for their data "
                "to be erased."
            ),
        )
        return redirect(back)
    try:
        services.person_erase(person=person, by=request.user, now=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Erased. The records the company must keep stay, without the person's name or "
                "contact details; they can no longer sign in."
            ),
        )
    return redirect(back)
