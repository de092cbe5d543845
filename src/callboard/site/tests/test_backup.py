"""Backup and restore: the whole company survives SQLite -> PostgreSQL -> SQLite, record for
record; a restore never lands on a database that holds data, and a damaged or foreign file
changes nothing.

Records are compared with the ORM, field by field and by primary key (see ``snapshot``),
independently of the backup code: content types and permissions by their names (their ids
are the target database's own), many-to-many rows by the pair they join.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import psycopg
import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.test.utils import isolate_apps

from callboard.company import models as cm
from callboard.core.backup import (
    EXCLUDED,
    FORMAT_VERSION,
    backed_up_models,
    stored_file_fields,
)
from callboard.core.roles import Role
from callboard.season.tests.factories import DancerFactory, PersonFactory, UserFactory
from conftest import missing_requirement

PG_ADMIN = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "postgres"}
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"


# --- reading every record of a database, without the backup code -------------------------


def snapshot(alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """Every record of every model (sign-in sessions aside), by label.

    Ordinary models: {pk: ((field, value), ...)}. Content types, permissions and the rows of
    many-to-many tables: sorted lists of their values without ids, references to content
    types and permissions given as names.
    """
    content_types = {
        ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.using(alias).all()
    }
    permissions = {
        p.pk: (p.codename, *content_types[p.content_type_id])
        for p in Permission.objects.using(alias).all()
    }
    by_name: dict[type[models.Model], dict[Any, Any]] = {
        ContentType: content_types,
        Permission: permissions,
    }
    result: dict[str, Any] = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label_lower
        if label == "sessions.session":
            continue
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]

        def value(obj: models.Model, field: Any) -> Any:
            raw = field.value_from_object(obj)
            if field.is_relation and field.related_model in by_name and raw is not None:
                return by_name[field.related_model][raw]
            return raw

        rows = [
            (obj.pk, tuple((f.name, value(obj, f)) for f in fields))
            for obj in model._base_manager.using(alias).order_by("pk")
        ]
        if model in by_name or model._meta.auto_created:
            result[label] = sorted((values for _pk, values in rows), key=repr)
        else:
            result[label] = dict(rows)
    return result


def assert_same_records(expected: dict[str, Any], actual: dict[str, Any], where: str) -> None:
    assert sorted(actual) == sorted(expected), where
    for label, rows in expected.items():
        theirs = actual[label]
        assert len(theirs) == len(rows), f"{where}: {label} has {len(theirs)}, not {len(rows)}"
        if isinstance(rows, dict):
            for pk, values in rows.items():
                assert theirs.get(pk) == values, f"{where}: {label} #{pk} differs"
        else:
            assert theirs == rows, f"{where}: the rows of {label} differ"


def record_count(alias: str = DEFAULT_DB_ALIAS) -> int:
    return sum(m._base_manager.using(alias).count() for m in backed_up_models())


def wipe() -> None:
    """Empty every backed-up model of the test database (cascades do the order)."""
    for model in reversed(backed_up_models()):
        model._base_manager.all().delete()
    assert record_count() == 0


# --- the files ------------------------------------------------------------------------------


def backup_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "company.cbk"
        call_command("backup", str(path), stdout=io.StringIO())
        return path.read_bytes()


def lines_of(data: bytes) -> list[str]:
    return gzip.decompress(data).decode().splitlines()


def rebuilt(lines: list[str]) -> bytes:
    return gzip.compress(("\n".join(lines) + "\n").encode())


def with_header(data: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    lines = lines_of(data)
    header = json.loads(lines[0])
    change(header)
    return rebuilt([json.dumps(header), *lines[1:]])


def restore(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / f"{uuid.uuid4().hex}.cbk"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("restore", str(path), stdout=out)
    return out.getvalue()


def refused(data: bytes, tmp_path: Path) -> str:
    with pytest.raises(CommandError) as excinfo:
        restore(data, tmp_path)
    assert excinfo.value.returncode == 2
    return str(excinfo.value)


# --- a small company, built in the test database -----------------------------------------


@pytest.fixture
def small_company(db: None) -> None:
    """Users in role groups, permissions by name, an admin log entry, people pointing at
    people: every kind of reference a backup has to carry."""
    director = UserFactory(username="director", roles=[Role.ARTISTIC_DIRECTOR])
    UserFactory(username="klara", roles=[Role.DANCER])
    group = Group.objects.get(name=Role.ARTISTIC_DIRECTOR.value)
    group.permissions.add(Permission.objects.get(codename="change_user"))
    director.user_permissions.add(Permission.objects.get(codename="view_group"))
    parent = PersonFactory(given_name="Rustam", family_name="Kalmurzaev")
    dancer = DancerFactory(person__given_name="Klára", person__family_name="Kalmurzaev")
    dancer.person.related_to = parent
    dancer.person.save()
    LogEntry.objects.create(
        user=director,
        content_type=ContentType.objects.get_for_model(cm.Person),
        object_id=str(parent.pk),
        object_repr=str(parent),
        action_flag=ADDITION,
        action_time=dt.datetime(2026, 11, 23, 9, 41, 7, 123456, tzinfo=dt.UTC),
    )


# --- what a backup holds -----------------------------------------------------------------


def test_every_model_of_every_app_is_backed_up_except_the_named_ones():
    chosen = {m._meta.label_lower for m in backed_up_models()}
    every = {
        m._meta.label_lower for m in apps.get_models() if m._meta.managed and not m._meta.proxy
    }
    assert chosen == every - set(EXCLUDED)
    assert {"auth.user", "auth.group", "admin.logentry", "company.person"} <= chosen
    assert not chosen & {"contenttypes.contenttype", "auth.permission", "sessions.session"}


def test_models_come_after_the_models_they_must_point_to():
    order = backed_up_models()
    position = {model: n for n, model in enumerate(order)}
    for model in order:
        for field in model._meta.concrete_fields:
            target = field.related_model
            if field.is_relation and not field.null and target in position and target is not model:
                assert position[target] < position[model], f"{model} before {target}"


@isolate_apps("callboard.core")
def test_fields_keeping_files_outside_the_database_are_found():
    class Poster(models.Model):
        image = models.FileField(upload_to="posters")
        thumbnail = models.BinaryField()

        class Meta:
            app_label = "core"

        def __str__(self) -> str:
            return "poster"

    assert stored_file_fields([Poster]) == ["core.poster.image"]
    assert stored_file_fields(backed_up_models()) == []


def test_header_names_format_vendor_migrations_and_counts(small_company):
    lines = lines_of(backup_bytes())
    header = json.loads(lines[0])
    assert header["format"] == "callboard-backup"
    assert header["format_version"] == FORMAT_VERSION
    assert header["vendor"] == connection.vendor
    assert "auth.0001_initial" in header["migrations"]
    assert header["counts"]["auth.user"] == 2
    assert header["counts"]["company.person"] == 2
    assert sum(header["counts"].values()) == len(lines) - 1 == record_count()


def test_backup_to_a_file_and_to_standard_output_hold_the_same_records(small_company, capsysbinary):
    to_file = backup_bytes()
    err = io.StringIO()
    call_command("backup", stderr=err)
    to_stdout = capsysbinary.readouterr().out
    assert "to standard output" in err.getvalue()
    assert lines_of(to_stdout)[1:] == lines_of(to_file)[1:]
    assert len(lines_of(to_file)) == record_count() + 1 > 5


def test_backup_file_is_readable_by_its_owner_only(small_company, tmp_path):
    path = tmp_path / "company.cbk"
    out = io.StringIO()
    call_command("backup", str(path), stdout=out)
    assert path.stat().st_mode & 0o777 == 0o600
    assert "records" in out.getvalue()
    assert [p.name for p in tmp_path.iterdir()] == ["company.cbk"]


def test_backup_into_a_missing_folder_is_a_clear_error(small_company, tmp_path):
    with pytest.raises(CommandError) as excinfo:
        call_command("backup", str(tmp_path / "nowhere" / "company.cbk"))
    assert excinfo.value.returncode == 2
    assert "does not exist" in str(excinfo.value)


# --- restoring -----------------------------------------------------------------------------


def test_restore_rebuilds_every_record_and_new_records_get_fresh_ids(small_company, tmp_path):
    before = snapshot()
    data = backup_bytes()
    highest = get_user_model().objects.order_by("-pk").first().pk
    wipe()
    out = restore(data, tmp_path)
    assert "Restored" in out
    assert_same_records(before, snapshot(), "after restore")
    assert get_user_model().objects.create(username="newcomer").pk > highest
    assert related_to("Klára") == "Rustam"
    assert LogEntry.objects.get().action_time.microsecond == 123456


def related_to(given_name: str) -> str:
    person = cm.Person.objects.select_related("related_to").get(given_name=given_name)
    assert person.related_to is not None
    return person.related_to.given_name


def test_restore_into_a_database_with_data_is_refused_and_changes_nothing(small_company, tmp_path):
    data = backup_bytes()
    before = snapshot()
    message = refused(data, tmp_path)
    assert "not empty" in message
    assert "auth.user (2)" in message
    assert snapshot() == before


def _drop_last_record(data: bytes) -> bytes:
    return rebuilt(lines_of(data)[:-1])


def _add_a_session(data: bytes) -> bytes:
    session = {"model": "sessions.session", "pk": "x" * 32, "fields": {}}
    return rebuilt([*lines_of(data), json.dumps(session)])


def _flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]


DAMAGED: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "cut in half": (lambda data: data[: len(data) // 2], "nothing was restored"),
    "end cut off": (lambda data: data[:-12], "not a complete Callboard backup"),
    "one byte changed": (_flip_a_byte, "nothing was restored"),
    "last record missing": (_drop_last_record, "announces"),
    "an excluded record added": (_add_a_session, "a backup never holds"),
    "empty file": (lambda data: b"", "not a Callboard backup"),
    "not compressed": (lambda data: b"username,password\nklara,secret\n", "not a Callboard backup"),
    "other JSON": (lambda data: gzip.compress(b'{"hello": 1}\n'), "not a Callboard backup"),
    "newer format": (
        lambda data: with_header(data, lambda h: h.update(format_version=FORMAT_VERSION + 1)),
        "format version",
    ),
    "newer schema": (
        lambda data: with_header(data, lambda h: h["migrations"].append("core.9999_future")),
        "newer Callboard",
    ),
    "older schema": (
        lambda data: with_header(data, lambda h: h["migrations"].remove("auth.0001_initial")),
        "older Callboard",
    ),
}


@pytest.mark.parametrize("damage", list(DAMAGED), ids=list(DAMAGED))
def test_a_damaged_or_foreign_file_is_refused_and_the_database_stays_empty(
    small_company, tmp_path, damage
):
    spoil, expected = DAMAGED[damage]
    data = spoil(backup_bytes())
    wipe()
    message = refused(data, tmp_path)
    assert expected in message
    assert "Traceback" not in message
    assert record_count() == 0


def test_restore_of_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError) as excinfo:
        call_command("restore", str(tmp_path / "missing.cbk"))
    assert excinfo.value.returncode == 2
    assert "Cannot read" in str(excinfo.value)


# --- the whole demo company: SQLite -> PostgreSQL -> SQLite ------------------------------


def _cli(*args: str, url: str, home: Path, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "CALLBOARD_VAR": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "callboard.cli", *args],
        env=env,
        check=False,
        timeout=900,
        **kwargs,
    )


def _start_cli(*args: str, url: str, home: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": url, "CALLBOARD_VAR": str(home)}
    return subprocess.Popen(
        [sys.executable, "-m", "callboard.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def scratch_postgres() -> Iterator[str]:
    """A new, empty PostgreSQL database (dropped afterwards); yields its URL."""
    name = f"callboard_restore_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(**PG_ADMIN, autocommit=True)
    except psycopg.OperationalError as exc:
        missing_requirement(f"PostgreSQL is not running on 127.0.0.1:5432 ({exc})")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield PG_URL.format(name=name)
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def extra_database() -> Iterator[Callable[[str, str], None]]:
    """``add(alias, url)``: a second database this test reads through the ORM."""
    added: list[str] = []

    def add(alias: str, url: str) -> None:
        settings = connections.configure_settings({DEFAULT_DB_ALIAS: dj_database_url.parse(url)})
        connections.settings[alias] = settings[DEFAULT_DB_ALIAS]
        added.append(alias)

    yield add
    for alias in added:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


@pytest.mark.slow
@pytest.mark.postgres
def test_the_demo_company_survives_sqlite_to_postgresql_to_sqlite(
    tmp_path, scratch_postgres, extra_database, django_db_blocker
):
    """Every step is the real command line, each database its own; the test only reads."""
    if connection.vendor != "sqlite":
        pytest.skip("runs on the SQLite pass of the suite: it makes its own PostgreSQL database")
    original_url = f"sqlite:///{tmp_path / 'original.sqlite3'}"
    pg_url = scratch_postgres
    final_url = f"sqlite:///{tmp_path / 'final.sqlite3'}"
    # The two empty databases are migrated while the demo company is built.
    migrations = [
        _start_cli("migrate", "--noinput", "-v0", url=url, home=tmp_path)
        for url in (pg_url, final_url)
    ]
    for step in (("migrate", "--noinput", "-v0"), ("demo", "--today", "2026-11-23")):
        built = _cli(*step, url=original_url, home=tmp_path, capture_output=True)
        assert built.returncode == 0, built.stderr.decode()

    first = tmp_path / "from-sqlite.cbk"
    written = _cli("backup", str(first), url=original_url, home=tmp_path, capture_output=True)
    assert written.returncode == 0, written.stderr.decode()
    for process in migrations:
        output, _ = process.communicate(timeout=900)
        assert process.returncode == 0, output.decode()

    restored = _cli("restore", str(first), url=pg_url, home=tmp_path, capture_output=True)
    assert restored.returncode == 0, restored.stderr.decode()
    assert b"Restored" in restored.stdout

    second = tmp_path / "from-postgresql.cbk"
    with second.open("wb") as out:  # to standard output, as in `callboard backup > FILE`
        written = _cli("backup", url=pg_url, home=tmp_path, stdout=out, stderr=subprocess.PIPE)
    assert written.returncode == 0, written.stderr.decode()

    restored = _cli("restore", str(second), url=final_url, home=tmp_path, capture_output=True)
    assert restored.returncode == 0, restored.stderr.decode()

    again = _cli("restore", str(second), url=final_url, home=tmp_path, capture_output=True)
    assert again.returncode == 2
    assert b"not empty" in again.stderr
    assert b"Traceback" not in again.stderr

    headers = [json.loads(lines_of(path.read_bytes())[0]) for path in (first, second)]
    assert [h["vendor"] for h in headers] == ["sqlite", "postgresql"]
    assert headers[0]["counts"] == headers[1]["counts"]

    with django_db_blocker.unblock():
        extra_database("original", original_url)
        extra_database("restored_pg", pg_url)
        extra_database("restored_sqlite", final_url)
        original = snapshot("original")
        assert_same_records(original, snapshot("restored_pg"), "SQLite -> PostgreSQL")
        assert_same_records(original, snapshot("restored_sqlite"), "SQLite -> PostgreSQL -> SQLite")

        # The demo really is the whole company: most models hold records, thousands in all.
        filled = [label for label, rows in original.items() if rows]
        assert sum(len(rows) for rows in original.values()) > 10_000
        assert len(filled) > 50
        for label in ("auth.user", "company.person", "boxoffice.ticket", "scheduling.call"):
            assert original[label], label

        # PostgreSQL's id sequences were moved past the restored ids.
        groups = Group.objects.using("restored_pg")
        highest = groups.order_by("-pk").first().pk
        assert groups.create(name="after the restore").pk > highest
