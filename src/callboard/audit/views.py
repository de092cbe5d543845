"""The company-wide history of changes (management): parse the filters, read, render."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from callboard.audit import selectors
from callboard.audit.forms import SYSTEM, HistoryFilterForm
from callboard.audit.models import AuditEntry
from callboard.core.roles import Cap, page_requires

PAGE_SIZE = 100


def record_url(entry: AuditEntry) -> str:
    """The page that shows ``entry``'s record (no query: the keys are on the entry)."""
    rid, pid = entry.record_id, entry.parent_id
    if entry.kind == AuditEntry.Kind.CASTING and entry.parent_type == "season.programme":
        return reverse("casting:board", args=[pid])
    if entry.kind == AuditEntry.Kind.SCHEDULE and entry.parent_type == "scheduling.scheduleperiod":
        return reverse("scheduling:plan", args=[pid])
    if entry.kind == AuditEntry.Kind.SCHEDULE and entry.record_type == "scheduling.scheduleperiod":
        return reverse("scheduling:plan", args=[rid])
    if entry.kind in (AuditEntry.Kind.HOLD, AuditEntry.Kind.COMP) and pid is not None:
        return reverse("boxoffice:holds", args=[pid])
    if entry.kind == AuditEntry.Kind.ORDER:
        return reverse("boxoffice:order", args=[rid])
    if entry.kind == AuditEntry.Kind.INJURY and entry.action != "injury.delete":
        return reverse("wellbeing:injury", args=[rid])
    return ""


@page_requires(Cap.VIEW_AUDIT)
def index(request: HttpRequest) -> HttpResponse:
    form = HistoryFilterForm(request.GET or None, actors=selectors.actors())
    which = selectors.HistoryFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        who = data.get("who") or ""
        which = selectors.HistoryFilter(
            kind=data.get("kind") or "",
            actor_id=int(who) if who.isdigit() else None,
            system=who == SYSTEM,
            first_day=data.get("first_day"),
            last_day=data.get("last_day"),
        )
    page = Paginator(selectors.company_history(request.user, which), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(entry, record_url(entry)) for entry in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": query.urlencode(),
        "medical": selectors.may_see_medical(request.user),
    }
    return render(request, "audit/index.html", context)
