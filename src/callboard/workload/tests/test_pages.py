"""The workload pages: every number checked against a hand computation; fixed queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from callboard.core.roles import Role
from callboard.season.tests import factories as f
from callboard.workload.tests.conftest import HAND_FOCUS, at, company_class, dance, publish_calls

pytestmark = pytest.mark.django_db

_TAGGED = re.compile(r'<(\w+)[^>]*\sdata-k="([^"]+)"[^>]*>(.*?)</\1>', re.S)
_BAR = re.compile(r'data-key="([^"]+)" data-value="([^"]+)"')


def numbers(html: str) -> dict[str, str]:
    """Every ``data-k`` marked element of the page: key -> its text."""
    found = {}
    for _tag, key, inner in _TAGGED.findall(html):
        text = re.sub(r"<[^>]+>", "", inner)
        found[key] = re.sub(r"\s+", " ", text).strip()
    return found


def bars(html: str) -> dict[str, str]:
    return dict(_BAR.findall(html))


RULE = {
    "rule.ratio": "1.5",
    "rule.weeks": "4",
    "rule.min_minutes": "300",
    "rule.min_load": "1500",
    "rule.rated": "50",
}


def test_every_number_of_a_dancers_workload_page_matches_the_hand_computation(hand, client):
    client.force_login(hand["user"])
    response = client.get(
        f"/wellbeing/dancers/{hand['dancer'].pk}/", {"week": HAND_FOCUS.isoformat(), "weeks": 2}
    )
    assert response.status_code == 200
    html = response.content.decode()
    expected = {
        # Week of 9 Nov: class 5 × 75, the Tuesday call 120; baseline = the same 495.
        "w0.class": "375",
        "w0.rehearsal": "120",
        "w0.performance": "0",
        "w0.minutes": "495",
        "w0.hours": "8.3",  # 495 / 60 = 8.25, rounded half up
        "w0.load": "0",
        "w0.rated": "0",
        "w0.baseline": "495",
        "w0.ratio": "1.00",
        # Week of 16 Nov: 3 calls × 180, the 165-minute performance; 1080 / 495 = 2.18.
        "w1.class": "375",
        "w1.rehearsal": "540",
        "w1.performance": "165",
        "w1.minutes": "1080",
        "w1.hours": "18.0",
        "w1.load": "3255",  # 75×4 + 75×5 + 180×7 + 165×8
        "w1.rated": "495",  # 75 + (75 + 180) + 165
        "w1.baseline": "495",
        "w1.ratio": "2.18",  # load is not compared: only 495 of 1080 minutes rated
        # The days of 16 Nov.
        "d0.class": "75", "d0.rehearsal": "0", "d0.performance": "0", "d0.minutes": "75",
        "d0.rpe": "day 4", "d0.load": "300",
        "d1.class": "75", "d1.rehearsal": "180", "d1.performance": "0", "d1.minutes": "255",
        "d1.rpe": "day 5; rehearsal 7", "d1.load": "1635",
        "d2.class": "75", "d2.rehearsal": "180", "d2.performance": "0", "d2.minutes": "255",
        "d2.rpe": "—", "d2.load": "0",
        "d3.class": "75", "d3.rehearsal": "180", "d3.performance": "0", "d3.minutes": "255",
        "d3.rpe": "—", "d3.load": "0",
        "d4.class": "75", "d4.rehearsal": "0", "d4.performance": "0", "d4.minutes": "75",
        "d4.rpe": "—", "d4.load": "0",  # the draft-only call does not count
        "d5.class": "0", "d5.rehearsal": "0", "d5.performance": "165", "d5.minutes": "165",
        "d5.rpe": "performance 8", "d5.load": "1320",
        "d6.class": "0", "d6.rehearsal": "0", "d6.performance": "0", "d6.minutes": "0",
        "d6.rpe": "—", "d6.load": "0",  # a cover does not dance
        **RULE,
    }  # fmt: skip
    assert numbers(html) == expected
    assert bars(html) == {
        "minutes-0-0": "375", "minutes-0-1": "120", "minutes-0-2": "0",
        "minutes-1-0": "375", "minutes-1-1": "540", "minutes-1-2": "165",
        "load-0-0": "0", "load-1-0": "3255",
    }  # fmt: skip
    assert "minutes spike" in html and "load spike" not in html


def test_every_number_of_the_company_page_matches_the_hand_computation(hand, client_as):
    client = client_as(Role.BALLET_MASTER)
    response = client.get("/wellbeing/workload/", {"week": HAND_FOCUS.isoformat(), "weeks": 2})
    assert response.status_code == 200
    html = response.content.decode()
    k = hand["dancer"].pk
    assert numbers(html) == {
        f"r{k}.minutes": "1080",
        f"r{k}.previous": "495",
        f"r{k}.baseline": "495",
        f"r{k}.ratio": "2.18",
        f"r{k}.load": "3255",
        "rank.corps.dancers": "1",
        "rank.corps.mean": "1080",
        "rank.corps.flagged": "1",
        **RULE,
    }
    assert bars(html) == {
        "company-minutes-0-0": "495",
        "company-minutes-1-0": "1080",
        "company-load-0-0": "0",
        "company-load-1-0": "3255",
    }


def test_the_company_page_shows_a_limit_with_its_cap_and_never_the_diagnosis(
    client_as, physio, now
):
    from callboard.wellbeing import services

    dancer = f.DancerFactory()
    injury = services.injury_record(
        dancer=dancer,
        body_part="ankle",
        occurred_on=now.date() - dt.timedelta(days=3),
        diagnosis="Grade II lateral sprain",
        by=physio,
        now=now,
    )
    services.return_stage_add(
        injury=injury,
        starts_on=now.date() - dt.timedelta(days=3),
        mode="limited",
        minutes_per_day=90,
        restrictions=["no_jumps"],
        by=physio,
        now=now,
    )
    html = client_as(Role.ARTISTIC_DIRECTOR).get("/wellbeing/workload/").content.decode()
    assert numbers(html)[f"r{dancer.pk}.cap"] == "90"
    assert "no jumps" in html
    assert "Grade II" not in html and "Ankle" not in html


def _company(size: int, now: dt.datetime) -> None:
    dancers = [f.DancerFactory(rank=rank) for rank in ("corps", "soloist", "principal") * size]
    company_class([dt.date(2026, 11, 16), dt.date(2026, 11, 17)], now=now)
    publish_calls(
        [
            (
                at(dt.date(2026, 11, 18), 12),
                at(dt.date(2026, 11, 18), 14),
                [d.person for d in dancers],
            )
        ],
        now=now,
    )
    for i, d in enumerate(dancers):
        dance(d, at(dt.date(2026, 11, 19), 19) + dt.timedelta(minutes=i))


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_company_page_makes_the_same_few_queries_whatever_the_company_size(
    client_as, now, django_assert_max_num_queries
):
    client = client_as(Role.BALLET_MASTER)
    url = "/wellbeing/workload/?week=2026-11-16"
    _company(2, now)
    small = _queries(client, url)
    _company(8, now)
    assert _queries(client, url) == small
    with django_assert_max_num_queries(20):
        client.get(url)


def test_a_dancers_page_makes_the_same_few_queries_whatever_the_history(
    hand, client, now, django_assert_max_num_queries
):
    client.force_login(hand["user"])
    url = f"/wellbeing/dancers/{hand['dancer'].pk}/?week=2026-11-16&weeks=8"
    first = _queries(client, url)
    dance(hand["dancer"], at(dt.date(2026, 11, 3), 19))
    dance(hand["dancer"], at(dt.date(2026, 11, 4), 19))
    assert _queries(client, url) == first
    with django_assert_max_num_queries(20):
        client.get(url)


def test_odd_query_strings_never_break_the_pages(hand, client_as):
    client = client_as(Role.PHYSIOTHERAPIST)
    for url in (
        "/wellbeing/workload/?week=soon&weeks=-3",
        "/wellbeing/workload/?week=0000-01-01&weeks=99999",
        f"/wellbeing/dancers/{hand['dancer'].pk}/?week=2026-02-30&weeks=x",
        "/wellbeing/planning/?from=2026-12-01&to=2026-01-01",
        "/wellbeing/figures/?from=nonsense",
    ):
        assert client.get(url).status_code == 200, url
    # A NUL is refused before any page, with a message saying where it is.
    refused = client.get("/wellbeing/figures/?from=nonsense&to=%00")
    assert refused.status_code == 400 and "NUL" in refused.content.decode()
    assert client.get("/wellbeing/dancers/999999/").status_code == 404


def test_a_dancer_records_exertion_from_the_page_and_bad_input_is_explained(hand, client):
    from django.utils import timezone

    from callboard.wellbeing.models import ExertionRating

    client.force_login(hand["user"])
    url = f"/wellbeing/dancers/{hand['dancer'].pk}/exertion/"
    today = timezone.localdate()
    response = client.post(url, {"day": today.isoformat(), "session": "day", "rpe": "6"})
    assert response.status_code == 302
    assert ExertionRating.objects.get(dancer=hand["dancer"], day=today, session="day").rpe == 6
    later = (today + dt.timedelta(days=3)).isoformat()
    response = client.post(url, {"day": later, "session": "day", "rpe": "6"}, follow=True)
    assert "still to come" in response.content.decode()
    response = client.post(
        url, {"day": today.isoformat(), "session": "day", "rpe": "11"}, follow=True
    )
    assert response.status_code == 200
    assert not ExertionRating.objects.filter(rpe=11).exists()
