"""Casting: who dances which role in which performance, its announcement and its history.

A *production* is a programme (or one work of it) and its run of performances. Each
performance has, for every role of its works, ``dancers_needed`` *slots*; every slot may
hold a first, second and third cast and the role holds ranked *covers* (understudies).
Only the first cast is on stage; the others stand ready.

Casting is a draft until it is *announced*, per performance and per role tier
(principal roles, announceable roles, full casting). A change to announced casting is
logged (:class:`CastingChange`) and notifies the dancers it touches (:class:`Notification`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from callboard.company.models import Dancer, Person, Staff
from callboard.repertoire.models import Role, Section, Work
from callboard.season.models import Performance, Programme, Venue


class Tier(models.IntegerChoices):
    """How early a role's casting is announced; a lower tier is announced earlier."""

    PRINCIPAL = 1, _("Principal roles")
    ANNOUNCEABLE = 2, _("Announceable roles")
    FULL = 3, _("Full casting")


def role_tier(role: Role) -> int:
    if role.principal:
        return Tier.PRINCIPAL
    if role.announceable:
        return Tier.ANNOUNCEABLE
    return Tier.FULL


class CastAssignment(models.Model):
    """One dancer in one slot of one role in one performance."""

    class Kind(models.TextChoices):
        FIRST = "first", _("First cast")
        SECOND = "second", _("Second cast")
        THIRD = "third", _("Third cast")
        COVER = "cover", _("Cover")

    performance = models.ForeignKey(
        Performance, on_delete=models.CASCADE, related_name="cast_assignments"
    )
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="cast_assignments")
    slot = models.PositiveSmallIntegerField(
        _("slot"), default=0, help_text=_("0 … dancers needed − 1; covers use 0")
    )
    kind = models.CharField(_("cast"), max_length=10, choices=Kind.choices, default=Kind.FIRST)
    rank = models.PositiveSmallIntegerField(
        _("cover rank"), default=1, help_text=_("1 is the first cover")
    )
    dancer = models.ForeignKey(Dancer, on_delete=models.PROTECT, related_name="cast_assignments")
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = [
            "performance__starts_at",
            "role__work__title",
            "role__name",
            "kind",
            "rank",
            "slot",
        ]
        constraints = [
            # A role slot is never filled twice, whoever writes at the same time.
            models.UniqueConstraint(
                fields=["performance", "role", "slot", "kind", "rank"],
                name="cast_slot_filled_once",
            ),
            models.UniqueConstraint(
                fields=["performance", "role", "dancer"], name="cast_dancer_once_per_role"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["first", "second", "third", "cover"]), name="cast_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(kind="cover") | Q(rank=1), name="cast_rank_only_for_covers"
            ),
            models.CheckConstraint(
                condition=~Q(kind="cover") | Q(slot=0), name="cast_covers_in_slot_zero"
            ),
            models.CheckConstraint(
                condition=Q(rank__gte=1) & Q(rank__lte=9), name="cast_rank_1_to_9"
            ),
        ]
        indexes = [models.Index(fields=["dancer", "performance"], name="cast_dancer_perf_idx")]

    def __str__(self) -> str:
        return f"{self.dancer} as {self.role.name} ({self.kind}) — {self.performance_id}"

    @property
    def layer(self) -> str:
        return layer_key(self.kind, self.rank)


LAYERS: list[tuple[str, str, int, Any]] = [
    # key, kind, rank, label
    ("first", "first", 1, _("First cast")),
    ("second", "second", 1, _("Second cast")),
    ("third", "third", 1, _("Third cast")),
    ("cover1", "cover", 1, _("Cover 1")),
    ("cover2", "cover", 2, _("Cover 2")),
    ("cover3", "cover", 3, _("Cover 3")),
]


def layer_key(kind: str, rank: int) -> str:
    return f"cover{rank}" if kind == "cover" else kind


def parse_layer(key: str) -> tuple[str, int] | None:
    for k, kind, rank, _label in LAYERS:
        if k == key:
            return kind, rank
    return None


class CastingAnnouncement(models.Model):
    """Casting of a performance announced up to a tier (principal ⊂ announceable ⊂ full)."""

    performance = models.ForeignKey(
        Performance, on_delete=models.CASCADE, related_name="casting_announcements"
    )
    tier = models.PositiveSmallIntegerField(choices=Tier.choices)
    announced_at = models.DateTimeField()
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["performance__starts_at", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["performance", "tier"], name="casting_announced_once"),
            models.CheckConstraint(condition=Q(tier__in=[1, 2, 3]), name="casting_tier_known"),
        ]

    def __str__(self) -> str:
        return f"{self.performance_id}: {self.get_tier_display()}"


class CastingChange(models.Model):
    """A change to announced casting: who changed what, why, and how much notice it gave."""

    performance = models.ForeignKey(
        Performance, on_delete=models.CASCADE, related_name="casting_changes"
    )
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=CastAssignment.Kind.choices)
    rank = models.PositiveSmallIntegerField(default=1)
    old_dancer = models.ForeignKey(
        Dancer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_dancer = models.ForeignKey(
        Dancer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"))
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    late = models.BooleanField(
        _("late"), default=False, help_text=_("Less personal notice than the agreement asks")
    )
    notice_hours = models.IntegerField(_("hours of notice"))

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="casting_change_has_reason"),
            models.CheckConstraint(
                condition=Q(old_dancer__isnull=False) | Q(new_dancer__isnull=False),
                name="casting_change_touches_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} {self.old_dancer} → {self.new_dancer}"


class Notification(models.Model):
    """An in-app message to one person (also sent by e-mail when they have an address)."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="casting_notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.ForeignKey(
        "core.OutboundEmail",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The e-mail telling of it, and whether it went out"),
    )
    change = models.ForeignKey(
        CastingChange,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class CastingProposal(models.Model):
    """A suggested casting (from the solver), applied only when someone accepts it.

    It is worked out in the background: *working* until the solver's answer is stored (or
    *failed*), then *open* for review."""

    class Status(models.TextChoices):
        WORKING = "working", _("Being worked out")
        FAILED = "failed", _("Could not be worked out")
        OPEN = "open", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        DISCARDED = "discarded", _("Discarded")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="casting_proposals"
    )
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    performances = models.ManyToManyField(Performance, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    solver_status = models.CharField(max_length=20, blank=True)
    objective = models.FloatField(null=True, blank=True)
    time_limit_seconds = models.FloatField(default=5)
    seed = models.IntegerField(default=0)
    covers = models.PositiveSmallIntegerField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    explanation = models.JSONField(default=dict, blank=True)
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Suggestion {self.pk} for {self.programme}"


class ProposalItem(models.Model):
    proposal = models.ForeignKey(CastingProposal, on_delete=models.CASCADE, related_name="items")
    performance = models.ForeignKey(Performance, on_delete=models.CASCADE, related_name="+")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    slot = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=CastAssignment.Kind.choices)
    rank = models.PositiveSmallIntegerField(default=1)
    dancer = models.ForeignKey(Dancer, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["performance__starts_at", "role__name", "kind", "rank", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "performance", "role", "slot", "kind", "rank"],
                name="proposal_slot_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dancer_id} as {self.role_id} ({self.kind}) at {self.performance_id}"

    @property
    def layer(self) -> str:
        return layer_key(self.kind, self.rank)


class DancedRecord(models.Model):
    """Marks a performance whose first cast has been written into dancers' role histories."""

    performance = models.OneToOneField(
        Performance, on_delete=models.CASCADE, related_name="danced_record"
    )
    recorded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"danced: {self.performance_id}"


class RehearsalNeed(models.Model):
    """What must be rehearsed before a run: the input of the rehearsal schedule.

    Needs with source *casting* are computed from the casting and the dates; once a person
    edits one it becomes *manual* and the computation leaves it alone.
    """

    class Kind(models.TextChoices):
        COACHING = "coaching", _("Coaching")
        RUN_THROUGH = "run_through", _("Run-through")
        STAGE = "stage", _("Stage rehearsal")
        DRESS = "dress", _("Dress rehearsal")

    class Source(models.TextChoices):
        CASTING = "casting", _("From casting")
        MANUAL = "manual", _("Entered by hand")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="rehearsal_needs"
    )
    key = models.CharField(max_length=120, blank=True, help_text=_("Identity of a computed need"))
    label = models.CharField(_("what"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    role = models.ForeignKey(
        Role, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    performance = models.ForeignKey(
        Performance, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    people = models.ManyToManyField(Dancer, blank=True, related_name="rehearsal_needs")
    staff_kind = models.CharField(
        _("staff needed"), max_length=30, choices=Staff.Kind.choices, blank=True
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    earliest = models.DateField(_("not before"))
    latest = models.DateField(_("not after"))
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=2, help_text=_("1 is most urgent")
    )
    notes = models.TextField(_("notes"), blank=True)
    dismissed = models.BooleanField(
        default=False, help_text=_("Removed by hand; the computation does not bring it back")
    )
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["latest", "priority", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gt=0), name="need_minutes_positive"),
            models.CheckConstraint(
                condition=Q(latest__gte=F("earliest")), name="need_window_ordered"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1) & Q(priority__lte=5), name="need_priority_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["coaching", "run_through", "stage", "dress"]),
                name="need_kind_known",
            ),
            models.UniqueConstraint(
                fields=["programme", "key"], condition=~Q(key=""), name="need_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.label
