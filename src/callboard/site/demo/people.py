"""The demo company's people: the company and its studios, Sergei Pavlov's staff, Klára and
Eleonora and the people around them, the roster, and the demo users."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from callboard.company import models as cm
from callboard.company.presets import PRESETS
from callboard.core import twofactor
from callboard.core.roles import ROLE_LABELS, Role, ensure_groups
from callboard.site.demo.story import (
    COMPANY_NAME,
    EMAIL_DOMAIN,
    PASSWORD,
    TIME_ZONE,
    DemoUser,
    _person,
    _put,
    _World,
)

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
        # Marked by hand, with the reason; the physiotherapist's record takes over later
        # (wellbeing's demo), and the roster then reads it.
        dancer.status = cm.Dancer.Status.INJURED
        dancer.status_reason = "Reported by phone; sees the physiotherapist on Monday"
        _put(dancer)
    for dancer in chosen[3:]:
        dancer.status = cm.Dancer.Status.ON_LEAVE
        _put(dancer)


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
        users.append(DemoUser(username, person.full_name, str(ROLE_LABELS[role]), _demo_app(user)))
    admin = user_model(
        username="admin", email=f"admin@{EMAIL_DOMAIN}", is_staff=True, is_superuser=True
    )
    admin.password = hashed
    _put(admin)
    users.append(
        DemoUser("admin", "Administrator", _("Superuser (all roles, /admin/)"), _demo_app(admin))
    )
    return users


def _demo_app(user: object) -> str:
    """A role that must sign in with a second factor gets an authenticator app whose secret is
    fixed by its user name (the demo is the same every time; README lists them): returns the
    secret, or "" for a role without one."""
    if not twofactor.required_for(user):
        return ""
    name = user.get_username()  # type: ignore[attr-defined]
    key = hashlib.sha1(f"callboard-demo-totp:{name}".encode()).hexdigest()
    device = TOTPDevice.objects.create(
        user=user, name=twofactor.APP_DEVICE_NAME, key=key, confirmed=True
    )
    return twofactor.secret_of(device)
