from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from callboard.audit.models import AuditEntry

SYSTEM = "system"

# A browser date picker shows the date the reader's way; it reads and sends ISO.
ISO_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HistoryFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    who = forms.ChoiceField(label=_("Who"), required=False)
    first_day = forms.DateField(
        label=_("From"),
        required=False,
        widget=ISO_DATE,
    )
    last_day = forms.DateField(
        label=_("To"),
        required=False,
        widget=ISO_DATE,
    )

    def __init__(self, *args: Any, actors: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Everything")), *AuditEntry.Kind.choices]  # type: ignore[attr-defined]
        self.fields["who"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            (SYSTEM, _("Callboard (automatic)")),
            *[(str(pk), name or _("(no name)")) for pk, name in actors],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            raise forms.ValidationError(_("The last day comes before the first; swap them."))
        return data
