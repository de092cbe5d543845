"""Who makes a change: a person signed in, or Callboard itself.

Every service that writes takes ``by: Actor``. Views pass ``request.user``; the demo,
management commands and background jobs pass :data:`CALLBOARD`, which may do everything and
which the history shows as "Callboard".
"""

from __future__ import annotations

from typing import Final, TypeAlias, cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User


class Callboard:
    """Callboard itself as the author of a change (the demo, a command, a scheduled job)."""

    is_authenticated: Final = False
    is_superuser: Final = False
    pk: Final = None

    _instance: Callboard | None = None

    def __new__(cls) -> Callboard:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "CALLBOARD"

    def __str__(self) -> str:
        return "Callboard"


CALLBOARD: Final = Callboard()

# A person (signed in or not: a buyer at the box office needs no account) or Callboard.
Actor: TypeAlias = AbstractBaseUser | AnonymousUser | Callboard


def is_callboard(by: object) -> bool:
    """True when Callboard itself acts."""
    return isinstance(by, Callboard)


def user_of(by: object) -> User | None:
    """The signed-in user behind ``by``, or ``None`` (Callboard, or nobody signed in)."""
    if isinstance(by, AbstractBaseUser) and by.is_authenticated:
        return cast(User, by)
    return None
