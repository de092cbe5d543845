"""The demo company's season: venues (Uglich Town Theatre among them), the season, its tours,
programmes and performances (the Annual Gala, Swan Lake in Uglich)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from callboard.season import models as sm
from callboard.site.demo.story import GALA_DAYS_AGO, TIME_ZONE, _at, _put, _World


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
    gala_day = w.days(-GALA_DAYS_AGO)
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
            "status": sm.Performance.Status.PERFORMED,
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
