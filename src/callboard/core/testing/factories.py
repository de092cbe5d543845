"""factory_boy factories for every foundation model; tests build their world from these."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from callboard.company import models as cm
from callboard.core.roles import Role
from callboard.repertoire import models as rm
from callboard.season import models as sm

MOSCOW = ZoneInfo("Europe/Moscow")
PASSWORD = "rehearsal-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        user: Any = self  # at post-generation time this is the built User
        for role in extracted or []:
            group, _ = Group.objects.get_or_create(name=Role(role).value)
            user.groups.add(group)
        user.save()


class LabourProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.LabourProfile
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agreement {n}")
    max_minutes_per_day = 360
    max_minutes_per_week = 1800
    longest_call_minutes = 180
    max_span_minutes = 540


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Person

    given_name = factory.Faker("first_name")
    family_name = factory.Sequence(lambda n: f"Dancer{n}")
    email = factory.LazyAttribute(lambda p: f"{p.family_name.lower()}@example.org")


class DancerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Dancer

    person = factory.SubFactory(PersonFactory)
    rank = cm.Dancer.Rank.CORPS
    status = cm.Dancer.Status.ACTIVE
    joined_on = dt.date(2020, 9, 1)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Staff

    person = factory.SubFactory(PersonFactory, kind=cm.Person.Kind.MEMBER)
    kind = cm.Staff.Kind.BALLET_MASTER


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Site
        django_get_or_create = ("name",)

    name = "Main building"


class StudioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.Studio

    name = factory.Sequence(lambda n: f"Studio {n}")
    site = factory.SubFactory(SiteFactory)
    capacity = 30
    has_piano = True


class WorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rm.Work

    title = factory.Sequence(lambda n: f"Work {n}")
    composer = "Pyotr Ilyich Tchaikovsky"
    duration_minutes = 120


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rm.Section

    work = factory.SubFactory(WorkFactory)
    name = factory.Sequence(lambda n: f"Act {n}")
    kind = rm.Section.Kind.ACT
    order = factory.Sequence(int)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rm.Role

    work = factory.SubFactory(WorkFactory)
    name = factory.Sequence(lambda n: f"Role {n}")
    dancers_needed = 1


class DancerRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rm.DancerRole

    dancer = factory.SubFactory(DancerFactory)
    role = factory.SubFactory(RoleFactory)
    status = rm.DancerRole.Status.LEARNED


class CommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rm.Commission

    work = factory.SubFactory(WorkFactory, status=rm.Work.Status.COMMISSIONED)
    commissioned_by = factory.SubFactory(PersonFactory)
    creator = factory.SubFactory(PersonFactory)
    agreed_on = dt.date(2026, 6, 1)
    premiere_planned = dt.date(2027, 3, 1)


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.Venue

    name = factory.Sequence(lambda n: f"Theatre {n}")
    city = "Moscow"
    time_zone = "Europe/Moscow"
    capacity = 1000


class SeasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.Season

    name = factory.Sequence(lambda n: f"Season {2026 + n}")
    starts_on = dt.date(2026, 9, 1)
    ends_on = dt.date(2027, 6, 30)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.Programme

    season = factory.SubFactory(SeasonFactory)
    title = factory.Sequence(lambda n: f"Programme {n}")


class PerformanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = sm.Performance

    programme = factory.SubFactory(ProgrammeFactory)
    venue = factory.SubFactory(VenueFactory)
    starts_at = factory.Sequence(
        lambda n: dt.datetime(2026, 12, 1, 19, 0, tzinfo=MOSCOW) + dt.timedelta(days=n)
    )
    ends_at = factory.LazyAttribute(lambda p: p.starts_at + dt.timedelta(hours=2, minutes=30))
