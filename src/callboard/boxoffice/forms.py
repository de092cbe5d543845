"""Forms parse what people type; the rules live in services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from callboard.boxoffice.models import DiscountCode, Hold, Order, PriceZone, SeatSection
from callboard.boxoffice.seatmaps import NUMBERING
from callboard.company.models import Dancer


class SeatIdsField(forms.CharField):
    """Comma-separated seat ids, as the map's script fills them in."""

    def to_python(self, value: object) -> list[int]:  # type: ignore[override]
        text = super().to_python(value) or ""
        ids = []
        for part in text.replace(" ", "").split(","):
            if not part:
                continue
            if not part.isdigit():
                raise forms.ValidationError(_("Choose seats on the map."))
            ids.append(int(part))
        return ids


class ZoneForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=10)
    name = forms.CharField(label=_("Name"), max_length=80)
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=9, decimal_places=2)
    colour = forms.CharField(
        label=_("Colour"),
        max_length=7,
        initial="#6b2145",
        widget=forms.TextInput(attrs={"type": "color"}),
    )
    rank = forms.IntegerField(label=_("Rank (1 is best)"), min_value=1, max_value=99, initial=1)


class GenerateForm(forms.Form):
    section = forms.CharField(label=_("Section"), max_length=80, initial="Stalls")
    kind = forms.ChoiceField(label=_("Kind"), choices=SeatSection.Kind.choices)
    rows = forms.IntegerField(label=_("Rows"), min_value=1, max_value=100, initial=10)
    seats_per_row = forms.IntegerField(
        label=_("Seats per row"), min_value=1, max_value=200, initial=20
    )
    numbering = forms.ChoiceField(
        label=_("Numbering"),
        choices=[
            (
                n,
                {
                    "ltr": _("left to right"),
                    "rtl": _("right to left"),
                    "odd_even": _("odd right, even left"),
                }[n],
            )
            for n in NUMBERING
        ],
    )
    zone = forms.CharField(label=_("Price zone code"), max_length=10)
    first_row = forms.IntegerField(
        label=_("First row (empty: after the last)"), min_value=1, required=False
    )
    row_labels = forms.ChoiceField(
        label=_("Row labels"), choices=[("numbers", _("1, 2, 3")), ("letters", _("A, B, C"))]
    )
    origin_x = forms.FloatField(label=_("Left edge (x)"), initial=100)
    origin_y = forms.FloatField(label=_("First row (y)"), initial=110)
    aisle_every = forms.IntegerField(
        label=_("Aisle after every … seats (0: none)"), min_value=0, initial=0
    )
    curve = forms.FloatField(label=_("Curve of the rows"), min_value=0, initial=0)


class SeatEditForm(forms.Form):
    FLAG = [("", _("leave as is")), ("1", _("yes")), ("0", _("no"))]
    seats = SeatIdsField(label=_("Seats"), widget=forms.HiddenInput)
    zone = forms.CharField(label=_("Move to zone"), max_length=10, required=False)
    accessible = forms.ChoiceField(label=_("Wheelchair space"), choices=FLAG, required=False)
    companion = forms.ChoiceField(label=_("Companion seat"), choices=FLAG, required=False)
    restricted_view = forms.ChoiceField(label=_("Restricted view"), choices=FLAG, required=False)
    note = forms.CharField(label=_("Note"), max_length=120, required=False)
    delete = forms.BooleanField(label=_("Delete these seats"), required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Seat map JSON file"))


class PickForm(forms.Form):
    seats = SeatIdsField(label=_("Seats"), widget=forms.HiddenInput, required=False)
    count = forms.IntegerField(
        label=_("Best available: how many seats"), min_value=1, max_value=10, required=False
    )
    zone = forms.CharField(label=_("in zone (code, optional)"), max_length=10, required=False)
    accessible = forms.BooleanField(label=_("Wheelchair space"), required=False)


class CheckoutForm(forms.Form):
    buyer_name = forms.CharField(label=_("Name on the tickets"), max_length=200)
    buyer_email = forms.EmailField(label=_("E-mail"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=Order.Kind.choices, initial=Order.Kind.SALE)
    comp_reason = forms.CharField(label=_("Reason for a comp"), max_length=200, required=False)
    discount_code = forms.CharField(label=_("Discount code"), max_length=40, required=False)


class HoldForm(forms.Form):
    # A waiting-list hold is made by the waiting list's offers only.
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[c for c in Hold.Kind.choices if c[0] != Hold.Kind.WAITLIST]
    )
    owner_label = forms.CharField(label=_("Held for"), max_length=200)
    reason = forms.CharField(label=_("Reason"), max_length=250)
    release_at = forms.DateTimeField(
        label=_("Back on sale at (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    seats = SeatIdsField(label=_("Seats"), widget=forms.HiddenInput, required=False)
    count = forms.IntegerField(
        label=_("or the best … seats together"), min_value=1, max_value=10, required=False
    )


class IssueForm(forms.Form):
    buyer_name = forms.CharField(label=_("Give to (name)"), max_length=200)
    kind = forms.ChoiceField(
        label=_("As"), choices=[(Order.Kind.COMP, _("Complimentary")), (Order.Kind.SALE, _("Sale"))]
    )


class ExchangeForm(forms.Form):
    tickets = forms.CharField(widget=forms.HiddenInput, required=False)
    seats = forms.CharField(
        label=_("New seats"),
        help_text=_("As printed on the map, e.g. “Stalls 5-12, Stalls 5-13”"),
        max_length=500,
    )


class CompClaimForm(forms.Form):
    performance = forms.TypedChoiceField(label=_("Performance"), coerce=int)
    guest_name = forms.CharField(label=_("Guest"), max_length=200)
    guest = forms.TypedChoiceField(
        label=_("Family member on file (optional)"), coerce=int, required=False, empty_value=None
    )
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=10, initial=1)
    note = forms.CharField(label=_("Note for the box office"), max_length=250, required=False)


class QuotaForm(forms.Form):
    rank = forms.ChoiceField(label=_("Rank"), choices=Dancer.Rank.choices)
    seats = forms.IntegerField(label=_("Family comps per performance"), min_value=0, max_value=20)


class ScanForm(forms.Form):
    code = forms.CharField(label=_("Ticket code"), max_length=64)


class PriceTypeForm(forms.Form):
    """A price type with one price field per zone of the venue (``price_<zone code>``)."""

    code = forms.SlugField(
        label=_("Code"), max_length=20, help_text=_("Short, e.g. concession or child.")
    )
    name = forms.CharField(label=_("Name buyers read"), max_length=80)
    note = forms.CharField(
        label=_("Note for the buyer"),
        max_length=200,
        required=False,
        help_text=_("e.g. Show a student card at the door."),
    )
    order = forms.IntegerField(label=_("Order in the list"), min_value=0, max_value=99, initial=1)

    def __init__(self, *args: Any, zones: list[PriceZone], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zones = zones
        for zone in zones:
            self.fields[f"price_{zone.code}"] = forms.DecimalField(
                label=_("Price in %(zone)s (%(code)s)") % {"zone": zone.name, "code": zone.code},
                min_value=0,
                max_digits=9,
                decimal_places=2,
                required=False,
                help_text=_("Empty: not sold in this zone."),
            )

    def prices(self) -> dict[str, Decimal | None]:
        return {z.code: self.cleaned_data.get(f"price_{z.code}") for z in self.zones}


class DiscountForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30, help_text=_("e.g. GALA-FRIENDS"))
    kind = forms.ChoiceField(label=_("Kind"), choices=DiscountCode.Kind.choices)
    value = forms.DecimalField(
        label=_("Percentage or amount off"),
        min_value=Decimal("0.01"),
        max_digits=9,
        decimal_places=2,
    )
    max_uses = forms.IntegerField(label=_("Uses allowed"), min_value=1, max_value=100000)
    valid_from = forms.DateTimeField(
        label=_("Valid from"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    valid_until = forms.DateTimeField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    performance = forms.TypedChoiceField(
        label=_("Only for the performance"), coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class WaitlistForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(label=_("Your e-mail"), max_length=254)
    seats = forms.IntegerField(label=_("Seats together"), min_value=1, max_value=10, initial=2)
