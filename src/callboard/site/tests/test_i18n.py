"""Languages, money, dates and stored sentences in the reader's language; PDFs in Cyrillic."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from callboard.company.locale import person_language, speaking_to
from callboard.company.models import Company, Person
from callboard.company.tests.factories import PersonFactory
from callboard.core.i18n import format_moment, format_money, reader_text
from callboard.core.roles import Role

NBSP = "\u00a0"


# --------------------------------------------------------------------------- money


def test_money_is_written_the_readers_way() -> None:
    assert format_money(6500, "RUB", language="ru") == f"6{NBSP}500{NBSP}₽"
    assert format_money(Decimal("6500.50"), "RUB", language="ru") == f"6{NBSP}500,50{NBSP}₽"
    assert format_money(6500, "RUB", language="en") == f"RUB{NBSP}6,500.00"
    assert format_money(6500, "EUR", language="en") == "€6,500.00"


@pytest.mark.django_db
def test_the_money_filter_uses_the_companys_currency() -> None:
    Company.objects.create(name="Pavlov Ballet Theatre", currency="EUR")
    template = Template("{% load callboard %}{{ price|money }}")
    with translation.override("ru"):
        assert template.render(Context({"price": Decimal("4800.00")})) == f"4{NBSP}800{NBSP}€"


# --------------------------------------------------------------------------- dates


def test_each_kind_of_date_is_written_the_readers_way() -> None:
    moment = dt.datetime(2026, 12, 7, 16, 0, tzinfo=dt.UTC)
    moscow = ZoneInfo("Europe/Moscow")
    assert format_moment(moment, "datetime", zone=moscow, language="en") == (
        "Mon, 7 Dec 2026, 19:00"
    )
    assert format_moment(moment, "datetime", zone=moscow, language="ru") == (
        "пн, 7 дек. 2026\u202fг., 19:00"
    )
    assert format_moment(moment.date(), "day", language="ru") == "понедельник, 7 декабря"
    assert format_moment(moment.date(), "month", language="ru") == "декабрь 2026\u202fг."
    with pytest.raises(ValueError, match="DATE_STYLES"):
        format_moment(moment, "fancy")


@pytest.mark.django_db
def test_pages_show_times_in_the_companys_zone_not_the_servers(client_as, settings) -> None:  # type: ignore[no-untyped-def]
    settings.TIME_ZONE = "UTC"
    Company.objects.create(name="Pavlov Ballet Theatre", time_zone="Asia/Vladivostok")
    client = client_as(Role.BALLET_MASTER)
    captured: dict[str, str] = {}

    from django.test.signals import template_rendered

    def grab(sender, template, context, **kwargs):  # type: ignore[no-untyped-def]
        captured.setdefault("zone", timezone.get_current_timezone_name())

    template_rendered.connect(grab)
    try:
        client.get(reverse("home"))
    finally:
        template_rendered.disconnect(grab)
    assert captured["zone"] == "Asia/Vladivostok"


# --------------------------------------------------------------------------- languages


@pytest.mark.django_db
def test_the_language_is_the_persons_then_the_companys_then_the_browsers(client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as(Role.DANCER)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert '<html lang="ru">' in page.content.decode()
    company = Company.objects.create(name="Pavlov Ballet Theatre", language="en")
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ru")
    assert '<html lang="en">' in page.content.decode()  # the company's setting first
    person = PersonFactory(user=client.user)
    client.post(reverse("company:language"), {"language": "ru", "next": "/"})
    person.refresh_from_db()
    assert person.language == "ru"
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ru">' in page.content.decode()  # the person's own choice first
    assert person_language(person) == "ru"
    company.language = ""
    company.save()


@pytest.mark.django_db
def test_an_unknown_language_falls_back_to_the_companys_without_an_error(client) -> None:  # type: ignore[no-untyped-def]
    Company.objects.create(name="Pavlov Ballet Theatre", language="ru")
    client.cookies["django_language"] = "xx"
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="xx-YY")
    assert page.status_code == 200
    assert '<html lang="ru">' in page.content.decode()
    response = client.post(reverse("company:language"), {"language": "klingon", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="ru">' in client.get(reverse("login")).content.decode()


@pytest.mark.django_db
def test_text_for_a_person_is_written_in_their_language() -> None:
    Company.objects.create(name="Pavlov Ballet Theatre", language="en")
    anna = PersonFactory(language="ru")
    boris = PersonFactory(language="")
    with speaking_to(anna):
        assert translation.gettext("My calls") == "Мои вызовы"
    with speaking_to(boris):
        assert translation.gettext("My calls") == "My calls"
    assert Person.objects.count() == 2


# --------------------------------------------------------------------------- stored sentences


def test_a_sentence_callboard_stored_is_shown_in_the_readers_language() -> None:
    stored = (
        "Held 4 seat(s) at 21 Dec 2026 19:00, House seats for Artistic director "
        "(Stalls 4-14, Stalls 4-15): Guests of the director. Back on sale at 2026-12-19 19:00."
    )
    with translation.override("ru"):
        shown = reader_text(stored)
    assert shown == (
        "Забронировано мест: 4 (21 дек. 2026\u202fг., 19:00, Места дирекции: Художественный "
        "руководитель; Stalls 4-14, Stalls 4-15): Guests of the director. "
        "Вернётся в продажу 19 дек. 2026\u202fг., 19:00."
    )
    with translation.override("ru"):
        assert reader_text("Something a person typed.") == "Something a person typed."
    with translation.override("en"):  # English stays, its dates in the one house style
        assert reader_text(stored) == stored.replace("2026 19:00,", "2026, 19:00,").replace(
            "2026-12-19 19:00", "19 Dec 2026, 19:00"
        )


# --------------------------------------------------------------------------- PDF


def test_the_call_sheet_pdf_prints_cyrillic_and_accents(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from callboard.core import pdffonts
    from callboard.scheduling import pdf

    # The bundled font only: no system font, no configured one.
    monkeypatch.setattr(pdffonts, "font_paths", lambda: ("", str(pdffonts.BUNDLED_FONT)))
    board = {
        "day": dt.date(2026, 12, 7),
        "versions": [],
        "firm": True,
        "performances": [],
        "events": [],
        "calls": [],
    }
    with translation.override("ru"):
        data = pdf.call_sheet(board)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Расписание на понедельник, 7 декабря 2026" in text
    assert "На этот день вызовов не опубликовано." in text
    fonts = str(PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"])
    assert "DejaVu" in fonts or "Sheet" in fonts or "/F" in fonts


def test_a_date_and_time_keeps_the_zone_it_is_shown_in() -> None:
    moment = dt.datetime(2026, 12, 5, 16, 0, tzinfo=dt.UTC)
    yekaterinburg = ZoneInfo("Asia/Yekaterinburg")
    assert format_moment(moment, "datetime", zone=yekaterinburg, language="en") == (
        "Sat, 5 Dec 2026, 21:00"
    )
    template = Template(
        '{% load tz callboard %}{{ at|timezone:"Asia/Yekaterinburg"|when:"datetime" }}'
    )
    assert template.render(Context({"at": moment})) == "Sat, 5 Dec 2026, 21:00"


# --------------------------------------------------------------------------- words of two meanings


def test_a_venues_stage_and_a_phase_read_as_two_words_in_russian() -> None:
    from callboard.audit.models import AuditEntry
    from callboard.season.models import Venue
    from callboard.wellbeing.models import ReturnStage

    with translation.override("ru"):
        venue_column = Template('{% load i18n %}{% translate "Stage" context "theatre" %}')
        assert venue_column.render(Context()) == "Сцена"
        phase_column = Template('{% load i18n %}{% translate "Stage" %}')
        assert phase_column.render(Context()) == "Этап"
        assert str(Venue._meta.get_field("stage").verbose_name) == "сцена"
        assert str(ReturnStage._meta.get_field("mode").verbose_name) == "этап"
        entry = AuditEntry(changes={"stage": [None, "Main stage"]})
        assert entry.change_rows[0][0] == "сцена"
        assert translation.gettext("Stage rehearsal") == "Сценическая репетиция"
        assert translation.gettext("Dress rehearsal") == "Генеральная репетиция"
