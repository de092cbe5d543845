"""The history of changes: who changed what, and when.

An :class:`AuditEntry` is written by :func:`callboard.audit.services.record` inside the
transaction of the change it describes, so a change never lands without its entry and a
change rolled back leaves none. Entries are append-only: saving an existing entry, or
updating or deleting entries through the ORM, raises :class:`AppendOnlyError`.

An entry names its *record* (``record_type`` "app_label.model" and ``record_id``) and,
optionally, the *parent* record whose page shows it too (a performance's casting on its
programme's board, a hold on its performance, a version on its plan). ``subject`` is the
person the record is about, when that matters for who may read it: a dancer reads the
medical entries of their own injuries.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext, pgettext_lazy

# Names of fields that history entries record under their own name (a studio's, a venue's
# stage), so a change row reads in the reader's language.
FIELD_NAMES = (
    gettext_noop("capacity"),
    gettext_noop("site"),
    gettext_noop("site id"),
    gettext_noop("id"),
    gettext_noop("has piano"),
    gettext_noop("is stage"),
    pgettext_lazy("theatre", "stage"),  # a venue's stage, not a phase
    gettext_noop("get in minutes"),
    gettext_noop("get out minutes"),
)
# Field names whose word has more than one meaning: translated in the context given here.
FIELD_CONTEXTS = {"stage": "theatre"}


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove a history entry (a programming error)."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("History entries are never changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("History entries are never deleted.")


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        CASTING = "casting", _("Casting")
        SCHEDULE = "schedule", _("Rehearsal schedule")
        HOLD = "hold", _("Holds")
        COMP = "comp", _("Family comps")
        ORDER = "order", _("Orders")
        INJURY = "injury", _("Injuries")
        PEOPLE = "people", _("People")
        STUDIOS = "studios", _("Studios and sites")
        LABOUR = "labour", _("Labour agreement")
        REPERTOIRE = "repertoire", _("Repertoire")
        SEASON = "season", _("Season")
        RECEPTION = "reception", _("Reports and reviews")
        SIGNIN = "signin", _("Sign-ins")

    class Sensitivity(models.TextChoices):
        GENERAL = "general", _("General")
        MEDICAL = "medical", _("Medical")

    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # The name shown for the actor, kept as it was: it survives the user's removal and
    # needs no join to show (empty: Callboard itself, the command line or the demo).
    actor_name = models.CharField(_("who (as shown)"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=40)
    kind = models.CharField(_("kind of record"), max_length=10, choices=Kind.choices)
    record_type = models.CharField(max_length=100)
    record_id = models.BigIntegerField()
    parent_type = models.CharField(max_length=100, blank=True)
    parent_id = models.BigIntegerField(null=True, blank=True)
    subject = models.ForeignKey(
        "company.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summary = models.CharField(_("what"), max_length=500)
    changes = models.JSONField(default=dict, blank=True)
    sensitivity = models.CharField(
        max_length=10, choices=Sensitivity.choices, default=Sensitivity.GENERAL
    )

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-pk")
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        indexes = [
            models.Index(fields=["record_type", "record_id", "at"], name="audit_by_record"),
            models.Index(fields=["parent_type", "parent_id", "at"], name="audit_by_parent"),
            models.Index(fields=["at"], name="audit_by_time"),
            models.Index(fields=["kind", "at"], name="audit_by_kind"),
            models.Index(fields=["actor", "at"], name="audit_by_actor"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(sensitivity__in=["general", "medical"]),
                name="audit_sensitivity_known",
            ),
            models.CheckConstraint(
                condition=Q(parent_type="", parent_id__isnull=True)
                | (~Q(parent_type="") & Q(parent_id__isnull=False)),
                name="audit_parent_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or 'Callboard'}: {self.summary}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("History entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("History entries are never deleted.")

    @property
    def who(self) -> str:
        return self.actor_name or str(_("Callboard (automatic)"))

    @property
    def change_rows(self) -> list[tuple[str, Any, Any]]:
        """``changes`` as (field, old, new) rows for a page, in the reader's language where
        Callboard wrote them (a field's name, a status's label)."""
        from callboard.core.i18n import reader_text

        def shown(value: Any) -> Any:
            if isinstance(value, bool):  # a tick box: in words, never "True"
                return (
                    pgettext("a tick box's value", "yes")
                    if value
                    else pgettext("a tick box's value", "no")
                )
            return reader_text(value) if isinstance(value, str) else value

        rows = []
        for name, pair in (self.changes or {}).items():
            if isinstance(pair, list | tuple) and len(pair) == 2:
                label = str(name).replace("_", " ")
                said = (
                    pgettext(FIELD_CONTEXTS[label], label)
                    if label in FIELD_CONTEXTS
                    else reader_text(label)
                )
                rows.append((said, shown(pair[0]), shown(pair[1])))
        return rows
