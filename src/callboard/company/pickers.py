"""People pickers grouped by kind and sorted by name.

A select of people lists dancers, then staff, guest artists, critics and press, family, and
anyone else, each group sorted by family name and given name, so that a long company is
read like its programme. ``group_people(field)`` re-draws the choices of a
``ModelChoiceField`` or ``ModelMultipleChoiceField`` whose queryset is a set of people; what
the field accepts is still its queryset.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from callboard.company.models import Person

GROUPS = (
    ("dancers", _("Dancers")),
    ("staff", _("Staff")),
    ("guests", _("Guest artists")),
    ("press", _("Critics and press")),
    ("family", _("Family")),
    ("others", _("Others")),
)


def kind_of(person: Person) -> str:
    """Which group of the picker a person belongs to."""
    if getattr(person, "dancer", None) is not None:
        return "dancers"
    if person.staff_roles.all():
        return "staff"
    if person.kind == Person.Kind.GUEST:
        return "guests"
    if person.related_to_id:
        return "family"
    role = (person.contact_role or "").casefold()
    if person.organisation or "critic" in role or "press" in role or "критик" in role:
        return "press"
    return "others"


def _name_key(person: Person) -> tuple[str, str]:
    return (person.family_name.casefold(), person.given_name.casefold())


def group_people(field: forms.Field, *, first: str = "") -> None:
    """Choices of ``field`` in groups by kind, each sorted by name (``first``: the group to
    list before the others, e.g. "press" for a review's critic)."""
    queryset = field.queryset  # type: ignore[attr-defined]
    people = sorted(
        queryset.select_related("dancer").prefetch_related("staff_roles"), key=_name_key
    )
    label = getattr(field, "label_from_instance", str)
    groups: dict[str, list[tuple[Any, str]]] = {key: [] for key, _title in GROUPS}
    for person in people:
        groups[kind_of(person)].append((person.pk, label(person)))
    choices: list[Any] = []
    single = not isinstance(field, forms.ModelMultipleChoiceField)
    if single and getattr(field, "empty_label", None) is not None:
        choices.append(("", field.empty_label))  # type: ignore[attr-defined]
    order = sorted(GROUPS, key=lambda group: group[0] != first)
    choices += [(title, groups[key]) for key, title in order if groups[key]]
    field.choices = choices  # type: ignore[attr-defined]
