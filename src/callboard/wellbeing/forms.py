"""Forms of the wellbeing pages: they parse what a person typed; the services decide."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callboard.wellbeing.models import (
    Activity,
    BodyPart,
    Mechanism,
    Restriction,
    ReturnStage,
    Session,
    Side,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(text: str | None) -> dt.date | None:
    """``2026-11-23`` -> that date; anything else (or an absurd year) -> None."""
    text = (text or "").strip()
    if not _DAY.match(text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if 1950 <= day.year <= 2999 else None


def parse_int(text: str | None, *, default: int, low: int, high: int) -> int:
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 4:
        return default
    return max(low, min(high, int(text)))


class NoNul(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in cleaned.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("Remove the NUL characters from this text."))
        return cleaned


class ExertionForm(NoNul):
    day = forms.DateField(label=gettext_lazy("Day"), widget=DATE)
    session = forms.ChoiceField(label=gettext_lazy("Session"), choices=Session.choices)
    rpe = forms.TypedChoiceField(
        label=gettext_lazy("How hard was it? (0–10)"),
        choices=[
            ("0", gettext_lazy("0 · rest")),
            ("1", gettext_lazy("1 · very, very easy")),
            ("2", gettext_lazy("2 · easy")),
            ("3", gettext_lazy("3 · moderate")),
            ("4", gettext_lazy("4 · somewhat hard")),
            ("5", gettext_lazy("5 · hard")),
            ("6", "6"),
            ("7", gettext_lazy("7 · very hard")),
            ("8", "8"),
            ("9", "9"),
            ("10", gettext_lazy("10 · maximal")),
        ],
        coerce=int,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class InjuryForm(NoNul):
    body_part = forms.ChoiceField(label=gettext_lazy("Body part"), choices=BodyPart.choices)
    side = forms.ChoiceField(label=gettext_lazy("Side"), choices=Side.choices)
    occurred_on = forms.DateField(label=gettext_lazy("Date of injury"), widget=DATE)
    mechanism = forms.ChoiceField(label=gettext_lazy("Mechanism"), choices=Mechanism.choices)
    activity = forms.ChoiceField(label=gettext_lazy("Doing what"), choices=Activity.choices)
    diagnosis = forms.CharField(label=gettext_lazy("Diagnosis"), max_length=300, required=False)
    time_lost_days = forms.IntegerField(
        label=gettext_lazy("Time lost (days)"),
        min_value=0,
        max_value=3650,
        required=False,
        help_text=gettext_lazy(
            "Days unable to take full part. Until a return-to-dance plan is added, these "
            "days count as unavailable from the date of injury."
        ),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StageForm(NoNul):
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DATE)
    mode = forms.ChoiceField(label=gettext_lazy("Stage"), choices=ReturnStage.Mode.choices)
    minutes_per_day = forms.IntegerField(
        label=gettext_lazy("At most … minutes a day"),
        min_value=15,
        max_value=720,
        required=False,
        help_text=gettext_lazy("Limited stages only; empty: no cap on minutes."),
    )
    restrictions = forms.MultipleChoiceField(
        label=gettext_lazy("Restrictions"),
        choices=Restriction.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    may_perform = forms.BooleanField(label=gettext_lazy("Cleared to perform"), required=False)
    notes = forms.CharField(
        label=gettext_lazy("Medical notes (private)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
