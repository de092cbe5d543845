"""Factories for repertoire records the shared factories do not cover."""

from __future__ import annotations

import factory

from callboard.core.testing.factories import CommissionFactory
from callboard.repertoire import models as rm


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rm.Milestone

    commission = factory.SubFactory(CommissionFactory)
    title = factory.Sequence(lambda n: f"Studio showing {n}")
