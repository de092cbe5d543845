"""factory_boy factories for the repertoire's records (and those of the apps below)."""

from __future__ import annotations

import datetime as dt

import factory

from callboard.company.tests.factories import (
    MOSCOW,
    PASSWORD,
    DancerFactory,
    LabourProfileFactory,
    PersonFactory,
    SiteFactory,
    StaffFactory,
    StudioFactory,
    UserFactory,
)
from callboard.repertoire import models as rm


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


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rm.Milestone

    commission = factory.SubFactory(CommissionFactory)
    title = factory.Sequence(lambda n: f"Studio showing {n}")


__all__ = [
    "MOSCOW",
    "PASSWORD",
    "CommissionFactory",
    "DancerFactory",
    "DancerRoleFactory",
    "LabourProfileFactory",
    "MilestoneFactory",
    "PersonFactory",
    "RoleFactory",
    "SectionFactory",
    "SiteFactory",
    "StaffFactory",
    "StudioFactory",
    "UserFactory",
    "WorkFactory",
]
