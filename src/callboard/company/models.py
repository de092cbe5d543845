"""The company, its people (dancers, staff, contacts), its studios and its labour agreement.

Callboard runs one company per installation; :class:`Company` holds its name, home time
zone and the labour profile in force.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from callboard.core.i18n import DEFAULT_CURRENCY, current_language
from callboard.core.text import reads_script, search_key


class LabourProfile(models.Model):
    """The company's labour agreement as data. Minutes everywhere; null means "no such rule"."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    preset = models.CharField(
        max_length=40, blank=True, help_text=_("Preset this was created from")
    )
    notes = models.TextField(_("notes"), blank=True)
    max_minutes_per_day = models.PositiveIntegerField(_("most minutes of work a day"))
    max_minutes_per_week = models.PositiveIntegerField(_("most minutes of work a week"))
    longest_call_minutes = models.PositiveIntegerField(
        _("longest continuous call (minutes)"), null=True, blank=True
    )
    max_span_minutes = models.PositiveIntegerField(
        _("longest span of a working day (minutes)"), null=True, blank=True
    )
    break_every_minutes = models.PositiveIntegerField(
        _("a short break in every … minutes of work"), null=True, blank=True
    )
    break_minutes = models.PositiveIntegerField(_("short break (minutes)"), default=0)
    meal_break_within_minutes = models.PositiveIntegerField(
        _("a longer rest within the first … minutes of work"), null=True, blank=True
    )
    meal_break_minutes = models.PositiveIntegerField(_("longer rest (minutes)"), default=0)
    min_rest_between_days_minutes = models.PositiveIntegerField(
        _("least rest between two working days (minutes)"), null=True, blank=True
    )
    earliest_start = models.TimeField(_("earliest start"), null=True, blank=True)
    latest_end = models.TimeField(_("latest end"), null=True, blank=True)
    free_days_per_week = models.PositiveSmallIntegerField(_("free days a week"), default=1)
    class_counts_as_work = models.BooleanField(_("company class counts as work"), default=True)
    performance_counts_as_work = models.BooleanField(_("performances count as work"), default=True)
    posting_deadline = models.TimeField(_("schedule posted by"), null=True, blank=True)
    posting_days_before = models.PositiveSmallIntegerField(_("days before the work day"), default=1)
    principal_notice_days = models.PositiveSmallIntegerField(
        _("principal roles announced (days ahead)"), default=28
    )
    announceable_notice_days = models.PositiveSmallIntegerField(
        _("announceable roles announced (days ahead)"), default=21
    )
    full_casting_notice_days = models.PositiveSmallIntegerField(
        _("full casting announced (days ahead)"), default=14
    )
    personal_notice_hours = models.PositiveSmallIntegerField(
        _("personal notice of a change (hours ahead)"), default=24
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_minutes_per_day__gt=0) & Q(max_minutes_per_week__gt=0),
                name="labour_positive_limits",
            ),
            models.CheckConstraint(
                condition=Q(max_minutes_per_week__gte=F("max_minutes_per_day")),
                name="labour_week_at_least_day",
            ),
            models.CheckConstraint(
                condition=Q(free_days_per_week__lte=7), name="labour_free_days_le_7"
            ),
            models.CheckConstraint(
                condition=Q(break_every_minutes__isnull=True)
                | Q(break_minutes__lt=F("break_every_minutes")),
                name="labour_break_shorter_than_interval",
            ),
            models.CheckConstraint(
                condition=Q(meal_break_within_minutes__isnull=True)
                | Q(meal_break_minutes__lt=F("meal_break_within_minutes")),
                name="labour_meal_break_within_window",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Moscow")
    labour_profile = models.ForeignKey(
        LabourProfile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    city = models.CharField(max_length=100, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("What people read unless they choose; blank follows each browser."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default=DEFAULT_CURRENCY,
        help_text=_("ISO 4217 code of every price, e.g. RUB or EUR."),
    )

    class Meta:
        verbose_name_plural = _("company")

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Anyone the company deals with: dancers, staff, guests, critics, family."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Company member")
        GUEST = "guest", _("Guest artist")
        CONTACT = "contact", _("Contact")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.MEMBER)
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100)
    # The name in the person's own script (Cyrillic for a Moscow dancer), shown to readers
    # of a language written in it; the Latin name above is shown to everyone else.
    native_given_name = models.CharField(_("given name in own script"), max_length=100, blank=True)
    native_family_name = models.CharField(
        _("family name in own script"), max_length=100, blank=True
    )
    search_name = models.CharField(max_length=220, editable=False, db_index=True)
    # Both names folded to Latin, so "Tatiana" finds «Татьяна» and «Клара» finds Klára.
    search_names = models.CharField(max_length=450, editable=False, default="")
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("Pages and e-mails in this language; blank follows the company's."),
    )
    # Public facts
    biography = models.TextField(_("biography"), blank=True)
    heritage = models.TextField(_("heritage"), blank=True)
    nationality = models.CharField(_("nationality"), max_length=100, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    contact_role = models.CharField(
        _("role or relation"),
        max_length=200,
        blank=True,
        help_text=_("e.g. critic, Klára's mother"),
    )
    related_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="relatives"
    )
    # Private facts (the person, and management only)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    emergency_contact = models.CharField(_("emergency contact"), max_length=200, blank=True)
    # Set when the person's data was erased on their request (company.services.personal_data):
    # the record stays for what refers to it, with the personal fields blanked.
    erased_at = models.DateTimeField(_("erased on request"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(given_name="") & ~Q(family_name=""), name="person_named"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived search key, kept in step with the name whoever writes the row.
        self.search_name = search_key(f"{self.given_name} {self.family_name}")
        self.search_names = person_search_names(self)
        super().save(*args, **kwargs)

    @property
    def latin_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def native_name(self) -> str:
        return " ".join(filter(None, [self.native_given_name, self.native_family_name]))

    @property
    def full_name(self) -> str:
        """The name in the reader's script: «Клара Калмурзаева» to a Russian reader."""
        native = self.native_name
        if native and reads_script(current_language(), native):
            return native
        return self.latin_name

    @property
    def display_given_name(self) -> str:
        if self.native_given_name and reads_script(current_language(), self.native_name):
            return self.native_given_name
        return self.given_name

    @property
    def display_family_name(self) -> str:
        if self.native_family_name and reads_script(current_language(), self.native_name):
            return self.native_family_name
        return self.family_name


def person_search_names(person: Person) -> str:
    """The Latin name and the name in own script, both folded for search."""
    keys = [search_key(f"{person.given_name} {person.family_name}")]
    native = " ".join(filter(None, [person.native_given_name, person.native_family_name]))
    if native:
        keys.append(search_key(native))
    return " | ".join(keys)[:450]


class Dancer(models.Model):
    class Rank(models.TextChoices):
        PRINCIPAL = "principal", _("Principal")
        FIRST_SOLOIST = "first_soloist", _("First soloist")
        SOLOIST = "soloist", _("Soloist")
        CORYPHEE = "coryphee", _("Coryphée")
        CORPS = "corps", _("Corps de ballet")
        APPRENTICE = "apprentice", _("Apprentice")
        GUEST = "guest", _("Guest artist")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INJURED = "injured", _("Injured")
        ON_LEAVE = "on_leave", _("On leave")
        GUESTING = "guesting", _("Guesting elsewhere")
        RETIRED = "retired", _("Retired")

    RANK_ORDER = [r.value for r in Rank]

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="dancer")
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    # "Injured" normally comes from the physiotherapist's record (an open injury or its
    # return-to-dance plan, read through wellbeing); set by hand it must say why.
    status_reason = models.CharField(
        _("why (when marked by hand)"),
        max_length=200,
        blank=True,
        help_text=_(
            "Needed when you mark a dancer injured by hand, e.g. “reported by phone, sees the "
            "physiotherapist on Monday”. Not a diagnosis: that belongs in the medical record."
        ),
    )
    joined_on = models.DateField(_("joined the company"), null=True, blank=True)
    engagement_start = models.DateField(_("guest engagement from"), null=True, blank=True)
    engagement_end = models.DateField(_("guest engagement to"), null=True, blank=True)
    contract_notes = models.TextField(_("contract notes"), blank=True)  # private

    class Meta:
        ordering = ["person__family_name", "person__given_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(engagement_end__isnull=True)
                | Q(engagement_start__isnull=True)
                | Q(engagement_end__gte=F("engagement_start")),
                name="dancer_engagement_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status="injured") | ~Q(status_reason=""),
                name="dancer_injured_by_hand_says_why",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def rank_index(self) -> int:
        return self.RANK_ORDER.index(self.rank)


class TrainingEntry(models.Model):
    """A line of a dancer's training history: a school, a teacher, a style, years."""

    dancer = models.ForeignKey(Dancer, on_delete=models.CASCADE, related_name="training")
    institution = models.CharField(_("school or teacher"), max_length=200)
    discipline = models.CharField(_("discipline"), max_length=120, blank=True)
    place = models.CharField(_("place"), max_length=120, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from (year)"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to (year)"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["start_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=F("start_year")),
                name="training_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.institution


class Staff(models.Model):
    class Kind(models.TextChoices):
        ARTISTIC_DIRECTOR = "artistic_director", _("Artistic director")
        CHOREOGRAPHER = "choreographer", _("Choreographer")
        BALLET_MASTER = "ballet_master", _("Ballet master")
        REPETITEUR = "repetiteur", _("Répétiteur")
        PIANIST = "pianist", _("Pianist")
        CONDUCTOR = "conductor", _("Conductor")
        PHYSIOTHERAPIST = "physiotherapist", _("Physiotherapist")
        COMPANY_MANAGER = "company_manager", _("Company manager")
        STAGE_MANAGER = "stage_manager", _("Stage manager")
        BOX_OFFICE = "box_office", _("Box office")
        PRESS = "press", _("Press officer")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="staff_roles")
    kind = models.CharField(_("role"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "person__family_name"]
        verbose_name_plural = _("staff")
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="staff_unique_kind")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_kind_display()})"


class Site(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    address = models.CharField(_("address"), max_length=250, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SiteTravel(models.Model):
    """Minutes to travel between two sites (stored once per ordered pair)."""

    origin = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    destination = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["origin", "destination"], name="site_travel_unique"),
            models.CheckConstraint(
                condition=~Q(origin=F("destination")), name="site_travel_distinct"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.origin} → {self.destination}: {self.minutes} min"


class Studio(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="studios", verbose_name=_("site")
    )
    length_m = models.DecimalField(
        _("length (m)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    width_m = models.DecimalField(
        _("width (m)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    capacity = models.PositiveSmallIntegerField(_("dancers it holds"))
    has_piano = models.BooleanField(_("piano"), default=True)
    floor = models.CharField(_("floor"), max_length=120, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    # A theatre's stage, as a room of the venue's site: only stage and dress rehearsals are
    # called there, and performances take it from their get-in to their get-out.
    is_stage = models.BooleanField(
        _("a theatre's stage"),
        default=False,
        help_text=_("Only stage and dress rehearsals are called on a stage."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="studio_capacity_positive")
        ]

    def __str__(self) -> str:
        return self.name
