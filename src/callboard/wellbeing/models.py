"""Workload and injuries: session ratings of exertion, injuries and return-to-dance plans.

A dancer's minutes are never typed: they are derived from the published schedule, company
class and the casting (see :mod:`callboard.scheduling.workload`). What a dancer adds is a
*session rating of perceived exertion* (:class:`ExertionRating`, 0–10) for a day or for one
kind of session; load = minutes × RPE.

An :class:`Injury` is medical detail, private to the dancer and the medical staff. Its
:class:`ReturnStage` rows are the return-to-dance plan; from them Callboard derives what the
people who plan may know — "unavailable" or "limited to N minutes a day, no jumps" — and
nothing more (:mod:`callboard.wellbeing.planning`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from callboard.company.models import Dancer


class Session(models.TextChoices):
    DAY = "day", _("The whole day")
    CLASS = "class", _("Company class")
    REHEARSAL = "rehearsal", _("Rehearsals")
    PERFORMANCE = "performance", _("Performance")


class ExertionRating(models.Model):
    """A dancer's rating of how hard a day (or one kind of session that day) felt, 0 to 10."""

    dancer = models.ForeignKey(Dancer, on_delete=models.CASCADE, related_name="exertion_ratings")
    day = models.DateField(_("day"))
    session = models.CharField(
        _("session"), max_length=12, choices=Session.choices, default=Session.DAY
    )
    rpe = models.PositiveSmallIntegerField(
        _("exertion (0–10)"), help_text=_("0 rest · 3 easy · 5 hard · 7 very hard · 10 maximal")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-day", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["dancer", "day", "session"], name="exertion_once_per_session"
            ),
            models.CheckConstraint(condition=Q(rpe__lte=10), name="exertion_rpe_0_10"),
            models.CheckConstraint(
                condition=Q(session__in=["day", "class", "rehearsal", "performance"]),
                name="exertion_session_known",
            ),
        ]
        indexes = [models.Index(fields=["dancer", "day"], name="exertion_dancer_day")]

    def __str__(self) -> str:
        return f"{self.dancer_id} {self.day} {self.session}: {self.rpe}"


class BodyPart(models.TextChoices):
    HEAD_NECK = "head_neck", _("Head and neck")
    SHOULDER = "shoulder", _("Shoulder")
    ARM = "arm", _("Arm and elbow")
    WRIST_HAND = "wrist_hand", _("Wrist and hand")
    UPPER_BACK = "upper_back", _("Upper back and ribs")
    LOWER_BACK = "lower_back", _("Lower back")
    HIP_GROIN = "hip_groin", _("Hip, pelvis and groin")
    THIGH = "thigh", _("Thigh")
    KNEE = "knee", _("Knee")
    LOWER_LEG = "lower_leg", _("Lower leg and Achilles")
    ANKLE = "ankle", _("Ankle")
    FOOT = "foot", _("Foot and toes")
    OTHER = "other", _("Other")


class Side(models.TextChoices):
    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BOTH = "both", _("Both sides")
    CENTRAL = "central", _("Central / not applicable")


class Mechanism(models.TextChoices):
    OVERUSE = "overuse", _("Overuse (gradual onset)")
    ACUTE = "acute", _("Acute (sudden onset)")
    UNKNOWN = "unknown", _("Not known")


class Activity(models.TextChoices):
    CLASS = "class", _("Class")
    REHEARSAL = "rehearsal", _("Rehearsal")
    PERFORMANCE = "performance", _("Performance")
    OUTSIDE = "outside", _("Outside dance")
    UNKNOWN = "unknown", _("Not known")


class Injury(models.Model):
    """An injury: medical detail, for the dancer and the medical staff only.

    ``restricts``, ``restricted_from`` and ``restricted_until`` are derived from the time
    lost and the return-to-dance stages by the services (never typed), so that planning
    reads can find the injuries that limit a date range with one indexed query.
    """

    dancer = models.ForeignKey(Dancer, on_delete=models.CASCADE, related_name="injuries")
    body_part = models.CharField(_("body part"), max_length=20, choices=BodyPart.choices)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices, default=Side.CENTRAL)
    occurred_on = models.DateField(_("date of injury"))
    mechanism = models.CharField(
        _("mechanism"), max_length=10, choices=Mechanism.choices, default=Mechanism.UNKNOWN
    )
    activity = models.CharField(
        _("doing what"), max_length=12, choices=Activity.choices, default=Activity.UNKNOWN
    )
    diagnosis = models.CharField(_("diagnosis"), max_length=300, blank=True)
    time_lost_days = models.PositiveIntegerField(
        _("time lost (days)"),
        null=True,
        blank=True,
        help_text=_("Days unable to take full part in class, rehearsal or performance"),
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()
    # Derived planning window (see the class docstring).
    restricts = models.BooleanField(default=False, editable=False)
    restricted_from = models.DateField(null=True, blank=True, editable=False)
    restricted_until = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name_plural = _("injuries")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    body_part__in=[
                        "head_neck",
                        "shoulder",
                        "arm",
                        "wrist_hand",
                        "upper_back",
                        "lower_back",
                        "hip_groin",
                        "thigh",
                        "knee",
                        "lower_leg",
                        "ankle",
                        "foot",
                        "other",
                    ]
                ),
                name="injury_body_part_known",
            ),
            models.CheckConstraint(
                condition=Q(side__in=["left", "right", "both", "central"]),
                name="injury_side_known",
            ),
            models.CheckConstraint(
                condition=Q(time_lost_days__isnull=True) | Q(time_lost_days__lte=3650),
                name="injury_time_lost_at_most_ten_years",
            ),
            models.CheckConstraint(
                condition=Q(restricts=False) | Q(restricted_from__isnull=False),
                name="injury_restriction_has_start",
            ),
        ]
        indexes = [
            models.Index(
                fields=["restricts", "restricted_until"], name="injury_restriction_window"
            ),
            models.Index(fields=["dancer", "occurred_on"], name="injury_dancer_day"),
        ]

    def __str__(self) -> str:
        return f"Injury {self.pk} of dancer {self.dancer_id}"


class Restriction(models.TextChoices):
    NO_JUMPS = "no_jumps", _("no jumps")
    NO_POINTE = "no_pointe", _("no pointe work")
    NO_PARTNERING = "no_partnering", _("no partnering or lifts")
    NO_TURNS = "no_turns", _("no turns")
    NO_FLOOR = "no_floor", _("no floor work")
    BARRE_ONLY = "barre_only", _("barre only")


class ReturnStage(models.Model):
    """One stage of a return-to-dance plan, in force from ``starts_on`` until the next one.

    *Not dancing* makes the dancer unavailable; *limited* allows at most
    ``minutes_per_day`` with ``restrictions`` (and performing only when ``may_perform``);
    *full return* ends the plan.
    """

    class Mode(models.TextChoices):
        OUT = "out", _("Not dancing")
        LIMITED = "limited", _("Limited")
        FULL = "full", _("Full return")

    injury = models.ForeignKey(Injury, on_delete=models.CASCADE, related_name="stages")
    starts_on = models.DateField(_("from"))
    mode = models.CharField(_("stage"), max_length=10, choices=Mode.choices)
    minutes_per_day = models.PositiveSmallIntegerField(
        _("at most … minutes a day"), null=True, blank=True
    )
    restrictions = models.JSONField(_("restrictions"), default=list, blank=True)
    may_perform = models.BooleanField(_("cleared to perform"), default=False)
    notes = models.TextField(_("medical notes"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["injury", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["injury", "starts_on"], name="stage_one_per_day"),
            models.CheckConstraint(
                condition=Q(mode__in=["out", "limited", "full"]), name="stage_mode_known"
            ),
            models.CheckConstraint(
                condition=Q(minutes_per_day__isnull=True)
                | (Q(minutes_per_day__gt=0) & Q(minutes_per_day__lte=1440)),
                name="stage_minutes_in_a_day",
            ),
            models.CheckConstraint(
                condition=Q(mode="limited") | Q(minutes_per_day__isnull=True),
                name="stage_minutes_only_when_limited",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} from {self.starts_on}"

    @property
    def restriction_labels(self) -> list[str]:
        labels = dict(Restriction.choices)
        return [str(labels.get(code, code)) for code in (self.restrictions or [])]
