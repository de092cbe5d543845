"""Reviews, the press pages per work and per production, and the histories."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from callboard.casting.models import CastAssignment
from callboard.core.actors import CALLBOARD
from callboard.core.errors import Conflict, ValidationFailed
from callboard.core.roles import Role
from callboard.reception import selectors, services
from callboard.reception.models import Feedback, Review
from callboard.reception.tests.conftest import NIGHT, mixed_bill
from callboard.season.tests import factories as f

pytestmark = pytest.mark.django_db

DAY_AFTER = dt.date(2026, 11, 21)


def review(performance, critic, now, **kw):
    params = {
        "outlet": "The Moscow Times",
        "published_on": DAY_AFTER,
        "quote": "A premiere of vivid colour.",
        "rating": 4,
        **kw,
    }
    return services.review_create(
        performance=performance, critic=critic, by=CALLBOARD, now=now, **params
    )


def test_a_review_is_of_every_work_on_the_programme_unless_told_otherwise(gala, critic, now):
    r = review(gala, critic, now)
    assert {w.pk for w in r.works.all()} == {i.work_id for i in gala.programme.items.all()}
    first = gala.programme.items.order_by("order").first().work
    other = f.PersonFactory()
    only = review(gala, other, now, outlet="Kommersant", work_ids=[first.pk])
    assert list(only.works.all()) == [first]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"rating": 6}, "rating"),
        ({"rating": 0}, "rating"),
        ({"quote": "  "}, "quote"),
        ({"outlet": ""}, "outlet"),
        ({"published_on": dt.date(2026, 11, 19)}, "published_on"),  # before the performance
        ({"published_on": dt.date(2026, 12, 25)}, "published_on"),  # not out yet
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "themoscowtimes.com/review"}, "url"),
        ({"work_ids": [999999]}, "work_ids"),
        ({"quote": "x" * 4001}, "quote"),
    ],
)
def test_bad_reviews_are_refused_with_the_field_named(gala, critic, now, kwargs, field):
    with pytest.raises(ValidationFailed) as exc:
        review(gala, critic, now, **kwargs)
    assert exc.value.field == field
    assert not Review.objects.exists()


def test_the_same_critic_and_outlet_review_a_performance_once(gala, critic, now):
    review(gala, critic, now)
    with pytest.raises(Conflict, match="already recorded"):
        review(gala, critic, now, quote="Again.")


def test_no_review_before_the_curtain(critic, now):
    coming = mixed_bill(starts_at=now + dt.timedelta(days=3))
    with pytest.raises(ValidationFailed, match="not gone up"):
        review(coming, critic, now, published_on=now.date())


def test_a_review_is_edited_and_removed(gala, critic, now):
    r = review(gala, critic, now)
    services.review_update(
        review=r, by=CALLBOARD, now=now, changes={"rating": 5, "headline": "Seven veils, one voice"}
    )
    r.refresh_from_db()
    assert (r.rating, r.headline) == (5, "Seven veils, one voice")
    with pytest.raises(ValidationFailed):
        services.review_update(review=r, by=CALLBOARD, now=now, changes={"rating": 9})
    services.review_delete(review=r, by=CALLBOARD, now=now)
    assert not Review.objects.exists()


def test_the_press_office_adds_a_review_from_the_page(gala, critic, client_as):
    client = client_as(Role.PRESS)
    url = f"/reception/performances/{gala.pk}/reviews/new/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "critic": critic.pk,
            "outlet": "The Moscow Times",
            "published_on": "2026-11-21",
            "rating": "5",
            "quote": "Klára Kalmurzaev's veils burn in saffron and blue.",
            "url": "https://themoscowtimes.example/arts/gala",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/reception/performances/{gala.pk}/").content.decode()
    assert "veils burn in saffron" in page and "★★★★★" in page
    response = client.post(
        url, {"critic": critic.pk, "outlet": "X", "published_on": "2026-11-01", "quote": "q"}
    )
    assert (
        response.status_code == 200
        and "published after the performance" in response.content.decode()
    )


def test_only_the_press_office_edits_reviews(gala, critic, client_as, now):
    r = review(gala, critic, now)
    for role in (Role.DANCER, Role.ARTISTIC_DIRECTOR, Role.COMPANY_MANAGER):
        client = client_as(role)
        assert client.get(f"/reception/performances/{gala.pk}/reviews/new/").status_code == 403
        assert client.post(f"/reception/reviews/{r.pk}/delete/").status_code == 403
    assert Review.objects.filter(pk=r.pk).exists()


def _season_of_reviews(work_count: int, now) -> tuple:
    first = mixed_bill(title="Programme A")
    work = first.programme.items.first().work
    for k in range(work_count):
        p = f.PerformanceFactory(
            programme=first.programme,
            starts_at=NIGHT - dt.timedelta(days=k + 1),
            ends_at=NIGHT - dt.timedelta(days=k + 1) + dt.timedelta(hours=2),
        )
        critic = f.PersonFactory(kind="contact")
        review(p, critic, now, outlet=f"Outlet {k}", published_on=DAY_AFTER)
        services.performance_report_save(
            performance=p, curtain_calls=k, standing_ovation=k % 2 == 0, by=CALLBOARD, now=now
        )
        Feedback.objects.create(
            performance=p,
            rating=5,
            comment="Lovely",
            status="approved",
            submitted_at=now,
            moderated_at=now,
        )
    return work, first.programme


def test_the_press_page_of_a_work_lists_reviews_with_quotes_and_reports(client_as, now):
    work, _programme = _season_of_reviews(3, now)
    html = client_as(Role.DANCER).get(f"/reception/works/{work.pk}/").content.decode()
    assert html.count("A premiere of vivid colour.") == 3
    assert "Outlet 0" in html and "Outlet 2" in html
    assert "standing ovation" in html
    assert 'data-chart="ratings"' in html and 'data-chart="stars"' in html


def test_the_press_pages_make_the_same_queries_whatever_the_number_of_reviews(
    client_as, now, django_assert_max_num_queries
):
    client = client_as(Role.PRESS)
    work, programme = _season_of_reviews(2, now)
    urls = [f"/reception/works/{work.pk}/", f"/reception/programmes/{programme.pk}/"]
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    more_work, more_programme = _season_of_reviews(12, now)
    for url, before in zip(
        [f"/reception/works/{more_work.pk}/", f"/reception/programmes/{more_programme.pk}/"],
        counts,
        strict=True,
    ):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        assert len(ctx.captured_queries) == before, url
        with django_assert_max_num_queries(16):
            client.get(url)


def test_a_performance_lands_on_the_dancers_and_the_works_history(gala, critic, now):
    dancer = f.DancerFactory()
    role = f.RoleFactory(work=gala.programme.items.first().work, name="The Lead")
    CastAssignment.objects.create(performance=gala, role=role, dancer=dancer, assigned_at=now)
    gala.status = "performed"
    gala.save()
    services.performance_report_save(
        performance=gala, curtain_calls=8, standing_ovation=True, by=CALLBOARD, now=now
    )
    review(gala, critic, now)
    lines = selectors.dancer_reception_history(dancer=dancer)
    assert [(line.roles, line.curtain_calls, line.standing_ovation) for line in lines] == [
        (("The Lead",), 8, True)
    ]
    assert lines[0].reviews[0].outlet == "The Moscow Times"
    work_lines = selectors.work_reception_history(work=role.work, now=now)
    assert work_lines[0].performance == gala and work_lines[0].standing_ovation


def test_the_reviews_api_creates_lists_and_refuses(gala, critic, signed_in):
    press = signed_in(Role.PRESS)
    payload = {
        "performance_id": gala.pk,
        "critic_id": critic.pk,
        "outlet": "The Moscow Times",
        "published_on": "2026-11-21",
        "quote": "A night of firsts.",
        "rating": 4,
    }
    response = press.post(
        "/api/v1/reception/reviews", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 201
    made = response.json()
    assert made["critic"] == "Jonathan Hale" and len(made["work_ids"]) == 2
    again = press.post(
        "/api/v1/reception/reviews", json.dumps(payload), content_type="application/json"
    )
    assert again.status_code == 409
    bad = press.post(
        "/api/v1/reception/reviews",
        json.dumps({**payload, "critic_id": 999999, "outlet": "Other"}),
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["detail"] == {"field": "critic_id"}
    work = gala.programme.items.first().work
    listed = signed_in(Role.DANCER).get("/api/v1/reception/reviews", {"work": work.pk}).json()
    assert [r["id"] for r in listed] == [made["id"]]
    patched = press.patch(
        f"/api/v1/reception/reviews/{made['id']}",
        json.dumps({"rating": 5}),
        content_type="application/json",
    )
    assert patched.json()["rating"] == 5
    dancer = signed_in(Role.DANCER)
    assert dancer.delete(f"/api/v1/reception/reviews/{made['id']}").status_code == 403
    assert press.delete(f"/api/v1/reception/reviews/{made['id']}").status_code == 204
    press_page = signed_in(Role.DANCER).get(f"/api/v1/reception/works/{work.pk}/press").json()
    assert press_page["reviews"] == []


def test_the_report_api_writes_and_reads_the_report(gala, signed_in):
    manager = signed_in(Role.COMPANY_MANAGER)
    body = {
        "curtain_calls": 6,
        "standing_ovation": True,
        "attendance": 1500,
        "acts": [
            {
                "label": label,
                "curtain_up": f"2026-11-20T{up}:00+03:00",
                "curtain_down": f"2026-11-20T{down}:00+03:00",
            }
            for label, up, down in [("Veils", "19:03", "19:41"), ("Études", "20:01", "20:33")]
        ],
    }
    url = f"/api/v1/reception/performances/{gala.pk}/report"
    response = manager.put(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    data = signed_in(Role.DANCER).get(url).json()
    assert (data["running_minutes"], data["stage_minutes"]) == (90, 70)
    assert data["attendance"]["people"] == 1500 and data["standing_ovation"]
    naive = {**body, "acts": [{**body["acts"][0], "curtain_up": "2026-11-20T19:03:00"}]}
    response = manager.put(url, json.dumps(naive), content_type="application/json")
    assert response.status_code == 422
    press = signed_in(Role.PRESS)
    assert press.put(url, json.dumps(body), content_type="application/json").status_code == 403
