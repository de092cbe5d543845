"""What the repertoire's services share: the fields each record takes, and tidying, checking
and saving them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from callboard.core.errors import Conflict, ValidationFailed
from callboard.core.text import repair
from callboard.repertoire.models import Commission, Work

MAX_DURATION_MINUTES = 24 * 60


MAX_DANCERS_PER_ROLE = 500


MAX_ORDER = 32767  # a small integer column on every database


WORK_FIELDS = frozenset(
    {
        "title",
        "choreographer",
        "choreography_credit",
        "composer",
        "duration_minutes",
        "status",
        "premiere_date",
        "full_length",
        "synopsis",
        "themes",
    }
)


SECTION_FIELDS = frozenset({"name", "kind", "order", "parent", "duration_minutes"})


ROLE_FIELDS = frozenset(
    {"name", "dancers_needed", "principal", "announceable", "sections", "description"}
)


COMMISSION_FIELDS = frozenset(
    {"commissioned_by", "creator", "occasion", "agreed_on", "premiere_planned", "brief"}
)


_TEXT_FIELDS = frozenset(
    {"title", "name", "choreography_credit", "composer", "occasion", "synopsis", "themes", "brief"}
)


OPEN_COMMISSION = (Commission.Status.COMMISSIONED, Commission.Status.IN_CREATION)


# What the work becomes when its commission moves to a status.
WORK_STATUS_FOR_COMMISSION: dict[str, str] = {
    Commission.Status.COMMISSIONED: Work.Status.COMMISSIONED,
    Commission.Status.IN_CREATION: Work.Status.IN_CREATION,
    Commission.Status.PREMIERED: Work.Status.PREMIERED,
    Commission.Status.CANCELLED: Work.Status.RETIRED,
}


def _reject_unknown(changes: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(unknown)},
            detail={"fields": unknown},
        )


def _tidy(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Repair broken encodings and surrounding space in text fields."""
    tidy = dict(changes)
    for name in _TEXT_FIELDS & set(tidy):
        tidy[name] = repair(tidy[name])
    return tidy


def _full_clean(obj: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """Field-level checks (lengths, choices, ranges) as one :class:`ValidationFailed`."""
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except DjangoValidationError as exc:
        errors = exc.message_dict
        field, problems = next(iter(errors.items()))
        label = field
        if field != "__all__":
            label = str(getattr(obj._meta.get_field(field), "verbose_name", field))
        raise ValidationFailed(
            _("%(field)s: %(problem)s") % {"field": label.capitalize(), "problem": problems[0]},
            detail={k: [str(m) for m in v] for k, v in errors.items()},
            field=field if field != "__all__" else None,
        ) from exc


def _save(obj: models.Model, *, conflict: str) -> None:
    """Save in a savepoint; a constraint the checks above missed (a race) becomes a Conflict."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise Conflict(conflict) from exc


def _delete(obj: models.Model, *, in_use: str) -> None:
    try:
        with transaction.atomic():
            obj.delete()
    except (models.ProtectedError, models.RestrictedError) as exc:
        raise Conflict(in_use) from exc


def _check_duration(value: Any, *, field: str = "duration_minutes", required: bool = True) -> None:
    if value is None and not required:
        return
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not 1 <= value <= MAX_DURATION_MINUTES
    ):
        raise ValidationFailed(
            _("Give the duration in whole minutes, between 1 and %(max)d.")
            % {"max": MAX_DURATION_MINUTES},
            field=field,
        )
