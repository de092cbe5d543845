"""The rehearsal schedule: what must be rehearsed, what is fixed, the runs of the solver,
the schedule's versions with their calls, the notices of changes and the calendar feeds.

A *plan* (:class:`SchedulePeriod`) is a day or a week being planned. Its inputs are the
call requests (:class:`CallRequest`, imported from casting's rehearsal needs or added by
hand); the fixed events, studio closures and people's unavailability are facts in time
that every plan overlapping them sees. A plan has at most one *draft*
(:class:`Schedule` with status ``draft``) that the solver and the ballet master edit, and
any number of *published versions*, numbered 1, 2, 3…, each an immutable copy of the
calls as they were posted. A published version is never updated: a change is a new
version, and the differences between two versions become :class:`Notice` rows to the
people they touch.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from callboard.company.models import Person, Studio
from callboard.core.i18n import format_moment
from callboard.repertoire.models import Section, Work


class SchedulePeriod(models.Model):
    """A day or a week of the rehearsal call being planned."""

    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    title = models.CharField(_("title"), max_length=120, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="period_days_ordered"
            ),
            models.UniqueConstraint(fields=["first_day"], name="period_unique_first_day"),
        ]

    def __str__(self) -> str:
        if self.first_day == self.last_day:
            return format_moment(self.first_day, "date")
        first = format_moment(self.first_day, "day_month")
        return f"{first} – {format_moment(self.last_day, 'date_short')}"

    @property
    def days(self) -> list[dt.date]:
        n = (self.last_day - self.first_day).days + 1
        return [self.first_day + dt.timedelta(days=k) for k in range(n)]


class CallRequest(models.Model):
    """Something that must be rehearsed in the plan: who, how long, where and when."""

    class Kind(models.TextChoices):
        REHEARSAL = "rehearsal", _("Rehearsal")
        COACHING = "coaching", _("Coaching")
        CREATION = "creation", _("Creation")
        RUN_THROUGH = "run_through", _("Run-through")
        STAGE = "stage", _("Stage rehearsal")
        DRESS = "dress", _("Dress rehearsal")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        CASTING = "casting", _("From casting")
        MANUAL = "manual", _("Added by hand")

    period = models.ForeignKey(SchedulePeriod, on_delete=models.CASCADE, related_name="requests")
    label = models.CharField(_("what"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.REHEARSAL)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    need = models.ForeignKey(
        "casting.RehearsalNeed", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    work = models.ForeignKey(
        Work, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    section = models.ForeignKey(
        Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    people = models.ManyToManyField(Person, blank=True, related_name="call_requests")
    minutes = models.PositiveIntegerField(_("minutes"))
    call_minutes = models.PositiveIntegerField(
        _("longest single call (minutes)"),
        null=True,
        blank=True,
        help_text=_("Split into calls of at most this length; empty: as the agreement allows."),
    )
    studios = models.ManyToManyField(
        Studio, blank=True, related_name="+", help_text=_("Empty: any studio that fits")
    )
    needs_piano = models.BooleanField(_("needs a piano"), default=False)
    earliest_day = models.DateField(_("not before"), null=True, blank=True)
    latest_day = models.DateField(_("not after"), null=True, blank=True)
    window_start = models.TimeField(_("not earlier than"), null=True, blank=True)
    window_end = models.TimeField(_("not later than"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=3, help_text=_("1 is most urgent, 5 least")
    )
    required = models.BooleanField(
        _("must be placed"), default=False, help_text=_("The schedule is refused without it")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["priority", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gt=0), name="call_request_minutes_positive"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1) & Q(priority__lte=5), name="call_request_priority_1_5"
            ),
            models.CheckConstraint(
                condition=Q(call_minutes__isnull=True) | Q(call_minutes__gte=15),
                name="call_request_call_minutes_15",
            ),
            models.CheckConstraint(
                condition=Q(earliest_day__isnull=True)
                | Q(latest_day__isnull=True)
                | Q(latest_day__gte=F("earliest_day")),
                name="call_request_days_ordered",
            ),
            models.CheckConstraint(
                condition=Q(window_start__isnull=True)
                | Q(window_end__isnull=True)
                | Q(window_end__gt=F("window_start")),
                name="call_request_window_ordered",
            ),
            models.CheckConstraint(condition=~Q(label=""), name="call_request_labelled"),
            models.UniqueConstraint(
                fields=["period", "need"],
                condition=Q(need__isnull=False),
                name="call_request_need_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class FixedEvent(models.Model):
    """Something that happens at a fixed time: class, a fitting, a medical appointment."""

    class Kind(models.TextChoices):
        CLASS = "class", _("Company class")
        FITTING = "fitting", _("Costume fitting")
        MEDICAL = "medical", _("Medical appointment")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("what"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    studio = models.ForeignKey(
        Studio,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The studio it takes, if any"),
    )
    everyone = models.BooleanField(
        _("all active dancers"), default=False, help_text=_("e.g. company class")
    )
    people = models.ManyToManyField(Person, blank=True, related_name="fixed_events")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="fixed_event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["class", "fitting", "medical", "other"]),
                name="fixed_event_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class StudioClosure(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="closures")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="studio_closure_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio}: {self.reason}"


class Unavailability(models.Model):
    """A person cannot be called. The reason is private (the person and management)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="unavailability")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason (private)"), max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name_plural = _("unavailability")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="unavailability_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} unavailable"


class ImmutableVersionError(RuntimeError):
    """Raised when code tries to change a published version (a programming error)."""


class ScheduleQuerySet(models.QuerySet["Schedule"]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(status=Schedule.Status.PUBLISHED).exists():
            raise ImmutableVersionError("A published schedule version is never updated.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(status=Schedule.Status.PUBLISHED).exists():
            raise ImmutableVersionError("A published schedule version is never deleted.")
        return super().delete()


class Schedule(models.Model):
    """The draft of a plan, or one published (immutable, numbered) version of it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    period = models.ForeignKey(SchedulePeriod, on_delete=models.PROTECT, related_name="schedules")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    number = models.PositiveIntegerField(_("version"), null=True, blank=True)
    published_from = models.DateField(null=True, blank=True)
    published_to = models.DateField(null=True, blank=True)
    firm_through = models.DateField(
        _("firm up to"), null=True, blank=True, help_text=_("Later days are tentative")
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    digest = models.CharField(max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    late_days = models.JSONField(
        default=list, blank=True, help_text=_("Days published after their posting deadline")
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScheduleQuerySet.as_manager()

    class Meta:
        ordering = ["period", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"], condition=Q(status="draft"), name="schedule_one_draft_per_period"
            ),
            models.UniqueConstraint(
                fields=["period", "number"],
                condition=Q(number__isnull=False),
                name="schedule_version_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="schedule_status_known"
            ),
            # A published version has its number, its days and its fingerprint; a draft none.
            models.CheckConstraint(
                condition=(
                    Q(status="draft", number__isnull=True)
                    | (
                        Q(status="published", number__gte=1)
                        & Q(published_from__isnull=False)
                        & Q(published_to__gte=F("published_from"))
                        & ~Q(digest="")
                    )
                ),
                name="schedule_published_is_complete",
            ),
        ]

    def __str__(self) -> str:
        if self.status == self.Status.DRAFT:
            return f"{self.period} (draft)"
        return f"{self.period} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A published version is written once, by schedule_publish, and never again.
        if self.pk is not None and self.status == self.Status.PUBLISHED:
            raise ImmutableVersionError("A published schedule version is never updated.")
        if self.pk is not None:
            stored = Schedule.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if stored == self.Status.PUBLISHED:
                raise ImmutableVersionError("A published schedule version is never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.status == self.Status.PUBLISHED:
            raise ImmutableVersionError("A published schedule version is never deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def is_firm(self, day: dt.date) -> bool:
        return self.firm_through is not None and day <= self.firm_through


class CallQuerySet(models.QuerySet["Call"]):
    def _touches_published(self) -> bool:
        return self.filter(schedule__status=Schedule.Status.PUBLISHED).exists()

    def update(self, **kwargs: Any) -> int:
        if self._touches_published():
            raise ImmutableVersionError("Calls of a published version are never updated.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._touches_published():
            raise ImmutableVersionError("Calls of a published version are never deleted.")
        return super().delete()


def new_uid() -> str:
    return uuid.uuid4().hex


class Call(models.Model):
    """One call of a schedule: a studio, a start and an end, and the people called.

    ``uid`` stays the same when a call is carried into a later version (moved or not),
    so calendars replace the event instead of adding a second one.
    """

    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="calls")
    uid = models.CharField(max_length=40, default=new_uid)
    request = models.ForeignKey(
        CallRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    part = models.PositiveSmallIntegerField(default=0)
    studio = models.ForeignKey(Studio, on_delete=models.PROTECT, related_name="calls")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    label = models.CharField(_("what"), max_length=200)
    work_title = models.CharField(max_length=200, blank=True)
    section_name = models.CharField(max_length=200, blank=True)
    people = models.ManyToManyField(Person, through="CallPerson", related_name="calls")
    locked = models.BooleanField(_("locked"), default=False)
    override_reason = models.TextField(
        _("rules overridden, and why"),
        blank=True,
        help_text=_("Recorded when a hard rule is broken on purpose"),
    )
    overridden_rules = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "studio__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="call_ends_after_start"
            ),
            models.UniqueConstraint(fields=["schedule", "uid"], name="call_uid_once_per_version"),
            models.UniqueConstraint(
                fields=["schedule", "request", "part"],
                condition=Q(request__isnull=False),
                name="call_request_part_once_per_version",
            ),
        ]
        indexes = [models.Index(fields=["schedule", "starts_at"], name="call_schedule_start_idx")]

    def __str__(self) -> str:
        return f"{self.label} ({self.starts_at:%Y-%m-%d %H:%M})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Calls of a published version are written once, in bulk, by schedule_publish.
        if Schedule.objects.filter(pk=self.schedule_id, status=Schedule.Status.PUBLISHED).exists():
            raise ImmutableVersionError("Calls of a published version are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if Schedule.objects.filter(pk=self.schedule_id, status=Schedule.Status.PUBLISHED).exists():
            raise ImmutableVersionError("Calls of a published version are never deleted.")
        return super().delete(*args, **kwargs)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class CallPersonQuerySet(models.QuerySet["CallPerson"]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(call__schedule__status=Schedule.Status.PUBLISHED).exists():
            raise ImmutableVersionError("Calls of a published version are never changed.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self.filter(call__schedule__status=Schedule.Status.PUBLISHED).exists():
            raise ImmutableVersionError("Calls of a published version are never changed.")
        return super().delete()


class CallPerson(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="called")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    objects = CallPersonQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "person"], name="call_person_once"),
        ]
        indexes = [models.Index(fields=["person", "call"], name="call_person_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} in call {self.call_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if Schedule.objects.filter(
            calls__pk=self.call_id, status=Schedule.Status.PUBLISHED
        ).exists():
            raise ImmutableVersionError("Calls of a published version are never changed.")
        super().save(*args, **kwargs)


class SolveRun(models.Model):
    """One run of the solver: its inputs, settings, progress, outcome and log."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        STOPPED = "stopped", _("Stopped early")
        INFEASIBLE = "infeasible", _("No schedule possible")
        FAILED = "failed", _("Failed")

    class Mode(models.TextChoices):
        FULL = "full", _("Plan from scratch (keeping locked calls)")
        REPLAN = "replan", _("Re-plan with the fewest changes to the published schedule")

    FINISHED = ("done", "stopped", "infeasible", "failed")

    period = models.ForeignKey(SchedulePeriod, on_delete=models.CASCADE, related_name="runs")
    schedule = models.ForeignKey(
        Schedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.FULL)
    seed = models.IntegerField(default=0)
    time_limit = models.FloatField(_("time limit (seconds)"), default=30)
    workers = models.PositiveSmallIntegerField(default=2)
    inputs = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    objective = models.BigIntegerField(null=True, blank=True)
    bound = models.BigIntegerField(null=True, blank=True)
    elapsed = models.FloatField(default=0)
    solutions = models.PositiveIntegerField(default=0)
    stop_requested = models.BooleanField(default=False)
    log = models.TextField(blank=True)
    error = models.TextField(blank=True)
    job_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    # Written by the worker while it runs (with the progress, twice a second): a running run
    # whose heartbeat is older than CALLBOARD_RUN_LOST_SECONDS lost its worker (see
    # services.solve_runs_reap).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(time_limit__gt=0), name="solve_run_time_positive"),
            models.CheckConstraint(
                condition=Q(workers__gte=1) & Q(workers__lte=64), name="solve_run_workers_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return max(0.0, (self.objective - self.bound) / max(1, abs(self.objective)))

    @property
    def gap_percent(self) -> float | None:
        """The gap in per cent, to one decimal (0.4, not a rounded-down 0)."""
        gap = self.gap
        return None if gap is None else round(gap * 100, 1)


class Notice(models.Model):
    """A change to a published call, told to one person it touches (old and new side by side)."""

    class Kind(models.TextChoices):
        ADDED = "added", _("New call")
        CHANGED = "changed", _("Call changed")
        REMOVED = "removed", _("Call cancelled")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="schedule_notices")
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    old_call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    new_call = models.ForeignKey(
        Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    late = models.BooleanField(
        _("inside the personal-notice window"),
        default=False,
        help_text=_("Less notice than the agreement asks"),
    )
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

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(old_call__isnull=False) | Q(new_call__isnull=False),
                name="notice_has_a_call",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["added", "changed", "removed"]), name="notice_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class CalendarFeedToken(models.Model):
    """A private calendar-feed address: a person's own calls, or the whole company's.

    The token itself is stored (not only a digest) because the page shows the address
    again whenever its owner wants to subscribe another calendar; it only reads calls,
    and it is revoked or regenerated in one click.
    """

    class Scope(models.TextChoices):
        PERSONAL = "personal", _("My calls")
        COMPANY = "company", _("The whole company")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.PERSONAL)
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope"],
                condition=Q(revoked_at__isnull=True),
                name="feed_one_active_per_scope",
            ),
            models.CheckConstraint(
                condition=Q(scope="company") | Q(person__isnull=False),
                name="feed_personal_has_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} feed of {self.user}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


# --------------------------------------------------------------------------- availability


class AvailabilityPeriod(models.Model):
    """Days for which the ballet master asks dancers and staff for their conflicts.

    People enter their conflicts (a doctor, school, a second job, family) with a reason
    until ``deadline``; the ballet master approves or declines each; approved conflicts
    reach the scheduler as unavailability.
    """

    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    deadline = models.DateTimeField(_("answers by"))
    note = models.CharField(_("note to everyone"), max_length=300, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    # When the chore reminded those who had not answered (once per period, before the deadline).
    auto_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-first_day", "-pk"]
        verbose_name_plural = _("availability periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="availability_days_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{format_moment(self.first_day, 'date_short')} – " + format_moment(
            self.last_day, "date_short"
        )


class AvailabilityConflict(models.Model):
    """A time a person cannot be called, given by them, approved or declined by the planner."""

    class Kind(models.TextChoices):
        DOCTOR = "doctor", _("Doctor or hospital")
        SCHOOL = "school", _("School or studies")
        JOB = "job", _("Second job")
        FAMILY = "family", _("Family")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the ballet master")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    period = models.ForeignKey(
        AvailabilityPeriod, on_delete=models.CASCADE, related_name="conflicts"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="conflicts")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("answer"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answer_note = models.CharField(_("note with the answer"), max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="conflict_ordered"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="conflict_has_reason"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "declined"]),
                name="conflict_status_known",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="conflict_status_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.get_kind_display()}"


class AvailabilityReply(models.Model):
    """A person has answered a period: with conflicts, or with nothing to declare."""

    period = models.ForeignKey(AvailabilityPeriod, on_delete=models.CASCADE, related_name="replies")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    answered_at = models.DateTimeField()
    nothing_to_declare = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["period", "person"], name="reply_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.person} answered {self.period}"
