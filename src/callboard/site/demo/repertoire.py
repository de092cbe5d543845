"""The demo company's repertoire: the works, their sections and roles, who knows which role."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from callboard.company import models as cm
from callboard.repertoire import models as rm
from callboard.site.demo.story import GALA_DAYS_AGO, _put, _World


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
    # Dance of the Seven Veils had its world premiere at the Annual Gala, two evenings ago.
    gala_day = w.days(-GALA_DAYS_AGO)
    veils = _build_work(
        w,
        SEVEN_VEILS,
        choreographer=w.people["klara"],
        status=rm.Work.Status.PREMIERED,
        premiere_date=gala_day,
    )
    commission = _put(
        rm.Commission(
            work=veils,
            commissioned_by=w.people["sergei"],
            creator=w.people["klara"],
            occasion="Annual Gala",
            status=rm.Commission.Status.PREMIERED,
            agreed_on=gala_day - dt.timedelta(days=150),
            premiere_planned=gala_day,
            brief=(
                "A new work of about 35 minutes for the Annual Gala, made by Klára on the "
                "company: a piece about identity, culture and transformation that draws on "
                "Chechen mythology and Russian folklore, in vivid colours. One lead, an "
                "ensemble of seven veils and a folk ensemble; live orchestra."
            ),
        )
    )
    for title, due, done in [  # days before the gala
        ("Concept agreed", 138, 140),
        ("Music chosen", 108, 112),
        ("First studio sessions", 73, 73),
        ("Full run-through", 18, 17),
        ("Costumes and veils delivered", 10, 9),
        ("Premiere at the Annual Gala", 0, 0),
        ("Archive film of the premiere delivered", -30, None),  # still to come
    ]:
        _put(
            rm.Milestone(
                commission=commission,
                title=title,
                due_on=gala_day - dt.timedelta(days=due),
                done_on=gala_day - dt.timedelta(days=done) if done is not None else None,
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


# The most performances of one work a dancer can give in a season (The Nutcracker's run).
PER_SEASON = 8


def _build_casting_material(w: _World) -> None:
    """Who knows which role: the stories' roles by hand, the rest from seeded choices."""
    rng = w.rng
    klara = w.people["klara"].dancer
    eleonora = w.people["eleonora"].dancer
    for work, role, first, times in [
        ("Swan Lake", "Odette/Odile", w.years_ago(4, 3, 14), 38),
        ("Giselle", "Giselle", w.years_ago(3, 11, 6), 21),
        ("The Nutcracker", "Sugar Plum Fairy", w.years_ago(5, 12, 27), 34),  # 5 Christmas runs
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
                    if title == "The Nutcracker":
                        # Danced only in the Christmas run: a first night is a late-December
                        # evening, and one still to come is no first night yet.
                        year = first.year + (first > dt.date(first.year, 12, 20))
                        first = dt.date(year, 12, rng.randint(20, 30))
                        if first >= w.today:
                            _know(w, dancer, w.roles[(title, name)])
                            continue
                    # No more nights than the seasons since the first could have held.
                    seasons = (w.today - first).days // 365 + 1
                    _know(
                        w,
                        dancer,
                        w.roles[(title, name)],
                        first_danced=first,
                        times=rng.randint(1, min(40, PER_SEASON * seasons)),
                    )
