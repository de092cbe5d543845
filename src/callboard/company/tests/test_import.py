"""Roster CSV import: service, page and command line."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from callboard.company import services
from callboard.company.models import Dancer, Person
from callboard.company.tests.factories import DancerFactory, PersonFactory
from callboard.core.actors import CALLBOARD
from callboard.core.roles import Role

pytestmark = pytest.mark.django_db

HEADER = (
    "given_name,family_name,rank,status,email,phone,birth_date,joined_on,"
    "nationality,heritage,biography\n"
)
ROSTER = (
    HEADER + "Klára,Kalmurzaev,principal,active,klara@example.org,,1996-04-02,2014-09-01,Russian,"
    '"Tatar family from Chechnya","Trained day and night"\n'
    + "Anna,Petrova,corps de ballet,,,,,,,,\n"
    + "Boris,Ivanov,First soloist,injured,boris@example.org,,,,,,\n"
)


def _import(data, now, dry_run=False):
    return services.roster_import(data=data, dry_run=dry_run, now=now, by=CALLBOARD)


def test_import_creates_dancers_and_reports_them(now):
    report = _import(ROSTER.encode(), now)
    assert report.ok and report.committed
    assert [(r.row, r.name) for r in report.created] == [
        (2, "Klára Kalmurzaev"),
        (3, "Anna Petrova"),
        (4, "Boris Ivanov"),
    ]
    klara = Dancer.objects.get(person__family_name="Kalmurzaev")
    assert klara.rank == "principal"
    assert klara.person.birth_date == dt.date(1996, 4, 2)
    assert klara.person.heritage == "Tatar family from Chechnya"
    assert Dancer.objects.get(person__family_name="Petrova").rank == "corps"
    assert Dancer.objects.get(person__family_name="Ivanov").status == "injured"


def test_reimporting_the_same_file_changes_nothing(now):
    _import(ROSTER.encode(), now)
    before = list(Person.objects.order_by("pk").values())
    report = _import(ROSTER.encode(), now)
    assert report.ok
    assert len(report.unchanged) == 3
    assert not report.created and not report.updated
    assert list(Person.objects.order_by("pk").values()) == before


def test_import_updates_a_dancer_matched_by_email(now):
    existing = DancerFactory(
        rank="soloist",
        person=PersonFactory(given_name="Klara", family_name="K", email="KLARA@example.org"),
    )
    report = _import(HEADER + "Klára,Kalmurzaev,principal,,klara@example.org,,,,,,\n", now)
    assert [r.dancer_id for r in report.updated] == [existing.pk]
    assert "rank" in report.updated[0].detail
    existing.refresh_from_db()
    assert existing.rank == "principal"
    assert existing.person.full_name == "Klára Kalmurzaev"
    assert Dancer.objects.count() == 1


def test_import_matches_by_name_and_birth_date_when_there_is_no_email(now):
    existing = DancerFactory(
        person=PersonFactory(
            given_name="Anna", family_name="Petrova", birth_date=dt.date(2001, 5, 6), email=""
        )
    )
    report = _import(HEADER + "ANNA,petrova,soloist,,,,2001-05-06,,,,\n", now)
    assert [r.dancer_id for r in report.updated] == [existing.pk]
    existing.refresh_from_db()
    assert existing.rank == "soloist"
    assert existing.person.given_name == "ANNA"


def test_import_repairs_broken_encoding(now):
    broken = HEADER + "KlÃ¡ra,Kalmurzaev,principal,,,,,,,Chechnya â€“ Moscow,\n"
    report = _import(broken.encode("utf-8"), now)
    assert report.ok
    person = Person.objects.get()
    assert person.given_name == "Klára"
    assert person.heritage == "Chechnya – Moscow"


def test_a_file_with_a_rejected_row_imports_nothing_and_names_the_rows(now):
    bad = (
        HEADER
        + "Anna,Petrova,corps,,,,,,,,\n"
        + "Boris,Ivanov,star,,,,,,,,\n"  # unknown rank
        + "Olga,Smirnova,corps,,,,12/03/1999,,,,\n"  # bad date
        + "Ivan,Sokolov,,,,,,,,,\n"  # new dancer without rank
        + ",Nameless,corps,,,,,,,,\n"  # no given name
    )
    report = _import(bad.encode(), now)
    assert not report.ok
    assert [r.row for r in report.rejected] == [3, 4, 5, 6]
    assert "star" in report.rejected[0].detail
    assert "YYYY-MM-DD" in report.rejected[1].detail
    assert "rank" in report.rejected[2].detail
    assert "given_name" in report.rejected[3].detail
    assert "3, 4, 5, 6" in report.summary()
    assert not Person.objects.exists()


def test_a_dancer_twice_in_one_file_is_rejected(now):
    twice = HEADER + "Anna,Petrova,corps,,,,,,,,\n" + "Anna,Petrova,soloist,,,,,,,,\n"
    report = _import(twice, now)
    assert [r.row for r in report.rejected] == [3]
    assert "row 2" in report.rejected[0].detail
    assert not Person.objects.exists()


def test_two_rows_reaching_one_dancer_are_rejected(now):
    services.dancer_create(
        given_name="Anna", family_name="Petrova", rank="corps", now=now, by=CALLBOARD
    )
    services.dancer_create(
        given_name="Olga", family_name="Smirnova", rank="corps", now=now, by=CALLBOARD
    )
    data = (
        HEADER
        + "Anna,Petrova,soloist,,olga@example.org,,,,,,\n"  # matched by name, takes the e-mail
        + "Olga,Smirnova,,,olga@example.org,,,,,,\n"  # the e-mail now points at Anna
    )
    report = _import(data, now)
    assert [r.row for r in report.rejected] == [3]
    assert Dancer.objects.get(person__given_name="Anna").rank == "corps"
    assert not Person.objects.filter(email="olga@example.org").exists()


def test_a_row_renaming_a_dancer_onto_another_is_rejected_as_a_duplicate(now):
    services.dancer_create(
        given_name="Anna",
        family_name="Petrova",
        rank="corps",
        email="anna@example.org",
        now=now,
        by=CALLBOARD,
    )
    services.dancer_create(
        given_name="Olga", family_name="Smirnova", rank="corps", now=now, by=CALLBOARD
    )
    report = _import(HEADER + "Olga,Smirnova,soloist,,anna@example.org,,,,,,\n", now)
    assert [r.row for r in report.rejected] == [2]
    assert "already on the roster" in report.rejected[0].detail
    assert Person.objects.filter(given_name="Anna").exists()


def test_dry_run_reports_but_saves_nothing(now):
    report = _import(ROSTER, now, dry_run=True)
    assert report.ok and not report.committed
    assert len(report.created) == 3
    assert all(r.dancer_id is None for r in report.created)
    assert "Dry run" in report.summary()
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "UTF-8"),
        ("given_name,family_name\n".encode("utf-16"), "UTF-8"),
        (b"given_name,family_name,salary\nA,B,100\n", "salary"),
        (b"name,rank\nA,corps\n", "given_name"),
        (b"given_name,family_name\n", "no dancers"),
        (b"given_name,family_name,given_name\nA,B,C\n", "twice"),
        (b"hello world\x00", "binary"),
    ],
)
def test_unreadable_files_import_nothing_and_say_why(now, data, words):
    report = _import(data, now)
    assert not report.ok
    assert report.errors
    assert words in " ".join(report.errors)
    assert not Person.objects.exists()


def test_a_row_with_extra_cells_is_rejected(now):
    report = _import(b"given_name,family_name,rank\nAnna,Petrova,corps,oops\n", now)
    assert report.rejected and "stray comma" in report.rejected[0].detail


def test_semicolon_files_with_a_bom_are_read(now):
    data = "\ufeffgiven_name;family_name;rank\nAnna;Petrova;Coryphée\n".encode()
    report = _import(data, now)
    assert report.ok
    assert Dancer.objects.get().rank == "coryphee"


# --------------------------------------------------------------------------- the page


def test_import_page_preview_then_import(client_as):
    client = client_as(Role.COMPANY_MANAGER)
    upload = io.BytesIO(ROSTER.encode())
    upload.name = "roster.csv"
    preview = client.post(reverse("company:import"), {"file": upload, "dry_run": "on"})
    assert preview.status_code == 200
    assert "Would be created" in preview.content.decode()
    assert not Person.objects.exists()
    carried = preview.context["carry"]
    done = client.post(reverse("company:import"), {"content": carried})
    assert done.status_code == 200
    assert Dancer.objects.count() == 3
    assert "Imported: 3 created" in done.content.decode()


def test_import_page_shows_rows_to_fix(client_as):
    client = client_as(Role.ARTISTIC_DIRECTOR)
    upload = io.BytesIO((HEADER + "Boris,Ivanov,star,,,,,,,,\n").encode())
    upload.name = "roster.csv"
    response = client.post(reverse("company:import"), {"file": upload})
    assert response.status_code == 422
    assert "Rows to fix" in response.content.decode()
    assert not Person.objects.exists()


def test_import_page_without_a_file_asks_for_one(client_as):
    response = client_as(Role.ARTISTIC_DIRECTOR).post(reverse("company:import"), {})
    assert "Choose the roster file" in response.content.decode()


def test_a_dancer_cannot_import(client_as):
    upload = io.BytesIO(ROSTER.encode())
    upload.name = "roster.csv"
    response = client_as(Role.DANCER).post(reverse("company:import"), {"file": upload})
    assert response.status_code == 403
    assert not Person.objects.exists()


# --------------------------------------------------------------------------- the command line


def test_command_imports_and_reports(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    out = io.StringIO()
    call_command("import_roster", str(path), stdout=out)
    assert "Imported: 3 created" in out.getvalue()
    assert Dancer.objects.count() == 3


def test_command_dry_run_saves_nothing(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    out = io.StringIO()
    call_command("import_roster", str(path), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert not Person.objects.exists()


def test_command_with_a_rejected_row_exits_2_with_the_report(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(HEADER + "Boris,Ivanov,star,,,,,,,,\n", encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_roster", str(path), stdout=out)
    assert caught.value.returncode == 2
    assert "row 2 Boris Ivanov" in out.getvalue()
    assert not Person.objects.exists()


def test_command_with_a_missing_file_exits_2(tmp_path):
    with pytest.raises(CommandError) as caught:
        call_command("import_roster", str(tmp_path / "nowhere.csv"))
    assert caught.value.returncode == 2


def test_console_script_exits_2_on_a_file_that_is_not_csv(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\xfd")
    env = {
        **os.environ,
        "CALLBOARD_VAR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-m", "callboard.cli", "import-roster", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert "UTF-8" in result.stdout
    assert "Traceback" not in result.stderr
