"""Forms parse input only; the rules live in services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from callboard.casting.models import LAYERS, RehearsalNeed, Tier
from callboard.company.models import Staff

LAYER_CHOICES = [(key, label) for key, _k, _r, label in LAYERS]

# A browser date picker shows the date the reader's way; it reads and sends ISO.
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CellForm(forms.Form):
    performance = forms.IntegerField(min_value=1)
    role = forms.IntegerField(min_value=1)
    slot = forms.IntegerField(min_value=0, max_value=500, required=False)
    layer = forms.ChoiceField(choices=LAYER_CHOICES, required=False)
    q = forms.CharField(max_length=200, required=False, strip=True)
    dancer = forms.IntegerField(min_value=1, required=False)
    replacing = forms.IntegerField(min_value=1, required=False)
    reason = forms.CharField(max_length=1000, required=False, strip=True)
    action = forms.ChoiceField(choices=[("assign", "assign"), ("clear", "clear")], required=False)


class CopyForm(forms.Form):
    source = forms.IntegerField(min_value=1, label=_("Copy the casting of"))
    targets = forms.TypedMultipleChoiceField(coerce=int, label=_("to"), choices=[])
    work = forms.IntegerField(min_value=1, required=False)
    layers = forms.MultipleChoiceField(choices=LAYER_CHOICES, required=False)
    overwrite = forms.BooleanField(required=False, label=_("replace casting already there"))
    reason = forms.CharField(max_length=1000, required=False, strip=True)

    def __init__(self, *args: Any, performances: Sequence[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["targets"]).choices = [
            (p.pk, str(p)) for p in performances
        ]


class AnnounceForm(forms.Form):
    tier = forms.TypedChoiceField(coerce=int, choices=Tier.choices)
    performance = forms.IntegerField(min_value=1, required=False)
    due = forms.BooleanField(required=False)


class SuggestForm(forms.Form):
    work = forms.IntegerField(min_value=1, required=False)
    time_limit = forms.FloatField(min_value=0.5, max_value=120, required=False)
    covers = forms.IntegerField(min_value=0, max_value=9, required=False)


class AcceptForm(forms.Form):
    items = forms.TypedMultipleChoiceField(coerce=int, choices=[], required=False)

    def __init__(self, *args: Any, item_ids: Sequence[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["items"]).choices = [(i, str(i)) for i in item_ids]


class NeedForm(forms.Form):
    label = forms.CharField(max_length=200, label=_("What"))
    kind = forms.ChoiceField(choices=RehearsalNeed.Kind.choices, label=_("Kind"))
    minutes = forms.IntegerField(min_value=1, max_value=1440, label=_("Minutes"))
    earliest = forms.DateField(label=_("Not before"), widget=ISO_DATE)
    latest = forms.DateField(label=_("Not after"), widget=ISO_DATE)
    priority = forms.IntegerField(
        min_value=1, max_value=5, initial=2, label=_("Priority (1 most urgent)")
    )
    staff_kind = forms.ChoiceField(
        choices=[("", "—"), *Staff.Kind.choices], required=False, label=_("Staff needed")
    )
    people = forms.CharField(
        required=False,
        label=_("Dancers"),
        help_text=_("Names separated by commas; accents and case do not matter"),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Notes")
    )
