"""Names in two scripts, the reader's alphabetical order, and roster files in any encoding."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse
from django.utils import translation

from callboard.company import services
from callboard.company.collation import collation_key
from callboard.company.models import Dancer, Person
from callboard.company.selectors import dancer_list
from callboard.company.tests.factories import DancerFactory, PersonFactory
from callboard.core.actors import CALLBOARD
from callboard.core.csvfiles import UnknownEncoding, decode_csv
from callboard.core.roles import Role

pytestmark = pytest.mark.django_db


def _dancer(given: str, family: str, native: tuple[str, str] = ("", "")) -> Dancer:
    person = PersonFactory(
        given_name=given,
        family_name=family,
        native_given_name=native[0],
        native_family_name=native[1],
    )
    return DancerFactory(person=person)  # type: ignore[no-any-return]


def _names(q: str) -> list[str]:
    return [d.person.latin_name for d in dancer_list(q=q)]


# --------------------------------------------------------------------------- names


def test_a_russian_reader_sees_the_name_in_its_own_script_and_others_the_latin() -> None:
    dancer = _dancer("Klára", "Kalmurzaev", ("Клара", "Калмурзаева"))
    with translation.override("ru"):
        assert dancer.person.full_name == "Клара Калмурзаева"
    with translation.override("en"):
        assert dancer.person.full_name == "Klára Kalmurzaev"
    latin_only = _dancer("Léa", "Moreau")
    with translation.override("ru"):
        assert latin_only.person.full_name == "Léa Moreau"


def test_search_finds_cyrillic_from_latin_and_latin_from_cyrillic() -> None:
    _dancer("Tatiana", "Reshetnikova", ("Татьяна", "Решетникова"))
    _dancer("Klára", "Kalmurzaev", ("Клара", "Калмурзаева"))
    _dancer("Léa", "Moreau")
    assert _names("Tatiana") == ["Tatiana Reshetnikova"]
    assert _names("Татьяна") == ["Tatiana Reshetnikova"]
    assert _names("Клара") == ["Klára Kalmurzaev"]
    assert _names("klara") == ["Klára Kalmurzaev"]
    assert _names("Калмурзаева") == ["Klára Kalmurzaev"]  # the Russian family name's own form
    assert _names("Сергей") == []


def test_search_works_on_this_database_too_through_the_roster_page(client_as) -> None:  # type: ignore[no-untyped-def]
    _dancer("Eleonora", "Kalmurzaev", ("Элеонора", "Калмурзаева"))
    client = client_as(Role.COMPANY_MANAGER)
    page = client.get(reverse("company:roster"), {"q": "Элеонора"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert "Элеонора Калмурзаева" in page.content.decode()
    page = client.get(reverse("company:roster"), {"q": "eleonora"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Eleonora Kalmurzaev" in page.content.decode()


def test_lists_sort_in_the_readers_alphabet_on_this_database() -> None:
    for given, family, native in [
        ("Yuri", "Zhukov", ("Юрий", "Жуков")),
        ("Pyotr", "Yozhikov", ("Пётр", "Ёжиков")),
        ("Elena", "Yegorova", ("Елена", "Егорова")),
        ("Anna", "Abramova", ("Анна", "Абрамова")),
        ("Léa", "Moreau", ("", "")),
        ("Émile", "Ange", ("", "")),
    ]:
        _dancer(given, family, native)
    with translation.override("ru"):
        ordered = [d.person.display_family_name for d in dancer_list().filter(rank="corps")]
    # Cyrillic first, Ё beside Е (after it), then the Latin names.
    assert ordered == ["Абрамова", "Егорова", "Ёжиков", "Жуков", "Ange", "Moreau"]
    with translation.override("en"):
        ordered = [d.person.family_name for d in dancer_list().filter(rank="corps")]
    # Accents do not move a name: Ange (Émile) sorts as A.
    assert ordered == ["Abramova", "Ange", "Moreau", "Yegorova", "Yozhikov", "Zhukov"]


def test_the_fallback_collation_orders_accents_and_scripts_soundly() -> None:
    words = ["Zoë", "Ёлкин", "Абаев", "émile", "Emma", "Елин"]
    assert sorted(words, key=lambda w: collation_key(w, "CYRILLIC")) == [
        "Абаев",
        "Елин",
        "Ёлкин",
        "émile",
        "Emma",
        "Zoë",
    ]


# --------------------------------------------------------------------------- files

RUSSIAN_ROSTER = "given_name,family_name,rank\nАнна,Петрова,кордебалет\nБорис,Иванов,корифей\n"
WESTERN_ROSTER = "given_name,family_name,rank\nLéa,Moreau,soloist\nJosé,Martínez,corps\n"


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN_ROSTER, "utf-8"),
        (RUSSIAN_ROSTER, "utf-8-sig"),
        (RUSSIAN_ROSTER, "cp1251"),
        (WESTERN_ROSTER, "latin-1"),
        (WESTERN_ROSTER, "utf-8-sig"),
    ],
)
def test_a_roster_imports_from_utf8_with_or_without_bom_cp1251_and_latin1(
    text: str, encoding: str, now
) -> None:  # type: ignore[no-untyped-def]
    report = services.roster_import(
        data=text.encode(encoding), dry_run=False, by=CALLBOARD, now=now
    )
    assert report.ok, report.lines()
    names = sorted(Person.objects.values_list("family_name", flat=True))
    expected = ["Иванов", "Петрова"] if text is RUSSIAN_ROSTER else ["Martínez", "Moreau"]
    assert names == expected
    if text is RUSSIAN_ROSTER:  # rank labels in Russian are understood
        assert Dancer.objects.get(person__family_name="Иванов").rank == "coryphee"


def test_a_file_whose_encoding_cannot_be_told_is_refused_and_nothing_imported(now) -> None:  # type: ignore[no-untyped-def]
    data = (
        b"given_name,family_name\n" + bytes(range(128, 256)) * 4 + b"\x00\x01\x02" + os.urandom(64)
    )
    report = services.roster_import(data=data, dry_run=False, by=CALLBOARD, now=now)
    assert not report.ok and not report.committed
    assert Person.objects.count() == 0
    message = " ".join(report.errors)
    for name in ("UTF-8", "Windows-1251", "Latin-1"):
        assert name in message
    with pytest.raises(UnknownEncoding):
        decode_csv(data)


def test_a_csv_export_starts_with_a_bom_and_keeps_cyrillic(client_as, now) -> None:  # type: ignore[no-untyped-def]
    from callboard.core.csvfiles import csv_response

    response = csv_response("x.csv", ["имя"], [["Клара Калмурзаева", "6500.00", "RUB"]])
    body = response.content
    assert body.startswith("\ufeff".encode())
    assert "Клара Калмурзаева,6500.00,RUB" in body.decode("utf-8-sig")
