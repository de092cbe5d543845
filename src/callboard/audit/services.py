"""Writing the history: one entry per change, inside the change's own transaction.

Every service that changes something a company person cares about (people, studios, the
labour agreement, the repertoire, the season, casting, the schedule, the box office,
injuries) calls :func:`record` just before it returns, within its ``transaction.atomic``
block: if anything after fails, the entry goes with the change. Sign-ins, and failed ones,
are recorded by :func:`record_signin` (see :mod:`callboard.audit.apps`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callboard.audit.models import AuditEntry
from callboard.core import rawsql

GENERAL = AuditEntry.Sensitivity.GENERAL
MEDICAL = AuditEntry.Sensitivity.MEDICAL
KINDS = {k.value for k in AuditEntry.Kind}


class NotInTransaction(RuntimeError):
    """``record`` was called outside the transaction of a change (a programming error)."""


def record_key(obj: models.Model) -> tuple[str, int]:
    """How an entry names a record: ("app_label.model", id)."""
    return f"{obj._meta.app_label}.{obj._meta.model_name}", int(obj.pk)


def actor_label(actor: Any) -> str:
    """The name shown for a user (no query: the user row is at hand)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ""
    full = actor.get_full_name().strip() if hasattr(actor, "get_full_name") else ""
    return full or str(actor.get_username())


def jsonable(value: Any) -> Any:
    """A value as it is kept in ``changes``: plain JSON, readable on a page."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            if timezone.is_aware(value)
            else value.strftime("%Y-%m-%d %H:%M")
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    summary: str,
    changes: Mapping[str, Any] | None = None,
    sensitivity: str = GENERAL,
    parent: models.Model | None = None,
    subject: Any = None,
    at: dt.datetime | None = None,
    actor_name: str | None = None,
) -> AuditEntry:
    """Write one history entry for a change to ``obj``; call it inside the change's transaction.

    ``action`` is "<kind>.<verb>" (for example ``casting.assign``, ``hold.release``); the
    kind says what sort of record it is for the company-wide history's filter.
    ``actor`` is the user acting, ``None`` for Callboard itself (command line, demo, a
    cleanup job); ``actor_name`` overrides the name shown (an online buyer).
    ``changes``: {field: [old, new]}. ``sensitivity`` ``medical`` hides the entry from
    everyone but the medical staff and ``subject`` (the person the record is about).
    """
    if not connection.in_atomic_block:
        raise NotInTransaction(
            "audit.record() must run inside the transaction of the change it records."
        )
    kind = action.split(".", 1)[0]
    if kind not in KINDS:
        raise ValueError(f"Unknown kind of record in action {action!r}.")
    if sensitivity not in (GENERAL, MEDICAL):
        raise ValueError(f"Unknown sensitivity {sensitivity!r}.")
    record_type, record_id = record_key(obj)
    parent_type, parent_id = record_key(parent) if parent is not None else ("", None)
    user = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditEntry(
        at=at or timezone.now(),
        actor=user,
        actor_name=(actor_name if actor_name is not None else actor_label(user))[:200],
        action=action[:40],
        kind=kind,
        record_type=record_type,
        record_id=record_id,
        parent_type=parent_type,
        parent_id=parent_id,
        subject=subject,
        summary=summary.strip()[:500],
        changes={str(k): jsonable(v) for k, v in (changes or {}).items()},
        sensitivity=sensitivity,
    )
    # Written out (one INSERT ... RETURNING, each value prepared by its field, as the ORM
    # does; no signals): every change writes one, every order of an on-sale rush too.
    rawsql.insert([entry])
    return entry


def pair(old: Any, new: Any) -> list[Any]:
    """A ``changes`` value: [old, new]."""
    return [old, new]


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        name: [jsonable(before.get(name)), jsonable(after.get(name))]
        for name in after
        if jsonable(before.get(name)) != jsonable(after.get(name))
    }


def record_signin(*, user: Any, username: str, succeeded: bool, at: dt.datetime) -> AuditEntry:
    """A sign-in, or a failed one, in the history (kind ``signin``), in its own transaction.

    The record is the user signing in (``auth.user``); a failed attempt with a user name
    nobody has is kept too, on record 0, with the name that was tried.
    """
    name = (username or "").strip()[:150]
    with transaction.atomic():
        if succeeded:
            summary = _("Signed in")
        else:
            summary = _("Failed sign-in as “%(name)s”") % {"name": name}
        return AuditEntry.objects.create(
            at=at,
            actor=user if succeeded else None,
            actor_name=actor_label(user) if succeeded else "",
            action="signin.succeed" if succeeded else "signin.fail",
            kind=AuditEntry.Kind.SIGNIN,
            record_type="auth.user",
            record_id=int(user.pk) if user is not None else 0,
            summary=summary[:500],
            changes={} if succeeded else {"user_name": [None, name]},
        )


def record_two_factor(*, user: Any, turned_on: bool, at: dt.datetime) -> AuditEntry:
    """Two-factor sign-in turned on or off for ``user`` (kind ``signin``)."""
    with transaction.atomic():
        return AuditEntry.objects.create(
            at=at,
            actor=user,
            actor_name=actor_label(user),
            action="signin.two_factor_on" if turned_on else "signin.two_factor_off",
            kind=AuditEntry.Kind.SIGNIN,
            record_type="auth.user",
            record_id=int(user.pk),
            summary=(
                _("Two-factor sign-in turned on")
                if turned_on
                else _("Two-factor sign-in turned off")
            ),
            changes={"two_factor": [not turned_on, turned_on]},
        )


def fields_of(obj: Any, names: Iterable[str]) -> dict[str, Any]:
    """``{name: obj.name}`` for ``names``: a record's values before or after a change."""
    return {name: getattr(obj, name, None) for name in names}
