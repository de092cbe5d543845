"""Reads of the company app, with the prefetching pages need.

Every list here costs a fixed number of queries whatever the size of the company.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from callboard.company.collation import name_ordering
from callboard.company.models import (
    Company,
    Dancer,
    LabourProfile,
    Person,
    Site,
    SiteTravel,
    Staff,
    Studio,
    TrainingEntry,
)
from callboard.company.services import company_get
from callboard.core.errors import NotFound, ValidationFailed
from callboard.core.pages import PageParts
from callboard.core.roles import Cap, can
from callboard.core.text import search_key
from callboard.core.zones import company_today

ROSTER_PAGE_SIZE = 25
API_MAX_LIMIT = 200


# --------------------------------------------------------------------------- private facts


def may_see_private(user: Any, person: Person) -> bool:
    """A person's private facts are for themself and for holders of ``Cap.VIEW_PRIVATE``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if person.user_id is not None and person.user_id == user.pk:
        return True
    return can(user, Cap.VIEW_PRIVATE)


# --------------------------------------------------------------------------- status

# "Injured" on the roster follows the medical record: wellbeing (a layer above) registers,
# in its AppConfig.ready(), a reader that says which dancers an open injury or its
# return-to-dance plan keeps from dancing on a day ("out") or limits ("limited"), and
# nothing more. The roster adds the statuses set by hand (which must say why).

MedicalStatusReader = Callable[[Iterable[int] | None, dt.date], dict[int, str]]
MEDICAL_OUT = "out"
MEDICAL_LIMITED = "limited"
_medical_status_reader: MedicalStatusReader | None = None


def set_medical_status_reader(reader: MedicalStatusReader) -> None:
    global _medical_status_reader
    _medical_status_reader = reader


def medical_status(dancer_ids: Iterable[int] | None, day: dt.date) -> dict[int, str]:
    """Dancer id -> "out" or "limited" on ``day``, from the medical record (one query)."""
    if _medical_status_reader is None:
        return {}
    return _medical_status_reader(dancer_ids, day)


@dataclass(frozen=True)
class ShownStatus:
    """What the roster shows of a dancer's status, and why."""

    code: str  # a Dancer.Status value, or "returning"
    label: str
    reason: str
    by_hand: bool

    @property
    def active(self) -> bool:
        return self.code == Dancer.Status.ACTIVE


def shown_status(dancer: Dancer, medical: str | None) -> ShownStatus:
    """The roster status of ``dancer`` given the medical record's word on the day."""
    if dancer.status != Dancer.Status.ACTIVE:
        reason = dancer.status_reason
        if dancer.status == Dancer.Status.INJURED:
            reason = _("marked injured by hand: %(why)s") % {"why": dancer.status_reason}
        return ShownStatus(dancer.status, str(dancer.get_status_display()), reason, True)
    if medical == MEDICAL_OUT:
        return ShownStatus(
            Dancer.Status.INJURED,
            str(Dancer.Status.INJURED.label),
            _("unavailable (medical), from the physiotherapist's record"),
            False,
        )
    if medical == MEDICAL_LIMITED:
        return ShownStatus(
            "returning",
            _("Returning from injury"),
            _("limited (medical), on a return-to-dance plan"),
            False,
        )
    return ShownStatus(Dancer.Status.ACTIVE, str(Dancer.Status.ACTIVE.label), "", False)


def with_shown_status(dancers: Iterable[Dancer], *, day: dt.date) -> list[Dancer]:
    """``dancers`` with ``shown`` (a :class:`ShownStatus`) set on each (one query)."""
    found = list(dancers)
    medical = medical_status([d.pk for d in found], day)
    for d in found:
        d.shown = shown_status(d, medical.get(d.pk))  # type: ignore[attr-defined]
    return found


# --------------------------------------------------------------------------- roster


def _rank_order() -> Case:
    return Case(
        *[When(rank=value, then=Value(i)) for i, value in enumerate(Dancer.RANK_ORDER)],
        default=Value(len(Dancer.RANK_ORDER)),
        output_field=IntegerField(),
    )


def dancer_list(
    *, rank: str = "", status: str = "", q: str = "", day: dt.date | None = None
) -> QuerySet[Dancer]:
    """Dancers filtered by rank, status and an accent-insensitive name search, by rank then name.

    With ``day``, "injured" also finds the active dancers the medical record keeps from
    dancing on that day, and "active" leaves them out.
    """
    if rank and rank not in Dancer.Rank.values:
        raise ValidationFailed(
            _("Unknown rank “%(rank)s”. Choose one of: %(known)s.")
            % {"rank": rank, "known": ", ".join(Dancer.Rank.values)},
            field="rank",
        )
    if status and status not in Dancer.Status.values:
        raise ValidationFailed(
            _("Unknown status “%(status)s”. Choose one of: %(known)s.")
            % {"status": status, "known": ", ".join(Dancer.Status.values)},
            field="status",
        )
    qs = Dancer.objects.select_related("person")
    if rank:
        qs = qs.filter(rank=rank)
    if status:
        out = (
            [pk for pk, word in medical_status(None, day).items() if word == MEDICAL_OUT]
            if day is not None and status in (Dancer.Status.INJURED, Dancer.Status.ACTIVE)
            else []
        )
        if status == Dancer.Status.INJURED and out:
            qs = qs.filter(Q(status=status) | Q(status=Dancer.Status.ACTIVE, pk__in=out))
        else:
            qs = qs.filter(status=status).exclude(pk__in=out)
    for word in search_key(q).split():
        # Both names, folded to Latin: "Tatiana" finds «Татьяна», «Клара» finds Klára.
        qs = qs.filter(person__search_names__contains=word)
    return qs.annotate(rank_order=_rank_order()).order_by(
        "rank_order", *name_ordering("person__"), "pk"
    )


def roster_page(
    *, rank: str = "", status: str = "", q: str = "", page: Any = 1, day: dt.date | None = None
) -> Page:
    """One page of the roster (at most :data:`ROSTER_PAGE_SIZE` dancers).

    With ``day``, each dancer carries ``shown``: the status the medical record gives them.
    """
    paginator = Paginator(dancer_list(rank=rank, status=status, q=q, day=day), ROSTER_PAGE_SIZE)
    result = paginator.get_page(page)
    if day is not None:
        result.object_list = with_shown_status(result.object_list, day=day)
    return result


def dancers_with_training(qs: QuerySet[Dancer]) -> QuerySet[Dancer]:
    return qs.prefetch_related(
        Prefetch("training", queryset=TrainingEntry.objects.order_by("start_year", "pk"))
    )


def dancer_get(*, pk: int) -> Dancer:
    dancer = dancers_with_training(Dancer.objects.select_related("person")).filter(pk=pk).first()
    if dancer is None:
        raise NotFound(_("There is no dancer #%(pk)s on the roster.") % {"pk": pk})
    return dancer


# The dancer's page shows what the apps above the company know of the dancer: the roles
# learned and danced (repertoire) and coming performances (season). They register their
# parts here in their AppConfig.ready().
DANCER_PAGE = PageParts("dancer")


@dataclass
class DancerProfile:
    dancer: Dancer
    show_private: bool
    training: list[TrainingEntry]
    # Filled by the apps above: learned, learning, danced (repertoire), upcoming (season).
    parts: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        parts = self.__dict__.get("parts", {})
        if name in parts:
            return parts[name]
        raise AttributeError(name)


def dancer_profile(*, pk: int, user: Any, now: dt.datetime) -> DancerProfile:
    """Everything the dancer page shows, in four queries: dancer, training, and one query for
    each part the apps above add (roles, performances)."""
    dancer = dancer_get(pk=pk)
    with_shown_status([dancer], day=company_today(now))
    return DancerProfile(
        dancer=dancer,
        show_private=may_see_private(user, dancer.person),
        training=list(dancer.training.all()),
        parts=DANCER_PAGE.gather(dancer=dancer, now=now),
    )


# --------------------------------------------------------------------------- staff and contacts


def staff_list(*, kind: str = "") -> QuerySet[Staff]:
    if kind and kind not in Staff.Kind.values:
        raise ValidationFailed(
            _("Unknown staff role “%(kind)s”. Choose one of: %(known)s.")
            % {"kind": kind, "known": ", ".join(Staff.Kind.values)},
            field="kind",
        )
    qs = Staff.objects.select_related("person")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", *name_ordering("person__"), "pk")


def staff_by_kind() -> list[tuple[str, list[Staff]]]:
    """Staff grouped under each kind's label, in the order of :class:`Staff.Kind`; one query."""
    groups: dict[str, list[Staff]] = {value: [] for value in Staff.Kind.values}
    for member in staff_list():
        groups[member.kind].append(member)
    return [(str(Staff.Kind(kind).label), members) for kind, members in groups.items() if members]


def staff_get(*, pk: int) -> Staff:
    staff = Staff.objects.select_related("person").filter(pk=pk).first()
    if staff is None:
        raise NotFound(_("There is no staff role #%(pk)s.") % {"pk": pk})
    return staff


def contact_list() -> QuerySet[Person]:
    return (
        Person.objects.filter(kind=Person.Kind.CONTACT)
        .select_related("related_to")
        .order_by(*name_ordering(), "pk")
    )


def contact_get(*, pk: int) -> Person:
    person = Person.objects.filter(pk=pk, kind=Person.Kind.CONTACT).first()
    if person is None:
        raise NotFound(_("There is no contact #%(pk)s.") % {"pk": pk})
    return person


def person_get(*, pk: int) -> Person:
    """Anyone: a dancer, a staff member or a contact (for their data on request)."""
    person = (
        Person.objects.select_related("user", "dancer", "related_to")
        .prefetch_related("staff_roles", "dancer__training")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise NotFound(_("There is no person #%(pk)s.") % {"pk": pk})
    return person


def people_choices() -> QuerySet[Person]:
    """Everyone a staff role or a contact's relation can point at (dancers and staff first)."""
    return Person.objects.exclude(kind=Person.Kind.CONTACT).order_by(*name_ordering(), "pk")


# --------------------------------------------------------------------------- studios and sites


def studio_list() -> QuerySet[Studio]:
    return Studio.objects.select_related("site").order_by("site__name", "name")


def studio_get(*, pk: int) -> Studio:
    studio = Studio.objects.select_related("site").filter(pk=pk).first()
    if studio is None:
        raise NotFound(_("There is no studio #%(pk)s.") % {"pk": pk})
    return studio


def site_list() -> QuerySet[Site]:
    return Site.objects.order_by("name")


def site_get(*, pk: int) -> Site:
    site = Site.objects.filter(pk=pk).first()
    if site is None:
        raise NotFound(_("There is no site #%(pk)s.") % {"pk": pk})
    return site


def site_travel_list() -> QuerySet[SiteTravel]:
    return SiteTravel.objects.select_related("origin", "destination").order_by(
        "origin__name", "destination__name"
    )


@dataclass
class StudiosOverview:
    studios: list[Studio]
    sites: list[Site]
    travel: list[SiteTravel]


def studios_overview() -> StudiosOverview:
    """The studios page: studios with their site, the sites, and travel times (three queries)."""
    travel = [t for t in site_travel_list() if t.origin.name < t.destination.name]
    return StudiosOverview(studios=list(studio_list()), sites=list(site_list()), travel=travel)


# --------------------------------------------------------------------------- labour


def labour_profile_list() -> QuerySet[LabourProfile]:
    return LabourProfile.objects.order_by("name")


def labour_profile_get(*, pk: int) -> LabourProfile:
    profile = LabourProfile.objects.filter(pk=pk).first()
    if profile is None:
        raise NotFound(_("There is no labour agreement #%(pk)s.") % {"pk": pk})
    return profile


def duration_words(minutes: int) -> str:
    """360 -> "6 hours", 90 -> "1 hour 30 minutes", 5 -> "5 minutes"."""
    hours, rest = divmod(int(minutes), 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", rest) % {"n": rest})
    return " ".join(parts)


def labour_terms(profile: LabourProfile) -> list[str]:
    """The agreement in plain words, one sentence per rule that applies."""
    p = profile
    d = duration_words
    lines = [
        _("At most %(day)s of work a day and %(week)s a week.")
        % {"day": d(p.max_minutes_per_day), "week": d(p.max_minutes_per_week)}
    ]
    if p.longest_call_minutes:
        lines.append(_("No call lasts longer than %(call)s.") % {"call": d(p.longest_call_minutes)})
    if p.max_span_minutes:
        lines.append(
            _("From first call to last, a working day spans at most %(span)s.")
            % {"span": d(p.max_span_minutes)}
        )
    if p.break_every_minutes:
        lines.append(
            _("A break of %(brk)s in every %(every)s of work.")
            % {
                "brk": d(p.break_minutes),
                "every": _("hour") if p.break_every_minutes == 60 else d(p.break_every_minutes),
            }
        )
    if p.meal_break_within_minutes:
        lines.append(
            _("A rest of %(meal)s within the first %(within)s of work.")
            % {"meal": d(p.meal_break_minutes), "within": d(p.meal_break_within_minutes)}
        )
    if p.min_rest_between_days_minutes:
        lines.append(
            _("At least %(rest)s of rest between two working days.")
            % {"rest": d(p.min_rest_between_days_minutes)}
        )
    if p.earliest_start and p.latest_end:
        lines.append(
            _("Work starts no earlier than %(start)s and ends by %(end)s.")
            % {"start": p.earliest_start.strftime("%H:%M"), "end": p.latest_end.strftime("%H:%M")}
        )
    elif p.earliest_start:
        lines.append(
            _("Work starts no earlier than %(start)s.")
            % {"start": p.earliest_start.strftime("%H:%M")}
        )
    elif p.latest_end:
        lines.append(_("Work ends by %(end)s.") % {"end": p.latest_end.strftime("%H:%M")})
    if p.free_days_per_week:
        lines.append(
            ngettext("%(n)d free day a week.", "%(n)d free days a week.", p.free_days_per_week)
            % {"n": p.free_days_per_week}
        )
    else:
        lines.append(_("No free day is guaranteed each week."))
    lines.append(
        _("Company class counts as work.")
        if p.class_counts_as_work
        else _("Company class is not counted as work.")
    )
    lines.append(
        _("Performances count as work.")
        if p.performance_counts_as_work
        else _("Performances are not counted as work.")
    )
    if p.posting_deadline:
        lines.append(
            ngettext(
                "The schedule is posted by %(time)s, %(n)d day before the work day.",
                "The schedule is posted by %(time)s, %(n)d days before the work day.",
                p.posting_days_before,
            )
            % {"time": p.posting_deadline.strftime("%H:%M"), "n": p.posting_days_before}
            if p.posting_days_before
            else _("The schedule is posted by %(time)s on the work day.")
            % {"time": p.posting_deadline.strftime("%H:%M")}
        )
    lines.append(
        _(
            "Casting is announced %(principal)d days ahead for principal roles, %(announce)d days "
            "for announced roles and %(full)d days for the full cast."
        )
        % {
            "principal": p.principal_notice_days,
            "announce": p.announceable_notice_days,
            "full": p.full_casting_notice_days,
        }
    )
    lines.append(
        ngettext(
            "A change that touches a dancer is told to them at least %(n)d hour ahead.",
            "A change that touches a dancer is told to them at least %(n)d hours ahead.",
            p.personal_notice_hours,
        )
        % {"n": p.personal_notice_hours}
    )
    return lines


@dataclass
class LabourOverview:
    company: Company
    in_force: LabourProfile | None
    profiles: list[tuple[LabourProfile, list[str]]]


def labour_overview() -> LabourOverview:
    """The labour page: the company, the agreement in force and every profile in plain words."""
    company = company_get()
    profiles = [(p, labour_terms(p)) for p in labour_profile_list()]
    return LabourOverview(company=company, in_force=company.labour_profile, profiles=profiles)
