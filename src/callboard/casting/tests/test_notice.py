"""Announcement, deadlines, changes after announcement and their notifications; copying casts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from callboard.casting import selectors, services
from callboard.casting.models import (
    CastAssignment,
    CastingAnnouncement,
    CastingChange,
    Notification,
    Tier,
)
from callboard.casting.tests.conftest import make_world
from callboard.company.models import Dancer
from callboard.core.actors import CALLBOARD
from callboard.core.errors import PermissionDenied, ValidationFailed
from callboard.core.roles import Role
from callboard.season.tests import factories as f
from callboard.wellbeing import services as wellbeing

pytestmark = pytest.mark.django_db


def cast(world, dancer, role, performance=None, *, now, **kw):
    return services.cast_assign(
        performance=performance or world.performances[0],
        role=role,
        dancer=dancer,
        by=CALLBOARD,
        now=now,
        **kw,
    )


def test_deadlines_follow_the_labour_profile_and_show_overdue(world, now):
    profile = f.LabourProfileFactory(
        principal_notice_days=28, announceable_notice_days=21, full_casting_notice_days=14
    )
    f.cm.Company.objects.create(name="Pavlov Ballet Theatre", labour_profile=profile)
    p = world.performance(
        20
    )  # principal deadline (28 days) passed, announceable (21) too, full (14) not
    found = {d.tier: d for d in selectors.deadlines(p, [], selectors.notice_rules(), now)}
    assert found[Tier.PRINCIPAL].overdue and found[Tier.ANNOUNCEABLE].overdue
    assert not found[Tier.FULL].overdue
    assert found[Tier.PRINCIPAL].due == p.starts_at - dt.timedelta(days=28)
    services.casting_announce(performance=p, tier=Tier.ANNOUNCEABLE, by=CALLBOARD, now=now)
    announced = selectors.deadlines(
        p, CastingAnnouncement.objects.filter(performance=p), selectors.notice_rules(), now
    )
    assert not any(d.overdue for d in announced)


def test_the_board_shows_overdue_announcements(world, now, client_as):
    world.performance(18)  # principal and announceable roles were due; full casting is not yet
    client = client_as(Role.ARTISTIC_DIRECTOR)
    html = client.get(f"/casting/programmes/{world.programme.pk}/").content.decode()
    assert html.count("deadline overdue") == 2  # principal and announceable roles


def test_announcing_a_tier_publishes_its_roles_and_tells_each_dancer_once(
    world, now, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.CALLBOARD_SITE_URL = "https://callboard.example-ballet.org"
    p = world.performances[0]
    queen = world.dancer(
        world.queen, rank="principal", person=f.PersonFactory(email="queen@example.org")
    )
    friend = world.dancer(world.friend, rank="soloist")
    swan = world.dancer(world.swans)
    cast(world, queen, world.queen, now=now)
    cast(world, friend, world.friend, now=now)
    cast(world, swan, world.swans, now=now)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.casting_announce(
            performance=p, tier=Tier.PRINCIPAL, by=CALLBOARD, now=now
        )
    assert result.created and result.notified == 1
    assert list(Notification.objects.values_list("person", flat=True)) == [queen.person_id]
    assert [m.to for m in mailoutbox] == [["queen@example.org"]]
    # Its link opens from a mail client: absolute, on the site's address.
    note = Notification.objects.select_related("email").get()
    assert note.url.startswith("/")
    assert f"https://callboard.example-ballet.org{note.url}" in mailoutbox[0].body
    assert note.email.status == "sent"
    assert result.holes == 1  # the Prince is not cast
    dancer_user = f.UserFactory(roles=[Role.DANCER])
    visible = {a.dancer for a in selectors.performance_casting(performance=p, user=dancer_user)}
    assert visible == {queen}
    services.casting_announce(performance=p, tier=Tier.FULL, by=CALLBOARD, now=now)
    visible = {a.dancer for a in selectors.performance_casting(performance=p, user=dancer_user)}
    assert visible == {queen, friend, swan}


def test_announcing_needs_the_artistic_director(world, now, make_user):
    with pytest.raises(PermissionDenied):
        services.casting_announce(
            performance=world.performances[0],
            tier=Tier.FULL,
            by=make_user(Role.BALLET_MASTER),
            now=now,
        )
    result = services.casting_announce(
        performance=world.performances[0],
        tier=Tier.FULL,
        by=make_user(Role.ARTISTIC_DIRECTOR),
        now=now,
    )
    assert result.created


def test_announcing_again_changes_nothing(world, now):
    p = world.performances[0]
    services.casting_announce(performance=p, tier=Tier.FULL, by=CALLBOARD, now=now)
    again = services.casting_announce(performance=p, tier=Tier.PRINCIPAL, by=CALLBOARD, now=now)
    assert not again.created
    assert CastingAnnouncement.objects.count() == 1


def test_a_change_to_announced_casting_needs_a_reason_and_changes_nothing_without_one(world, now):
    p = world.performances[0]
    a, b = world.dancer(world.queen, rank="principal"), world.dancer(world.queen, rank="principal")
    cast(world, a, world.queen, now=now)
    services.casting_announce(performance=p, tier=Tier.PRINCIPAL, by=CALLBOARD, now=now)
    with pytest.raises(ValidationFailed, match="Say why it changes"):
        cast(world, b, world.queen, now=now, replacing=a.pk)
    assert CastAssignment.objects.get(role=world.queen).dancer == a
    assert not CastingChange.objects.exists()


def test_a_change_after_announcement_is_logged_and_tells_exactly_the_dancers_it_touches(
    world, now, make_user, mailoutbox, django_capture_on_commit_callbacks
):
    p = world.performances[0]
    a = world.dancer(world.queen, rank="principal", person=f.PersonFactory(email="a@example.org"))
    b = world.dancer(world.queen, rank="principal", person=f.PersonFactory(email="b@example.org"))
    bystander = world.dancer(world.swans, person=f.PersonFactory(email="c@example.org"))
    cast(world, a, world.queen, now=now)
    cast(world, bystander, world.swans, now=now)
    services.casting_announce(
        performance=p, tier=Tier.FULL, by=CALLBOARD, now=now, send_email=False
    )
    Notification.objects.all().delete()
    director = make_user(Role.ARTISTIC_DIRECTOR)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.cast_assign(
            performance=p,
            role=world.queen,
            dancer=b,
            by=director,
            now=now,
            reason="Ankle sprain",
            replacing=a.pk,
        )
    change = result.change
    assert (change.old_dancer, change.new_dancer, change.changed_by, change.reason) == (
        a,
        b,
        director,
        "Ankle sprain",
    )
    assert not change.late  # a month ahead
    assert sorted(Notification.objects.values_list("person", flat=True)) == sorted(
        [a.person_id, b.person_id]
    )
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org"]


def test_a_change_with_less_than_the_personal_notice_is_allowed_but_flagged_late(world, now):
    p = world.performance(1, hour=9)  # tomorrow 09:00: 23 hours ahead
    a, b = world.dancer(world.swans), world.dancer(world.swans)
    cast(world, a, world.swans, p, now=now)
    services.casting_announce(performance=p, tier=Tier.FULL, by=CALLBOARD, now=now)
    services.cast_remove(performance=p, role=world.swans, by=CALLBOARD, now=now, reason="Illness")
    result = cast(world, b, world.swans, p, now=now, reason="Steps in")
    assert result.change.late and result.change.notice_hours == 23
    assert CastingChange.objects.filter(late=True).count() == 2


def test_clearing_a_draft_slot_leaves_no_log(world, now):
    a = world.dancer(world.swans)
    cast(world, a, world.swans, now=now)
    services.cast_remove(performance=world.performances[0], role=world.swans, by=CALLBOARD, now=now)
    assert not CastAssignment.objects.exists()
    assert not CastingChange.objects.exists()


# --------------------------------------------------------------------------- copy


def test_copying_a_cast_fills_the_other_performances_in_one_step(world, now):
    first, second, third = world.performances
    queen = world.dancer(world.queen, rank="principal")
    swans = [world.dancer(world.swans) for _ in range(4)]
    cast(world, queen, world.queen, first, now=now)
    for i, s in enumerate(swans):
        cast(world, s, world.swans, first, now=now, slot=i)
    result = services.cast_copy(source=first, targets=[second, third], by=CALLBOARD, now=now)
    assert result.copied == 10 and not result.skipped
    for p in (second, third):
        assert CastAssignment.objects.filter(performance=p).count() == 5


def test_copying_skips_a_dancer_who_cannot_dance_that_day_and_says_why(world, now):
    first, second, _third = world.performances
    guest = world.dancer(
        world.queen,
        rank="guest",
        engagement_start=now.date(),
        engagement_end=first.starts_at.date(),
    )
    cast(world, guest, world.queen, first, now=now)
    result = services.cast_copy(source=first, targets=[second], by=CALLBOARD, now=now)
    assert result.copied == 0
    assert "engagement" in result.skipped[0]
    assert not CastAssignment.objects.filter(performance=second).exists()


def test_copying_keeps_casting_already_there_unless_told_to_replace(world, now):
    first, second, _ = world.performances
    a, b = world.dancer(world.queen, rank="principal"), world.dancer(world.queen, rank="principal")
    cast(world, a, world.queen, first, now=now)
    cast(world, b, world.queen, second, now=now)
    kept = services.cast_copy(source=first, targets=[second], by=CALLBOARD, now=now)
    assert kept.copied == 0 and "kept" in kept.skipped[0]
    replaced = services.cast_copy(
        source=first, targets=[second], by=CALLBOARD, now=now, overwrite=True
    )
    assert replaced.copied == 1
    assert CastAssignment.objects.get(performance=second, role=world.queen).dancer == a


def test_copying_into_announced_casting_needs_a_reason(world, now):
    first, second, _ = world.performances
    cast(world, world.dancer(world.queen, rank="principal"), world.queen, first, now=now)
    services.casting_announce(performance=second, tier=Tier.FULL, by=CALLBOARD, now=now)
    with pytest.raises(ValidationFailed, match="Say why"):
        services.cast_copy(source=first, targets=[second], by=CALLBOARD, now=now)
    assert not CastAssignment.objects.filter(performance=second).exists()
    result = services.cast_copy(
        source=first, targets=[second], by=CALLBOARD, now=now, reason="Same cast as the opening"
    )
    assert result.copied == 1 and CastingChange.objects.count() == 1


def test_copying_to_another_production_is_refused(world, now):
    from .conftest import make_world

    other = make_world(title="Giselle", performances=1)
    first = world.performances[0]
    cast(world, world.dancer(world.swans), world.swans, first, now=now)
    with pytest.raises(ValidationFailed, match="another programme"):
        services.cast_copy(source=first, targets=other.performances, by=CALLBOARD, now=now)


def test_copying_only_the_chosen_casts(world, now):
    first, second, _ = world.performances
    a, b = world.dancer(world.queen, rank="principal"), world.dancer(world.queen, rank="principal")
    cast(world, a, world.queen, first, now=now)
    cast(world, b, world.queen, first, now=now, kind="cover", rank=1)
    result = services.cast_copy(
        source=first, targets=[second], layers=["cover1"], by=CALLBOARD, now=now
    )
    assert result.copied == 1
    assert CastAssignment.objects.get(performance=second).kind == "cover"


def test_an_injured_dancer_already_cast_shows_as_an_error_on_the_board(world, now):
    d = world.dancer(world.swans)
    cast(world, d, world.swans, now=now)
    Dancer.objects.filter(pk=d.pk).update(
        status=Dancer.Status.INJURED, status_reason="reported by phone"
    )
    board = selectors.casting_board(programme=world.programme, now=now)
    assert board.errors == 1
    codes = [f.code for b in board.blocks for r in b.rows for c in r.cells for f in c.errors]
    assert codes == ["unavailable"]
    assert [(c.dancer_name, c.role_name) for c in board.cannot_dance] == [
        (str(d.person), world.swans.name)
    ]
    assert "reported by phone" in board.cannot_dance[0].reason


def test_a_dancer_the_physiotherapist_keeps_out_is_named_on_the_board(
    world, now, make_user, client
):
    d = world.dancer(world.swans)
    cast(world, d, world.swans, now=now)
    physio = make_user(Role.PHYSIOTHERAPIST)
    injury = wellbeing.injury_record(
        dancer=d,
        body_part="ankle",
        diagnosis="Lateral ankle sprain",
        occurred_on=now.date() - dt.timedelta(days=1),
        by=physio,
        now=now,
    )
    wellbeing.return_stage_add(
        injury=injury, starts_on=injury.occurred_on, mode="out", by=physio, now=now
    )
    board = selectors.casting_board(programme=world.programme, now=now)
    assert [c.dancer_name for c in board.cannot_dance] == [str(d.person)]
    assert "not available to dance" in board.cannot_dance[0].reason
    client.force_login(make_user(Role.BALLET_MASTER))
    body = client.get(reverse("casting:board", args=[world.programme.pk])).content.decode()
    banner = body.split('id="cannot-dance"')[1].split("</section>")[0]
    assert str(d.person) in banner and world.swans.name in banner
    assert "sprain" not in banner.lower()


def test_a_dancer_cast_in_two_cities_at_once_is_flagged_on_the_board(world, now):
    d = world.dancer(world.swans)
    first = world.performances[0]
    cast(world, d, world.swans, first, now=now)
    other = make_world(title="The Nutcracker", performances=1)
    elsewhere = other.performances[0]
    elsewhere.venue.city = "Uglich"
    elsewhere.venue.save()
    # Booked elsewhere at the same time (the date moved after casting).
    elsewhere.starts_at, elsewhere.ends_at = first.starts_at, first.ends_at
    elsewhere.save()
    CastAssignment.objects.create(
        performance=elsewhere,
        role=other.swans,
        dancer=d,
        kind="first",
        slot=0,
        rank=1,
        assigned_at=now,
    )
    board = selectors.casting_board(programme=world.programme, now=now)
    assert [c.who for c in board.clashes] == [str(d.person)]
    assert "two places at once" in board.clashes[0].message
    assert "Uglich" in board.clashes[0].message
