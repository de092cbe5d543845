"""What each role's home page shows (it reads several apps, so it lives at the top)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from callboard.company.models import Dancer, Studio
from callboard.company.selectors import MEDICAL_OUT, medical_status, with_shown_status
from callboard.core.roles import Role, user_roles
from callboard.core.zones import company_today
from callboard.repertoire.models import Commission, DancerRole
from callboard.season.models import Performance


def home_panels(*, user: Any, now: datetime) -> dict[str, Any]:
    """The home page panels for ``user``'s roles: a few bounded queries, no unbounded lists."""
    roles = user_roles(user)
    if getattr(user, "is_superuser", False):
        roles = set(Role)
    upcoming = list(
        Performance.objects.filter(starts_at__gte=now)
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("programme", "venue")
        .order_by("starts_at")[:6]
    )
    panels: dict[str, Any] = {"roles": roles, "upcoming": upcoming}
    panels["today_iso"] = timezone.localdate(now).isoformat()
    person = getattr(user, "person", None)
    panels["person"] = person
    dancer = getattr(person, "dancer", None) if person else None
    if dancer is not None:
        panels["my_dancer"] = dancer
        panels["my_roles"] = list(
            DancerRole.objects.filter(dancer=dancer).select_related("role__work")[:12]
        )
    if roles & {
        Role.ARTISTIC_DIRECTOR,
        Role.BALLET_MASTER,
        Role.COMPANY_MANAGER,
        Role.PHYSIOTHERAPIST,
    }:
        counts = dict(
            Dancer.objects.exclude(status=Dancer.Status.RETIRED)
            .values("rank")
            .annotate(n=Count("pk"))
            .values_list("rank", "n")
        )
        panels["rank_counts"] = [
            {"rank": rank.value, "label": rank.label, "n": counts[rank.value]}
            for rank in Dancer.Rank
            if rank.value in counts
        ]
        # Away by hand, or kept out by the medical record today (its planning word only).
        day = company_today(now)
        out = [pk for pk, word in medical_status(None, day).items() if word == MEDICAL_OUT]
        panels["unavailable"] = with_shown_status(
            Dancer.objects.filter(
                Q(
                    status__in=[
                        Dancer.Status.INJURED,
                        Dancer.Status.ON_LEAVE,
                        Dancer.Status.GUESTING,
                    ]
                )
                | Q(status=Dancer.Status.ACTIVE, pk__in=out)
            ).select_related("person")[:20],
            day=day,
        )
    if roles & {Role.ARTISTIC_DIRECTOR}:
        panels["commissions"] = list(
            Commission.objects.exclude(status__in=["premiered", "cancelled"]).select_related(
                "work", "creator", "commissioned_by"
            )[:10]
        )
    if roles & {Role.BALLET_MASTER, Role.COMPANY_MANAGER}:
        panels["studios"] = list(Studio.objects.filter(active=True).select_related("site"))
    return panels
