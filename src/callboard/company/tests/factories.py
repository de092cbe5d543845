"""factory_boy factories for the company's records (and core's users)."""

from __future__ import annotations

import datetime as dt

import factory

from callboard.company import models as cm
from callboard.core.testing.factories import MOSCOW, PASSWORD, UserFactory


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
    # Marked injured by hand, a dancer's status must say why.
    status_reason = factory.LazyAttribute(
        lambda o: "reported by phone" if o.status == cm.Dancer.Status.INJURED else ""
    )
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


__all__ = [
    "MOSCOW",
    "PASSWORD",
    "DancerFactory",
    "LabourProfileFactory",
    "PersonFactory",
    "SiteFactory",
    "StaffFactory",
    "StudioFactory",
    "UserFactory",
]
