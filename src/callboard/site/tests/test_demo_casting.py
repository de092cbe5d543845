"""The demo's casting (Klára's creation at the gala that is over, Eleonora's Odette at
Uglich) and the ``cast-suggest`` command."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from callboard.casting import selectors
from callboard.casting.demo import build_casting_demo, describe
from callboard.casting.models import (
    CastAssignment,
    CastingChange,
    CastingProposal,
    DancedRecord,
    Notification,
    RehearsalNeed,
)
from callboard.casting.tests.conftest import make_world
from callboard.repertoire.models import DancerRole
from callboard.season.models import Programme
from callboard.season.tests import factories as f
from callboard.site.demo import build_demo

pytestmark = pytest.mark.django_db

ANCHOR = dt.date(2026, 11, 23)
DEMO_NOW = dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))


@pytest.mark.slow
def test_the_demo_casts_the_gala_and_the_swan_lake_run_leaving_things_to_find():
    build_demo(today=ANCHOR)
    klara_odette_before = DancerRole.objects.get(
        dancer__person__search_name="klara kalmurzaev", role__name="Odette/Odile"
    ).times_danced
    summary = build_casting_demo(now=DEMO_NOW)

    lead = CastAssignment.objects.get(
        performance__programme__title="Annual Gala", role__name="The Lead", kind="first"
    )
    assert lead.dancer.person.full_name == "Klára Kalmurzaev"
    odette = CastAssignment.objects.get(
        performance__venue__name="Uglich Town Theatre", role__name="Odette/Odile", kind="first"
    )
    assert odette.dancer.person.full_name == "Eleonora Kalmurzaev"
    assert CastAssignment.objects.filter(kind="second").exists()
    assert CastAssignment.objects.filter(kind="cover").exists()

    swan = Programme.objects.get(title="Swan Lake")
    board = selectors.casting_board(programme=swan, now=DEMO_NOW)
    assert board.holes > 0 and board.errors >= 1  # empty places, a dancer cast before her injury
    cover_board = selectors.casting_board(programme=swan, layer="cover1", now=DEMO_NOW)
    codes = {
        f.code for b in cover_board.blocks for r in b.rows for c in r.cells for f in c.findings
    }
    assert "cover_on_stage" in codes
    assert summary.holes > 0

    change = CastingChange.objects.get()
    assert change.reason and Notification.objects.filter(change=change).count() == 2
    # The two Swan Lakes and the gala already danced, the gala with its whole cast.
    assert DancedRecord.objects.count() == 3
    assert lead.performance.starts_at < DEMO_NOW
    assert lead.performance.cast_assignments.filter(kind="first").count() >= 20
    klara_odette_after = DancerRole.objects.get(
        dancer__person__search_name="klara kalmurzaev", role__name="Odette/Odile"
    ).times_danced
    assert klara_odette_after == klara_odette_before + 1
    klara_lead = DancerRole.objects.get(dancer=lead.dancer, role=lead.role)
    assert (klara_lead.status, klara_lead.times_danced) == ("learned", 1)
    # Rehearsals are asked for the coming Swan Lakes, none for the gala that is over.
    assert RehearsalNeed.objects.filter(programme__title="Swan Lake").exists()
    assert not RehearsalNeed.objects.filter(programme__title="Annual Gala").exists()
    proposal = CastingProposal.objects.get()
    assert proposal.status == "open" and proposal.programme.title == "The Nutcracker"
    # Of The Nutcracker only Klára's Sugar Plum Fairy on the first night, a draft: the
    # suggestion fills the rest for review.
    nutcracker = CastAssignment.objects.filter(performance__programme__title="The Nutcracker")
    assert [(a.role.name, a.dancer.person.full_name) for a in nutcracker] == [
        ("Sugar Plum Fairy", "Klára Kalmurzaev")
    ]
    assert not nutcracker.get().performance.casting_announcements.exists()
    assert "places cast" in describe(summary)[0]

    again = build_casting_demo(now=DEMO_NOW, suggest=False)
    assert again.skipped and CastingChange.objects.count() == 1


@pytest.fixture
def world(db: None) -> Any:
    """Casting's small production (its own tests' world)."""
    return make_world()


def test_cast_suggest_prints_a_suggestion_and_changes_nothing(world):
    klara = f.PersonFactory(given_name="Klára", family_name="Kalmurzaev")
    world.dancer(world.queen, rank="principal", person=klara)
    out = io.StringIO()
    call_command(
        "cast_suggest", "--programme", str(world.programme.pk), "--time-limit", "5", stdout=out
    )
    text = out.getvalue()
    assert "Klára Kalmurzaev" in text and "nothing has changed yet" in text
    assert CastingProposal.objects.get().status == "open"
    assert not CastAssignment.objects.exists()


def test_cast_suggest_accepts_when_asked(world):
    world.dancer(world.queen, rank="principal")
    out = io.StringIO()
    call_command("cast_suggest", "--programme", str(world.programme.pk), "--accept", stdout=out)
    assert "Accepted: 3 place(s) applied." in out.getvalue()
    assert CastAssignment.objects.filter(role=world.queen).count() == 3


def test_cast_suggest_refuses_an_unknown_programme_with_exit_code_2():
    with pytest.raises(CommandError) as caught:
        call_command("cast_suggest", "--programme", "999999")
    assert caught.value.returncode == 2 and "No programme with id 999999" in str(caught.value)


def test_the_console_script_maps_cast_suggest(now, capsys):
    from callboard import cli

    w = make_world(performances=0)
    with pytest.raises(SystemExit) as caught:
        cli.main(["cast-suggest", "--programme", str(w.programme.pk)])
    assert caught.value.code == 2
    assert "no coming performances" in capsys.readouterr().err
