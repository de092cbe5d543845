"""Publishing: numbered, immutable versions (tentative, then firm), checked once more, and a
notice to each person a change after publishing touches."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from callboard.audit import services as audit
from callboard.company.models import Company, Person, Studio
from callboard.core import outbox, push, zones
from callboard.core.actors import Actor, user_of
from callboard.core.errors import NotFound, ValidationFailed
from callboard.core.links import absolute
from callboard.core.roles import Cap, require
from callboard.scheduling import adapters
from callboard.scheduling.models import (
    Call,
    CallPerson,
    Notice,
    Schedule,
    SchedulePeriod,
)
from callboard.scheduling.selectors import latest_version
from callboard.scheduling.services.common import _describe_call, _fmt_day
from callboard.scheduling.services.drafts import (
    _draft_calls,
    _findings_detail,
    _lock_draft,
    review_rows,
)


def posting_deadline(day: dt.date) -> dt.datetime | None:
    """When the call of ``day`` must be posted, by the labour agreement (None: no rule)."""
    company = Company.objects.select_related("labour_profile").first()
    profile = company.labour_profile if company else None
    if profile is None or profile.posting_deadline is None:
        return None
    zone = zones.company_zone()
    return dt.datetime.combine(
        day - dt.timedelta(days=profile.posting_days_before), profile.posting_deadline, tzinfo=zone
    )


def personal_notice_hours() -> int:
    company = Company.objects.select_related("labour_profile").first()
    profile = company.labour_profile if company else None
    return profile.personal_notice_hours if profile else 24


def _digest(
    number: int,
    first: dt.date,
    last: dt.date,
    firm: dt.date | None,
    calls: Sequence[dict[str, Any]],
) -> str:
    payload = {
        "number": number,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "firm_through": firm.isoformat() if firm else None,
        "calls": sorted(calls, key=lambda c: c["uid"]),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _call_content(c: Call, person_pks: Sequence[int]) -> dict[str, Any]:
    return {
        "uid": c.uid,
        "request": c.request_id,
        "part": c.part,
        "studio": c.studio_id,
        "starts_at": c.starts_at.astimezone(dt.UTC).isoformat(),
        "ends_at": c.ends_at.astimezone(dt.UTC).isoformat(),
        "label": c.label,
        "people": sorted(person_pks),
    }


def schedule_verify(schedule: Schedule) -> bool:
    """Whether a published version is exactly as it was published (its fingerprint holds)."""
    if not schedule.is_published:
        return True
    calls = Call.objects.filter(schedule=schedule).prefetch_related("called")
    content = [_call_content(c, [cp.person_id for cp in c.called.all()]) for c in calls]
    assert schedule.number is not None and schedule.published_from and schedule.published_to
    return schedule.digest == _digest(
        schedule.number,
        schedule.published_from,
        schedule.published_to,
        schedule.firm_through,
        content,
    )


@dataclass
class PublishResult:
    version: Schedule
    notices: int
    late_notices: int
    late_days: list[dt.date]


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(zones.company_zone()).date()


@transaction.atomic
def schedule_publish(
    *,
    period: SchedulePeriod,
    by: Actor,
    now: dt.datetime,
    first_day: dt.date | None = None,
    last_day: dt.date | None = None,
    firm: bool = False,
    note: str = "",
    send_email: bool = True,
) -> PublishResult:
    """Publish the draft's calls of the given days as a new, immutable, numbered version.

    Days not given keep the calls of the previous version. Refused while the draft breaks
    a hard rule that was not overridden with a reason. Every change from the previous
    version becomes a notice to exactly the people it touches.
    """
    require(by, Cap.PLAN_SCHEDULE)
    SchedulePeriod.objects.select_for_update().filter(pk=period.pk).first()
    first_day = first_day or period.first_day
    last_day = last_day or period.last_day
    if last_day < first_day:
        raise ValidationFailed(_("The last day comes before the first."), field="last_day")
    if first_day < period.first_day or last_day > period.last_day:
        raise ValidationFailed(
            _("Publish days of this plan only (%(period)s).") % {"period": period},
            field="first_day",
        )
    draft = _lock_draft(period)
    draft_calls = _draft_calls(draft)
    review = review_rows(period, adapters.rows_of(draft_calls), draft_calls)
    if review.open_findings:
        raise ValidationFailed(
            _(
                "The draft breaks %(n)s rule(s) of the agreement and cannot be published: "
                "%(first)s Fix the calls, or override each rule with a reason."
            )
            % {"n": len(review.open_findings), "first": review.open_findings[0].words},
            detail={"violations": _findings_detail(review.open_findings)},
        )
    previous = latest_version(period)
    previous_calls = (
        list(
            Call.objects.filter(schedule=previous)
            .prefetch_related("called")
            .select_related("studio__site")
        )
        if previous
        else []
    )
    chosen = [c for c in draft_calls if first_day <= _local_day(c.starts_at) <= last_day]
    kept = [c for c in previous_calls if not first_day <= _local_day(c.starts_at) <= last_day]
    number = (previous.number or 0) + 1 if previous else 1
    published_from = (
        min(first_day, previous.published_from)
        if previous and previous.published_from
        else first_day
    )
    published_to = (
        max(last_day, previous.published_to) if previous and previous.published_to else last_day
    )
    firm_through = previous.firm_through if previous else None
    if firm:
        firm_through = max(last_day, firm_through) if firm_through else last_day
    late_days = []
    for k in range((last_day - first_day).days + 1):
        day = first_day + dt.timedelta(days=k)
        deadline = posting_deadline(day)
        if deadline is not None and now > deadline:
            late_days.append(day)
    sources = [(c, [cp.person_id for cp in c.called.all()]) for c in (*kept, *chosen)]
    content = [_call_content(c, pks) for c, pks in sources]
    version = Schedule.objects.create(
        period=period,
        status=Schedule.Status.PUBLISHED,
        number=number,
        published_from=published_from,
        published_to=published_to,
        firm_through=firm_through,
        previous=previous,
        digest=_digest(number, published_from, published_to, firm_through, content),
        note=(note or "").strip()[:300],
        late_days=[d.isoformat() for d in late_days],
        created_at=now,
        created_by=user_of(by),
    )
    copies = [
        Call(
            schedule=version,
            uid=c.uid,
            request_id=c.request_id,
            part=c.part,
            studio_id=c.studio_id,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            label=c.label,
            work_title=c.work_title,
            section_name=c.section_name,
            locked=c.locked,
            override_reason=c.override_reason,
            overridden_rules=c.overridden_rules,
            created_at=now,
        )
        for c, _pks in sources
    ]
    created = Call.objects.bulk_create(copies)
    CallPerson.objects.bulk_create(
        [
            CallPerson(call=new, person_id=pk)
            for new, (_c, pks) in zip(created, sources, strict=True)
            for pk in pks
        ]
    )
    new_people = {new.uid: set(pks) for new, (_c, pks) in zip(created, sources, strict=True)}
    # The first version tells each person of all their calls, tentative or firm; a later
    # one of what changed for them.
    notices, late = _notify_changes(
        version=version,
        old_calls=previous_calls,
        new_calls=created,
        new_people=new_people,
        now=now,
        send_email=send_email,
        first=previous is None,
    )
    words = {
        "n": number,
        "days": f"{_fmt_day(first_day)} – {_fmt_day(last_day)}"
        if last_day != first_day
        else _fmt_day(first_day),
        "state": _("firm") if firm else _("tentative"),
        "calls": len(chosen),
        "notices": notices,
        "previous": previous.number if previous else 0,
    }
    if previous is None:
        summary = _("Published version %(n)s (%(state)s): %(calls)s call(s) for %(days)s.") % words
    else:
        summary = (
            _(
                "Published version %(n)s (%(state)s), replacing version %(previous)s: "
                "%(calls)s call(s) for %(days)s; %(notices)s notice(s) of changes sent."
            )
            % words
        )
    if late_days:
        summary = f"{summary} " + _("Posted late for: %(days)s.") % {
            "days": ", ".join(_fmt_day(d) for d in late_days)
        }
    audit.record(
        actor=by,
        action="schedule.publish" if previous is None else "schedule.republish",
        obj=version,
        parent=period,
        summary=f"{summary} {version.note}".strip() if version.note else summary,
        changes={
            "version": [previous.number if previous else None, number],
            "firm through": [previous.firm_through if previous else None, firm_through],
            "calls": [len(previous_calls), len(created)],
        },
        at=now,
    )
    return PublishResult(version=version, notices=notices, late_notices=late, late_days=late_days)


def _notify_changes(
    *,
    version: Schedule,
    old_calls: Sequence[Call],
    new_calls: Sequence[Call],
    new_people: dict[str, set[int]],
    now: dt.datetime,
    send_email: bool,
    first: bool = False,
) -> tuple[int, int]:
    """One notice per person per changed call: old and new side by side (on the first
    version, every call is new). Each person is told once, by e-mail and on their phone,
    of all their notices of this version."""
    old = {c.uid: c for c in old_calls}
    old_people = {c.uid: {cp.person_id for cp in c.called.all()} for c in old_calls}
    new = {c.uid: c for c in new_calls}
    studios = {s.pk: s for s in Studio.objects.filter(pk__in={c.studio_id for c in new_calls})}
    for c in new_calls:
        c.studio = studios[c.studio_id]
    window = dt.timedelta(hours=personal_notice_hours())
    items: list[tuple[int, str, Call | None, Call | None]] = []
    for uid in sorted(set(old) | set(new)):
        a, b = old.get(uid), new.get(uid)
        before, after = old_people.get(uid, set()), new_people.get(uid, set())
        if a is None and b is not None:
            items += [(pk, Notice.Kind.ADDED, None, b) for pk in sorted(after)]
        elif b is None and a is not None:
            items += [(pk, Notice.Kind.REMOVED, a, None) for pk in sorted(before)]
        elif a is not None and b is not None:
            moved = (a.starts_at, a.ends_at, a.studio_id) != (b.starts_at, b.ends_at, b.studio_id)
            if moved:
                items += [(pk, Notice.Kind.CHANGED, a, b) for pk in sorted(before & after)]
            items += [(pk, Notice.Kind.ADDED, None, b) for pk in sorted(after - before)]
            items += [(pk, Notice.Kind.REMOVED, a, None) for pk in sorted(before - after)]
    persons = {p.pk: p for p in Person.objects.filter(pk__in={i[0] for i in items})}
    late_count = 0
    rows = []
    for pk, kind, a, b in items:
        soonest = min(c.starts_at for c in (a, b) if c is not None)
        # A first posting is held to the agreement's posting deadline (late_days), not to
        # the personal notice a change needs.
        late = not first and soonest - now < window
        late_count += int(late)
        subject = {
            Notice.Kind.ADDED: _("New call: %(what)s"),
            Notice.Kind.CHANGED: _("Call changed: %(what)s"),
            Notice.Kind.REMOVED: _("Call cancelled: %(what)s"),
        }[Notice.Kind(kind)] % {"what": (b or a).label}  # type: ignore[union-attr]
        if first and b is not None:
            body = _("%(call)s (%(state)s)") % {
                "call": _describe_call(b),
                "state": _("firm") if version.is_firm(_local_day(b.starts_at)) else _("tentative"),
            }
        else:
            body = _("Before: %(old)s\nNow: %(new)s") % {
                "old": _describe_call(a),
                "new": _describe_call(b),
            }
        if late:
            body += "\n" + _(
                "This change comes with less notice than the agreement asks (%(h)s hours)."
            ) % {"h": personal_notice_hours()}
        rows.append(
            Notice(
                person=persons[pk],
                schedule=version,
                kind=kind,
                old_call=a,
                new_call=b,
                subject=subject[:200],
                body=body,
                late=late,
                created_at=now,
            )
        )
    created = Notice.objects.bulk_create(rows)
    if send_email:
        _tell_people(version=version, notices=created, first=first, now=now)
    return len(created), late_count


def _tell_people(
    *, version: Schedule, notices: Sequence[Notice], first: bool, now: dt.datetime
) -> None:
    """One e-mail (sent by a worker after the commit, retried: core/outbox.py) and one push
    notification (core/push.py, where the person's phone subscribed) per person, telling of
    all their notices of this version."""
    by_person: dict[int, list[Notice]] = {}
    for notice in notices:
        by_person.setdefault(notice.person_id, []).append(notice)
    for mine in by_person.values():
        person = mine[0].person
        days = sorted(_local_day((n.new_call or n.old_call).starts_at) for n in mine)  # type: ignore[union-attr]
        if first:
            span = (
                _fmt_day(days[0])
                if days[0] == days[-1]
                else f"{_fmt_day(days[0])} – {_fmt_day(days[-1])}"
            )
            subject = ngettext(
                "Your call for %(days)s is published",
                "Your %(n)s calls for %(days)s are published",
                len(mine),
            ) % {"n": len(mine), "days": span}
        elif len(mine) == 1:
            subject = mine[0].subject
        else:
            subject = ngettext(
                "%(n)s change to your calls", "%(n)s changes to your calls", len(mine)
            ) % {"n": len(mine)}
        path = reverse("scheduling:me") + f"?day={days[0].isoformat()}"
        text = "\n\n".join(f"{n.subject}\n{n.body}" for n in mine)
        if person.email:
            link = _("Your calls: %(url)s") % {"url": absolute(path)}
            email = outbox.email_queue_if_valid(
                to=person.email,
                subject=subject,
                body=f"{text}\n\n{link}",
                kind="scheduling.notice",
                now=now,
            )
            if email is not None:
                for n in mine:
                    n.email = email
        if person.user_id:
            push.push_queue(
                user_ids=[person.user_id],
                title=subject,
                body=mine[0].body if len(mine) == 1 else "\n".join(n.subject for n in mine[:5]),
                url=path,
                tag=f"calls-{version.period_id}",
            )
    Notice.objects.bulk_update([n for n in notices if n.email_id is not None], ["email"])


@transaction.atomic
def notice_mark_read(*, notice: Notice, person: Person | None, now: dt.datetime) -> Notice:
    if person is None or notice.person_id != person.pk:
        raise NotFound(_("There is no such notice among yours."))
    if notice.read_at is None:
        notice.read_at = now
        notice.save(update_fields=["read_at"])
    return notice
