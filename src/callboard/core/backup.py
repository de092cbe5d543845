"""Backup and restore of the whole company: ``callboard backup`` and ``callboard restore``.

A backup is one gzip'd JSON Lines file. Its first line is a header (format and version, the
Callboard version, when it was made, from which database vendor, the migrations the
database had, and how many records of each model follow); every further line is one record
in Django's own ``jsonl`` serialization, so the format is Django's, not ours.

What is in it: every record of every model of every installed app (``apps.get_models()``,
so a new app or model is covered without touching this file), in an order where the models
a record points to come first. What is left out, and why, is in ``EXCLUDED``: content types
and permissions are made by ``callboard migrate`` itself (records refer to them by natural
key, which survives a move between databases where their ids do not), and sign-in sessions
are not company data (after a restore everyone signs in again).

Primary keys are kept, so every reference between records stays the same; foreign keys are
checked once, at the end (both SQLite and PostgreSQL defer them to the end of the
transaction), so records pointing at themselves or at records later in the file load too.

A restore runs only into an empty database migrated to exactly the backup's migrations,
in one transaction: it either loads every record, checks every reference and the counts
the header announced, or changes nothing. On PostgreSQL it then moves the id sequences past
the restored ids, so new records get fresh ids.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import zlib
from collections import Counter
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter
from importlib import metadata
from typing import IO, Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Deserializer as JsonlDeserializer
from django.core.serializers.jsonl import Serializer as JsonlSerializer
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    OperationalError,
    connections,
    models,
    transaction,
)
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from callboard.core.errors import DomainError

FORMAT = "callboard-backup"
FORMAT_VERSION = 1

# Models whose records a backup leaves out, with the reason (shown by ``callboard backup``).
EXCLUDED: dict[str, str] = {
    "contenttypes.contenttype": "made by `callboard migrate`; records refer to them by name",
    "auth.permission": "made by `callboard migrate`; records refer to them by name",
    "sessions.session": "sign-ins, not company data: after a restore everyone signs in again",
}

# Records point at these by natural key (names), never by id: their ids differ between a
# database and the one a backup is restored into, their names do not.
_BY_NATURAL_KEY: tuple[type[models.Model], ...] = (ContentType, Permission)


class BackupError(DomainError):
    """A backup could not be written or restored; nothing was changed."""


@dataclass(frozen=True)
class BackupSummary:
    header: dict[str, Any]

    @property
    def records(self) -> int:
        return sum(self.header["counts"].values())

    @property
    def models(self) -> int:
        return sum(1 for n in self.header["counts"].values() if n)


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def backed_up_models() -> list[type[models.Model]]:
    """Every model whose records a backup holds, each after the models it points to."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and _label(model) not in EXCLUDED
    ]
    chosen.sort(key=_label)
    inside = set(chosen)

    def graph(*, with_nullable: bool) -> dict[type[models.Model], set[type[models.Model]]]:
        deps: dict[type[models.Model], set[type[models.Model]]] = {}
        for model in chosen:
            deps[model] = set()
            for field in model._meta.get_fields():
                if not (field.is_relation and field.concrete) or field.auto_created:
                    continue
                target = field.related_model
                if not isinstance(target, type) or target is model or target not in inside:
                    continue
                if not with_nullable and getattr(field, "null", False):
                    continue
                deps[model].add(target)
        return deps

    # References are checked only at the end of a restore, so the order is for people
    # reading a backup and for loading speed; a cycle of references is still restorable.
    for with_nullable in (True, False):
        try:
            deps = graph(with_nullable=with_nullable)
            ordered = {model: sorted(deps[model], key=_label) for model in chosen}
            return list(TopologicalSorter(ordered).static_order())  # the same order every run
        except CycleError:
            continue
    return chosen


def stored_file_fields(model_list: Iterable[type[models.Model]]) -> list[str]:
    """Fields that keep a file in storage and only its name in the database.

    A backup holds database records only, so it refuses to run while a model has one of
    these (it would silently leave the files behind). Binary fields live in the database
    and are backed up like any other field (base64 in the file).
    """
    return [
        f"{_label(model)}.{field.name}"
        for model in model_list
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def _migrations(using: str) -> list[str]:
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def _callboard_version() -> str:
    try:
        return metadata.version("callboard")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (Django's cuts them to
    milliseconds, ECMA-262 style, which would change every ``now()`` a restore brings back)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


class _Serializer(JsonlSerializer):
    """Django's JSON Lines, with references by name only to content types and permissions.

    Every other reference stays a primary key: keys are kept on restore, and looking up
    users or groups by name for every reference would cost one query each.
    """

    def handle_fk_field(self, obj: models.Model, field: Any) -> None:
        self.use_natural_foreign_keys = field.related_model in _BY_NATURAL_KEY
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: models.Model, field: Any) -> None:
        self.use_natural_foreign_keys = field.related_model in _BY_NATURAL_KEY
        super().handle_m2m_field(obj, field)


def _queryset(model: type[models.Model], using: str) -> Generator[models.Model, None, None]:
    natural_fks = [
        field.name
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model in _BY_NATURAL_KEY
    ]
    m2m = [
        field.name + ("__content_type" if field.related_model is Permission else "")
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created  # type: ignore[union-attr]
    ]
    queryset = model._base_manager.using(using).order_by("pk")
    if natural_fks:
        queryset = queryset.select_related(*natural_fks)
    if m2m:
        queryset = queryset.prefetch_related(*m2m)
    yield from queryset.iterator(chunk_size=2000)


def backup_write(
    *, stream: IO[bytes], now: dt.datetime, using: str = DEFAULT_DB_ALIAS
) -> BackupSummary:
    """Write the whole company, as one consistent snapshot, to ``stream`` (binary)."""
    model_list = backed_up_models()
    with_files = stored_file_fields(model_list)
    if with_files:
        raise BackupError(
            _(
                "%(fields)s keep files outside the database, which a backup does not copy "
                "yet; back up the media folder too and extend callboard/core/backup.py."
            )
            % {"fields": ", ".join(with_files)}
        )
    connection = connections[using]
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise BackupError(
            _(
                "The database is not migrated to this Callboard (%(names)s are not applied): "
                "run `callboard migrate` first."
            )
            % {"names": ", ".join(f"{m.app_label}.{m.name}" for m, _back in pending[:5])}
        )
    snapshot_needed = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(using=using):
        if snapshot_needed:
            # One snapshot for the counts and every record, whatever is written meanwhile.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        header: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "callboard": _callboard_version(),
            "created_at": now.isoformat(),
            "vendor": connection.vendor,
            "migrations": _migrations(using),
            "excluded": EXCLUDED,
            "counts": {
                _label(model): model._base_manager.using(using).count() for model in model_list
            },
        }
        with gzip.GzipFile(fileobj=stream, mode="wb", compresslevel=6) as compressed:
            text = io.TextIOWrapper(compressed, encoding="utf-8", newline="\n")
            text.write(json.dumps(header, ensure_ascii=False) + "\n")
            serializer = _Serializer()
            for model in model_list:
                records = _queryset(model, using)
                try:
                    serializer.serialize(records, stream=text, cls=_Encoder)
                finally:
                    records.close()  # its cursor, now, while the connection is open
            text.flush()
            text.detach()
    return BackupSummary(header=header)


def _damaged(exc: BaseException) -> BackupError:
    return BackupError(
        _(
            "The file is not a complete Callboard backup (%(problem)s); nothing was restored. "
            "Use another copy of the backup."
        )
        % {"problem": str(exc).strip() or type(exc).__name__}
    )


def _read_header(text: IO[str]) -> dict[str, Any]:
    try:
        header = json.loads(text.readline(1_000_000))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as exc:
        raise BackupError(
            _("The file is not a Callboard backup (%(problem)s); nothing was restored.")
            % {"problem": str(exc).strip() or type(exc).__name__}
        ) from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupError(_("The file is not a Callboard backup; nothing was restored."))
    version = header.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            _(
                "The backup has format version %(version)s, made by Callboard %(callboard)s; "
                "this Callboard reads up to version %(known)s. Restore it with that Callboard "
                "or a newer one; nothing was restored."
            )
            % {
                "version": version,
                "callboard": header.get("callboard", "?"),
                "known": FORMAT_VERSION,
            }
        )
    if not isinstance(header.get("counts"), dict) or not isinstance(header.get("migrations"), list):
        raise BackupError(_("The backup's header is damaged; nothing was restored."))
    return header


def _check_migrations(header: dict[str, Any], using: str) -> None:
    theirs = set(header["migrations"])
    ours = set(_migrations(using))
    if theirs == ours:
        return
    known = {f"{app}.{name}" for app, name in MigrationLoader(None).disk_migrations}
    unknown = sorted(theirs - known)
    if unknown:
        raise BackupError(
            _(
                "The backup was made by a newer Callboard (%(callboard)s): its database had "
                "changes this installation does not know (%(names)s). Upgrade Callboard, run "
                "`callboard migrate`, then restore; nothing was restored."
            )
            % {"callboard": header.get("callboard", "?"), "names": ", ".join(unknown[:5])}
        )
    missing = sorted(theirs - ours)
    if missing:
        raise BackupError(
            _(
                "The database lacks migrations the backup was made with (%(names)s): run "
                "`callboard migrate` first; nothing was restored."
            )
            % {"names": ", ".join(missing[:5])}
        )
    raise BackupError(
        _(
            "The backup was made by an older Callboard (%(callboard)s) and this database is "
            "already migrated further (%(names)s). Restore it into a database migrated by "
            "that version, then upgrade and run `callboard migrate`; nothing was restored."
        )
        % {"callboard": header.get("callboard", "?"), "names": ", ".join(sorted(ours - theirs)[:5])}
    )


def _refuse_non_empty(model_list: list[type[models.Model]], using: str) -> None:
    held = [
        f"{_label(model)} ({count})"
        for model in model_list
        if (count := model._base_manager.using(using).count())
    ]
    if held:
        raise BackupError(
            _(
                "The database is not empty (%(held)s): a backup is restored only into a new, "
                "migrated, empty database. Nothing was changed."
            )
            % {"held": ", ".join(held[:6]) + (", …" if len(held) > 6 else "")}
        )


def backup_restore(*, stream: IO[bytes], using: str = DEFAULT_DB_ALIAS) -> BackupSummary:
    """Rebuild the company from a backup into an empty database: all of it, or nothing."""
    text = io.TextIOWrapper(gzip.GzipFile(fileobj=stream, mode="rb"), encoding="utf-8")
    header = _read_header(text)
    _check_migrations(header, using)
    model_list = backed_up_models()
    allowed = {_label(model) for model in model_list}
    unknown = sorted(set(header["counts"]) - allowed)
    if unknown:
        raise BackupError(
            _(
                "The backup holds records of %(models)s, which this Callboard does not have; "
                "nothing was restored."
            )
            % {"models": ", ".join(unknown)}
        )
    connection = connections[using]
    restored: Counter[str] = Counter()
    try:
        with transaction.atomic(using=using):
            _refuse_non_empty(model_list, using)
            for record in JsonlDeserializer(text, using=using):
                label = _label(type(record.object))
                if label not in allowed:
                    raise BackupError(
                        _(
                            "The backup holds a record of %(model)s, which a backup never "
                            "holds; nothing was restored."
                        )
                        % {"model": label}
                    )
                record.save(using=using)
                restored[label] += 1
            announced = {label: n for label, n in header["counts"].items() if n}
            if dict(restored) != announced:
                wrong = sorted(
                    label
                    for label in set(announced) | set(restored)
                    if announced.get(label, 0) != restored[label]
                )
                raise BackupError(
                    _(
                        "The file is not a complete Callboard backup: it announces %(announced)d "
                        "records but holds %(held)d (%(models)s differ); nothing was restored."
                    )
                    % {
                        "announced": sum(announced.values()),
                        "held": sum(restored.values()),
                        "models": ", ".join(wrong[:5]),
                    }
                )
            # Every reference points at a record that exists (checked once, at the end).
            connection.check_constraints()
            if connection.vendor == "postgresql":
                _reset_sequences(using)
    except BackupError:
        raise
    except OperationalError as exc:  # the database itself: locked, gone, out of space
        raise BackupError(
            _("The database refused the restore (%(problem)s); nothing was restored.")
            % {"problem": str(exc).strip() or type(exc).__name__}
        ) from exc
    except (
        DeserializationError,
        DatabaseError,
        OSError,
        EOFError,
        zlib.error,
        UnicodeDecodeError,
        ValueError,
    ) as exc:
        raise _damaged(exc) from exc
    return BackupSummary(header=header)


def _reset_sequences(using: str) -> None:
    """Move each id sequence past the restored ids, so new records get fresh ids."""
    connection = connections[using]
    every = list(apps.get_models(include_auto_created=True))
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), every):
            cursor.execute(sql)
