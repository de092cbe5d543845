"""Venues, seasons, tours, programmes and performances."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from callboard.company.models import Person, Studio
from callboard.core.zones import validate_time_zone, zone_or_utc
from callboard.repertoire.models import Work


class Venue(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    city = models.CharField(_("city"), max_length=120)
    country = models.CharField(_("country"), max_length=120, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Europe/Moscow"),
    )
    capacity = models.PositiveIntegerField(_("seats"))
    stage_width_m = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    stage_depth_m = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    stage_notes = models.TextField(_("stage notes"), blank=True)
    orchestra_pit = models.BooleanField(_("orchestra pit"), default=True)
    address = models.CharField(max_length=250, blank=True)
    # The stage as a room of a site of the company's (the theatre's building), so the
    # scheduler plans stage and dress rehearsals on it like on a studio, with travel.
    stage = models.OneToOneField(
        Studio,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="venue",
        verbose_name=pgettext_lazy("theatre", "stage"),
    )
    get_in_minutes = models.PositiveSmallIntegerField(
        _("get-in (minutes before the curtain)"),
        null=True,
        blank=True,
        help_text=_("How long before the curtain a performance takes the stage."),
    )
    get_out_minutes = models.PositiveSmallIntegerField(
        _("get-out (minutes after the curtain)"),
        null=True,
        blank=True,
        help_text=_("How long after the curtain comes down the stage stays taken."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gt=0), name="venue_capacity_positive"),
            models.CheckConstraint(condition=~Q(time_zone=""), name="venue_time_zone_given"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"

    @property
    def zone(self) -> dt.tzinfo:
        return zone_or_utc(self.time_zone)


class Season(models.Model):
    name = models.CharField(max_length=120, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="season_ordered")
        ]

    def __str__(self) -> str:
        return self.name


class Tour(models.Model):
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="tours")
    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="tour_ordered"),
            models.UniqueConstraint(fields=["season", "name"], name="tour_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    season = models.ForeignKey(Season, on_delete=models.CASCADE, related_name="programmes")
    title = models.CharField(max_length=200)
    works = models.ManyToManyField(Work, through="ProgrammeWork", related_name="programmes")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["season", "title"], name="programme_unique_title")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def running_minutes(self) -> int:
        """The works' durations plus the intervals between them (uses prefetched ``items``)."""
        items = list(self.items.all())
        works = sum(item.work.duration_minutes for item in items)
        intervals = sum(item.interval_after_minutes for item in items[:-1])
        return works + intervals


class ProgrammeWork(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="items")
    work = models.ForeignKey(Work, on_delete=models.PROTECT, related_name="programme_items")
    order = models.PositiveSmallIntegerField(default=0)
    interval_after_minutes = models.PositiveSmallIntegerField(
        _("interval after this work (minutes)"), default=0
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "work"], name="programme_work_unique")
        ]

    def __str__(self) -> str:
        return f"{self.programme.title}: {self.work.title}"


class Performance(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ON_SALE = "on_sale", _("On sale")
        PERFORMED = "performed", _("Performed")
        CANCELLED = "cancelled", _("Cancelled")

    class Music(models.TextChoices):
        ORCHESTRA = "orchestra", _("Live orchestra")
        RECORDED = "recorded", _("Recorded music")
        PIANO = "piano", _("Piano")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="performances")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="performances")
    tour = models.ForeignKey(
        Tour, null=True, blank=True, on_delete=models.SET_NULL, related_name="performances"
    )
    title = models.CharField(
        _("billing"), max_length=200, blank=True, help_text=_("e.g. Annual Gala")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    music = models.CharField(max_length=20, choices=Music.choices, default=Music.ORCHESTRA)
    conductor = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="performances_conducted",
    )
    orchestra = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    get_in_minutes = models.PositiveSmallIntegerField(
        _("get-in (minutes before the curtain)"),
        null=True,
        blank=True,
        help_text=_("Empty: the venue's, or Callboard's default."),
    )
    get_out_minutes = models.PositiveSmallIntegerField(
        _("get-out (minutes after the curtain)"),
        null=True,
        blank=True,
        help_text=_("Empty: the venue's, or Callboard's default."),
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="performance_ends_after_start"
            ),
            # A cancelled performance frees its slot for another booking.
            models.UniqueConstraint(
                fields=["venue", "starts_at"],
                condition=~Q(status="cancelled"),
                name="performance_unique_venue_start",
            ),
            models.CheckConstraint(
                condition=Q(music="orchestra") | Q(conductor__isnull=True),
                name="performance_conductor_only_with_orchestra",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.title or self.programme.title} — {self.venue.name}, {self.starts_at:%Y-%m-%d}"
        )

    @property
    def billing(self) -> str:
        return self.title or self.programme.title

    @property
    def stage_taken(self) -> tuple[dt.datetime, dt.datetime]:
        """When the performance takes its venue's stage: from its get-in to its get-out
        (the performance's own, else the venue's, else Callboard's defaults)."""
        get_in = self.get_in_minutes
        if get_in is None:
            get_in = self.venue.get_in_minutes
        if get_in is None:
            get_in = int(settings.CALLBOARD_STAGE_GET_IN_MINUTES)
        get_out = self.get_out_minutes
        if get_out is None:
            get_out = self.venue.get_out_minutes
        if get_out is None:
            get_out = int(settings.CALLBOARD_STAGE_GET_OUT_MINUTES)
        return (
            self.starts_at - dt.timedelta(minutes=get_in),
            self.ends_at + dt.timedelta(minutes=get_out),
        )

    @property
    def local_starts_at(self) -> dt.datetime:
        """The start in the venue's time zone."""
        return self.starts_at.astimezone(self.venue.zone)

    @property
    def local_ends_at(self) -> dt.datetime:
        return self.ends_at.astimezone(self.venue.zone)
