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
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils.translation import gettext as _

from callboard.company import models as cm
from callboard.company.presets import PRESETS
from callboard.core.errors import Conflict
from callboard.core.roles import ROLE_LABELS, Role, ensure_groups
from callboard.core.text import search_key
from callboard.repertoire import models as rm
from callboard.season import models as sm

SEED = 2026
PASSWORD = "callboard-demo"
TIME_ZONE = "Europe/Moscow"
MOSCOW = ZoneInfo(TIME_ZONE)
COMPANY_NAME = "Pavlov Ballet Theatre"
EMAIL_DOMAIN = "pavlovballet.example"

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: str


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


def _person(
    given: str,
    family: str,
    *,
    kind: str = cm.Person.Kind.MEMBER,
    with_email: bool = True,
    **extra: Any,
) -> cm.Person:
    person = cm.Person(given_name=given, family_name=family, kind=kind, **extra)
    if with_email and not person.email:
        person.email = _email(given, family)
    return _put(person)


# --------------------------------------------------------------------------- the world's data

# (given, family, gender, nationality). Gender only steers which roles a dancer learns.
PRINCIPALS = [
    ("Anastasia", "Volkova", "f", "Russian"),
    ("Dmitri", "Sokolov", "m", "Russian"),
    ("Joaquín", "Herrera", "m", "Argentinian"),
]
FIRST_SOLOISTS = [
    ("Léa", "Moreau", "f", "French"),
    ("Yūki", "Tanaka", "f", "Japanese"),
    ("Artyom", "Belov", "m", "Russian"),
    ("Ingrid", "Solberg", "f", "Norwegian"),
    ("Oliver", "Brennan", "m", "Irish"),
]
SOLOISTS = [
    ("Polina", "Orlova", "f", "Russian"),
    ("Chloé", "Lefèvre", "f", "French"),
    ("Nikolai", "Zhukov", "m", "Russian"),
    ("Mei", "Lin", "f", "Chinese"),
    ("Tomáš", "Novák", "m", "Czech"),
    ("Daria", "Kuznetsova", "f", "Russian"),
    ("Kenji", "Watanabe", "m", "Japanese"),
    ("Sofia", "Marchetti", "f", "Italian"),
]
CORYPHEES = [
    ("Elena", "Petrova", "f", "Russian"),
    ("Ana Sofía", "Ruiz", "f", "Spanish"),
    ("Maxim", "Egorov", "m", "Russian"),
    ("Zoë", "van Dijk", "f", "Dutch"),
    ("Ivan", "Lebedev", "m", "Russian"),
    ("Hana", "Kim", "f", "Korean"),
    ("Margarita", "Fyodorova", "f", "Russian"),
    ("Luca", "Bianchi", "m", "Italian"),
    ("Aigerim", "Nurlanova", "f", "Kazakh"),
    ("Björn", "Lindqvist", "m", "Swedish"),
]
CORPS = [
    ("Alina", "Smirnova", "f", "Russian"),
    ("Ksenia", "Morozova", "f", "Russian"),
    ("Valeria", "Novikova", "f", "Russian"),
    ("Yelena", "Pavlenko", "f", "Ukrainian"),
    ("Maria", "Kozlova", "f", "Russian"),
    ("Ekaterina", "Popova", "f", "Russian"),
    ("Olga", "Vasilyeva", "f", "Russian"),
    ("Irina", "Zaitseva", "f", "Russian"),
    ("Camille", "Dubois", "f", "French"),
    ("Amélie", "Laurent", "f", "French"),
    ("Giulia", "Romano", "f", "Italian"),
    ("Freya", "Nilsson", "f", "Swedish"),
    ("Saoirse", "Kelly", "f", "Irish"),
    ("Nadia", "Haddad", "f", "Lebanese"),
    ("Aiko", "Yamamoto", "f", "Japanese"),
    ("Sun-hee", "Park", "f", "Korean"),
    ("Beatriz", "Costa", "f", "Portuguese"),
    ("Zsófia", "Nagy", "f", "Hungarian"),
    ("Katarzyna", "Wójcik", "f", "Polish"),
    ("Tamara", "Gelashvili", "f", "Georgian"),
    ("Alexei", "Fedorov", "m", "Russian"),
    ("Pavel", "Kovalenko", "m", "Ukrainian"),
    ("Roman", "Gusev", "m", "Russian"),
    ("Andrei", "Stepanov", "m", "Russian"),
    ("Gabriel", "Santos", "m", "Brazilian"),
    ("Félix", "Girard", "m", "French"),
    ("Jonas", "Weber", "m", "German"),
    ("Arman", "Seitkali", "m", "Kazakh"),
    ("Thiago", "Oliveira", "m", "Brazilian"),
    ("Stepan", "Grigoryev", "m", "Russian"),
]
APPRENTICES = [
    ("Vera", "Ilyina", "f", "Russian"),
    ("Noémie", "Chevalier", "f", "French"),
    ("Timur", "Akhmetov", "m", "Kazakh"),
]

SCHOOLS = [
    ("Moscow State Academy of Choreography", "Moscow"),
    ("Vaganova Academy of Russian Ballet", "Saint Petersburg"),
    ("Perm State Choreographic College", "Perm"),
    ("Paris Opera Ballet School", "Nanterre"),
    ("The Royal Ballet School", "London"),
    ("Teatro Colón Institute of Art", "Buenos Aires"),
    ("John Cranko School", "Stuttgart"),
    ("Kazakh National Academy of Choreography", "Astana"),
    ("Hungarian Dance University", "Budapest"),
    ("Novosibirsk State Choreographic College", "Novosibirsk"),
]

# Staff: (given, family, nationality, kind, title)
STAFF = [
    ("Tatiana", "Reshetnikova", "Russian", "ballet_master", "Ballet mistress"),
    ("Viktor", "Antonov", "Russian", "ballet_master", "Ballet master"),
    ("Lyudmila", "Semenova", "Russian", "repetiteur", "Principal répétiteur"),
    ("Isabelle", "Caron", "French", "repetiteur", "Répétiteur"),
    ("Boris", "Arkhipov", "Russian", "pianist", "Company pianist"),
    ("Yelena", "Kogan", "Russian", "pianist", "Company pianist"),
    ("Hiroshi", "Mori", "Japanese", "pianist", "Rehearsal pianist"),
    (
        "Andrei",
        "Vorontsov",
        "Russian",
        "conductor",
        "Principal conductor; Swan Lake on the Volga tour",
    ),
    ("Valentin", "Grekov", "Russian", "conductor", "Conductor"),
    ("Nina", "Sorokina", "Russian", "physiotherapist", "Company physiotherapist"),
    ("Oksana", "Mirskaya", "Russian", "company_manager", "Company manager"),
    ("Grigory", "Lapin", "Russian", "stage_manager", "Stage manager"),
    ("Svetlana", "Rudneva", "Russian", "box_office", "Box office manager"),
    ("Marina", "Zorina", "Russian", "press", "Press officer"),
]


class RoleSpec(NamedTuple):
    """A role of a demo work. ``tier`` says who learns it: lead, solo, demi or corps
    (or none: the role is given by hand); ``gender`` is f, m or any."""

    name: str
    dancers: int
    gender: str
    tier: str
    sections: str  # section keys, space-separated
    principal: bool = False
    announceable: bool = False


# A work's sections: (key, name, kind, parent key, minutes); its roles: RoleSpec.
SWAN_LAKE: dict[str, Any] = {
    "work": {
        "title": "Swan Lake",
        "composer": "Pyotr Ilyich Tchaikovsky",
        "choreography_credit": "after Marius Petipa and Lev Ivanov",
        "duration_minutes": 165,
        "full_length": True,
        "synopsis": (
            "Prince Siegfried finds Odette, a princess turned into a swan by the sorcerer "
            "Von Rothbart, at a moonlit lake. He swears to love her, is deceived at the ball "
            "by Odile, the black swan, and returns to the lake to share Odette's fate."
        ),
        "themes": "love and deception; the doubled heroine; fate",
    },
    "sections": [
        ("a1", "Act I", "act", None, 40),
        ("a1-waltz", "Act I: Waltz", "ensemble", "a1", 8),
        ("a1-trois", "Act I: Pas de trois", "pas_de_trois", "a1", 10),
        ("a2", "Act II", "act", None, 45),
        ("a2-lake", "Act II: Lakeside", "scene", "a2", 12),
        ("a2-entrance", "Act II: Entrance of the Swans", "ensemble", "a2", 6),
        ("a2-little", "Dance of the Little Swans (pas de quatre)", "ensemble", "a2", 3),
        ("a2-big", "Dance of the Big Swans", "ensemble", "a2", 3),
        ("a2-white", "White Swan pas de deux", "pas_de_deux", "a2", 12),
        ("a3", "Act III", "act", None, 45),
        ("a3-national", "Act III: National dances", "divertissement", "a3", 15),
        ("a3-black", "Black Swan pas de deux", "pas_de_deux", "a3", 10),
        ("a4", "Act IV", "act", None, 25),
        ("a4-lake", "Act IV: Lakeside finale", "scene", "a4", 20),
    ],
    "roles": [
        RoleSpec(
            "Odette/Odile",
            1,
            "f",
            "lead",
            "a2-lake a2-white a3-black a4-lake",
            principal=True,
            announceable=True,
        ),
        RoleSpec(
            "Prince Siegfried",
            1,
            "m",
            "lead",
            "a1-waltz a2-lake a2-white a3-black a4-lake",
            principal=True,
            announceable=True,
        ),
        RoleSpec("Von Rothbart", 1, "m", "solo", "a2-lake a3-black a4-lake", announceable=True),
        RoleSpec("Benno", 1, "m", "solo", "a1-trois a1-waltz", announceable=True),
        RoleSpec("The Queen Mother", 1, "f", "solo", "a1-waltz a3-national"),
        RoleSpec("Pas de trois girls", 2, "f", "demi", "a1-trois", announceable=True),
        RoleSpec("Little Swans", 4, "f", "demi", "a2-little a2-entrance"),
        RoleSpec("Big Swans", 2, "f", "demi", "a2-big a2-entrance"),
        RoleSpec("Swans", 16, "f", "corps", "a2-entrance a2-lake a4-lake"),
        RoleSpec("Waltz couples", 8, "any", "corps", "a1-waltz"),
        RoleSpec("Spanish dance", 4, "any", "demi", "a3-national"),
        RoleSpec("Czardas", 4, "any", "corps", "a3-national"),
        RoleSpec("Neapolitan dance", 2, "any", "demi", "a3-national"),
    ],
}

GISELLE: dict[str, Any] = {
    "work": {
        "title": "Giselle",
        "composer": "Adolphe Adam",
        "choreography_credit": "after Jean Coralli, Jules Perrot and Marius Petipa",
        "duration_minutes": 120,
        "full_length": True,
        "synopsis": (
            "A village girl dies of a broken heart when she learns that her lover Albrecht "
            "is a nobleman promised to another; as a Wili she protects him from the "
            "vengeful spirits until dawn."
        ),
        "themes": "love beyond death; forgiveness",
    },
    "sections": [
        ("a1", "Act I", "act", None, 55),
        ("a1-peasant", "Act I: Peasant pas de deux", "pas_de_deux", "a1", 8),
        ("a1-mad", "Act I: Mad scene", "scene", "a1", 10),
        ("a2", "Act II", "act", None, 50),
        ("a2-wilis", "Act II: Entrance of the Wilis", "ensemble", "a2", 10),
        ("a2-grand", "Act II: Grand pas de deux", "pas_de_deux", "a2", 15),
    ],
    "roles": [
        RoleSpec(
            "Giselle", 1, "f", "lead", "a1 a1-mad a2-grand", principal=True, announceable=True
        ),
        RoleSpec(
            "Albrecht", 1, "m", "lead", "a1 a1-mad a2-grand", principal=True, announceable=True
        ),
        RoleSpec("Myrtha, Queen of the Wilis", 1, "f", "solo", "a2-wilis", announceable=True),
        RoleSpec("Hilarion", 1, "m", "solo", "a1 a2-wilis", announceable=True),
        RoleSpec("Moyna and Zulma", 2, "f", "demi", "a2-wilis"),
        RoleSpec("Peasant pas de deux", 2, "any", "demi", "a1-peasant", announceable=True),
        RoleSpec("Wilis", 16, "f", "corps", "a2-wilis"),
        RoleSpec("Villagers", 12, "any", "corps", "a1"),
    ],
}

NUTCRACKER: dict[str, Any] = {
    "work": {
        "title": "The Nutcracker",
        "composer": "Pyotr Ilyich Tchaikovsky",
        "choreography_credit": "after Lev Ivanov",
        "duration_minutes": 120,
        "full_length": True,
        "synopsis": (
            "On Christmas Eve Clara's nutcracker comes to life, defeats the Mouse King and "
            "takes her through the snow to the Land of Sweets."
        ),
        "themes": "childhood; winter; wonder",
    },
    "sections": [
        ("a1", "Act I", "act", None, 50),
        ("a1-party", "Act I: Party scene", "scene", "a1", 25),
        ("a1-snow", "Waltz of the Snowflakes", "ensemble", "a1", 8),
        ("a2", "Act II", "act", None, 50),
        ("a2-sweets", "Act II: Land of Sweets divertissements", "divertissement", "a2", 15),
        ("a2-flowers", "Waltz of the Flowers", "ensemble", "a2", 7),
        ("a2-grand", "Grand pas de deux", "pas_de_deux", "a2", 12),
    ],
    "roles": [
        RoleSpec("Sugar Plum Fairy", 1, "f", "lead", "a2-grand", principal=True, announceable=True),
        RoleSpec("The Cavalier", 1, "m", "lead", "a2-grand", principal=True, announceable=True),
        RoleSpec("Clara", 1, "f", "solo", "a1-party a1-snow a2-sweets", announceable=True),
        RoleSpec("Drosselmeyer", 1, "m", "solo", "a1-party", announceable=True),
        RoleSpec("Snow Queen", 1, "f", "solo", "a1-snow", announceable=True),
        RoleSpec("Dewdrop", 1, "f", "demi", "a2-flowers"),
        RoleSpec("Snowflakes", 16, "f", "corps", "a1-snow"),
        RoleSpec("Flowers", 12, "f", "corps", "a2-flowers"),
        RoleSpec("Spanish (Chocolate)", 3, "any", "demi", "a2-sweets"),
        RoleSpec("Arabian (Coffee)", 3, "any", "demi", "a2-sweets"),
        RoleSpec("Chinese (Tea)", 3, "any", "demi", "a2-sweets"),
        RoleSpec("Russian (Trepak)", 3, "m", "demi", "a2-sweets"),
        RoleSpec("Party guests", 10, "any", "corps", "a1-party"),
    ],
}

SEVEN_VEILS: dict[str, Any] = {
    "work": {
        "title": "Dance of the Seven Veils",
        "composer": "Milana Bisultanova (new score)",
        "choreography_credit": "Klára Kalmurzaev",
        "duration_minutes": 38,
        "full_length": False,
        "status": rm.Work.Status.IN_CREATION,
        "synopsis": (
            "A woman sheds seven veils, and with each one a layer of who she was told to be: "
            "the mountains of her grandparents, the river, the fire Pkharmat stole for "
            "people, the wind of the steppe, memory, exile and homecoming."
        ),
        "themes": (
            "Identity, culture and transformation. Chechen mythology and Russian folklore. "
            "Vivid colours: a veil for each of the seven, from saffron to deep blue."
        ),
    },
    "sections": [
        ("v1", "The First Veil: Earth", "variation", None, 4),
        ("v2", "The Second Veil: Water", "ensemble", None, 4),
        ("v3", "The Third Veil: Fire", "pas_de_deux", None, 5),
        ("v4", "The Fourth Veil: Wind", "ensemble", None, 4),
        ("v5", "The Fifth Veil: Memory", "variation", None, 5),
        ("v6", "The Sixth Veil: Exile", "ensemble", None, 5),
        ("v7", "The Seventh Veil: Homecoming", "variation", None, 5),
        ("finale", "Finale", "ensemble", None, 6),
    ],
    "roles": [
        RoleSpec(
            "The Lead",
            1,
            "f",
            "none",
            "v1 v2 v3 v4 v5 v6 v7 finale",
            principal=True,
            announceable=True,
        ),
        RoleSpec("The Veils", 7, "f", "demi", "v2 v4 v6 finale"),
        RoleSpec("Pkharmat, the Fire-Bringer", 1, "m", "solo", "v3 finale", announceable=True),
        RoleSpec("Folk ensemble", 8, "any", "corps", "v4 v6 finale"),
    ],
}

ETUDES: dict[str, Any] = {
    "work": {
        "title": "Études in Blue",
        "composer": "Pyotr Ilyich Tchaikovsky (Serenade for Strings in C)",
        "choreography_credit": "Sergei Pavlov",
        "duration_minutes": 32,
        "full_length": False,
        "synopsis": (
            "A plotless ballet for a blue-lit stage: dancers at practice become dancers in flight."
        ),
        "themes": "the classroom as theatre; music made visible",
    },
    "sections": [
        ("sonatina", "Sonatina", "ensemble", None, 9),
        ("waltz", "Waltz", "ensemble", None, 4),
        ("elegie", "Élégie", "pas_de_deux", None, 11),
        ("finale", "Finale (Russian theme)", "ensemble", None, 8),
    ],
    "roles": [
        RoleSpec(
            "Lead Woman",
            1,
            "f",
            "lead",
            "sonatina elegie finale",
            principal=True,
            announceable=True,
        ),
        RoleSpec("Lead Man", 1, "m", "lead", "elegie finale", principal=True, announceable=True),
        RoleSpec("Waltz Girl", 1, "f", "solo", "waltz finale", announceable=True),
        RoleSpec("Ensemble", 12, "any", "corps", "sonatina waltz finale"),
    ],
}


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


def _build_company() -> cm.Company:
    profiles = {}
    for key, preset in PRESETS.items():
        profiles[key] = _put(cm.LabourProfile(preset=key, **preset))
    return _put(
        cm.Company(
            name=COMPANY_NAME,
            short_name="PBT",
            city="Moscow",
            time_zone=TIME_ZONE,
            labour_profile=profiles["us_ballet"],
        )
    )


def _build_studios() -> None:
    home = _put(cm.Site(name="Pavlov Theatre", address="14 Petrovka Street, Moscow"))
    annex = _put(cm.Site(name="Annex on Tverskaya", address="27 Tverskaya Street, Moscow"))
    for origin, destination in ((home, annex), (annex, home)):
        _put(cm.SiteTravel(origin=origin, destination=destination, minutes=20))
    studios = [
        ("Studio A (Petipa)", home, "20.0", "16.0", 40, True, "Sprung floor, raked like the stage"),
        ("Studio B (Ivanov)", home, "16.0", "12.0", 30, True, "Sprung floor"),
        ("Studio C (Fokine)", home, "12.0", "10.0", 20, True, "Sprung floor"),
        ("Studio D (Small)", home, "8.0", "6.0", 6, False, "Vinyl over concrete"),
        ("Tverskaya Studio", annex, "18.0", "14.0", 32, True, "Sprung floor"),
    ]
    for name, site, length, width, capacity, piano, floor in studios:
        _put(
            cm.Studio(
                name=name,
                site=site,
                length_m=Decimal(length),
                width_m=Decimal(width),
                capacity=capacity,
                has_piano=piano,
                floor=floor,
                notes=""
                if piano
                else "No piano: a sound system only. For coaching, pas de deux and physio work.",
            )
        )


def _build_leaders(w: _World) -> None:
    """Sergei Pavlov, the staff, Klára and Eleonora, and the people around them."""
    today = w.today
    sergei = _person(
        "Sergei",
        "Pavlov",
        nationality="Russian",
        biography=(
            "Choreographer, artistic director and head of Pavlov Ballet Theatre, which he "
            f"founded in {today.year - 14}. He made Études in Blue for the company and "
            "commissioned Dance of the Seven Veils from Klára Kalmurzaev for the Annual Gala."
        ),
        birth_date=dt.date(today.year - 58, 4, 17),
    )
    w.people["sergei"] = sergei
    _put(
        cm.Staff(
            person=sergei,
            kind=cm.Staff.Kind.ARTISTIC_DIRECTOR,
            title="Artistic director and head of the company",
            since=w.years_ago(14),
        )
    )
    _put(
        cm.Staff(
            person=sergei,
            kind=cm.Staff.Kind.CHOREOGRAPHER,
            title="Resident choreographer",
            since=w.years_ago(14),
        )
    )
    for given, family, nationality, kind, title in STAFF:
        person = _person(given, family, nationality=nationality)
        w.people[family] = person
        _put(
            cm.Staff(
                person=person,
                kind=kind,
                title=title,
                since=w.years_ago(w.rng.randint(1, 12), w.rng.randint(1, 12), 1),
            )
        )

    klara_born = today.year - 27
    klara = _person(
        "Klára",
        "Kalmurzaev",
        nationality="Russian",
        heritage=(
            "Born to a Tatar family from Chechnya. Grew up with Chechen and Tatar folk dance; "
            "Russian folklore and Chechen mythology run through her own choreography."
        ),
        biography=(
            "Klára Kalmurzaev was born to a Tatar family from Chechnya and danced in a folk "
            "ensemble in Grozny as a child. At twelve she moved to Moscow to study at the "
            "Moscow State Academy of Choreography, where she trained day and night. She "
            f"joined Pavlov Ballet Theatre in {klara_born + 19} and rose to leading roles: "
            "Odette/Odile, Giselle and the Sugar Plum Fairy. Dance of the Seven Veils, "
            "commissioned by Sergei Pavlov for the Annual Gala, is her first work as a "
            "choreographer."
        ),
        birth_date=dt.date(klara_born, 3, 8),
        phone="+7 916 555 01 12",
        emergency_contact="Zarema Kalmurzaev (mother), +7 928 555 40 17",
    )
    w.people["klara"] = klara
    klara_dancer = _put(
        cm.Dancer(
            person=klara,
            rank=cm.Dancer.Rank.PRINCIPAL,
            joined_on=dt.date(klara_born + 19, 9, 1),
            contract_notes=(
                "Principal contract; choreographer's fee for Dance of the Seven Veils "
                "agreed separately."
            ),
        )
    )
    w.dancers.append((klara_dancer, "f"))
    for institution, discipline, place, start, end, notes in [
        (
            "Children's folk dance ensemble",
            "Chechen and Tatar folk dance",
            "Grozny",
            klara_born + 5,
            klara_born + 12,
            "Her first stage: the women's dances of the Caucasus, learned from her mother's "
            "friends.",
        ),
        (
            "Moscow State Academy of Choreography",
            "Classical ballet",
            "Moscow",
            klara_born + 12,
            klara_born + 19,
            "Boarded from the age of twelve and trained day and night.",
        ),
        (
            "Coaching with Lyudmila Semenova",
            "Repertoire coaching",
            "Moscow",
            klara_born + 19,
            None,
            "Odette/Odile and Giselle coached with the company's principal répétiteur.",
        ),
        (
            "Choreographic laboratory",
            "Composition",
            "Moscow",
            klara_born + 24,
            klara_born + 25,
            "First short pieces; the seed of Dance of the Seven Veils.",
        ),
    ]:
        _put(
            cm.TrainingEntry(
                dancer=klara_dancer,
                institution=institution,
                discipline=discipline,
                place=place,
                start_year=start,
                end_year=end,
                notes=notes,
            )
        )

    eleonora_born = today.year - 43
    eleonora = _person(
        "Eleonora",
        "Kalmurzaev",
        kind=cm.Person.Kind.GUEST,
        nationality="Russian",
        heritage="Tatar family; grew up in Kazan.",
        biography=(
            "A renowned ballerina, celebrated as Odette/Odile and Giselle on the great "
            "stages of Russia and Europe, who left the stage eight years ago. She returns "
            "as a guest artist to dance Swan Lake on the company's Volga tour."
        ),
        birth_date=dt.date(eleonora_born, 11, 2),
    )
    w.people["eleonora"] = eleonora
    eleonora_dancer = _put(
        cm.Dancer(
            person=eleonora,
            rank=cm.Dancer.Rank.GUEST,
            joined_on=w.days(-42),
            engagement_start=w.days(-42),
            engagement_end=w.days(35),
            contract_notes="Guest engagement for the Volga tour: rehearsals from six weeks before.",
        )
    )
    w.dancers.append((eleonora_dancer, "f"))
    _put(
        cm.TrainingEntry(
            dancer=eleonora_dancer,
            institution="Vaganova Academy of Russian Ballet",
            discipline="Classical ballet",
            place="Saint Petersburg",
            start_year=eleonora_born + 10,
            end_year=eleonora_born + 18,
        )
    )

    contacts = [
        ("Jonathan", "Hale", "The Moscow Times", "dance critic", None),
        ("Mikhail", "Voronin", "Bolshoi Theatre", "artistic director", None),
        ("Ruslan", "Kalmurzaev", "", "Klára's father", klara),
        ("Zarema", "Kalmurzaev", "", "Klára's mother", klara),
        ("Raisa", "Kalmurzaev", "", "Eleonora's grandmother", eleonora),
    ]
    for given, family, organisation, contact_role, related in contacts:
        w.people[f"{given} {family}"] = _person(
            given,
            family,
            kind=cm.Person.Kind.CONTACT,
            with_email=bool(organisation),
            organisation=organisation,
            contact_role=contact_role,
            related_to=related,
        )


RANKS: list[tuple[str, list[tuple[str, str, str, str]], tuple[int, int]]] = [
    (cm.Dancer.Rank.PRINCIPAL, PRINCIPALS, (26, 36)),
    (cm.Dancer.Rank.FIRST_SOLOIST, FIRST_SOLOISTS, (24, 33)),
    (cm.Dancer.Rank.SOLOIST, SOLOISTS, (22, 31)),
    (cm.Dancer.Rank.CORYPHEE, CORYPHEES, (21, 29)),
    (cm.Dancer.Rank.CORPS, CORPS, (18, 27)),
    (cm.Dancer.Rank.APPRENTICE, APPRENTICES, (17, 19)),
]


def _build_dancers(w: _World) -> None:
    rng = w.rng
    built: list[cm.Dancer] = []
    for rank, names, (youngest, oldest) in RANKS:
        for given, family, gender, nationality in names:
            age = rng.randint(youngest, oldest)
            born = dt.date(w.today.year - age, rng.randint(1, 12), rng.randint(1, 28))
            joined_age = min(age, rng.randint(17, 20))
            person = _person(
                given,
                family,
                nationality=nationality,
                birth_date=born,
                phone=f"+7 9{rng.randint(10, 99)} 555 {rng.randint(10, 99)} {rng.randint(10, 99)}",
            )
            dancer = _put(
                cm.Dancer(
                    person=person,
                    rank=rank,
                    joined_on=dt.date(born.year + joined_age, 9, 1),
                )
            )
            school, place = rng.choice(SCHOOLS)
            _put(
                cm.TrainingEntry(
                    dancer=dancer,
                    institution=school,
                    discipline="Classical ballet",
                    place=place,
                    start_year=born.year + 10,
                    end_year=born.year + min(joined_age, 18),
                )
            )
            w.dancers.append((dancer, gender))
            built.append(dancer)
    # A company always has someone off: a few injured, two on leave.
    eligible = [d for d in built if d.rank != cm.Dancer.Rank.PRINCIPAL]
    chosen = rng.sample(eligible, 5)
    for dancer in chosen[:3]:
        dancer.status = cm.Dancer.Status.INJURED
        _put(dancer)
    for dancer in chosen[3:]:
        dancer.status = cm.Dancer.Status.ON_LEAVE
        _put(dancer)


def _build_work(w: _World, spec: dict[str, Any], **extra: Any) -> rm.Work:
    fields = {**spec["work"], **extra}
    work = _put(rm.Work(**fields))
    w.works[work.title] = work
    sections: dict[str, rm.Section] = {}
    for order, (key, name, kind, parent, minutes) in enumerate(spec["sections"], start=1):
        sections[key] = _put(
            rm.Section(
                work=work,
                parent=sections[parent] if parent else None,
                name=name,
                kind=kind,
                order=order,
                duration_minutes=minutes,
            )
        )
    for spec_role in spec["roles"]:
        role = _put(
            rm.Role(
                work=work,
                name=spec_role.name,
                dancers_needed=spec_role.dancers,
                principal=spec_role.principal,
                announceable=spec_role.announceable,
            )
        )
        role.sections.set([sections[k] for k in spec_role.sections.split()])
        w.roles[(work.title, role.name)] = role
    return work


def _build_repertoire(w: _World) -> None:
    _build_work(w, SWAN_LAKE, premiere_date=w.years_ago(12, 3, 14))
    _build_work(w, GISELLE, premiere_date=w.years_ago(10, 11, 2))
    _build_work(w, NUTCRACKER, premiere_date=w.years_ago(13, 12, 24))
    _build_work(w, ETUDES, premiere_date=w.years_ago(3, 4, 20), choreographer=w.people["sergei"])
    veils = _build_work(w, SEVEN_VEILS, choreographer=w.people["klara"])

    gala_day = w.days(28)
    commission = _put(
        rm.Commission(
            work=veils,
            commissioned_by=w.people["sergei"],
            creator=w.people["klara"],
            occasion="Annual Gala",
            status=rm.Commission.Status.IN_CREATION,
            agreed_on=w.days(-120),
            premiere_planned=gala_day,
            brief=(
                "A new work of about 35 minutes for the Annual Gala, made by Klára on the "
                "company: a piece about identity, culture and transformation that draws on "
                "Chechen mythology and Russian folklore, in vivid colours. One lead, an "
                "ensemble of seven veils and a folk ensemble; live orchestra."
            ),
        )
    )
    for title, due, done in [
        ("Concept agreed", -110, -112),
        ("Music chosen", -80, -84),
        ("First studio sessions", -45, -45),
        ("Full run-through", 10, None),
        ("Costumes and veils delivered", 18, None),
        ("Premiere at the Annual Gala", 28, None),
    ]:
        _put(
            rm.Milestone(
                commission=commission,
                title=title,
                due_on=w.days(due),
                done_on=w.days(done) if done is not None else None,
            )
        )


def _pool(w: _World, tier: str, gender: str) -> list[cm.Dancer]:
    ranks = {
        "lead": {cm.Dancer.Rank.PRINCIPAL, cm.Dancer.Rank.FIRST_SOLOIST},
        "solo": {cm.Dancer.Rank.FIRST_SOLOIST, cm.Dancer.Rank.SOLOIST},
        "demi": {cm.Dancer.Rank.SOLOIST, cm.Dancer.Rank.CORYPHEE},
        "corps": {cm.Dancer.Rank.CORYPHEE, cm.Dancer.Rank.CORPS, cm.Dancer.Rank.APPRENTICE},
    }.get(tier, set())
    fixed = {w.people["klara"].pk, w.people["eleonora"].pk}
    return [
        d
        for d, g in w.dancers
        if d.rank in ranks and d.person_id not in fixed and (gender == "any" or g == gender)
    ]


def _know(
    w: _World,
    dancer: cm.Dancer,
    role: rm.Role,
    *,
    learning: bool = False,
    first_danced: dt.date | None = None,
    times: int = 0,
) -> None:
    rng = w.rng
    if learning:
        _put(
            rm.DancerRole(
                dancer=dancer,
                role=role,
                status=rm.DancerRole.Status.LEARNING,
                since=w.days(-rng.randint(10, 90)),
            )
        )
        return
    _put(
        rm.DancerRole(
            dancer=dancer,
            role=role,
            status=rm.DancerRole.Status.LEARNED,
            since=(first_danced - dt.timedelta(days=rng.randint(30, 120)))
            if first_danced
            else None,
            first_danced_on=first_danced,
            times_danced=times,
        )
    )


def _build_casting_material(w: _World) -> None:
    """Who knows which role: the stories' roles by hand, the rest from seeded choices."""
    rng = w.rng
    klara = w.people["klara"].dancer
    eleonora = w.people["eleonora"].dancer
    for work, role, first, times in [
        ("Swan Lake", "Odette/Odile", w.years_ago(4, 3, 14), 38),
        ("Giselle", "Giselle", w.years_ago(3, 11, 6), 21),
        ("The Nutcracker", "Sugar Plum Fairy", w.years_ago(5, 12, 27), 46),
    ]:
        _know(w, klara, w.roles[(work, role)], first_danced=first, times=times)
    _know(w, klara, w.roles[("Dance of the Seven Veils", "The Lead")], learning=True)
    _know(
        w,
        eleonora,
        w.roles[("Swan Lake", "Odette/Odile")],
        first_danced=w.years_ago(19, 5, 21),
        times=143,
    )
    _know(
        w, eleonora, w.roles[("Giselle", "Giselle")], first_danced=w.years_ago(20, 2, 9), times=97
    )

    in_creation = {"Dance of the Seven Veils"}
    for spec in (SWAN_LAKE, GISELLE, NUTCRACKER, ETUDES, SEVEN_VEILS):
        title = spec["work"]["title"]
        for spec_role in spec["roles"]:
            name, needed, tier = spec_role.name, spec_role.dancers, spec_role.tier
            pool = _pool(w, tier, spec_role.gender)
            if not pool:
                continue
            wanted = {"lead": 3, "solo": needed + 2, "demi": needed * 2 + 1}.get(
                tier, needed + needed // 2 + 2
            )
            chosen = rng.sample(pool, min(len(pool), wanted))
            for dancer in chosen:
                if title in in_creation or rng.random() < 0.15:
                    _know(w, dancer, w.roles[(title, name)], learning=True)
                elif rng.random() < 0.2:
                    _know(w, dancer, w.roles[(title, name)])  # learned, not yet danced
                else:
                    joined = dancer.joined_on or w.years_ago(1)
                    span = max(1, (w.days(-30) - joined).days)
                    first = joined + dt.timedelta(days=rng.randint(0, span))
                    _know(
                        w,
                        dancer,
                        w.roles[(title, name)],
                        first_danced=first,
                        times=rng.randint(1, 40),
                    )


def _build_venues(w: _World) -> None:
    for name, city, capacity, width, depth, pit, notes, address in [
        (
            "Pavlov Theatre Main Stage",
            "Moscow",
            1740,
            "18.0",
            20.0,
            True,
            "1,740 seats: stalls, boxes and three tiers. Raked stage (3 %), sprung floor, "
            "full flying system; orchestra pit for 90 players.",
            "14 Petrovka Street, Moscow",
        ),
        (
            "Volga Regional Theatre",
            "Yaroslavl",
            720,
            "14.0",
            12.0,
            True,
            "Flat stage with a good sprung floor; pit for 45 players; dressing rooms for 40.",
            "Volkov Square, Yaroslavl",
        ),
        (
            "Uglich Town Theatre",
            "Uglich",
            152,
            "9.0",
            7.0,
            False,
            "Worn wooden stage, small and flat: lay the company's dance floor over it and "
            "check for splinters at the front edge. No orchestra pit: the reduced orchestra "
            "plays at floor level in front of the first row, so the conductor stands stage "
            "left. Dancers warm up in the foyer.",
            "Ulitsa Yaroslavskaya, Uglich",
        ),
    ]:
        w.venues[name] = _put(
            sm.Venue(
                name=name,
                city=city,
                country="Russia",
                time_zone=TIME_ZONE,
                capacity=capacity,
                stage_width_m=Decimal(width),
                stage_depth_m=Decimal(str(depth)),
                stage_notes=notes,
                orchestra_pit=pit,
                address=address,
            )
        )


def _nutcracker_days(today: dt.date, avoid: set[dt.date]) -> list[dt.date]:
    """Late-December evenings: this December unless it is nearly over, then the next."""
    year = today.year if today < dt.date(today.year, 12, 15) else today.year + 1
    return [
        dt.date(year, 12, d)
        for d in (20, 22, 23, 26, 27, 28, 29, 30)
        if dt.date(year, 12, d) not in avoid
    ]


def _build_season(w: _World) -> list[sm.Performance]:
    today = w.today
    season_year = today.year if today.month >= 8 else today.year - 1
    gala_day = w.days(28)
    nutcracker_days = _nutcracker_days(today, {gala_day})
    starts_on = min(dt.date(season_year, 9, 1), w.days(-60))
    ends_on = max(dt.date(season_year + 1, 6, 30), w.days(60), *nutcracker_days)
    season = _put(
        sm.Season(
            name=f"{season_year}–{(season_year + 1) % 100:02d}",
            starts_on=starts_on,
            ends_on=ends_on,
        )
    )
    programmes = {}
    for title, works, notes in [
        (
            "Annual Gala",
            ["Dance of the Seven Veils", "Études in Blue"],
            "World premiere of Dance of the Seven Veils.",
        ),
        ("Swan Lake", ["Swan Lake"], ""),
        ("The Nutcracker", ["The Nutcracker"], "The Christmas run."),
        ("Giselle", ["Giselle"], ""),
    ]:
        programme = _put(sm.Programme(season=season, title=title, notes=notes))
        for order, work in enumerate(works, start=1):
            _put(sm.ProgrammeWork(programme=programme, work=w.works[work], order=order))
        programmes[title] = programme
    tour = _put(
        sm.Tour(
            season=season,
            name="Volga tour",
            starts_on=w.days(13),
            ends_on=w.days(17),
            notes=(
                "Swan Lake in Yaroslavl and Uglich with a reduced orchestra under Andrei "
                "Vorontsov; Eleonora Kalmurzaev returns to the stage as Odette/Odile."
            ),
        )
    )
    main = w.venues["Pavlov Theatre Main Stage"]
    vorontsov = w.people["Vorontsov"]
    grekov = w.people["Grekov"]
    orchestra = "Pavlov Ballet Theatre Orchestra"
    plan: list[dict[str, Any]] = []
    for offset in (-45, -44, -43):
        plan.append(
            {
                "programme": "Giselle",
                "venue": main,
                "day": w.days(offset),
                "minutes": 120,
                "status": sm.Performance.Status.PERFORMED,
                "conductor": grekov,
            }
        )
    for offset in (-25, -24):
        plan.append(
            {
                "programme": "Swan Lake",
                "venue": main,
                "day": w.days(offset),
                "minutes": 165,
                "status": sm.Performance.Status.PERFORMED,
                "conductor": vorontsov,
            }
        )
    plan.append(
        {
            "programme": "Swan Lake",
            "venue": w.venues["Volga Regional Theatre"],
            "day": w.days(14),
            "minutes": 165,
            "status": sm.Performance.Status.ON_SALE,
            "conductor": vorontsov,
            "tour": tour,
            "orchestra": f"{orchestra} (touring, 42 players)",
            "notes": "Eleonora Kalmurzaev dances Odette/Odile.",
        }
    )
    plan.append(
        {
            "programme": "Swan Lake",
            "venue": w.venues["Uglich Town Theatre"],
            "day": w.days(16),
            "minutes": 165,
            "status": sm.Performance.Status.ON_SALE,
            "conductor": vorontsov,
            "tour": tour,
            "orchestra": f"{orchestra} (reduced, 24 players at floor level)",
            "notes": "Eleonora Kalmurzaev's return to the stage. Her grandmother is in the house.",
        }
    )
    plan.append(
        {
            "programme": "Annual Gala",
            "title": "Annual Gala",
            "venue": main,
            "day": gala_day,
            "minutes": 150,
            "status": sm.Performance.Status.ON_SALE,
            "conductor": grekov,
            "notes": "World premiere of Dance of the Seven Veils by Klára Kalmurzaev.",
        }
    )
    for day in nutcracker_days:
        plan.append(
            {
                "programme": "The Nutcracker",
                "venue": main,
                "day": day,
                "minutes": 120,
                "status": sm.Performance.Status.ON_SALE,
                "conductor": w.rng.choice([vorontsov, grekov]),
            }
        )
    performances = []
    for item in plan:
        starts_at = _at(item["day"], 19, 0, ZoneInfo(item["venue"].time_zone))
        performances.append(
            _put(
                sm.Performance(
                    programme=programmes[item["programme"]],
                    venue=item["venue"],
                    tour=item.get("tour"),
                    title=item.get("title", ""),
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(minutes=item["minutes"]),
                    status=item["status"],
                    music=sm.Performance.Music.ORCHESTRA,
                    conductor=item["conductor"],
                    orchestra=item.get("orchestra", orchestra),
                    notes=item.get("notes", ""),
                )
            )
        )
    return performances


DEMO_USERS: list[tuple[str, str, Role]] = [
    ("director", "sergei", Role.ARTISTIC_DIRECTOR),
    ("balletmaster", "Reshetnikova", Role.BALLET_MASTER),
    ("manager", "Mirskaya", Role.COMPANY_MANAGER),
    ("boxoffice", "Rudneva", Role.BOX_OFFICE),
    ("press", "Zorina", Role.PRESS),
    ("klara", "klara", Role.DANCER),
    ("eleonora", "eleonora", Role.DANCER),
    ("physio", "Sorokina", Role.PHYSIOTHERAPIST),
]


def _build_users(w: _World) -> list[DemoUser]:
    ensure_groups()
    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
    user_model = get_user_model()
    users: list[DemoUser] = []
    # Password hashing is deliberately slow; hash once and give every demo user the result.
    hashed = ""
    for username, key, role in DEMO_USERS:
        person = w.people[key]
        user = user_model(
            username=username,
            email=person.email or f"{username}@{EMAIL_DOMAIN}",
            first_name=person.given_name,
            last_name=person.family_name,
        )
        if not hashed:
            user.set_password(PASSWORD)
            hashed = user.password
        user.password = hashed
        _put(user)
        user.groups.add(groups[role.value])
        person.user = user
        _put(person)
        users.append(DemoUser(username, person.full_name, ROLE_LABELS[role]))
    admin = user_model(
        username="admin", email=f"admin@{EMAIL_DOMAIN}", is_staff=True, is_superuser=True
    )
    admin.password = hashed
    _put(admin)
    users.append(DemoUser("admin", "Administrator", _("Superuser (all roles, /admin/)")))
    return users


@transaction.atomic
def build_demo(*, today: dt.date) -> DemoSummary:
    """Build the demo company around the anchor day ``today`` into an empty database.

    Raises :class:`Conflict` when a company already exists: the demo never mixes with
    real data.
    """
    if cm.Company.objects.exists():
        raise Conflict(
            _(
                "This database already has a company. Build the demo into an empty "
                "database, or use --if-empty to leave this one as it is."
            )
        )
    w = _World(today=today, rng=random.Random(SEED))
    company = _build_company()
    _build_studios()
    _build_leaders(w)
    _build_dancers(w)
    _build_repertoire(w)
    _build_casting_material(w)
    _build_venues(w)
    performances = _build_season(w)
    users = _build_users(w)
    counts = {
        "dancers": cm.Dancer.objects.count(),
        "staff": cm.Staff.objects.values("person").distinct().count(),
        "studios": cm.Studio.objects.count(),
        "works": rm.Work.objects.count(),
        "performances": len(performances),
    }
    return DemoSummary(
        company=company.name, today=today, password=PASSWORD, users=tuple(users), counts=counts
    )
