"""factory_boy factories for core's records (users with roles); each app's
``tests/factories.py`` adds its own and offers those of the apps below it."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from callboard.core.roles import Role

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
