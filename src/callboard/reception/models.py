"""After the curtain: the performance report, the press and the audience.

- :class:`PerformanceReport` and its :class:`ActTiming` rows: running times, curtain
  calls, a standing ovation, attendance (counted at the door when tickets were sold,
  typed otherwise), incidents and notes.
- :class:`Review`: a critic (a contact), an outlet, a date, a link, an optional rating of
  one to five stars and a quote, tied to a performance and the work(s) it reviews.
- :class:`FeedbackSurvey` and :class:`Feedback`: a short public survey per performance,
  reached through an unguessable link (and its QR code in the printed programme); every
  answer waits for the press office's moderation before anything of it is shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from callboard.company.models import Person
from callboard.repertoire.models import Work
from callboard.season.models import Performance


class PerformanceReport(models.Model):
    performance = models.OneToOneField(Performance, on_delete=models.CASCADE, related_name="report")
    curtain_calls = models.PositiveSmallIntegerField(_("curtain calls"), default=0)
    standing_ovation = models.BooleanField(_("standing ovation"), default=False)
    attendance_typed = models.PositiveIntegerField(
        _("attendance (counted by hand)"),
        null=True,
        blank=True,
        help_text=_("Only when no tickets were sold through Callboard"),
    )
    incidents = models.TextField(_("incidents"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-performance__starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(curtain_calls__lte=99), name="report_curtain_calls_at_most_99"
            ),
        ]

    def __str__(self) -> str:
        return f"Report of performance {self.performance_id}"


class ActTiming(models.Model):
    """Curtain up and down of one act (or one work of a mixed bill)."""

    report = models.ForeignKey(PerformanceReport, on_delete=models.CASCADE, related_name="acts")
    order = models.PositiveSmallIntegerField(default=1)
    label = models.CharField(_("act"), max_length=120)
    curtain_up = models.DateTimeField(_("curtain up"))
    curtain_down = models.DateTimeField(_("curtain down"))

    class Meta:
        ordering = ["report", "order"]
        constraints = [
            models.UniqueConstraint(fields=["report", "order"], name="act_timing_order_unique"),
            models.CheckConstraint(
                condition=Q(curtain_down__gt=F("curtain_up")), name="act_timing_down_after_up"
            ),
            models.CheckConstraint(condition=~Q(label=""), name="act_timing_labelled"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def minutes(self) -> int:
        return int((self.curtain_down - self.curtain_up).total_seconds() // 60)


class Review(models.Model):
    performance = models.ForeignKey(Performance, on_delete=models.CASCADE, related_name="reviews")
    works = models.ManyToManyField(Work, blank=True, related_name="reviews")
    critic = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="reviews_written")
    outlet = models.CharField(_("outlet"), max_length=200)
    published_on = models.DateField(_("published"))
    url = models.URLField(_("link"), max_length=500, blank=True)
    headline = models.CharField(_("headline"), max_length=300, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("stars"), null=True, blank=True, help_text=_("1 to 5, when the outlet gives stars")
    )
    quote = models.TextField(_("quote"))
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-published_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | (Q(rating__gte=1) & Q(rating__lte=5)),
                name="review_rating_1_to_5",
            ),
            models.CheckConstraint(condition=~Q(quote=""), name="review_has_quote"),
            models.CheckConstraint(condition=~Q(outlet=""), name="review_has_outlet"),
            models.UniqueConstraint(
                fields=["performance", "critic", "outlet"], name="review_once_per_critic_outlet"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outlet}: {self.headline or self.quote[:40]}"


class FeedbackSurvey(models.Model):
    """The public survey of one performance: its link carries ``token``."""

    performance = models.OneToOneField(Performance, on_delete=models.CASCADE, related_name="survey")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Survey of performance {self.performance_id}"


class Feedback(models.Model):
    """One audience member's answers. Nothing of it is shown until it is approved."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for moderation")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class Again(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    performance = models.ForeignKey(Performance, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("overall, from 1 to 5"))
    favourite_moment = models.CharField(_("favourite moment"), max_length=300, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    would_return = models.CharField(
        _("would come again"), max_length=5, choices=Again.choices, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField()
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="feedback_status_known",
            ),
            models.CheckConstraint(
                condition=Q(would_return__in=["", "yes", "maybe", "no"]),
                name="feedback_would_return_known",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(moderated_at__isnull=False),
                name="feedback_moderation_dated",
            ),
        ]
        indexes = [
            models.Index(fields=["performance", "status"], name="feedback_perf_status"),
            models.Index(fields=["status", "submitted_at"], name="feedback_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ for performance {self.performance_id} ({self.status})"

    @property
    def has_text(self) -> bool:
        return bool(self.favourite_moment or self.comment)
