"""Forms of the reception pages: they parse what a person typed; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from callboard.company.models import Person
from callboard.company.pickers import group_people
from callboard.reception.models import Feedback
from callboard.reception.services import ActInput
from callboard.repertoire.models import Work
from callboard.season.models import Performance

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class NoNulForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in cleaned.items():
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, _("Remove the NUL characters from this text."))
        return cleaned


class ReportForm(NoNulForm):
    curtain_calls = forms.IntegerField(
        label=gettext_lazy("Curtain calls"), min_value=0, max_value=99, initial=0
    )
    standing_ovation = forms.BooleanField(label=gettext_lazy("Standing ovation"), required=False)
    attendance = forms.IntegerField(
        label=gettext_lazy("Attendance (counted by hand)"),
        min_value=0,
        max_value=100_000,
        required=False,
        help_text=gettext_lazy(
            "Only when the box office sold no tickets; otherwise the door check-ins count it."
        ),
    )
    incidents = forms.CharField(
        label=gettext_lazy("Incidents"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Injuries on stage, a late start, a stopped performance…"),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ActForm(NoNulForm):
    label = forms.CharField(label=gettext_lazy("Act"), max_length=120, required=False)
    curtain_up = forms.TimeField(label=gettext_lazy("Curtain up"), required=False, widget=TIME)
    curtain_down = forms.TimeField(label=gettext_lazy("Curtain down"), required=False, widget=TIME)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        up, down = cleaned.get("curtain_up"), cleaned.get("curtain_down")
        if (up is None) != (down is None):
            raise forms.ValidationError(_("Give both curtain up and curtain down, or neither."))
        return cleaned


ActFormSet = forms.formset_factory(ActForm, extra=0, max_num=12, absolute_max=12)


def local_moment(performance: Performance, value: dt.time) -> dt.datetime:
    """A wall-clock time on the performance's evening at its venue; times well before the
    start belong to the next day (a curtain coming down after midnight)."""
    start = performance.local_starts_at
    moment = dt.datetime.combine(start.date(), value, tzinfo=performance.venue.zone)
    if moment < start - dt.timedelta(hours=3):
        moment += dt.timedelta(days=1)
    return moment


def acts_from(performance: Performance, formset: Any) -> list[ActInput]:
    acts = []
    for form in formset.forms:
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        if not data or data.get("curtain_up") is None:
            continue
        acts.append(
            ActInput(
                label=data.get("label") or "",
                curtain_up=local_moment(performance, data["curtain_up"]),
                curtain_down=local_moment(performance, data["curtain_down"]),
            )
        )
    return acts


def act_initial(performance: Performance, acts: list[Any]) -> list[dict[str, Any]]:
    zone = performance.venue.zone
    rows = [
        {
            "label": a.label,
            "curtain_up": a.curtain_up.astimezone(zone).time(),
            "curtain_down": a.curtain_down.astimezone(zone).time(),
        }
        for a in acts
    ]
    if not rows:
        items = list(performance.programme.items.all())
        rows = [{"label": item.work.title} for item in items] if len(items) > 1 else []
        if not rows:
            rows = [{"label": _("Act %(n)d") % {"n": n}} for n in range(1, 3)]
    return [*rows, {}, {}]


class ReviewForm(NoNulForm):
    critic = forms.ModelChoiceField(
        label=gettext_lazy("Critic"),
        queryset=Person.objects.none(),
        help_text=gettext_lazy("A contact in the people list; add the critic there first."),
    )
    outlet = forms.CharField(label=gettext_lazy("Outlet"), max_length=200)
    published_on = forms.DateField(label=gettext_lazy("Published"), widget=DATE)
    url = forms.CharField(label=gettext_lazy("Link"), max_length=500, required=False)
    headline = forms.CharField(label=gettext_lazy("Headline"), max_length=300, required=False)
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Stars"),
        choices=[("", gettext_lazy("no stars given"))] + [(str(k), "★" * k) for k in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    quote = forms.CharField(
        label=gettext_lazy("Quote"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    works = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Works reviewed"),
        queryset=Work.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("None ticked: every work on the programme."),
    )

    def __init__(self, *args: Any, performance: Performance, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["critic"].queryset = Person.objects.order_by(  # type: ignore[attr-defined]
            "-kind", "family_name", "given_name"
        )
        self.fields["critic"].label_from_instance = lambda p: (  # type: ignore[attr-defined]
            f"{p.full_name} ({p.organisation})" if p.organisation else p.full_name
        )
        group_people(self.fields["critic"], first="press")
        self.fields["works"].queryset = Work.objects.filter(  # type: ignore[attr-defined]
            programme_items__programme_id=performance.programme_id
        ).order_by("programme_items__order")


class SurveyForm(NoNulForm):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Overall, how was the performance?"),
        choices=[(str(k), str(k)) for k in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose a rating from 1 to 5.")},
    )
    favourite_moment = forms.CharField(
        label=gettext_lazy("Your favourite moment"), max_length=300, required=False
    )
    comment = forms.CharField(
        label=gettext_lazy("Anything else you would like to tell the company?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    would_return = forms.ChoiceField(
        label=gettext_lazy("Would you come again?"),
        choices=[(c.value, c.label) for c in Feedback.Again],
        widget=forms.RadioSelect,
        required=False,
    )
    # A field people never see (hidden by CSS and aria-hidden): robots fill it in.
    website = forms.CharField(required=False, label=gettext_lazy("Leave this empty"))


class ModerateForm(forms.Form):
    ids = forms.CharField()
    decision = forms.ChoiceField(choices=[("approve", "approve"), ("reject", "reject")])

    def clean_ids(self) -> list[int]:
        raw = self.cleaned_data["ids"]
        ids = []
        for part in raw.replace(" ", ",").split(","):
            if part.strip():
                if not (part.strip().isascii() and part.strip().isdigit()) or len(part) > 18:
                    raise forms.ValidationError(_("Answers are named by their numbers."))
                ids.append(int(part))
        if not ids:
            raise forms.ValidationError(_("Choose at least one answer."))
        return ids
