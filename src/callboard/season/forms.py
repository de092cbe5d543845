"""Forms of the season pages: they parse what a person typed; the services decide.

The performance form takes the start as a local date and time at the venue and turns it
into an aware UTC instant; the rules (order, overlap, season and tour dates) stay in
:mod:`callboard.season.services`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callboard.company.models import Site, Studio
from callboard.core.errors import ValidationFailed
from callboard.core.zones import local_to_utc
from callboard.repertoire.models import Work
from callboard.season import selectors
from callboard.season.models import Performance, Programme, Season, Tour, Venue
from callboard.season.services import MAX_INTERVAL_MINUTES, PerformanceData, ProgrammeItem

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class VenueForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    city = forms.CharField(label=gettext_lazy("City"), max_length=120)
    country = forms.CharField(label=gettext_lazy("Country"), max_length=120, required=False)
    time_zone = forms.CharField(
        label=gettext_lazy("Time zone"),
        max_length=64,
        help_text=gettext_lazy("IANA name, e.g. Europe/Moscow"),
        widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}),
    )
    capacity = forms.IntegerField(label=gettext_lazy("Seats"), min_value=1)
    stage_width_m = forms.DecimalField(
        label=gettext_lazy("Stage width (m)"), max_digits=5, decimal_places=1, required=False
    )
    stage_depth_m = forms.DecimalField(
        label=gettext_lazy("Stage depth (m)"), max_digits=5, decimal_places=1, required=False
    )
    stage_notes = forms.CharField(
        label=gettext_lazy("Stage notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("e.g. worn wooden stage, slight rake"),
    )
    orchestra_pit = forms.BooleanField(label=gettext_lazy("Orchestra pit"), required=False)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=250, required=False)
    get_in_minutes = forms.IntegerField(
        label=gettext_lazy("Get-in (minutes before the curtain)"),
        min_value=0,
        max_value=1440,
        required=False,
        help_text=gettext_lazy("How long before the curtain a performance takes the stage."),
    )
    get_out_minutes = forms.IntegerField(
        label=gettext_lazy("Get-out (minutes after the curtain)"),
        min_value=0,
        max_value=1440,
        required=False,
        help_text=gettext_lazy("How long after the curtain comes down the stage stays taken."),
    )

    @staticmethod
    def initial_for(venue: Venue) -> dict[str, Any]:
        return {name: getattr(venue, name) for name in VenueForm.base_fields}


def _get_in_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=gettext_lazy("Get-in (minutes before the curtain)"),
        min_value=0,
        max_value=1440,
        required=False,
    )


def _get_out_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=gettext_lazy("Get-out (minutes after the curtain)"),
        min_value=0,
        max_value=1440,
        required=False,
    )


class RoomChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Studio) -> str:
        return f"{obj.name} ({obj.site.name})"


class VenueStageForm(forms.Form):
    """Which room is a venue's stage, how many dancers it holds, and its get-in and get-out."""

    room = RoomChoice(
        label=gettext_lazy("The room that is its stage"),
        queryset=Studio.objects.filter(active=True).select_related("site").order_by("name"),
        required=False,
        empty_label=gettext_lazy("(a new room at the site below)"),
        help_text=gettext_lazy(
            "Stage and dress rehearsals are planned in this room; nothing else is called there."
        ),
    )
    site = forms.ModelChoiceField(
        label=gettext_lazy("Site of a new room"),
        queryset=Site.objects.order_by("name"),
        required=False,
        help_text=gettext_lazy("The theatre's building, when the stage is not a room yet."),
    )
    capacity = forms.IntegerField(
        label=gettext_lazy("Dancers it holds"), min_value=1, max_value=500, required=False
    )
    get_in_minutes = _get_in_field()
    get_out_minutes = _get_out_field()

    def __init__(self, *args: Any, venue: Venue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["get_in_minutes"].help_text = _(
            "How long before the curtain a performance takes the stage; empty: %(n)s minutes."
        ) % {"n": settings.CALLBOARD_STAGE_GET_IN_MINUTES}
        self.fields["get_out_minutes"].help_text = _(
            "How long after the curtain comes down the stage stays taken; empty: %(n)s minutes."
        ) % {"n": settings.CALLBOARD_STAGE_GET_OUT_MINUTES}
        room: forms.ModelChoiceField = self.fields["room"]  # type: ignore[assignment]
        # Rooms that are another venue's stage are not offered.
        room.queryset = (
            Studio.objects.filter(active=True)
            .filter(Q(venue__isnull=True) | Q(venue=venue))
            .select_related("site")
            .order_by("name")
        )

    @staticmethod
    def initial_for(venue: Venue) -> dict[str, Any]:
        return {
            "room": venue.stage_id,
            "capacity": venue.stage.capacity if venue.stage is not None else None,
            "get_in_minutes": venue.get_in_minutes,
            "get_out_minutes": venue.get_out_minutes,
        }


class PerformanceStageForm(forms.Form):
    """A performance's own get-in and get-out; empty: the venue's, else Callboard's."""

    get_in_minutes = _get_in_field()
    get_out_minutes = _get_out_field()

    def __init__(self, *args: Any, performance: Performance, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        venue = performance.venue
        get_in = venue.get_in_minutes
        get_out = venue.get_out_minutes
        if get_in is None:
            get_in = settings.CALLBOARD_STAGE_GET_IN_MINUTES
        if get_out is None:
            get_out = settings.CALLBOARD_STAGE_GET_OUT_MINUTES
        empty = _("Empty: %(n)s minutes, the venue's or Callboard's default.")
        self.fields["get_in_minutes"].help_text = empty % {"n": get_in}
        self.fields["get_out_minutes"].help_text = empty % {"n": get_out}


class SeasonForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    starts_on = forms.DateField(label=gettext_lazy("First day"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Last day"), widget=DATE)


class TourForm(forms.Form):
    season = forms.ModelChoiceField(label=gettext_lazy("Season"), queryset=Season.objects.all())
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    starts_on = forms.DateField(label=gettext_lazy("First day"), widget=DATE)
    ends_on = forms.DateField(label=gettext_lazy("Last day"), widget=DATE)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProgrammeForm(forms.Form):
    season = forms.ModelChoiceField(label=gettext_lazy("Season"), queryset=Season.objects.all())
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProgrammeItemForm(forms.Form):
    work = forms.ModelChoiceField(
        label=gettext_lazy("Work"), queryset=Work.objects.order_by("title"), required=False
    )
    interval_after_minutes = forms.IntegerField(
        label=gettext_lazy("Interval after (minutes)"),
        min_value=0,
        max_value=MAX_INTERVAL_MINUTES,
        required=False,
        initial=0,
    )


ProgrammeItemFormSet = forms.formset_factory(ProgrammeItemForm, extra=3)


def programme_items(formset: forms.BaseFormSet) -> list[ProgrammeItem]:
    """The filled rows of the works formset, in order."""
    items = []
    for row in formset.forms:
        data = getattr(row, "cleaned_data", None) or {}
        if data.get("work") is not None:
            items.append(
                ProgrammeItem(
                    work=data["work"],
                    interval_after_minutes=data.get("interval_after_minutes") or 0,
                )
            )
    return items


class ProgrammeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Programme) -> str:
        return f"{obj.title} ({obj.season.name})"


class TourChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Tour) -> str:
        return f"{obj.name} ({obj.season.name})"


class PerformanceForm(forms.Form):
    """Start and end are typed as local wall-clock time at the chosen venue."""

    # Service error fields -> the form fields a person typed them in.
    FIELDS = {"starts_at": "start_time", "ends_at": "end_time", "time_zone": "venue"}

    programme = ProgrammeChoice(
        label=gettext_lazy("Programme"),
        queryset=Programme.objects.select_related("season").order_by("season__starts_on", "title"),
    )
    title = forms.CharField(
        label=gettext_lazy("Billing title"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("e.g. Annual Gala; leave empty to bill the programme's title"),
    )
    venue = forms.ModelChoiceField(label=gettext_lazy("Venue"), queryset=Venue.objects.all())
    start_date = forms.DateField(label=gettext_lazy("Date (at the venue)"), widget=DATE)
    start_time = forms.TimeField(label=gettext_lazy("Starts (local time)"), widget=TIME)
    end_date = forms.DateField(
        label=gettext_lazy("End date"),
        required=False,
        widget=DATE,
        help_text=gettext_lazy("Only when it ends after midnight"),
    )
    end_time = forms.TimeField(
        label=gettext_lazy("Ends (local time)"),
        required=False,
        widget=TIME,
        help_text=gettext_lazy("Leave empty to work it out from the programme's running time"),
    )
    tour = TourChoice(
        label=gettext_lazy("Tour"),
        queryset=Tour.objects.select_related("season").order_by("starts_on"),
        required=False,
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Performance.Status.choices)
    music = forms.ChoiceField(label=gettext_lazy("Music"), choices=Performance.Music.choices)
    conductor = forms.ModelChoiceField(
        label=gettext_lazy("Conductor"),
        queryset=selectors.conductor_list(),
        required=False,
        help_text=gettext_lazy("Live orchestra only"),
    )
    orchestra = forms.CharField(label=gettext_lazy("Orchestra"), max_length=200, required=False)
    notes = forms.CharField(
        label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    @staticmethod
    def initial_for(performance: Performance) -> dict[str, Any]:
        start = performance.local_starts_at
        end = performance.local_ends_at
        return {
            "programme": performance.programme_id,
            "title": performance.title,
            "venue": performance.venue_id,
            "start_date": start.date(),
            "start_time": start.time().replace(tzinfo=None),
            "end_date": end.date() if end.date() != start.date() else None,
            "end_time": end.time().replace(tzinfo=None),
            "tour": performance.tour_id,
            "status": performance.status,
            "music": performance.music,
            "conductor": performance.conductor_id,
            "orchestra": performance.orchestra,
            "notes": performance.notes,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        venue: Venue | None = data.get("venue")
        day: dt.date | None = data.get("start_date")
        at: dt.time | None = data.get("start_time")
        if venue is None or day is None or at is None:
            return data
        try:
            data["starts_at"] = local_to_utc(
                local=dt.datetime.combine(day, at), zone_name=venue.time_zone, field="starts_at"
            )
        except ValidationFailed as exc:
            self.add_error("start_time", exc.message)
            return data
        end_day: dt.date | None = data.get("end_date")
        end_at: dt.time | None = data.get("end_time")
        data["ends_at"] = None
        if end_day is not None and end_at is None:
            self.add_error("end_time", _("Give the end time as well as the end date."))
        elif end_at is not None:
            try:
                data["ends_at"] = local_to_utc(
                    local=dt.datetime.combine(end_day or day, end_at),
                    zone_name=venue.time_zone,
                    field="ends_at",
                )
            except ValidationFailed as exc:
                self.add_error("end_time", exc.message)
        return data

    def performance_data(self) -> PerformanceData:
        data = self.cleaned_data
        return PerformanceData(
            programme=data["programme"],
            venue=data["venue"],
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            tour=data.get("tour"),
            status=data["status"],
            music=data["music"],
            conductor=data.get("conductor"),
            orchestra=data.get("orchestra", ""),
            title=data.get("title", ""),
            notes=data.get("notes", ""),
        )


class CancelForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False)


class PerformanceFilterForm(forms.Form):
    """The filters of the performance list; dates are days in the company's time zone."""

    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE)
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE)
    venue = forms.ModelChoiceField(
        label=gettext_lazy("Venue"), queryset=Venue.objects.all(), required=False
    )
    season = forms.ModelChoiceField(
        label=gettext_lazy("Season"), queryset=Season.objects.all(), required=False
    )
