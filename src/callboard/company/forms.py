"""Forms of the company pages: they parse input into Python values; the rules are in services.

Fields come from the models (labels, help texts, lengths) through ``fields_for_model`` so the
forms never run model validation themselves.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from callboard.company import presets
from callboard.company.models import (
    Dancer,
    LabourProfile,
    Person,
    Site,
    Staff,
    Studio,
    TrainingEntry,
)
from callboard.company.pickers import group_people
from callboard.company.services import (
    DANCER_OWN_FIELDS,
    DANCER_PERSON_FIELDS,
    LABOUR_FIELDS,
    STAFF_PERSON_FIELDS,
)


class DateInput(forms.DateInput):
    """A browser date picker: it shows the date the reader's way and sends ISO."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")  # what <input type=date> reads, any language


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


def _widgets(fields: dict[str, forms.Field]) -> dict[str, forms.Field]:
    for f in fields.values():
        if isinstance(f, forms.DateField):
            f.widget = DateInput()
        elif isinstance(f, forms.TimeField):
            f.widget = TimeInput()
    return fields


def _model_form(
    name: str, model: Any, fields: tuple[str, ...] | list[str], **extra: forms.Field
) -> type:
    base = _widgets(fields_for_model(model, fields=list(fields)))
    # The Form metaclass collects the fields, as for a class statement.
    metaclass: Any = type(forms.Form)
    return metaclass(name, (forms.Form,), {**base, **extra})


class RosterFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    rank = forms.ChoiceField(
        label=_("Rank"), required=False, choices=[("", _("All ranks")), *Dancer.Rank.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Dancer.Status.choices]
    )


_DancerBase = _model_form(
    "_DancerBase",
    Person,
    ("given_name", "family_name", "nationality", "heritage", "biography"),
)
_DancerOwn = _model_form("_DancerOwn", Dancer, DANCER_OWN_FIELDS)
_DancerPrivate = _model_form(
    "_DancerPrivate", Person, ("email", "phone", "birth_date", "emergency_contact")
)


class DancerForm(_DancerBase, _DancerOwn, _DancerPrivate):  # type: ignore[misc, valid-type]
    """A dancer's person and dancer fields on one form."""

    field_order = [
        *DANCER_PERSON_FIELDS[:2],
        *DANCER_OWN_FIELDS[:6],
        *DANCER_PERSON_FIELDS[2:],
        "contract_notes",
    ]

    @staticmethod
    def initial_for(dancer: Dancer) -> dict[str, Any]:
        return {
            **model_to_dict(dancer.person, fields=list(DANCER_PERSON_FIELDS)),
            **model_to_dict(dancer, fields=list(DANCER_OWN_FIELDS)),
        }


TrainingForm = _model_form(
    "TrainingForm",
    TrainingEntry,
    ("institution", "discipline", "place", "start_year", "end_year", "notes"),
)


class StaffForm(_model_form("_StaffBase", Staff, ("kind", "title", "since"))):  # type: ignore[misc]
    """A staff role: for an existing person (chosen) or a new one (named here)."""

    person = forms.ModelChoiceField(
        label=_("Existing person"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Leave empty and fill in the name below to add someone new."),
    )
    given_name = forms.CharField(label=_("given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("family name"), max_length=100, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)
    nationality = forms.CharField(label=_("nationality"), max_length=100, required=False)
    biography = forms.CharField(label=_("biography"), widget=forms.Textarea, required=False)

    def __init__(
        self, *args: Any, people: Any = None, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["person"]
        elif people is not None:
            self.fields["person"].queryset = people
            group_people(self.fields["person"])

    @staticmethod
    def initial_for(staff: Staff) -> dict[str, Any]:
        return {
            **model_to_dict(staff, fields=["kind", "title", "since"]),
            **model_to_dict(staff.person, fields=list(STAFF_PERSON_FIELDS)),
        }


class ContactForm(
    _model_form(  # type: ignore[misc]
        "_ContactBase",
        Person,
        (
            "given_name",
            "family_name",
            "organisation",
            "contact_role",
            "nationality",
            "biography",
            "email",
            "phone",
        ),
    )
):
    related_to = forms.ModelChoiceField(
        label=_("related to"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("For family: the dancer or staff member they belong to."),
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["related_to"].queryset = people
            group_people(self.fields["related_to"])

    @staticmethod
    def initial_for(person: Person) -> dict[str, Any]:
        data = model_to_dict(
            person,
            fields=[
                "given_name",
                "family_name",
                "organisation",
                "contact_role",
                "nationality",
                "biography",
                "email",
                "phone",
            ],
        )
        data["related_to"] = person.related_to_id
        return data


SiteForm = _model_form("SiteForm", Site, ("name", "address"))


class StudioForm(
    _model_form(  # type: ignore[misc]
        "_StudioBase",
        Studio,
        (
            "name",
            "site",
            "length_m",
            "width_m",
            "capacity",
            "has_piano",
            "floor",
            "active",
            "notes",
        ),
    )
):
    @staticmethod
    def initial_for(studio: Studio) -> dict[str, Any]:
        return model_to_dict(
            studio,
            fields=[
                "name",
                "site",
                "length_m",
                "width_m",
                "capacity",
                "has_piano",
                "floor",
                "active",
                "notes",
            ],
        )


class TravelForm(forms.Form):
    origin = forms.ModelChoiceField(label=_("From"), queryset=Site.objects.order_by("name"))
    destination = forms.ModelChoiceField(label=_("To"), queryset=Site.objects.order_by("name"))
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0)


class LabourProfileForm(_model_form("_LabourBase", LabourProfile, LABOUR_FIELDS)):  # type: ignore[misc]
    @staticmethod
    def initial_for(profile: LabourProfile) -> dict[str, Any]:
        return model_to_dict(profile, fields=list(LABOUR_FIELDS))


class PresetForm(forms.Form):
    key = forms.ChoiceField(
        label=_("Start from"),
        choices=[(key, preset["name"]) for key, preset in presets.PRESETS.items()],
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Roster file (CSV)"), required=False)
    content = forms.CharField(widget=forms.HiddenInput, required=False)
    dry_run = forms.BooleanField(
        label=_("Preview only (dry run): show what would change, save nothing"),
        required=False,
        initial=True,
    )
