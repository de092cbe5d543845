"""Works, their sections and roles, who knows which role, and commissions of new works."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from callboard.company.models import Dancer, Person
from callboard.core.text import search_key


class Work(models.Model):
    class Status(models.TextChoices):
        COMMISSIONED = "commissioned", _("Commissioned")
        IN_CREATION = "in_creation", _("In creation")
        PREMIERED = "premiered", _("Premiered")
        IN_REPERTOIRE = "in_repertoire", _("In repertoire")
        RETIRED = "retired", pgettext_lazy("status of a work", "Retired")

    title = models.CharField(_("title"), max_length=200, unique=True)
    choreographer = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="works_choreographed"
    )
    choreography_credit = models.CharField(
        _("choreography credit"),
        max_length=200,
        blank=True,
        help_text=_("e.g. after Petipa and Ivanov"),
    )
    composer = models.CharField(_("composer"), max_length=200, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IN_REPERTOIRE
    )
    premiere_date = models.DateField(_("premiere"), null=True, blank=True)
    full_length = models.BooleanField(_("full-length ballet"), default=False)
    synopsis = models.TextField(_("synopsis"), blank=True)
    themes = models.TextField(_("themes"), blank=True)
    search_title = models.CharField(max_length=200, editable=False, db_index=True, default="")

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="work_duration_positive"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="work_titled"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived search key ("Études" -> "etudes"), in step with the title whoever saves the row.
        self.search_title = search_key(self.title)[:200]
        if kwargs.get("update_fields") is not None and "title" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_title"}
        super().save(*args, **kwargs)


class Section(models.Model):
    class Kind(models.TextChoices):
        ACT = "act", _("Act")
        SCENE = "scene", _("Scene")
        VARIATION = "variation", _("Variation")
        PAS_DE_DEUX = "pas_de_deux", _("Pas de deux")
        PAS_DE_TROIS = "pas_de_trois", _("Pas de trois")
        ENSEMBLE = "ensemble", _("Ensemble")
        DIVERTISSEMENT = "divertissement", _("Divertissement")

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)

    class Meta:
        ordering = ["work", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["work", "name"], name="section_unique_name_in_work"),
            models.CheckConstraint(condition=~Q(name=""), name="section_named"),
        ]

    def __str__(self) -> str:
        return f"{self.work.title} — {self.name}"


class Role(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(_("name"), max_length=200)
    dancers_needed = models.PositiveSmallIntegerField(_("dancers"), default=1)
    principal = models.BooleanField(_("principal role"), default=False)
    announceable = models.BooleanField(_("announced to the public"), default=False)
    sections = models.ManyToManyField(Section, blank=True, related_name="roles")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["work", "-principal", "name"]
        constraints = [
            models.UniqueConstraint(fields=["work", "name"], name="role_unique_name_in_work"),
            models.CheckConstraint(condition=Q(dancers_needed__gte=1), name="role_needs_dancers"),
            models.CheckConstraint(condition=~Q(name=""), name="role_named"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.work.title})"


class DancerRole(models.Model):
    """What a dancer knows: a role learned or being learned, and when first danced."""

    class Status(models.TextChoices):
        LEARNING = "learning", _("Learning")
        LEARNED = "learned", _("Learned")

    dancer = models.ForeignKey(Dancer, on_delete=models.CASCADE, related_name="roles_known")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="dancers_knowing")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.LEARNED)
    since = models.DateField(null=True, blank=True)
    first_danced_on = models.DateField(_("first danced"), null=True, blank=True)
    times_danced = models.PositiveIntegerField(_("times danced"), default=0)

    class Meta:
        ordering = ["role__work__title", "role__name"]
        constraints = [
            models.UniqueConstraint(fields=["dancer", "role"], name="dancer_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dancer} — {self.role} ({self.status})"


class Commission(models.Model):
    """A new work commissioned by someone for an occasion, from idea to premiere."""

    class Status(models.TextChoices):
        COMMISSIONED = "commissioned", _("Commissioned")
        IN_CREATION = "in_creation", _("In creation")
        PREMIERED = "premiered", _("Premiered")
        CANCELLED = "cancelled", _("Cancelled")

    # Allowed moves; anything else is refused by commission_advance.
    TRANSITIONS: dict[str, set[str]] = {
        "commissioned": {"in_creation", "cancelled"},
        "in_creation": {"premiered", "cancelled"},
        "premiered": set(),
        "cancelled": set(),
    }

    work = models.OneToOneField(Work, on_delete=models.CASCADE, related_name="commission")
    commissioned_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="commissions_given"
    )
    creator = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="commissions_received"
    )
    occasion = models.CharField(_("for the occasion of"), max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMMISSIONED)
    agreed_on = models.DateField(_("agreed on"))
    premiere_planned = models.DateField(_("planned premiere"), null=True, blank=True)
    brief = models.TextField(_("brief"), blank=True)

    class Meta:
        ordering = ["premiere_planned", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(premiere_planned__isnull=True)
                | Q(premiere_planned__gte=F("agreed_on")),
                name="commission_premiere_after_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work.title} (commission)"


class Milestone(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(_("due"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(title=""), name="milestone_titled")]

    def __str__(self) -> str:
        return self.title
