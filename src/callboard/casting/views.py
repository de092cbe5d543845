"""Pages of the casting app: parse the request, call one service or selector, render.

The board works without JavaScript (every cell is a form that posts and comes back to
the board) and better with htmx: a cell posts in place and re-renders itself, and typing
a name lists the dancers with what the rules say about each.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from callboard.casting import forms, selectors, services
from callboard.casting.models import (
    CastingProposal,
    Notification,
    RehearsalNeed,
    parse_layer,
)
from callboard.core.csvfiles import csv_response
from callboard.core.errors import DomainError, NotFound
from callboard.core.pages import show_error
from callboard.core.roles import Cap, can, page_requires
from callboard.repertoire.models import Work


def _htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return TemplateResponse(request, "core/forbidden.html", {"message": message}, status=404)


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _work_or_none(pk: Any) -> Work | None:
    if not pk:
        return None
    return Work.objects.filter(pk=pk).first() if str(pk).isdigit() else None


# --------------------------------------------------------------------------- index, board


@page_requires(Cap.VIEW_COMPANY)
def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    context: dict[str, Any] = {"can_view_drafts": can(request.user, Cap.VIEW_CASTING)}
    context["productions"] = selectors.casting_index(now=now)
    person = getattr(request.user, "person", None)
    context["my_dancer"] = getattr(person, "dancer", None) if person else None
    return render(request, "casting/index.html", context)


@page_requires(Cap.VIEW_CASTING)
def board(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        programme = selectors.get_programme(pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    layer = request.GET.get("layer", "first")
    if parse_layer(layer) is None:
        layer = "first"
    work = _work_or_none(request.GET.get("work"))
    data = selectors.casting_board(
        programme=programme,
        work=work,
        layer=layer,
        include_past=request.GET.get("past") == "1",
        now=timezone.now(),
        user=request.user,
    )
    return render(
        request,
        "casting/board.html",
        {
            "board": data,
            "can_edit": can(request.user, Cap.EDIT_CASTING),
            "can_approve": can(request.user, Cap.APPROVE_CASTING),
            "tiers": [
                (1, _("Principal roles")),
                (2, _("Announceable roles")),
                (3, _("Full casting")),
            ],
            "show_past": request.GET.get("past") == "1",
        },
    )


def _cell_response(
    request: HttpRequest,
    *,
    cell: selectors.Cell,
    error: DomainError | None = None,
    typed: str = "",
    focus: bool = True,
) -> HttpResponse:
    return render(
        request,
        "casting/_cell.html",
        {"cell": cell, "error": error, "focus": focus, "typed": typed if error else ""},
    )


@page_requires(Cap.VIEW_CASTING)
@require_POST
def cell(request: HttpRequest) -> HttpResponse:
    """Fill, replace or clear one cell of the board."""
    form = forms.CellForm(request.POST)
    if not form.is_valid():
        message = _("That cell could not be read; reload the board and try again.")
        if _htmx(request):
            return HttpResponse(message, status=422)
        messages.error(request, message)
        return _back(request, reverse("casting:index"))
    data = form.cleaned_data
    kind, rank = parse_layer(data.get("layer") or "first") or ("first", 1)
    slot = data.get("slot") or 0
    now = timezone.now()
    try:
        performance = selectors.get_performance(data["performance"])
        role = selectors.get_role(data["role"])
    except NotFound as exc:
        if _htmx(request):
            return HttpResponse(exc.message, status=404)
        messages.error(request, exc.message)
        return _back(request, reverse("casting:index"))
    board_url = (
        reverse("casting:board", args=[performance.programme_id])
        + f"?layer={data.get('layer') or 'first'}"
    )
    error: DomainError | None = None
    result = None
    typed = data.get("q") or ""
    try:
        if data.get("action") == "clear":
            result = services.cast_remove(
                performance=performance,
                role=role,
                slot=slot,
                kind=kind,
                rank=rank,
                by=request.user,
                now=now,
                reason=data.get("reason") or "",
            )
        else:
            dancer = (
                selectors.get_dancer(data["dancer"])
                if data.get("dancer")
                else selectors.dancer_by_name(data.get("q") or "")
            )
            typed = str(dancer.person)
            result = services.cast_assign(
                performance=performance,
                role=role,
                dancer=dancer,
                slot=slot,
                kind=kind,
                rank=rank,
                by=request.user,
                now=now,
                reason=data.get("reason") or "",
                replacing=data.get("replacing"),
            )
    except DomainError as exc:
        error = exc
    if not _htmx(request):
        if error is not None:
            messages.error(request, error.message)
        elif result is not None:
            if result.assignment is not None:
                messages.success(
                    request,
                    _("%(name)s cast as %(role)s.")
                    % {"name": result.assignment.dancer.person, "role": role.name},
                )
            else:
                messages.success(request, _("Slot cleared."))
            for finding in result.warnings:
                messages.warning(request, finding.message)
        return _back(request, board_url)
    try:
        shown = selectors.board_cell(
            performance=performance,
            role=role,
            slot=slot,
            kind=kind,
            rank=rank,
            now=now,
            user=request.user,
        )
    except DomainError as exc:  # pragma: no cover - the look-ups above already succeeded
        return HttpResponse(exc.message, status=exc.status_code)
    return _cell_response(request, cell=shown, error=error, typed=typed)


@page_requires(Cap.VIEW_CASTING)
def candidates(request: HttpRequest) -> HttpResponse:
    """The autocomplete list of a cell: matching dancers and what the rules say of each."""
    try:
        performance = selectors.get_performance(request.GET.get("performance"))
        role = selectors.get_role(request.GET.get("role"))
    except NotFound as exc:
        return HttpResponse(exc.message, status=404)
    kind, rank = parse_layer(request.GET.get("layer") or "first") or ("first", 1)
    try:
        slot = max(0, int(request.GET.get("slot") or 0))
    except ValueError:
        slot = 0
    query = (request.GET.get("q") or "")[:200]
    found = selectors.cast_candidates(
        performance=performance, role=role, kind=kind, slot=slot, rank=rank, query=query
    )
    return render(
        request,
        "casting/_candidates.html",
        {"candidates": found, "query": query, "role": role, "performance": performance},
    )


@page_requires(Cap.EDIT_CASTING)
@require_POST
def copy(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        programme = selectors.get_programme(pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    performances = selectors.production_performances(programme)
    form = forms.CopyForm(request.POST, performances=performances)
    back = reverse("casting:board", args=[programme.pk])
    if not form.is_valid():
        messages.error(
            request, _("Choose the performance to copy from and at least one to copy to.")
        )
        return _back(request, back)
    data = form.cleaned_data
    by_pk = {p.pk: p for p in performances}
    source = by_pk.get(data["source"])
    if source is None:
        messages.error(request, _("The performance to copy from is not in this production."))
        return _back(request, back)
    try:
        result = services.cast_copy(
            source=source,
            targets=[by_pk[i] for i in data["targets"]],
            work=_work_or_none(data.get("work")),
            layers=data.get("layers") or None,
            overwrite=data.get("overwrite", False),
            by=request.user,
            now=timezone.now(),
            reason=data.get("reason") or "",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, back)
    messages.success(
        request,
        _("Copied %(n)s place(s); %(same)s were already the same.")
        % {"n": result.copied, "same": result.unchanged},
    )
    for line in result.skipped[:20]:
        messages.warning(request, line)
    for line in result.warnings[:20]:
        messages.warning(request, line)
    return _back(request, back)


@page_requires(Cap.APPROVE_CASTING)
@require_POST
def announce(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        programme = selectors.get_programme(pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    back = reverse("casting:board", args=[programme.pk])
    form = forms.AnnounceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to announce."))
        return _back(request, back)
    data = form.cleaned_data
    now = timezone.now()
    try:
        if data.get("due"):
            results = services.casting_announce_due(
                programme=programme, tier=data["tier"], by=request.user, now=now
            )
        else:
            performance = selectors.get_performance(data.get("performance"))
            if performance.programme_id != programme.pk:
                raise NotFound(_("That performance is not in this production."))
            results = [
                services.casting_announce(
                    performance=performance, tier=data["tier"], by=request.user, now=now
                )
            ]
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, back)
    made = [r for r in results if r.created]
    if not results:
        messages.info(request, _("No performance is due for that announcement."))
    for r in made:
        messages.success(
            request,
            _("Announced %(tier)s for %(perf)s; %(n)s dancer(s) told.")
            % {
                "tier": r.announcement.get_tier_display().lower(),
                "perf": r.announcement.performance,
                "n": r.notified,
            },
        )
        if r.holes:
            messages.warning(request, _("%(n)s place(s) are still empty there.") % {"n": r.holes})
    if results and not made:
        messages.info(request, _("That was already announced."))
    return _back(request, back)


@page_requires(Cap.EDIT_CASTING)
@require_POST
def suggest(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        programme = selectors.get_programme(pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    form = forms.SuggestForm(request.POST)
    back = reverse("casting:board", args=[programme.pk])
    if not form.is_valid():
        messages.error(request, _("The time limit is between 0.5 and 120 seconds; covers 0 to 9."))
        return _back(request, back)
    data = form.cleaned_data
    try:
        proposal = services.suggestion_request(
            programme=programme,
            work=_work_or_none(data.get("work")),
            by=request.user,
            now=timezone.now(),
            time_limit=data.get("time_limit"),
            covers=data.get("covers"),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, back)
    return redirect("casting:proposal", pk=proposal.pk)


@page_requires(Cap.VIEW_CASTING)
def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    """A suggestion: its lines to review, or, while it is being worked out, a box that
    polls this page (htmx) and reloads it when the answer is there."""
    found = selectors.proposal_detail(pk=pk)
    if found is None:
        return _not_found(request, _("No such casting suggestion."))
    found["proposal"] = services.suggestion_refresh(proposal=found["proposal"], now=timezone.now())
    if request.headers.get("HX-Request"):
        response = render(request, "casting/_proposal_progress.html", found)
        if found["proposal"].status != CastingProposal.Status.WORKING:
            response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "casting/proposal.html",
        {
            **found,
            "can_approve": can(request.user, Cap.APPROVE_CASTING),
            "can_edit": can(request.user, Cap.EDIT_CASTING),
        },
    )


@page_requires(Cap.APPROVE_CASTING)
@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    found = CastingProposal.objects.filter(pk=pk).first()
    if found is None:
        return _not_found(request, _("No such casting suggestion."))
    item_ids = list(found.items.values_list("pk", flat=True))
    form = forms.AcceptForm(request.POST, item_ids=item_ids)
    if not form.is_valid():
        messages.error(request, _("Some chosen lines are not part of this suggestion."))
        return redirect("casting:proposal", pk=pk)
    chosen = form.cleaned_data["items"] if request.POST.get("chosen") == "1" else None
    try:
        outcome = services.suggestion_accept(
            proposal=found, by=request.user, now=timezone.now(), item_ids=chosen
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("casting:proposal", pk=pk)
    messages.success(
        request, _("Applied %(n)s place(s) of the suggestion.") % {"n": outcome["applied"]}
    )
    for line in outcome["skipped"][:20]:
        messages.warning(request, line)
    return redirect("casting:board", pk=found.programme_id)


@page_requires(Cap.EDIT_CASTING)
@require_POST
def proposal_discard(request: HttpRequest, pk: int) -> HttpResponse:
    found = CastingProposal.objects.filter(pk=pk).first()
    if found is None:
        return _not_found(request, _("No such casting suggestion."))
    try:
        services.suggestion_discard(proposal=found, by=request.user, now=timezone.now())
        messages.success(request, _("Suggestion discarded; nothing was changed."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("casting:board", pk=found.programme_id)


# --------------------------------------------------------------------------- sheets, logs


@page_requires(Cap.VIEW_COMPANY)
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        programme = selectors.get_programme(pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    return render(
        request,
        "casting/sheet.html",
        selectors.programme_sheet(programme=programme, user=request.user, now=timezone.now()),
    )


@page_requires(Cap.VIEW_COMPANY)
def sheet_csv(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        programme = selectors.get_programme(pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    data = selectors.programme_sheet(programme=programme, user=request.user, now=timezone.now())
    header = [
        _("date"),
        _("time"),
        _("venue"),
        _("work"),
        _("role"),
        _("cast"),
        _("place"),
        _("dancer"),
        _("rank"),
    ]
    rows = []
    for performance, assignments in data["performances"]:
        local = performance.starts_at.astimezone(performance.venue.zone)
        for a in assignments:
            rows.append(
                [
                    local.date().isoformat(),
                    local.strftime("%H:%M"),
                    performance.venue.name,
                    a.role.work.title,
                    a.role.name,
                    a.get_kind_display()
                    if a.kind != "cover"
                    else f"{a.get_kind_display()} {a.rank}",
                    a.slot + 1,
                    a.dancer.person.full_name,
                    a.dancer.get_rank_display(),
                ]
            )
    return csv_response(f"casting-{programme.pk}.csv", header, rows)


@page_requires(Cap.VIEW_CASTING)
def changes(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        programme = selectors.get_programme(pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    return render(
        request,
        "casting/changes.html",
        {"programme": programme, "changes": selectors.casting_changes(programme=programme)},
    )


# --------------------------------------------------------------------------- rehearsal needs


def _people(names: str) -> list[Any]:
    found = []
    for name in [n.strip() for n in (names or "").split(",") if n.strip()]:
        found.append(selectors.dancer_by_name(name))
    return found


def _need_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data.get(k) for k in services.NEED_FIELDS}


@page_requires(Cap.VIEW_CASTING)
def needs(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        programme = selectors.get_programme(pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    form = forms.NeedForm(request.POST or None)
    if request.method == "POST":
        if not can(request.user, Cap.EDIT_CASTING):
            return TemplateResponse(
                request,
                "core/forbidden.html",
                {"message": _("Your role does not allow this page.")},
                status=403,
            )
        if form.is_valid():
            try:
                services.rehearsal_need_create(
                    programme=programme,
                    values=_need_values(form.cleaned_data),
                    people=_people(form.cleaned_data.get("people", "")),
                    by=request.user,
                    now=timezone.now(),
                )
                messages.success(request, _("Need added."))
                return redirect("casting:needs", pk=programme.pk)
            except DomainError as exc:
                show_error(form, exc)
    return render(
        request,
        "casting/needs.html",
        {
            "programme": programme,
            "needs": selectors.rehearsal_needs(programme=programme),
            "form": form,
            "can_edit": can(request.user, Cap.EDIT_CASTING),
        },
    )


@page_requires(Cap.EDIT_CASTING)
@require_POST
def needs_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        programme = selectors.get_programme(pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    result = services.rehearsal_needs_refresh(
        programme=programme, by=request.user, now=timezone.now()
    )
    messages.success(
        request,
        _("Needs recomputed from the casting: %(c)s new, %(u)s updated, %(r)s removed.")
        % {"c": result.created, "u": result.updated, "r": result.removed},
    )
    return redirect("casting:needs", pk=programme.pk)


@page_requires(Cap.EDIT_CASTING)
def need_edit(request: HttpRequest, pk: int) -> HttpResponse:
    need = RehearsalNeed.objects.select_related("programme").filter(pk=pk, dismissed=False).first()
    if need is None:
        return _not_found(request, _("No such rehearsal need."))
    initial = {k: getattr(need, k) for k in services.NEED_FIELDS}
    initial["people"] = ", ".join(str(d.person) for d in need.people.select_related("person"))
    form = forms.NeedForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rehearsal_need_update(
                need=need,
                by=request.user,
                now=timezone.now(),
                changes={
                    **_need_values(form.cleaned_data),
                    "people": _people(form.cleaned_data.get("people", "")),
                },
            )
            messages.success(request, _("Need saved; it is now kept as you edited it."))
            return redirect("casting:needs", pk=need.programme_id)
        except DomainError as exc:
            show_error(form, exc)
    return render(request, "casting/need_form.html", {"need": need, "form": form})


@page_requires(Cap.EDIT_CASTING)
@require_POST
def need_delete(request: HttpRequest, pk: int) -> HttpResponse:
    need = RehearsalNeed.objects.filter(pk=pk, dismissed=False).first()
    if need is None:
        return _not_found(request, _("No such rehearsal need."))
    services.rehearsal_need_delete(need=need, by=request.user, now=timezone.now())
    messages.success(request, _("Need removed."))
    return redirect("casting:needs", pk=need.programme_id)


# --------------------------------------------------------------------------- history, people


@page_requires(Cap.EDIT_CASTING)
@require_POST
def record_danced(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        performance = selectors.get_performance(pk)
        n = services.performance_record_danced(performance=performance, now=timezone.now())
        messages.success(request, _("Recorded %(n)s role(s) danced.") % {"n": n})
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request, reverse("casting:index"))
    return _back(request, reverse("casting:board", args=[performance.programme_id]) + "?past=1")


@page_requires(Cap.VIEW_COMPANY)
def dancer(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        found = selectors.get_dancer(pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    return render(
        request,
        "casting/dancer.html",
        {
            **selectors.dancer_casting(dancer=found, user=request.user, now=timezone.now()),
            "drafts_shown": selectors.can_see_drafts(request.user),
        },
    )


@page_requires(Cap.VIEW_COMPANY)
def me(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    found = getattr(person, "dancer", None) if person else None
    if found is None:
        messages.info(request, _("Your account is not linked to a dancer of the company."))
        return redirect("casting:index")
    return redirect("casting:dancer", pk=found.pk)


@page_requires(Cap.VIEW_COMPANY)
def work_history(request: HttpRequest, pk: int) -> HttpResponse:
    work = Work.objects.filter(pk=pk).first()
    if work is None:
        return _not_found(request, _("No such work."))
    return render(
        request,
        "casting/work_history.html",
        {"work": work, "history": selectors.work_performance_history(work=work)},
    )


@page_requires(Cap.VIEW_COMPANY)
def notifications(request: HttpRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    return render(
        request,
        "casting/notifications.html",
        {"notifications": selectors.notifications_for(person=person), "person": person},
    )


@page_requires(Cap.VIEW_COMPANY)
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = Notification.objects.filter(pk=pk).first()
    try:
        if note is None:
            raise NotFound(_("No such notification among yours."))
        services.notification_mark_read(
            notification=note, person=getattr(request.user, "person", None), now=timezone.now()
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("casting:notifications")
