"""Who may see what in wellbeing. Every page, endpoint and service asks here.

- **Medical detail** (body part, side, mechanism, diagnosis, time lost, notes, the stages'
  medical notes): the dancer themself and the medical staff (roles holding
  ``Cap.VIEW_MEDICAL``: the physiotherapist). Superusers do *not* bypass this rule:
  administering the installation is no reason to read a dancer's medical record.
- **Workload and the planning view** ("unavailable", "limited to N minutes a day, no
  jumps"): the dancer themself, management and the medical staff (``Cap.VIEW_WORKLOAD``).
- **Writing**: an injury and its return-to-dance plan by the dancer or the medical staff;
  a rating of exertion by the dancer (or the medical staff on their behalf).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from callboard.company.models import Dancer
from callboard.core.actors import is_callboard
from callboard.core.errors import PermissionDenied
from callboard.core.roles import CAPABILITIES, Cap, can, user_roles


def own_dancer_id(user: Any) -> int | None:
    """The dancer record of the signed-in person, if they are a dancer (cached per user)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_callboard_dancer_id", False)
    if cached is not False:
        return cached
    found = Dancer.objects.filter(person__user=user).values_list("pk", flat=True).first()
    user._callboard_dancer_id = found
    return found


def is_medical(user: Any) -> bool:
    """Holds a medical role (no superuser bypass, see the module docstring)."""
    return bool(user_roles(user) & CAPABILITIES[Cap.VIEW_MEDICAL])


def may_see_medical(user: Any, dancer_id: int) -> bool:
    return is_medical(user) or own_dancer_id(user) == dancer_id


def may_see_workload(user: Any, dancer_id: int) -> bool:
    return can(user, Cap.VIEW_WORKLOAD) or own_dancer_id(user) == dancer_id


def require_medical(user: Any, dancer_id: int) -> None:
    if not may_see_medical(user, dancer_id):
        raise PermissionDenied(
            _(
                "Medical records are private to the dancer and the medical staff. Ask the "
                "physiotherapist what you need for planning; the planning view shows it."
            )
        )


def require_workload(user: Any, dancer_id: int) -> None:
    if not may_see_workload(user, dancer_id):
        raise PermissionDenied(
            _("A dancer's workload is for the dancer, management and the medical staff.")
        )


def require_company_workload(user: Any) -> None:
    if not can(user, Cap.VIEW_WORKLOAD):
        raise PermissionDenied(_("The company's workload is for management and the medical staff."))


def require_self_or_medical(user: Any, dancer: Dancer, what: str) -> None:
    """The dancer themself, the medical staff, or Callboard itself (the demo, a command)."""
    if is_callboard(user) or own_dancer_id(user) == dancer.pk or is_medical(user):
        return
    raise PermissionDenied(
        _("Only the dancer (or the medical staff) may record %(what)s.") % {"what": what}
    )
