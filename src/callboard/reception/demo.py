"""Press and reception for the demo company, on the demo's records.

``build_reception_demo(now=...)`` runs after the company demo (``callboard.site.demo``;
casting and box office may run before or after it) and writes through the same services a
person uses:

- Eleonora Kalmurzaev's return in Swan Lake at the Uglich Town Theatre, with its standing
  ovation. The company demo books that performance on the coming Volga tour; so that the
  report can be shown, a first Uglich performance earlier this season is added (a preview
  before the tour, Eleonora as Odette/Odile) when no Uglich Swan Lake has happened yet;
- the Annual Gala two evenings ago, with the world premiere of Klára Kalmurzaev's Dance of
  the Seven Veils: its report (the house on its feet, her parents and the Bolshoi's artistic
  director in the stalls), The Moscow Times' review of the premiere and the audience's answers;
- a performance report for every performance that has taken place (running times, curtain
  calls; attendance counted at the door where the box office sold tickets, typed otherwise);
- reviews, among them The Moscow Times' (Jonathan Hale), with quotes and stars;
- audience answers through the public survey, some approved, some waiting, one rejected.

Deterministic for the same demo records and ``now``; running it twice changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from callboard.casting import services as casting
from callboard.casting.models import CastAssignment
from callboard.company.models import Dancer, Person
from callboard.core.actors import CALLBOARD, Actor
from callboard.core.errors import DomainError
from callboard.reception import services
from callboard.reception.models import Feedback, PerformanceReport, Review
from callboard.repertoire.models import DancerRole, Role, Section, Work
from callboard.season.models import Performance, Programme, Venue

UGLICH = "Uglich Town Theatre"
SWAN_LAKE = "Swan Lake"
GALA = "Annual Gala"
SEVEN_VEILS = "Dance of the Seven Veils"
INTERVAL = 20  # minutes between acts


@dataclass
class ReceptionDemoSummary:
    uglich_performance_id: int | None = None
    uglich_added: bool = False
    reports: int = 0
    reviews: int = 0
    answers: int = 0
    approved: int = 0
    pending: int = 0
    skipped: bool = False
    notes: list[str] = field(default_factory=list)


def _user(username: str) -> Actor:
    """The demo user acting, or Callboard itself where the demo has no such user."""
    return get_user_model().objects.filter(username=username).first() or CALLBOARD


def _person(given: str, family: str) -> Person | None:
    return Person.objects.filter(given_name=given, family_name=family).first()


def _uglich_performance(now: dt.datetime, summary: ReceptionDemoSummary) -> Performance | None:
    """The Swan Lake in Uglich that has taken place, added as a preview if there is none."""
    past = (
        Performance.objects.filter(
            venue__name=UGLICH, programme__title=SWAN_LAKE, starts_at__lte=now
        )
        .exclude(status=Performance.Status.CANCELLED)
        .order_by("-starts_at")
        .first()
    )
    if past is not None:
        return past
    venue = Venue.objects.filter(name=UGLICH).first()
    programme = Programme.objects.filter(title=SWAN_LAKE).order_by("-season__starts_on").first()
    eleonora = Dancer.objects.filter(
        person__given_name="Eleonora", person__family_name="Kalmurzaev"
    ).first()
    if venue is None or programme is None or eleonora is None:
        summary.notes.append("No Uglich Swan Lake: the company demo is missing.")
        return None
    zone = ZoneInfo(venue.time_zone)
    day = now.astimezone(zone).date() - dt.timedelta(days=9)
    if eleonora.engagement_start and day < eleonora.engagement_start:
        day = eleonora.engagement_start + dt.timedelta(days=1)
    if day < programme.season.starts_on:
        day = programme.season.starts_on
    starts = dt.datetime.combine(day, dt.time(18, 0), tzinfo=zone)
    if starts > now - dt.timedelta(hours=4):
        summary.notes.append("No room before today for an Uglich preview.")
        return None
    conductor = _person("Andrei", "Vorontsov")
    performance = Performance(
        programme=programme,
        venue=venue,
        title="Swan Lake — Uglich preview",
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=165),
        status=Performance.Status.PERFORMED,
        music=Performance.Music.ORCHESTRA,
        conductor=conductor,
        orchestra="Pavlov Ballet Theatre Orchestra (reduced, 24 players at floor level)",
        notes=(
            "A preview in Uglich before the Volga tour: Eleonora Kalmurzaev's first "
            "performance back on stage. Her grandmother is in the house."
        ),
    )
    performance.full_clean()
    performance.save()
    summary.uglich_added = True
    _cast_preview(performance, eleonora, now)
    return performance


def _cast_preview(performance: Performance, eleonora: Dancer, now: dt.datetime) -> None:
    """Eleonora as Odette/Odile and a partner who knows Siegfried, written as danced."""

    wanted = [("Odette/Odile", eleonora)]
    prince = Role.objects.filter(work__title=SWAN_LAKE, name="Prince Siegfried").first()
    if prince is not None:
        partner = (
            DancerRole.objects.filter(
                role=prince,
                status=DancerRole.Status.LEARNED,
                dancer__status=Dancer.Status.ACTIVE,
            )
            .select_related("dancer")
            .order_by("dancer__person__family_name")
            .first()
        )
        if partner is not None:
            wanted.append(("Prince Siegfried", partner.dancer))
    for name, dancer in wanted:
        role = Role.objects.filter(work__title=SWAN_LAKE, name=name).first()
        if role is None:
            continue
        CastAssignment.objects.get_or_create(
            performance=performance,
            role=role,
            slot=0,
            kind=CastAssignment.Kind.FIRST,
            rank=1,
            defaults={
                "dancer": dancer,
                "assigned_at": performance.starts_at - dt.timedelta(days=21),
            },
        )
    with contextlib.suppress(DomainError):  # nothing to record is fine for the demo
        casting.performance_record_danced(performance=performance, now=now)


def _acts(performance: Performance, curtain_delay: int) -> list[services.ActInput]:
    """Acts from the programme: the works' top-level acts (or each work as one act)."""
    items = list(performance.programme.items.select_related("work").order_by("order"))
    spans: list[tuple[str, int]] = []
    for item in items:
        acts = list(
            Section.objects.filter(work=item.work, parent__isnull=True, kind=Section.Kind.ACT)
            .exclude(duration_minutes__isnull=True)
            .order_by("order")
        )
        if acts and len(items) == 1:
            spans.extend((a.name, a.duration_minutes or 0) for a in acts)
        else:
            spans.append((item.work.title, item.work.duration_minutes))
    out = []
    moment = performance.starts_at + dt.timedelta(minutes=curtain_delay)
    for label, minutes in spans:
        end = moment + dt.timedelta(minutes=minutes)
        out.append(services.ActInput(label, moment, end))
        moment = end + dt.timedelta(minutes=INTERVAL)
    return out


REVIEWS: dict[str, list[tuple[str, str, str, int | None, str, str]]] = {
    # key -> (given, family, outlet, stars, headline, quote)
    "gala": [
        (
            "Jonathan",
            "Hale",
            "The Moscow Times",
            5,
            "Seven veils, and a choreographer unveiled",
            "Klára Kalmurzaev's Dance of the Seven Veils is a rare thing: a gala premiere that "
            "earns its standing ovation. Each veil, saffron to deep blue, takes a layer of a "
            "life away, from the mountains of Chechnya to a Moscow studio, and Kalmurzaev "
            "dances the last of them alone, in silence, as if coming home.",
        ),
    ],
    "uglich": [
        (
            "Jonathan",
            "Hale",
            "The Moscow Times",
            5,
            "A swan comes home to a wooden stage",
            "On a worn wooden stage in Uglich, with the orchestra at the audience's feet, "
            "Eleonora Kalmurzaev's Odette was not a comeback but a homecoming: every port de "
            "bras unhurried, every balance a held breath. The small house rose as one.",
        ),
        (
            "Polina",
            "Gromova",
            "Volga Courier",
            None,
            "Uglich stands for Swan Lake",
            "One hundred and fifty people and not one of them sitting at the end. The Pavlov "
            "company brought the full ballet to a town theatre and lost nothing on the way.",
        ),
    ],
    "swan": [
        (
            "Jonathan",
            "Hale",
            "The Moscow Times",
            4,
            "Pavlov's Swan Lake keeps its nerve",
            "Klára Kalmurzaev's Odile glitters with a cold wit that makes her Odette's "
            "tenderness the more affecting; the corps in Act II breathes as one body.",
        ),
    ],
    "giselle": [
        (
            "Jonathan",
            "Hale",
            "The Moscow Times",
            4,
            "A Giselle of quiet conviction",
            "The Wilis move like mist over water, and the second act has the hush of a held "
            "note. Pavlov Ballet Theatre's Giselle is classical dancing without varnish.",
        ),
    ],
}

ANSWERS = {
    # key -> (count, share approved, ratings to draw from, texts)
    "gala": (
        30,
        0.7,
        [5, 5, 4, 5, 5, 4, 3],
        [
            ("The Seventh Veil", "I did not know a ballet could be about where you come from."),
            ("The fire pas de deux", "The colours! Saffron, red, then that deep blue."),
            ("The curtain calls", "The whole house stood for Klára Kalmurzaev."),
            ("Études in Blue, the Élégie", ""),
            ("", "A gala worth the trip from Kazan."),
            ("The folk ensemble in the Fourth Veil", "More new work like this, please."),
        ],
    ),
    "uglich": (
        24,
        0.75,
        [5, 5, 5, 5, 5, 4, 5, 4],
        [
            ("The white swan's entrance", "We have never had a ballet in our town. Thank you."),
            ("Act IV by the lake", "My grandmother cried. So did I."),
            ("The standing ovation", ""),
            ("The little swans", "The children in the front row danced in their seats."),
            ("", "Please come back next year!"),
        ],
    ),
    "swan": (
        12,
        0.67,
        [5, 4, 4, 5, 3, 4],
        [
            ("The Black Swan pas de deux", "Thirty-two fouettés and the whole house gasped."),
            ("The lakeside in Act II", ""),
            ("", "The orchestra was wonderful; the interval queue for coffee less so."),
        ],
    ),
    "giselle": (6, 1.0, [5, 4, 5], [("The Wilis", "Haunting.")]),
}


def _answers(
    key: str,
    performance: Performance,
    press: Actor,
    summary: ReceptionDemoSummary,
    now: dt.datetime,
) -> None:
    if Feedback.objects.filter(performance=performance).exists():
        return
    count, share, ratings, texts = ANSWERS[key]
    rng = random.Random(f"{key}-{performance.pk}")
    created: list[Feedback] = []
    unsaid = list(texts)  # each written answer once: people do not write the same words
    for k in range(count):
        moment, comment = unsaid.pop(0) if unsaid and rng.random() < 0.6 else ("", "")
        # Answers come in after the curtain, and never after the demo's "now".
        at = min(performance.ends_at + dt.timedelta(minutes=5 + 7 * k), now)
        session = f"demo-{performance.pk}-{k}"
        address = f"192.0.2.{k + 1}"
        try:
            created.append(
                services.feedback_submit(
                    token=services.survey_ensure(performance=performance, now=at).token,
                    answer=services.Answer(
                        rating=rng.choice(ratings),
                        favourite_moment=moment,
                        comment=comment,
                        would_return=rng.choice(["yes", "yes", "yes", "maybe", ""]),
                    ),
                    session_key=session,
                    client_address=address,
                    now=at,
                )
            )
        except DomainError as exc:
            summary.notes.append(f"An answer was refused: {exc.message}")
    if key == "swan":
        spam = Feedback.objects.create(
            performance=performance,
            rating=1,
            comment="Cheap tickets at www.example-resale.test!!!",
            submitted_at=min(performance.ends_at + dt.timedelta(hours=3), now),
        )
        services.feedback_moderate(
            feedback_ids=[spam.pk], approve=False, by=press, now=spam.submitted_at
        )
    approve = created[: round(len(created) * share)]
    if approve:
        services.feedback_moderate(
            feedback_ids=[f.pk for f in approve],
            approve=True,
            by=press,
            now=min(performance.ends_at + dt.timedelta(days=1), now),
        )
    summary.answers += len(created)
    summary.approved += len(approve)
    summary.pending += len(created) - len(approve)


@transaction.atomic
def build_reception_demo(*, now: dt.datetime) -> ReceptionDemoSummary:
    summary = ReceptionDemoSummary()
    if PerformanceReport.objects.exists() or Review.objects.exists():
        summary.skipped = True
        summary.notes.append("Reports or reviews already exist; reception left as it is.")
        return summary
    manager = _user("manager")
    press = _user("press")
    uglich = _uglich_performance(now, summary)
    summary.uglich_performance_id = uglich.pk if uglich else None
    past = list(
        Performance.objects.filter(starts_at__lte=now - dt.timedelta(hours=4))
        .exclude(status=Performance.Status.CANCELLED)
        .select_related("venue", "programme")
        .order_by("starts_at")
    )
    rng = random.Random(2026)
    latest: dict[str, Performance] = {}
    for performance in past:
        is_uglich = uglich is not None and performance.pk == uglich.pk
        is_gala = performance.programme.title == GALA
        capacity = performance.venue.capacity
        if is_gala:
            calls, ovation, attendance = 12, True, int(capacity * 0.97)
            incidents = ""
            notes = (
                "World premiere of Dance of the Seven Veils by Klára Kalmurzaev. Her parents "
                "flew in and sat in the sixth row of the stalls; the artistic director of the "
                "Bolshoi was the artistic director's guest in the fourth; The Moscow Times' "
                "critic in the fifth. The house stood as she came forward after the Seventh "
                "Veil, and stayed standing through twelve curtain calls."
            )
        elif is_uglich:
            calls, ovation, attendance = 9, True, capacity
            incidents = (
                "Act II: a loose board at the front edge, stage left; taped in the interval "
                "and checked before Act III. No one hurt."
            )
            notes = (
                "Eleonora Kalmurzaev's return to the stage. Her grandmother sat in the third "
                "row. The reduced orchestra played at floor level; the company's dance floor "
                "held on the worn boards. The whole house stood for the final curtain."
            )
        else:
            calls = rng.randint(3, 6)
            ovation = False
            attendance = int(capacity * rng.uniform(0.86, 0.97))
            incidents = ""
            notes = ""
        try:
            services.performance_report_save(
                performance=performance,
                curtain_calls=calls,
                standing_ovation=ovation,
                attendance=None if services.tickets_sold(performance) else attendance,
                incidents=incidents,
                notes=notes,
                acts=_acts(performance, curtain_delay=rng.randint(2, 6)),
                by=manager,
                now=now,
            )
            summary.reports += 1
        except DomainError as exc:
            summary.notes.append(f"No report for {performance}: {exc.message}")
            continue
        key = {SWAN_LAKE: "swan", "Giselle": "giselle", GALA: "gala"}.get(
            performance.programme.title
        )
        if is_uglich:
            key = "uglich"
        if key is not None:
            latest[key] = performance
    # The Moscow Times reviews the gala's premiere, not the whole evening.
    premiered = list(Work.objects.filter(title=SEVEN_VEILS).values_list("pk", flat=True))
    for key, performance in latest.items():
        for given, family, outlet, stars, headline, quote in REVIEWS[key]:
            critic = _person(given, family)
            if critic is None:
                critic = Person(
                    given_name=given,
                    family_name=family,
                    kind=Person.Kind.CONTACT,
                    organisation=outlet,
                    contact_role="dance critic",
                )
                critic.full_clean(exclude=["search_name"])
                critic.save()
            day = performance.local_starts_at.date() + dt.timedelta(days=2)
            try:
                services.review_create(
                    performance=performance,
                    critic=critic,
                    outlet=outlet,
                    published_on=min(day, now.date()),
                    rating=stars,
                    headline=headline,
                    quote=quote,
                    url=f"https://themoscowtimes.example/arts/review-{performance.pk}"
                    if outlet == "The Moscow Times"
                    else "",
                    work_ids=premiered if key == "gala" else None,
                    by=press,
                    now=now,
                )
                summary.reviews += 1
            except DomainError as exc:
                summary.notes.append(f"Review by {critic} not added: {exc.message}")
        _answers(key, performance, press, summary, now)
    return summary


def describe(summary: ReceptionDemoSummary) -> list[str]:
    if summary.skipped:
        return summary.notes
    lines = [
        f"Reception: {summary.reports} performance reports, {summary.reviews} reviews, "
        f"{summary.answers} audience answers ({summary.approved} approved, "
        f"{summary.pending} waiting for the press office).",
    ]
    if summary.uglich_added:
        lines.append(
            "Added a past Swan Lake in Uglich (a preview before the Volga tour) for "
            "Eleonora Kalmurzaev's standing ovation."
        )
    return lines + summary.notes
