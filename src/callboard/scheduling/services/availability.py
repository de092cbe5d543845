"""People give their own availability: the ballet master opens a period with a deadline,
dancers and staff enter their conflicts with a reason, the ballet master approves or
declines each, and reminds those who have not answered.

Approved conflicts reach the scheduler as unavailability (``adapters.load_inputs``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from callboard.audit.services import record
from callboard.company.models import Person
from callboard.core.actors import CALLBOARD, Actor, user_of
from callboard.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from callboard.core.i18n import format_moment
from callboard.core.links import absolute_reverse
from callboard.core.outbox import email_queue_if_valid
from callboard.core.roles import Cap, can, require
from callboard.core.zones import company_zone, local_day_bounds
from callboard.scheduling.models import (
    AvailabilityConflict,
    AvailabilityPeriod,
    AvailabilityReply,
)
from callboard.scheduling.selectors import expected_people

AVAILABILITY_EMAIL = "scheduling.availability_reminder"


def _day(day: dt.date) -> str:
    return format_moment(day, "date_short")


def _moment(moment: dt.datetime) -> str:
    return format_moment(moment.astimezone(company_zone()), "day_month_time")


def period_bounds(period: AvailabilityPeriod) -> tuple[dt.datetime, dt.datetime]:
    """The period's first midnight and the midnight after its last day, in the company's zone."""
    zone = company_zone()
    return local_day_bounds(period.first_day, zone)[0], local_day_bounds(period.last_day, zone)[1]


def is_open(period: AvailabilityPeriod, now: dt.datetime) -> bool:
    return now <= period.deadline


@transaction.atomic
def availability_period_open(
    *,
    first_day: dt.date,
    last_day: dt.date,
    deadline: dt.datetime,
    note: str = "",
    by: Actor,
    now: dt.datetime,
) -> AvailabilityPeriod:
    """Ask everyone for their conflicts on ``first_day``…``last_day``, answers by ``deadline``."""
    require(by, Cap.PLAN_SCHEDULE)
    if last_day < first_day:
        raise ValidationFailed(
            _("The last day (%(last)s) comes before the first (%(first)s).")
            % {"last": _day(last_day), "first": _day(first_day)},
            field="last_day",
        )
    longest = int(settings.CALLBOARD_AVAILABILITY_MAX_DAYS)
    if (last_day - first_day).days + 1 > longest:
        raise ValidationFailed(
            _("Ask for at most %(n)s days at a time.") % {"n": longest}, field="last_day"
        )
    if deadline <= now:
        raise ValidationFailed(
            _("The deadline (%(deadline)s) has already passed: give a later one.")
            % {"deadline": _moment(deadline)},
            field="deadline",
        )
    if deadline.astimezone(company_zone()).date() > last_day:
        raise ValidationFailed(
            _("The deadline (%(deadline)s) falls after the last day asked about (%(last)s).")
            % {"deadline": _moment(deadline), "last": _day(last_day)},
            field="deadline",
        )
    clash = AvailabilityPeriod.objects.filter(
        first_day__lte=last_day, last_day__gte=first_day
    ).first()
    if clash is not None:
        raise Conflict(
            _("Availability is already asked for %(period)s: change that period instead.")
            % {"period": clash},
            detail={"period": clash.pk},
        )
    period = AvailabilityPeriod.objects.create(
        first_day=first_day,
        last_day=last_day,
        deadline=deadline,
        note=(note or "").strip()[:300],
        created_at=now,
        created_by=user_of(by),
    )
    record(
        actor=by,
        action="schedule.availability_open",
        obj=period,
        at=now,
        summary=_("Availability asked for %(period)s, answers by %(deadline)s")
        % {"period": period, "deadline": _moment(deadline)},
    )
    return period


def _own_or_planner(by: Actor, person: Person) -> None:
    if can(by, Cap.PLAN_SCHEDULE):
        return
    own = getattr(by, "person", None) if getattr(by, "is_authenticated", False) else None
    if own is None or own.pk != person.pk:
        raise PermissionDenied(_("You can only give your own availability."))


def _reply(period: AvailabilityPeriod, person: Person, now: dt.datetime, nothing: bool) -> None:
    AvailabilityReply.objects.update_or_create(
        period=period,
        person=person,
        defaults={"answered_at": now, "nothing_to_declare": nothing},
    )


@transaction.atomic
def conflict_submit(
    *,
    period: AvailabilityPeriod,
    person: Person,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    kind: str,
    reason: str,
    by: Actor,
    now: dt.datetime,
) -> AvailabilityConflict:
    """A person's conflict (a doctor, school, a second job, family), with its reason.

    Refused after the period's deadline, and outside the period's days, with the dates.
    """
    _own_or_planner(by, person)
    if not can(by, Cap.PLAN_SCHEDULE) and not is_open(period, now):
        raise ValidationFailed(
            _(
                "Answers for %(period)s closed on %(deadline)s: ask the ballet master to add "
                "your conflict."
            )
            % {"period": period, "deadline": _moment(period.deadline)},
            field="starts_at",
        )
    if ends_at <= starts_at:
        raise ValidationFailed(
            _("The conflict ends (%(end)s) before it starts (%(start)s).")
            % {"end": _moment(ends_at), "start": _moment(starts_at)},
            field="ends_at",
        )
    first, last = period_bounds(period)
    if starts_at < first or ends_at > last:
        raise ValidationFailed(
            _(
                "%(start)s – %(end)s is outside the period asked about, %(first)s – %(last)s: "
                "give times within it."
            )
            % {
                "start": _moment(starts_at),
                "end": _moment(ends_at),
                "first": _day(period.first_day),
                "last": _day(period.last_day),
            },
            field="starts_at",
        )
    if kind not in AvailabilityConflict.Kind.values:
        raise ValidationFailed(
            _("Say what the conflict is: %(known)s.")
            % {"known": ", ".join(str(label) for label in AvailabilityConflict.Kind.labels)},
            field="kind",
        )
    reason = " ".join((reason or "").split())[:200]
    if not reason:
        raise ValidationFailed(
            _("Give a reason, for example “school exam” or “dentist”."), field="reason"
        )
    conflict = AvailabilityConflict.objects.create(
        period=period,
        person=person,
        starts_at=starts_at,
        ends_at=ends_at,
        kind=kind,
        reason=reason,
        created_at=now,
    )
    _reply(period, person, now, nothing=False)
    record(
        actor=by,
        action="schedule.conflict_submit",
        obj=conflict,
        parent=period,
        at=now,
        summary=_("%(name)s cannot come %(start)s – %(end)s")
        % {"name": person.full_name, "start": _moment(starts_at), "end": _moment(ends_at)},
    )
    return conflict


@transaction.atomic
def availability_nothing_to_declare(
    *, period: AvailabilityPeriod, person: Person, by: Actor, now: dt.datetime
) -> AvailabilityReply:
    """A person answers that they can come whenever they are called."""
    _own_or_planner(by, person)
    if not is_open(period, now):
        raise ValidationFailed(
            _("Answers for %(period)s closed on %(deadline)s.")
            % {"period": period, "deadline": _moment(period.deadline)}
        )
    if period.conflicts.filter(person=person).exists():
        raise Conflict(_("You have given conflicts for these days already."))
    _reply(period, person, now, nothing=True)
    reply = AvailabilityReply.objects.get(period=period, person=person)
    record(
        actor=by,
        action="schedule.availability_nothing",
        obj=reply,
        parent=period,
        at=now,
        summary=_("%(name)s has no conflicts in %(period)s")
        % {"name": person.full_name, "period": period},
    )
    return reply


@transaction.atomic
def conflict_decide(
    *,
    conflict: AvailabilityConflict,
    approve: bool,
    note: str = "",
    by: Actor,
    now: dt.datetime,
) -> AvailabilityConflict:
    """Approve a conflict (the scheduler then never calls the person then) or decline it."""
    require(by, Cap.PLAN_SCHEDULE)
    locked = AvailabilityConflict.objects.select_for_update().get(pk=conflict.pk)
    before = locked.status
    locked.status = (
        AvailabilityConflict.Status.APPROVED if approve else AvailabilityConflict.Status.DECLINED
    )
    locked.answer_note = " ".join((note or "").split())[:200]
    locked.decided_at = now
    locked.decided_by = user_of(by)
    locked.save(update_fields=["status", "answer_note", "decided_at", "decided_by"])
    record(
        actor=by,
        action="schedule.conflict_decide",
        obj=locked,
        parent=locked.period,
        at=now,
        summary=(
            _("Conflict of %(name)s approved") if approve else _("Conflict of %(name)s declined")
        )
        % {"name": locked.person.full_name},
        changes={"status": [before, locked.status]},
    )
    return locked


def _send_reminders(period: AvailabilityPeriod, now: dt.datetime) -> int:
    """E-mail everyone asked who has not answered yet (through the outbox); how many."""
    answered = set(period.replies.values_list("person_id", flat=True))
    link = absolute_reverse("scheduling:availability_mine")
    sent = 0
    for person in expected_people():
        if person.pk in answered or not person.email:
            continue
        body = _(
            "Dear %(name)s,\n\nThe ballet master is planning %(period)s. If you cannot come "
            "at some time then (a doctor, school, a second job, family), enter it with a "
            "reason by %(deadline)s; if you can always come, say so:\n\n%(link)s\n"
        ) % {
            "name": person.full_name,
            "period": period,
            "deadline": _moment(period.deadline),
            "link": link,
        }
        if period.note:
            body += "\n" + period.note + "\n"
        if email_queue_if_valid(
            to=person.email,
            subject=_("Your availability for %(period)s, by %(deadline)s")
            % {"period": period, "deadline": _moment(period.deadline)},
            body=body,
            kind=AVAILABILITY_EMAIL,
            now=now,
        ):
            sent += 1
    return sent


@transaction.atomic
def availability_remind(*, period: AvailabilityPeriod, by: Actor, now: dt.datetime) -> int:
    """E-mail everyone asked who has not answered yet (through the outbox); how many."""
    require(by, Cap.PLAN_SCHEDULE)
    if not is_open(period, now):
        raise ValidationFailed(
            _("Answers for %(period)s closed on %(deadline)s: nobody can answer any more.")
            % {"period": period, "deadline": _moment(period.deadline)}
        )
    sent = _send_reminders(period, now)
    period.reminded_at = now
    period.save(update_fields=["reminded_at"])
    record(
        actor=by,
        action="schedule.availability_remind",
        obj=period,
        at=now,
        summary=_("Reminded %(n)s people who had not answered for %(period)s")
        % {"n": sent, "period": period},
    )
    return sent


def availability_reminders_due(*, now: dt.datetime) -> int:
    """Chore: once per period, ``CALLBOARD_AVAILABILITY_REMIND_HOURS`` before its deadline,
    e-mail everyone who has not answered; how many e-mails. A period is reminded once,
    whatever the number of workers running the chore (its row is locked and marked)."""
    hours = float(settings.CALLBOARD_AVAILABILITY_REMIND_HOURS)
    if hours <= 0:
        return 0
    due = AvailabilityPeriod.objects.filter(
        auto_reminded_at__isnull=True,
        deadline__gt=now,
        deadline__lte=now + dt.timedelta(hours=hours),
    ).order_by("deadline", "pk")
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            period = (
                AvailabilityPeriod.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, auto_reminded_at__isnull=True)
                .first()
            )
            if period is None:  # another worker has it, or has reminded already
                continue
            count = _send_reminders(period, now)
            period.auto_reminded_at = now
            period.save(update_fields=["auto_reminded_at"])
            record(
                actor=CALLBOARD,
                action="schedule.availability_remind_auto",
                obj=period,
                at=now,
                summary=_(
                    "Reminded %(n)s people who had not answered for %(period)s, "
                    "%(hours)s h before the deadline"
                )
                % {"n": count, "period": period, "hours": f"{hours:g}"},
            )
            sent += count
    return sent


@transaction.atomic
def conflict_withdraw(*, conflict: AvailabilityConflict, by: Actor, now: dt.datetime) -> None:
    """A person takes back a conflict they gave (until the deadline; the ballet master at any
    time). With no conflict left, the person has not answered the period any more."""
    period = conflict.period
    _own_or_planner(by, conflict.person)
    if not can(by, Cap.PLAN_SCHEDULE) and not is_open(period, now):
        raise ValidationFailed(
            _(
                "Answers for %(period)s closed on %(deadline)s: ask the ballet master to take "
                "back your conflict."
            )
            % {"period": period, "deadline": _moment(period.deadline)}
        )
    locked = AvailabilityConflict.objects.select_for_update().filter(pk=conflict.pk).first()
    if locked is None:
        raise NotFound(_("That conflict has been taken back already."))
    person = locked.person
    record(
        actor=by,
        action="schedule.conflict_withdraw",
        obj=locked,
        parent=period,
        at=now,
        summary=_("%(name)s took back the conflict %(start)s – %(end)s")
        % {
            "name": person.full_name,
            "start": _moment(locked.starts_at),
            "end": _moment(locked.ends_at),
        },
        changes={"status": [locked.status, None]},
    )
    locked.delete()
    if not period.conflicts.filter(person=person).exists():
        AvailabilityReply.objects.filter(period=period, person=person).delete()
