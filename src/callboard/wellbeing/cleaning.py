"""Cleaning a wellbeing form's values: text without NUL characters and within its length,
a choice from its list. Shared by the medical services and the workload's."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from callboard.core.errors import ValidationFailed


def clean_text(value: str, *, field: str, limit: int, label: str) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValidationFailed(
            _("%(label)s may not contain NUL characters.") % {"label": label}, field=field
        )
    if len(value) > limit:
        raise ValidationFailed(
            _("%(label)s is too long: at most %(n)d characters.") % {"label": label, "n": limit},
            field=field,
        )
    return value


def clean_choice(value: str, choices: Any, *, field: str, label: str) -> str:
    if value not in choices.values:
        raise ValidationFailed(
            _("Choose a %(label)s from the list (one of: %(known)s).")
            % {"label": label, "known": ", ".join(choices.values)},
            field=field,
        )
    return value
