"""Forms of the shop parse what the buyer sends; the rules are the box office's services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from callboard.boxoffice.forms import SeatIdsField
from callboard.boxoffice.models import PriceZone
from callboard.boxoffice.services import max_tickets_per_order


class PickForm(forms.Form):
    seats = SeatIdsField(label=_("Seats"), widget=forms.HiddenInput)

    def clean_seats(self) -> list[int]:
        seats: list[int] = self.cleaned_data["seats"]
        if not seats:
            raise forms.ValidationError(_("Tap free seats on the map first."))
        return seats


class BestForm(forms.Form):
    count = forms.IntegerField(label=_("How many seats"), min_value=1, initial=2)
    zone = forms.ChoiceField(label=_("Where"), required=False)
    accessible = forms.BooleanField(
        label=_("A wheelchair space, with companion seats beside it"), required=False
    )

    def __init__(self, *args: Any, zones: list[PriceZone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        most = max_tickets_per_order()
        count = self.fields["count"]
        assert isinstance(count, forms.IntegerField)
        count.max_value = most
        count.validators.append(forms.IntegerField(max_value=most).validators[-1])
        count.widget.attrs.update({"min": 1, "max": most})
        zone = self.fields["zone"]
        assert isinstance(zone, forms.ChoiceField)
        zone.choices = [("", _("Best in the house"))] + [(z.code, z.name) for z in zones]


class CheckoutForm(forms.Form):
    buyer_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        error_messages={"required": _("Give the name the tickets are for.")},
    )
    buyer_email = forms.EmailField(
        label=_("E-mail"),
        help_text=_("The tickets are sent here."),
        max_length=254,
        error_messages={
            "invalid": _("That is not an e-mail address. The tickets are sent there: check it."),
            "required": _("Give your e-mail address: the tickets are sent there."),
        },
    )
