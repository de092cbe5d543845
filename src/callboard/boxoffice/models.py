"""The box office: seat maps, the house per performance, holds, carts, orders, tickets, the door.

The one rule everything here serves: **a seat is sold at most once per performance**. It is
kept in three layers:

1. :class:`SeatClaim` has a partial unique constraint: at most one *active* claim (a cart's
   ten-minute hold, a hold, or a ticket) per performance and seat;
2. :class:`Ticket` has its own: at most one *valid* ticket per performance and seat;
3. services lock the :class:`PerformanceSeat` rows they touch (ordered by id), sweep expired
   claims on them, re-check availability and only then write.

A claim whose ``expires_at`` has passed no longer counts, whether or not the sweeper has run.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from callboard.company.models import Dancer, Person
from callboard.season.models import Performance, Venue


class SeatMap(models.Model):
    """The seating plan of a venue: sections, rows and seats with positions for the SVG."""

    venue = models.OneToOneField(Venue, on_delete=models.CASCADE, related_name="seat_map")
    name = models.CharField(_("name"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("drawing width"), default=1000)
    height = models.PositiveIntegerField(_("drawing height"), default=800)
    stage_label = models.CharField(_("stage label"), max_length=60, default="Stage")
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(width__gt=0) & Q(height__gt=0), name="seatmap_size_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name or str(self.venue)


class PriceZone(models.Model):
    seat_map = models.ForeignKey(SeatMap, on_delete=models.CASCADE, related_name="zones")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=80)
    price = models.DecimalField(_("price"), max_digits=9, decimal_places=2)
    colour = models.CharField(_("colour"), max_length=7, default="#6b2145")
    rank = models.PositiveSmallIntegerField(_("rank (1 is best)"), default=1)

    class Meta:
        ordering = ["rank", "code"]
        constraints = [
            models.UniqueConstraint(fields=["seat_map", "code"], name="pricezone_unique_code"),
            models.CheckConstraint(condition=Q(price__gte=0), name="pricezone_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class SeatSection(models.Model):
    class Kind(models.TextChoices):
        STALLS = "stalls", _("Stalls")
        BOX = "box", _("Box")
        TIER = "tier", _("Tier")
        BALCONY = "balcony", _("Balcony")
        GALLERY = "gallery", _("Gallery")

    seat_map = models.ForeignKey(SeatMap, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.STALLS)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["seat_map", "name"], name="seatsection_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Seat(models.Model):
    """A seat. ``row_index`` counts rows from the stage; ``position`` counts seats left to right
    in the row, with gaps where an aisle runs: two seats are together when their positions differ
    by one."""

    seat_map = models.ForeignKey(SeatMap, on_delete=models.CASCADE, related_name="seats")
    section = models.ForeignKey(SeatSection, on_delete=models.CASCADE, related_name="seats")
    zone = models.ForeignKey(PriceZone, on_delete=models.PROTECT, related_name="seats")
    row = models.CharField(_("row"), max_length=10)
    number = models.CharField(_("seat"), max_length=10)
    row_index = models.PositiveSmallIntegerField(default=1)
    position = models.PositiveSmallIntegerField(default=1)
    x = models.FloatField()
    y = models.FloatField()
    accessible = models.BooleanField(_("wheelchair space"), default=False)
    companion = models.BooleanField(_("companion seat"), default=False)
    restricted_view = models.BooleanField(_("restricted view"), default=False)
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        ordering = ["section__order", "row_index", "position"]
        constraints = [
            models.UniqueConstraint(fields=["section", "row", "number"], name="seat_unique_label"),
            models.UniqueConstraint(
                fields=["section", "row_index", "position"], name="seat_unique_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.section.name} {_('row')} {self.row}, {_('seat')} {self.number}"

    @property
    def label(self) -> str:
        return f"{self.section.name} {self.row}-{self.number}"


class PerformanceSeat(models.Model):
    """A seat of the house for one performance: the row locked while its sale is decided."""

    performance = models.ForeignKey(Performance, on_delete=models.CASCADE, related_name="house")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["performance", "seat"], name="performanceseat_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.performance_id}/{self.seat_id}"


class Hold(models.Model):
    class Kind(models.TextChoices):
        HOUSE = "house", _("House seats")
        PRESS = "press", _("Press seats")
        FAMILY_COMP = "family_comp", _("Family comps")
        KILL = "kill", _("Kill (camera, sightline)")
        WAITLIST = "waitlist", _("Offered to the waiting list")

    performance = models.ForeignKey(Performance, on_delete=models.CASCADE, related_name="holds")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="seat_holds"
    )
    owner_label = models.CharField(_("held for"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=250)
    release_at = models.DateTimeField(_("goes back on sale at"), null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="hold_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.held_for}"

    @property
    def held_for(self) -> str:
        return self.owner_label or (self.owner.full_name if self.owner is not None else "")


class Cart(models.Model):
    """Seats a buyer is choosing: each is held for the buyer until ``expires_at``."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ORDERED = "ordered", _("Ordered")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Expired")

    token = models.CharField(max_length=64, unique=True)
    performance = models.ForeignKey(Performance, on_delete=models.CASCADE, related_name="carts")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="cart_expires_after_start"
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="cart_status_expiry")]

    def __str__(self) -> str:
        return f"{_('cart')} {self.pk} ({self.status})"


class Order(models.Model):
    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        COMP = "comp", _("Complimentary")
        RESERVATION = "reservation", _("Reservation, pay at the box office")
        ONLINE = "online", _("Online sale, paid through the payment provider")

    class Status(models.TextChoices):
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        CONFIRMED = "confirmed", _("Confirmed by the box office, to be paid")
        COMPLIMENTARY = "complimentary", _("Complimentary")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")
        LAPSED = "lapsed", _("Lapsed: not paid in time")

    # Orders whose tickets let their holders in at the door.
    ADMITTED_STATUSES = frozenset({"paid", "confirmed", "complimentary"})

    reference = models.CharField(max_length=12, unique=True)
    performance = models.ForeignKey(Performance, on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    buyer_name = models.CharField(_("name"), max_length=200)
    buyer_email = models.EmailField(_("e-mail"), blank=True)
    comp_reason = models.CharField(_("reason for the comp"), max_length=200, blank=True)
    total = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    provider = models.CharField(max_length=40, default="box_office")
    payment_reference = models.CharField(max_length=120, blank=True)
    channel = models.CharField(max_length=20, default="box_office")
    cart = models.OneToOneField(
        Cart, null=True, blank=True, on_delete=models.SET_NULL, related_name="order"
    )
    hold = models.ForeignKey(
        Hold, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    # An unpaid order lapses at this moment and its seats go back on sale (see services).
    pay_by = models.DateTimeField(_("pay by"), null=True, blank=True)
    # Where an online order came from (the reservation limit per address); erased with the
    # buyer's other personal data.
    client_address = models.GenericIPAddressField(null=True, blank=True)
    confirmed_note = models.CharField(
        _("why the box office confirmed it"), max_length=200, blank=True
    )
    # The buyer as a patron (one per e-mail); None for orders without an e-mail.
    patron = models.ForeignKey(
        "Patron", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    discount = models.ForeignKey(
        "DiscountCode", null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    # How much the discount took off the tickets' prices (the total is after it).
    discount_amount = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    # The order's use of its discount code was given back (it lapsed or was refunded).
    discount_returned = models.BooleanField(default=False)
    # The buyer's own link to the order (/shop/o/<token>/): whoever has it sees the order and
    # downloads its tickets, so it is long and random.
    token = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # The language the buyer used: their e-mails are written in it.
    language = models.CharField(_("language"), max_length=10, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="comp") | Q(total=0), name="order_comp_is_free"
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_not_negative"),
            models.CheckConstraint(condition=~Q(buyer_name=""), name="order_has_buyer"),
        ]
        indexes = [
            models.Index(fields=["performance", "created_at"], name="order_perf_created"),
            models.Index(fields=["performance", "buyer_email"], name="order_perf_email"),
            models.Index(fields=["status", "pay_by"], name="order_status_pay_by"),
        ]

    def __str__(self) -> str:
        return self.reference


class Ticket(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REFUNDED = "refunded", _("Refunded")
        EXCHANGED = "exchanged", _("Exchanged")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tickets")
    performance = models.ForeignKey(Performance, on_delete=models.PROTECT, related_name="tickets")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="tickets")
    zone = models.ForeignKey(PriceZone, null=True, on_delete=models.SET_NULL, related_name="+")
    # The price paid, after any discount.
    price = models.DecimalField(max_digits=9, decimal_places=2)
    # The price type sold (None: the zone's own price, "full") and its name at the sale.
    price_type = models.ForeignKey(
        "PriceType", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    price_type_name = models.CharField(_("price type"), max_length=80, blank=True)
    code = models.CharField(max_length=32, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALID)
    issued_at = models.DateTimeField()
    voided_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["performance", "seat"],
                condition=Q(status="valid"),
                name="ticket_one_valid_per_seat",
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="ticket_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.code


class SeatClaim(models.Model):
    """Who has a seat for a performance right now: a cart, a hold or a ticket."""

    class Kind(models.TextChoices):
        CART = "cart", _("In a cart")
        HOLD = "hold", _("Held")
        TICKET = "ticket", _("Sold")

    performance = models.ForeignKey(Performance, on_delete=models.CASCADE, related_name="+")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    cart = models.ForeignKey(
        Cart, null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    hold = models.ForeignKey(
        Hold, null=True, blank=True, on_delete=models.CASCADE, related_name="claims"
    )
    ticket = models.OneToOneField(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="claim"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["performance", "seat"],
                condition=Q(active=True),
                name="seatclaim_one_active_per_seat",
            ),
            models.CheckConstraint(
                condition=(Q(kind="cart") & Q(cart__isnull=False) & Q(expires_at__isnull=False))
                | (Q(kind="hold") & Q(hold__isnull=False))
                # A ticket's claim expires only while its order is unpaid (its pay-by time).
                | (Q(kind="ticket") & Q(ticket__isnull=False)),
                name="seatclaim_kind_matches_owner",
            ),
        ]
        indexes = [models.Index(fields=["performance", "active"], name="seatclaim_perf_active")]

    def __str__(self) -> str:
        return f"{self.kind} {self.performance_id}/{self.seat_id}"


class CheckIn(models.Model):
    """One scan at the door, whatever its outcome; only one can admit a ticket."""

    class Result(models.TextChoices):
        ADMITTED = "admitted", _("Admitted")
        DUPLICATE = "duplicate", _("Already scanned")
        VOID = "void", _("Refunded or exchanged ticket")
        UNPAID = "unpaid", _("Not paid: send the buyer to the box office")
        WRONG_PERFORMANCE = "wrong_performance", _("Ticket for another performance")
        UNKNOWN = "unknown", _("Unknown code")

    performance = models.ForeignKey(Performance, on_delete=models.CASCADE, related_name="checkins")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="checkins"
    )
    code = models.CharField(max_length=64)
    result = models.CharField(max_length=20, choices=Result.choices)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["ticket"], condition=Q(result="admitted"), name="checkin_admits_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.result}"


class CompQuota(models.Model):
    """How many family comps a dancer of a rank may claim per performance."""

    rank = models.CharField(max_length=20, choices=Dancer.Rank.choices, unique=True)
    seats = models.PositiveSmallIntegerField()

    def __str__(self) -> str:
        return f"{self.get_rank_display()}: {self.seats}"


class FamilyComp(models.Model):
    """A dancer's claim of complimentary seats for family, confirmed by the box office."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    performance = models.ForeignKey(
        Performance, on_delete=models.CASCADE, related_name="family_comps"
    )
    dancer = models.ForeignKey(Dancer, on_delete=models.CASCADE, related_name="family_comps")
    guest_name = models.CharField(_("guest"), max_length=200)
    guest = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seats = models.PositiveSmallIntegerField(_("seats"))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    note = models.CharField(_("note"), max_length=250, blank=True)
    requested_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hold = models.OneToOneField(
        Hold, null=True, blank=True, on_delete=models.SET_NULL, related_name="family_comp"
    )
    order = models.OneToOneField(
        Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="family_comp"
    )

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gt=0), name="familycomp_seats_positive"),
            models.CheckConstraint(condition=~Q(guest_name=""), name="familycomp_has_guest"),
        ]

    def __str__(self) -> str:
        return f"{self.guest_name} ({self.seats})"


class PriceType(models.Model):
    """A kind of ticket a performance sells (full, concession, child, ...) with a price per
    zone. A performance without price types sells each seat at its zone's price ("full")."""

    performance = models.ForeignKey(
        Performance, on_delete=models.CASCADE, related_name="price_types"
    )
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=80)
    note = models.CharField(_("note for the buyer"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["performance", "code"], name="pricetype_unique_code"),
            models.CheckConstraint(condition=~Q(name=""), name="pricetype_has_name"),
        ]

    def __str__(self) -> str:
        return self.name


class PriceTypePrice(models.Model):
    """What a price type costs in one zone; a zone without a row does not sell that type."""

    price_type = models.ForeignKey(PriceType, on_delete=models.CASCADE, related_name="prices")
    zone = models.ForeignKey(PriceZone, on_delete=models.CASCADE, related_name="+")
    price = models.DecimalField(_("price"), max_digits=9, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["price_type", "zone"], name="pricetypeprice_unique"),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="pricetypeprice_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.price_type_id}/{self.zone_id}: {self.price}"


class DiscountCode(models.Model):
    """A code a buyer enters at checkout: a percentage or an amount off, for a number of uses
    between two dates, optionally for one performance only."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percentage off")
        AMOUNT = "amount", _("Amount off")

    code = models.CharField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.DecimalField(_("value"), max_digits=9, decimal_places=2)
    max_uses = models.PositiveIntegerField(_("uses allowed"))
    uses = models.PositiveIntegerField(_("uses"), default=0)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    performance = models.ForeignKey(
        Performance,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="discount_codes",
        verbose_name=_("only for the performance"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The last guard against two buyers over-using a code at the same moment.
            models.CheckConstraint(
                condition=Q(uses__lte=F("max_uses")), name="discountcode_uses_within_limit"
            ),
            models.CheckConstraint(condition=Q(max_uses__gt=0), name="discountcode_has_uses"),
            models.CheckConstraint(condition=Q(value__gt=0), name="discountcode_value_positive"),
            models.CheckConstraint(
                condition=~Q(kind="percent") | Q(value__lte=100),
                name="discountcode_percent_at_most_100",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gt=F("valid_from")),
                name="discountcode_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class Patron(models.Model):
    """A buyer: one per e-mail (lower-cased), linked to their orders. Erasing a patron on
    request clears the personal fields here and on the orders; the orders stay."""

    email = models.CharField(_("e-mail"), max_length=254, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # The name and e-mail folded for search (core.text.search_key).
    search_name = models.CharField(max_length=460, blank=True, db_index=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name or self.email or f"#{self.pk}"


class WaitlistEntry(models.Model):
    """A buyer waiting for seats of a sold-out performance. When seats come back the first in
    line is offered them: they are held for the buyer until ``offer_expires_at``."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered seats")
        ACCEPTED = "accepted", _("Buying the offered seats")
        BOUGHT = "bought", _("Bought")
        EXPIRED = "expired", _("Offer ran out")
        CANCELLED = "cancelled", _("Cancelled")

    ACTIVE = ("waiting", "offered", "accepted")

    performance = models.ForeignKey(Performance, on_delete=models.CASCADE, related_name="waitlist")
    name = models.CharField(_("name"), max_length=200)
    email = models.CharField(_("e-mail"), max_length=254)
    language = models.CharField(_("language"), max_length=10, blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"))
    token = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField()
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    hold = models.OneToOneField(
        Hold, null=True, blank=True, on_delete=models.SET_NULL, related_name="waitlist_entry"
    )
    cart = models.OneToOneField(
        Cart, null=True, blank=True, on_delete=models.SET_NULL, related_name="waitlist_entry"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(seats__gt=0), name="waitlist_seats_positive"),
            models.UniqueConstraint(
                fields=["performance", "email"],
                condition=Q(status__in=["waiting", "offered", "accepted"]),
                name="waitlist_one_entry_per_email",
            ),
        ]
        indexes = [
            models.Index(fields=["performance", "status", "created_at"], name="waitlist_line"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.seats})"
