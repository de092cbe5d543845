"""Domain errors: every rule a service enforces raises one of these.

Messages are written for the person who caused them and say what to do next. Interfaces
turn them into a form error, a flash message, an API 4xx or a CLI exit code 2.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A rule of the company was not kept; nothing was changed."""

    status_code = 400

    def __init__(self, message: str, *, detail: Any = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class ValidationFailed(DomainError):
    """Input was malformed or out of range."""

    status_code = 422


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class Conflict(DomainError):
    """The change clashes with what is already there (a duplicate, a taken seat)."""

    status_code = 409


def reject_unknown_fields(changes: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """An update's ``changes`` may only name fields the service changes."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
