"""The demo company: Pavlov Ballet Theatre, built deterministically around an anchor day.

``build_demo(today=...)`` writes one complete, plausible company (people, studios, labour
agreement, repertoire with sections and roles, a commission, venues, a season with a tour,
past and coming performances, and one sign-in per role) in a single transaction. Every
random choice comes from ``random.Random(2026)`` and every date is an offset from the anchor
day, so the same anchor always gives the same records.

The two stories of the design (Klára's commission for the Annual Gala; Eleonora's return in
Swan Lake at the Uglich Town Theatre) are written out explicitly; the rest of the company is
filled in from fixed name lists with seeded choices.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.db import models

from callboard.company import models as cm
from callboard.core.text import search_key
from callboard.repertoire import models as rm
from callboard.season import models as sm

SEED = 2026
PASSWORD = "callboard-demo"
TIME_ZONE = "Europe/Moscow"
MOSCOW = ZoneInfo(TIME_ZONE)
COMPANY_NAME = "Pavlov Ballet Theatre"
EMAIL_DOMAIN = "pavlovballet.example"
# The Annual Gala, with the premiere of Dance of the Seven Veils, was two evenings before the
# anchor day: the demo shows what happens after the curtain (the premiere marked, the report,
# the review, the audience's answers) while the Volga tour and The Nutcracker are to come.
GALA_DAYS_AGO = 2

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: str
    # The authenticator-app secret of a role that signs in with a second factor ("" if none):
    # `callboard totp SECRET` prints the code an app would show.
    totp_secret: str = ""


@dataclass(frozen=True)
class DemoSummary:
    company: str
    today: dt.date
    password: str
    users: tuple[DemoUser, ...]
    counts: dict[str, int] = field(default_factory=dict)


def demo_today() -> dt.date:
    """The default anchor day: today's date in Moscow, the company's home."""
    return dt.datetime.now(tz=MOSCOW).date()


def demo_now(today: dt.date, clock: dt.datetime | None = None) -> dt.datetime:
    """The moment the demo's stories are written at: 9:00 in Moscow on the anchor day, or
    ``clock`` (the moment the demo is built) when that is earlier on the same day, so that
    nothing in the history is dated after the demo was built."""
    nine = dt.datetime.combine(today, dt.time(9, 0), tzinfo=MOSCOW)
    if clock is not None and clock.astimezone(MOSCOW).date() == today:
        return min(nine, clock.astimezone(MOSCOW))
    return nine


# --------------------------------------------------------------------------- helpers


def _put(obj: M) -> M:
    """Validate ``obj`` against its fields and constraints, then save it.

    Derived, non-editable fields (search keys the model's ``save`` fills in) are left
    out of validation; the database constraints still hold them.
    """
    derived = [f.name for f in obj._meta.concrete_fields if not f.editable and not f.primary_key]
    obj.full_clean(exclude=derived)
    obj.save()
    return obj


def _at(day: dt.date, hour: int, minute: int = 0, tz: ZoneInfo = MOSCOW) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)


def _email(given: str, family: str) -> str:
    local = ".".join(search_key(f"{given} {family}").replace("'", "").split())
    return f"{local}@{EMAIL_DOMAIN}"


# The Moscow company's people as they write their names themselves (shown to Russian readers).
NATIVE_NAMES = {
    "Sergei Pavlov": ("Сергей", "Павлов"),
    "Klára Kalmurzaev": ("Клара", "Калмурзаева"),
    "Eleonora Kalmurzaev": ("Элеонора", "Калмурзаева"),
    "Ruslan Kalmurzaev": ("Руслан", "Калмурзаев"),
    "Zarema Kalmurzaev": ("Зарема", "Калмурзаева"),
    "Raisa Kalmurzaev": ("Раиса", "Калмурзаева"),
    "Mikhail Voronin": ("Михаил", "Воронин"),
    "Tatiana Reshetnikova": ("Татьяна", "Решетникова"),
    "Viktor Antonov": ("Виктор", "Антонов"),
    "Lyudmila Semenova": ("Людмила", "Семёнова"),
    "Boris Arkhipov": ("Борис", "Архипов"),
    "Yelena Kogan": ("Елена", "Коган"),
    "Andrei Vorontsov": ("Андрей", "Воронцов"),
    "Valentin Grekov": ("Валентин", "Греков"),
    "Nina Sorokina": ("Нина", "Сорокина"),
    "Oksana Mirskaya": ("Оксана", "Мирская"),
    "Grigory Lapin": ("Григорий", "Лапин"),
    "Svetlana Rudneva": ("Светлана", "Руднева"),
    "Marina Zorina": ("Марина", "Зорина"),
    "Anastasia Volkova": ("Анастасия", "Волкова"),
    "Dmitri Sokolov": ("Дмитрий", "Соколов"),
    "Artyom Belov": ("Артём", "Белов"),
    "Polina Orlova": ("Полина", "Орлова"),
    "Nikolai Zhukov": ("Николай", "Жуков"),
    "Daria Kuznetsova": ("Дарья", "Кузнецова"),
    "Elena Petrova": ("Елена", "Петрова"),
    "Maxim Egorov": ("Максим", "Егоров"),
    "Ivan Lebedev": ("Иван", "Лебедев"),
    "Margarita Fyodorova": ("Маргарита", "Фёдорова"),
    "Aigerim Nurlanova": ("Айгерим", "Нурланова"),
    "Alina Smirnova": ("Алина", "Смирнова"),
    "Ksenia Morozova": ("Ксения", "Морозова"),
    "Valeria Novikova": ("Валерия", "Новикова"),
    "Yelena Pavlenko": ("Елена", "Павленко"),
    "Maria Kozlova": ("Мария", "Козлова"),
    "Ekaterina Popova": ("Екатерина", "Попова"),
    "Olga Vasilyeva": ("Ольга", "Васильева"),
    "Irina Zaitseva": ("Ирина", "Зайцева"),
    "Alexei Fedorov": ("Алексей", "Фёдоров"),
    "Pavel Kovalenko": ("Павел", "Коваленко"),
    "Roman Gusev": ("Роман", "Гусев"),
    "Andrei Stepanov": ("Андрей", "Степанов"),
    "Arman Seitkali": ("Арман", "Сейткали"),
    "Stepan Grigoryev": ("Степан", "Григорьев"),
    "Vera Ilyina": ("Вера", "Ильина"),
    "Timur Akhmetov": ("Тимур", "Ахметов"),
}


def _person(
    given: str,
    family: str,
    *,
    kind: str = cm.Person.Kind.MEMBER,
    with_email: bool = True,
    **extra: Any,
) -> cm.Person:
    person = cm.Person(given_name=given, family_name=family, kind=kind, **extra)
    native = NATIVE_NAMES.get(f"{given} {family}")
    if native:
        person.native_given_name, person.native_family_name = native
    if with_email and not person.email:
        person.email = _email(given, family)
    return _put(person)


# --------------------------------------------------------------------------- builders


@dataclass
class _World:
    """What the builders hand each other while the company takes shape."""

    today: dt.date
    rng: random.Random
    people: dict[str, cm.Person] = field(default_factory=dict)
    dancers: list[tuple[cm.Dancer, str]] = field(default_factory=list)  # (dancer, gender)
    works: dict[str, rm.Work] = field(default_factory=dict)
    roles: dict[tuple[str, str], rm.Role] = field(default_factory=dict)
    venues: dict[str, sm.Venue] = field(default_factory=dict)
    programmes: dict[str, sm.Programme] = field(default_factory=dict)

    def years_ago(self, years: int, month: int = 9, day: int = 1) -> dt.date:
        return dt.date(self.today.year - years, month, day)

    def days(self, n: int) -> dt.date:
        return self.today + dt.timedelta(days=n)
