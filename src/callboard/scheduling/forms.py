"""Forms of the scheduling pages: they parse; the rules live in services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from callboard.company.models import Person, Studio
from callboard.company.pickers import group_people
from callboard.core.i18n import reader_text
from callboard.repertoire.models import Work
from callboard.scheduling.models import AvailabilityConflict, CallRequest, FixedEvent, SolveRun


def _people() -> Any:
    return Person.objects.filter(Q_MEMBERS).distinct().order_by("family_name", "given_name")


from django.db.models import Q  # noqa: E402

Q_MEMBERS = Q(dancer__isnull=False) | Q(staff_roles__isnull=False)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")  # what <input type=date> reads, in any locale


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%dT%H:%M")
        return super().format_value(value)


class PeriodForm(forms.Form):
    first_day = forms.DateField(label=_("From"), widget=DateInput)
    last_day = forms.DateField(label=_("To"), widget=DateInput)


class RequestForm(forms.Form):
    label = forms.CharField(label=_("What"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CallRequest.Kind.choices)
    work = forms.ModelChoiceField(label=_("Work"), queryset=Work.objects.all(), required=False)
    people = forms.ModelMultipleChoiceField(
        label=_("Who is called"),
        queryset=Person.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    minutes = forms.IntegerField(label=_("Minutes in all"), min_value=15, max_value=2400)
    call_minutes = forms.IntegerField(
        label=_("Longest single call (minutes)"), min_value=15, max_value=1440, required=False
    )
    studios = forms.ModelMultipleChoiceField(
        label=_("Studios (none: any that fits)"),
        queryset=Studio.objects.filter(active=True),
        required=False,
    )
    needs_piano = forms.BooleanField(label=_("Needs a piano"), required=False)
    earliest_day = forms.DateField(label=_("Not before"), required=False, widget=DateInput)
    latest_day = forms.DateField(label=_("Not after"), required=False, widget=DateInput)
    window_start = forms.TimeField(label=_("Not earlier than"), required=False, widget=TimeInput)
    window_end = forms.TimeField(label=_("Not later than"), required=False, widget=TimeInput)
    priority = forms.IntegerField(
        label=_("Priority (1 most urgent)"), min_value=1, max_value=5, initial=3
    )
    required = forms.BooleanField(label=_("Must be placed"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = _people()  # type: ignore[attr-defined]
        group_people(self.fields["people"])


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FixedEvent.Kind.choices)
    label = forms.CharField(label=_("What"), max_length=200, required=False)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput)
    studio = forms.ModelChoiceField(
        label=_("Studio it takes"), queryset=Studio.objects.filter(active=True), required=False
    )
    everyone = forms.BooleanField(label=_("All active dancers"), required=False)
    people = forms.ModelMultipleChoiceField(
        label=_("Who"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = _people()  # type: ignore[attr-defined]
        group_people(self.fields["people"])


class ClosureForm(forms.Form):
    studio = forms.ModelChoiceField(label=_("Studio"), queryset=Studio.objects.filter(active=True))
    starts_at = forms.DateTimeField(label=_("From"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Until"), widget=DateTimeInput)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class UnavailabilityForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Who"), queryset=Person.objects.none())
    starts_at = forms.DateTimeField(label=_("From"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Until"), widget=DateTimeInput)
    reason = forms.CharField(label=_("Reason (private)"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = _people()  # type: ignore[attr-defined]
        group_people(self.fields["person"])


class SolveForm(forms.Form):
    mode = forms.ChoiceField(label=_("How"), choices=SolveRun.Mode.choices, initial="full")
    time_limit = forms.FloatField(
        label=_("Time limit (seconds)"), min_value=0.1, max_value=600, initial=30
    )
    seed = forms.IntegerField(label=_("Seed"), min_value=0, initial=0, required=False)
    workers = forms.IntegerField(
        label=_("Workers"), min_value=1, max_value=8, initial=2, required=False
    )


class CallForm(forms.Form):
    """Move or resize a call (or add one)."""

    studio = forms.ModelChoiceField(label=_("Studio"), queryset=Studio.objects.filter(active=True))
    day = forms.DateField(label=_("Day"), widget=DateInput)
    start = forms.TimeField(label=_("Starts"), widget=TimeInput)
    end = forms.TimeField(label=_("Ends"), widget=TimeInput)
    override_reason = forms.CharField(
        label=_("Reason to override a rule (recorded)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AddCallForm(CallForm):
    request = forms.ModelChoiceField(
        label=_("For the request"), queryset=CallRequest.objects.none(), required=False
    )
    label = forms.CharField(label=_("Or, a new call: what"), max_length=200, required=False)
    people = forms.ModelMultipleChoiceField(
        label=_("Who (for a new call)"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def __init__(self, *args: Any, period: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = _people()  # type: ignore[attr-defined]
        group_people(self.fields["people"])
        if period is not None:
            self.fields["request"].queryset = CallRequest.objects.filter(period=period)  # type: ignore[attr-defined]
        # A request made from casting has a label Callboard wrote: show it in the reader's words.
        self.fields["request"].label_from_instance = lambda r: reader_text(r.label)  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    first_day = forms.DateField(label=_("From"), widget=DateInput)
    last_day = forms.DateField(label=_("To"), widget=DateInput)
    firm = forms.BooleanField(label=_("Firm (not tentative)"), required=False)
    note = forms.CharField(label=_("Note to the company"), max_length=300, required=False)


class AvailabilityPeriodForm(forms.Form):
    first_day = forms.DateField(label=_("From"), widget=DateInput)
    last_day = forms.DateField(label=_("To"), widget=DateInput)
    deadline = forms.DateTimeField(label=_("Answers by"), widget=DateTimeInput)
    note = forms.CharField(label=_("Note to everyone"), max_length=300, required=False)


class ConflictForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("From"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Until"), widget=DateTimeInput)
    kind = forms.ChoiceField(label=_("What"), choices=AvailabilityConflict.Kind.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Seen by you and the ballet master, e.g. “school exam” or “dentist”."),
    )


class DecideForm(forms.Form):
    approve = forms.BooleanField(required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
