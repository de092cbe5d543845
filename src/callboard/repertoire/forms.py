"""Forms of the repertoire pages: they parse input only; the rules live in services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from callboard.repertoire import selectors
from callboard.repertoire.models import Commission, DancerRole, Section, Work


class DateInput(forms.DateInput):
    """A browser date picker: it shows the date the reader's way and sends ISO."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")  # what <input type=date> reads, any language


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class SectionsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class WorkFilterForm(forms.Form):
    q = forms.CharField(label=_("Title"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Work.Status.choices]
    )


class WorkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    choreographer = PersonChoiceField(
        label=_("Choreographer"), queryset=selectors.people(), required=False
    )
    choreography_credit = forms.CharField(
        label=_("Choreography credit"),
        max_length=200,
        required=False,
        help_text=_("e.g. after Petipa and Ivanov"),
    )
    composer = forms.CharField(label=_("Composer"), max_length=200, required=False)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"))
    status = forms.ChoiceField(label=_("Status"), choices=Work.Status.choices)
    premiere_date = forms.DateField(label=_("Premiere"), required=False, widget=DateInput)
    full_length = forms.BooleanField(label=_("Full-length ballet"), required=False)
    synopsis = forms.CharField(label=_("Synopsis"), required=False, widget=forms.Textarea)
    themes = forms.CharField(label=_("Themes"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, locked_status: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if locked_status:
            self.fields["status"].disabled = True
            self.fields["status"].help_text = _("Follows the commission: advance it on the board.")


class SectionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Section.Kind.choices)
    parent = SectionChoiceField(
        label=_("Inside"),
        queryset=Section.objects.none(),
        required=False,
        empty_label=_("— the work itself —"),
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), required=False)

    def __init__(self, *args: Any, work: Work, section: Section | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        parents = Section.objects.filter(work=work).order_by("order", "pk")
        if section is not None:
            parents = parents.exclude(pk=section.pk)
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = parents


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    dancers_needed = forms.IntegerField(
        label=_("Dancers"), initial=1, help_text=_("How many dancers dance this role at once.")
    )
    principal = forms.BooleanField(label=_("Principal role"), required=False)
    announceable = forms.BooleanField(label=_("Announced to the public"), required=False)
    sections = SectionsChoiceField(
        label=_("Dances in"),
        queryset=Section.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, work: Work, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sections = cast(forms.ModelMultipleChoiceField, self.fields["sections"])
        sections.queryset = Section.objects.filter(work=work).order_by("order", "pk")


class DancerRoleForm(forms.Form):
    dancer = forms.ModelChoiceField(label=_("Dancer"), queryset=selectors.dancers_for_roles())
    status = forms.ChoiceField(label=_("Status"), choices=DancerRole.Status.choices)
    since = forms.DateField(label=_("Since"), required=False, widget=DateInput)


class CommissionForm(forms.Form):
    title = forms.CharField(label=_("Working title"), max_length=200)
    creator = PersonChoiceField(label=_("Created by"), queryset=selectors.people())
    commissioned_by = PersonChoiceField(label=_("Commissioned by"), queryset=selectors.people())
    occasion = forms.CharField(label=_("For the occasion of"), max_length=200, required=False)
    agreed_on = forms.DateField(label=_("Agreed on"), required=False, widget=DateInput)
    premiere_planned = forms.DateField(
        label=_("Planned premiere"), required=False, widget=DateInput
    )
    duration_minutes = forms.IntegerField(label=_("Planned duration (minutes)"))
    composer = forms.CharField(label=_("Composer"), max_length=200, required=False)
    brief = forms.CharField(label=_("Brief"), required=False, widget=forms.Textarea)
    themes = forms.CharField(label=_("Themes"), required=False, widget=forms.Textarea)


class CommissionEditForm(forms.Form):
    creator = PersonChoiceField(label=_("Created by"), queryset=selectors.people())
    commissioned_by = PersonChoiceField(label=_("Commissioned by"), queryset=selectors.people())
    occasion = forms.CharField(label=_("For the occasion of"), max_length=200, required=False)
    agreed_on = forms.DateField(label=_("Agreed on"), widget=DateInput)
    premiere_planned = forms.DateField(
        label=_("Planned premiere"), required=False, widget=DateInput
    )
    brief = forms.CharField(label=_("Brief"), required=False, widget=forms.Textarea)


class AdvanceForm(forms.Form):
    to_status = forms.ChoiceField(choices=Commission.Status.choices)
    premiere_date = forms.DateField(required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DateInput)


class MilestoneDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DateInput)
