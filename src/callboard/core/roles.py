"""Who may do what.

Each person signs in with one or more *roles* (Django groups). Capabilities are named
here once and checked by services, views and the API alike; a page never invents its
own rule.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callboard.core.actors import Actor, Callboard
from callboard.core.errors import PermissionDenied


class Role(StrEnum):
    ARTISTIC_DIRECTOR = "artistic_director"
    BALLET_MASTER = "ballet_master"
    COMPANY_MANAGER = "company_manager"
    BOX_OFFICE = "box_office"
    PRESS = "press"
    DANCER = "dancer"
    PHYSIOTHERAPIST = "physiotherapist"


# Lazy: each reader sees them in their own language.
ROLE_LABELS: dict[Role, StrPromise] = {
    Role.ARTISTIC_DIRECTOR: gettext_lazy("Artistic director"),
    Role.BALLET_MASTER: gettext_lazy("Ballet master"),
    Role.COMPANY_MANAGER: gettext_lazy("Company manager"),
    Role.BOX_OFFICE: gettext_lazy("Box office"),
    Role.PRESS: gettext_lazy("Press office"),
    Role.DANCER: gettext_lazy("Dancer"),
    Role.PHYSIOTHERAPIST: gettext_lazy("Physiotherapist"),
}


class Cap(StrEnum):
    """Named capabilities. Add one here before using it anywhere."""

    VIEW_COMPANY = "view_company"  # roster's public facts, repertoire, season
    VIEW_PRIVATE = "view_private"  # anyone's private contact and contract details
    EDIT_PEOPLE = "edit_people"  # dancers, staff, contacts, roster import
    EDIT_STUDIOS = "edit_studios"
    EDIT_LABOUR = "edit_labour"
    EDIT_REPERTOIRE = "edit_repertoire"
    EDIT_COMMISSIONS = "edit_commissions"
    EDIT_SEASON = "edit_season"  # venues, seasons, tours, programmes, performances
    VIEW_CASTING = "view_casting"  # draft (unannounced) casting and rehearsal needs
    EDIT_CASTING = "edit_casting"  # the casting board, suggestions, rehearsal needs
    APPROVE_CASTING = "approve_casting"  # announce casting, accept suggestions
    EDIT_SEAT_MAPS = "edit_seat_maps"  # box office: seat maps and price zones
    SELL_TICKETS = "sell_tickets"  # box office: sales, comps, exchanges, refunds, reports
    MANAGE_HOLDS = "manage_holds"  # box office: house, press, family-comp and kill holds
    CHECK_IN = "check_in"  # the door: scan tickets
    VIEW_BOXOFFICE_REPORTS = "view_boxoffice_reports"  # box office: sales reports, read only
    CLAIM_COMPS = "claim_comps"  # a dancer claims family comps
    EDIT_PERFORMANCE_REPORT = "edit_performance_report"  # running times, curtain calls, incidents
    EDIT_REVIEWS = "edit_reviews"  # press office: reviews and critics' quotes
    MODERATE_FEEDBACK = "moderate_feedback"  # press office: approve or reject audience answers
    VIEW_MEDICAL = "view_medical"  # every dancer's injuries and return-to-dance plans
    VIEW_WORKLOAD = "view_workload"  # every dancer's workload and planning limits
    PLAN_SCHEDULE = "plan_schedule"  # the rehearsal call: plan, solve, edit, publish
    VIEW_ALL_CALLS = "view_all_calls"  # every person's calls and the company calendar feed
    VIEW_AUDIT = "view_audit"  # the company-wide history of changes (/audit/)


_MANAGEMENT = {Role.ARTISTIC_DIRECTOR, Role.BALLET_MASTER, Role.COMPANY_MANAGER}

CAPABILITIES: dict[Cap, set[Role]] = {
    Cap.VIEW_COMPANY: set(Role),
    Cap.VIEW_PRIVATE: set(_MANAGEMENT),
    Cap.EDIT_PEOPLE: {Role.ARTISTIC_DIRECTOR, Role.COMPANY_MANAGER},
    Cap.EDIT_STUDIOS: {Role.COMPANY_MANAGER, Role.BALLET_MASTER},
    Cap.EDIT_LABOUR: {Role.COMPANY_MANAGER},
    Cap.EDIT_REPERTOIRE: {Role.ARTISTIC_DIRECTOR, Role.BALLET_MASTER},
    Cap.EDIT_COMMISSIONS: {Role.ARTISTIC_DIRECTOR},
    Cap.EDIT_SEASON: {Role.ARTISTIC_DIRECTOR, Role.COMPANY_MANAGER},
    Cap.VIEW_CASTING: set(_MANAGEMENT),
    Cap.EDIT_CASTING: {Role.ARTISTIC_DIRECTOR, Role.BALLET_MASTER},
    Cap.APPROVE_CASTING: {Role.ARTISTIC_DIRECTOR},
    Cap.EDIT_SEAT_MAPS: {Role.BOX_OFFICE, Role.COMPANY_MANAGER},
    Cap.SELL_TICKETS: {Role.BOX_OFFICE, Role.COMPANY_MANAGER},
    Cap.MANAGE_HOLDS: {Role.BOX_OFFICE, Role.COMPANY_MANAGER},
    Cap.CHECK_IN: {Role.BOX_OFFICE, Role.COMPANY_MANAGER},
    Cap.VIEW_BOXOFFICE_REPORTS: {Role.BOX_OFFICE, Role.COMPANY_MANAGER, Role.ARTISTIC_DIRECTOR},
    Cap.CLAIM_COMPS: {Role.DANCER},
    Cap.PLAN_SCHEDULE: {Role.BALLET_MASTER, Role.ARTISTIC_DIRECTOR},
    Cap.VIEW_ALL_CALLS: set(_MANAGEMENT),
    Cap.VIEW_AUDIT: {Role.ARTISTIC_DIRECTOR, Role.COMPANY_MANAGER},
    Cap.EDIT_PERFORMANCE_REPORT: set(_MANAGEMENT),
    Cap.EDIT_REVIEWS: {Role.PRESS},
    Cap.MODERATE_FEEDBACK: {Role.PRESS},
    Cap.VIEW_MEDICAL: {Role.PHYSIOTHERAPIST},
    Cap.VIEW_WORKLOAD: {*_MANAGEMENT, Role.PHYSIOTHERAPIST},
}

# Anything request.user can be (a signed-in user, AnonymousUser) or None.
UserLike = Any


def user_roles(user: UserLike) -> set[Role]:
    """The roles a user holds, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_callboard_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = {Role(n) for n in names if n in Role._value2member_map_}
        user._callboard_roles = cached
    return set(cached)


def has_role(user: UserLike, *roles: Role) -> bool:
    return bool(user_roles(user) & set(roles))


def can(user: UserLike, cap: Cap) -> bool:
    """Whether ``user`` (a user or an :data:`~callboard.core.actors.Actor`) holds ``cap``;
    Callboard itself holds every capability."""
    if isinstance(user, Callboard):
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return bool(user_roles(user) & CAPABILITIES[cap])


def require(by: Actor, cap: Cap) -> None:
    """Raise :class:`PermissionDenied` unless ``by`` holds ``cap`` (Callboard holds all).

    Every service that writes calls this first."""
    if not can(by, cap):
        raise PermissionDenied(
            _("Your role does not allow this. Ask the company manager for access.")
        )


def ensure_groups(roles: Iterable[Role] = tuple(Role)) -> None:
    for role in roles:
        Group.objects.get_or_create(name=role.value)


V = TypeVar("V", bound=Callable[..., HttpResponse])


def page_requires(cap: Cap) -> Callable[[V], V]:
    """View decorator: sign-in first, then the capability; a 403 page says why."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect(f"/login/?next={request.path}")
            if not can(request.user, cap):
                response = TemplateResponse(
                    request,
                    "core/forbidden.html",
                    {"message": _("Your role does not allow this page.")},
                    status=403,
                )
                return response
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
