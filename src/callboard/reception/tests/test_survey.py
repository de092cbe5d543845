"""The public audience survey: tokens, bad input, floods, moderation and summaries."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client, override_settings

from callboard.core.actors import CALLBOARD
from callboard.core.errors import NotFound, ValidationFailed
from callboard.core.roles import Role
from callboard.reception import selectors, services
from callboard.reception.models import Feedback, FeedbackSurvey
from callboard.reception.services import Answer, SurveyClosed, TooManyAnswers
from callboard.reception.tests.conftest import NIGHT

pytestmark = pytest.mark.django_db

AFTER = NIGHT + dt.timedelta(hours=3)


def submit(token, *, rating=5, session="s1", address="203.0.113.5", now=AFTER, **answer):
    return services.feedback_submit(
        token=token,
        answer=Answer(rating=rating, **answer),
        session_key=session,
        client_address=address,
        now=now,
    )


@pytest.fixture
def token(gala, now):
    return services.survey_ensure(performance=gala, now=now).token


def test_each_performance_gets_one_unguessable_token(gala, now):
    first = services.survey_ensure(performance=gala, now=now)
    assert services.survey_ensure(performance=gala, now=now) == first
    assert len(first.token) >= 32
    from callboard.reception.tests.conftest import mixed_bill

    other = services.survey_ensure(performance=mixed_bill(), now=now)
    assert other.token != first.token


def test_an_answer_waits_for_moderation_before_it_counts(gala, token):
    submit(token, rating=4, favourite_moment="The fire veil", comment="Unforgettable.")
    answer = Feedback.objects.get()
    assert answer.status == Feedback.Status.PENDING
    summary = selectors.feedback_summary([gala.pk])
    assert summary.count == 0 and summary.pending == 1 and summary.quotes == []


def test_approved_answers_are_summarised_and_rejected_ones_never_shown(gala, token, now):
    for i, rating in enumerate([5, 5, 4, 2]):
        submit(
            token,
            rating=rating,
            session=f"s{i}",
            comment=f"note {i}",
            would_return="yes" if i < 3 else "no",
        )
    ids = list(Feedback.objects.order_by("pk").values_list("pk", flat=True))
    services.feedback_moderate(feedback_ids=ids[:3], approve=True, by=CALLBOARD, now=now)
    services.feedback_moderate(feedback_ids=ids[3:], approve=False, by=CALLBOARD, now=now)
    summary = selectors.feedback_summary([gala.pk])
    assert summary.count == 3
    assert summary.distribution == {1: 0, 2: 0, 3: 0, 4: 1, 5: 2}
    assert summary.mean == pytest.approx(14 / 3)
    assert summary.would_return_percent == 100
    assert sorted(f.comment for f in summary.quotes) == ["note 0", "note 1", "note 2"]


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"rating": 6}, "rating"),
        ({"rating": 0}, "rating"),
        ({"rating": "five"}, "rating"),
        ({"rating": None}, "rating"),
        ({"comment": "x" * 2001}, "comment"),
        ({"favourite_moment": "y" * 301}, "favourite_moment"),
        ({"comment": "nul\x00byte"}, "comment"),
        ({"would_return": "perhaps"}, "would_return"),
        ({"comment": "http://a http://b https://c spam"}, "comment"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(token, answer, field):
    params = {"rating": 5, **answer}
    with pytest.raises(ValidationFailed) as exc:
        submit(token, **params)
    assert exc.value.field == field and exc.value.message
    assert not Feedback.objects.exists()


def test_a_browser_answers_once_per_performance(token):
    submit(token)
    with pytest.raises(TooManyAnswers, match="already answered"):
        submit(token, address="198.51.100.7", now=AFTER + dt.timedelta(days=2))
    assert Feedback.objects.count() == 1


@override_settings(CALLBOARD_FEEDBACK_PER_ADDRESS=3)
def test_one_address_may_not_flood_the_survey(token):
    for i in range(3):
        submit(token, session=f"s{i}")
    with pytest.raises(TooManyAnswers, match="network"):
        submit(token, session="s-new")
    # An hour later the window has moved on.
    submit(token, session="s-later", now=AFTER + dt.timedelta(hours=1, minutes=1))
    assert Feedback.objects.count() == 4


@override_settings(CALLBOARD_FEEDBACK_PER_MINUTE=5)
def test_a_flood_from_many_places_at_once_is_stopped(token):
    moment = AFTER.replace(second=0)
    for i in range(5):
        submit(
            token, session=f"s{i}", address=f"203.0.113.{i}", now=moment + dt.timedelta(seconds=i)
        )
    with pytest.raises(TooManyAnswers, match="in a minute"):
        submit(token, session="s9", address="203.0.113.99", now=moment + dt.timedelta(seconds=30))
    assert Feedback.objects.count() == 5


def test_a_robot_filling_the_hidden_field_is_refused(token):
    with pytest.raises(TooManyAnswers):
        services.feedback_submit(
            token=token,
            answer=Answer(rating=5),
            session_key="s",
            client_address="203.0.113.1",
            now=AFTER,
            trap="http://spam.example",
        )
    assert not Feedback.objects.exists()


def test_the_survey_opens_at_curtain_up_and_closes_after_two_weeks(token):
    with pytest.raises(SurveyClosed, match="opens when the curtain"):
        submit(token, now=NIGHT - dt.timedelta(minutes=1))
    with pytest.raises(SurveyClosed, match="closed"):
        submit(token, now=NIGHT + dt.timedelta(days=15))
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("bad", ["", "nope", "a" * 65, "../../etc", "tok en"])
def test_an_unknown_or_malformed_token_is_not_found(token, bad):
    with pytest.raises(NotFound):
        submit(bad)


# --------------------------------------------------------------------------- the public page
# Pages and endpoints read the clock themselves: their performance is this evening's.


@pytest.fixture
def tonight():
    from django.utils import timezone

    from callboard.reception.tests.conftest import mixed_bill

    return mixed_bill(starts_at=timezone.now() - dt.timedelta(hours=3))


@pytest.fixture
def live_token(tonight):
    from django.utils import timezone

    return services.survey_ensure(performance=tonight, now=timezone.now()).token


def test_the_public_page_takes_an_answer_without_sign_in(live_token, tonight):
    client = Client()
    url = f"/feedback/{live_token}/"
    page = client.get(url)
    assert page.status_code == 200 and tonight.billing in page.content.decode()
    response = client.post(
        url, {"rating": "5", "favourite_moment": "The finale", "would_return": "yes"}
    )
    assert response.status_code == 302 and response.url.endswith("/thanks/")
    assert client.get(response.url).status_code == 200
    again = client.post(url, {"rating": "4"})
    assert again.status_code == 429
    assert "already answered" in again.content.decode()
    assert Feedback.objects.count() == 1


def test_the_public_page_explains_bad_input_and_stores_nothing(live_token):
    client = Client()
    url = f"/feedback/{live_token}/"
    response = client.post(url, {"rating": "9", "comment": "x"})
    assert response.status_code == 422
    assert (
        "Select a valid choice" in response.content.decode()
        or "1 to 5" in response.content.decode()
    )
    response = client.post(url, {"rating": "5", "comment": "a\x00b"})
    # A NUL is refused before the page (400, saying where it is); nothing is stored.
    assert response.status_code == 400 and "NUL" in response.content.decode()
    assert not Feedback.objects.exists()
    assert client.get("/feedback/not-a-real-token/").status_code == 404


def test_the_public_api_takes_answers_and_refuses_floods(live_token):
    client = Client()
    url = f"/api/v1/reception/surveys/{live_token}/answers"
    with override_settings(CALLBOARD_FEEDBACK_PER_ADDRESS=2):
        codes = [
            client.post(url, json.dumps({"rating": 5}), content_type="application/json").status_code
            for _ in range(3)
        ]
    assert codes == [201, 201, 429]
    bad = client.post(url, json.dumps({"rating": 7}), content_type="application/json")
    assert bad.status_code == 422 and "message" in bad.json()
    missing = client.post(
        "/api/v1/reception/surveys/unknown/answers",
        json.dumps({"rating": 5}),
        content_type="application/json",
    )
    assert missing.status_code == 404


# --------------------------------------------------------------------------- moderation and QR


def test_the_press_office_moderates_from_the_page(token, signed_in):
    submit(token, session="a", comment="Bravo")
    submit(token, session="b", rating=3)
    submit(token, session="c", comment="Buy cheap tickets!!!")
    bravo, plain, spam = Feedback.objects.order_by("pk")
    client = signed_in(Role.PRESS)
    page = client.get("/reception/feedback/").content.decode()
    assert "Bravo" in page and "Buy cheap tickets" in page
    client.post("/reception/feedback/", {"action": "approve", "ids": [bravo.pk]})
    client.post("/reception/feedback/", {"action": "reject", "ids": [spam.pk]})
    client.post("/reception/feedback/", {"action": "ratings_only"})
    statuses = dict(Feedback.objects.values_list("pk", "status"))
    assert statuses == {bravo.pk: "approved", plain.pk: "approved", spam.pk: "rejected"}
    response = client.post("/reception/feedback/", {"action": "approve"}, follow=True)
    assert "Tick at least one answer" in response.content.decode()


def test_only_the_press_office_moderates(token, signed_in):
    submit(token, comment="Bravo")
    answer = Feedback.objects.get()
    for role in (Role.DANCER, Role.ARTISTIC_DIRECTOR, Role.BOX_OFFICE):
        client = signed_in(role)
        assert client.get("/reception/feedback/").status_code == 403
        assert (
            client.post(
                "/reception/feedback/", {"action": "approve", "ids": [answer.pk]}
            ).status_code
            == 403
        )
        api = client.post(
            "/api/v1/reception/feedback/moderate",
            json.dumps({"ids": [answer.pk], "decision": "approve"}),
            content_type="application/json",
        )
        assert api.status_code == 403
    answer.refresh_from_db()
    assert answer.status == "pending"


def test_pending_words_never_reach_the_performance_page(gala, token, signed_in):
    submit(token, comment="Waiting words")
    html = signed_in(Role.DANCER).get(f"/reception/performances/{gala.pk}/").content.decode()
    assert "Waiting words" not in html
    assert "No approved audience answers yet" in html


def test_the_survey_card_has_a_qr_code_of_the_link(gala, signed_in):
    client = signed_in(Role.PRESS)
    page = client.get(f"/reception/performances/{gala.pk}/survey/")
    assert page.status_code == 200
    token = FeedbackSurvey.objects.get(performance=gala).token
    html = page.content.decode()
    assert f"/feedback/{token}/" in html and "<svg" in html
    qr = client.get(f"/reception/performances/{gala.pk}/survey/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    assert (
        signed_in(Role.DANCER).get(f"/reception/performances/{gala.pk}/survey/").status_code == 403
    )


def test_moderation_refuses_unknown_answers(now):
    with pytest.raises(NotFound):
        services.feedback_moderate(feedback_ids=[424242], approve=True, by=CALLBOARD, now=now)
    with pytest.raises(ValidationFailed):
        services.feedback_moderate(feedback_ids=[], approve=True, by=CALLBOARD, now=now)


def test_the_moderation_api_lists_waiting_answers_and_decides(token, signed_in):
    submit(token, session="a", comment="Bravo")
    submit(token, session="b", comment="Meh", rating=2)
    press = signed_in(Role.PRESS)
    queue = press.get("/api/v1/reception/feedback").json()
    assert [a["comment"] for a in queue] == ["Bravo", "Meh"]
    response = press.post(
        "/api/v1/reception/feedback/moderate",
        json.dumps({"ids": [queue[0]["id"]], "decision": "approve"}),
        content_type="application/json",
    )
    assert response.json() == {"changed": 1}
    assert [a["comment"] for a in press.get("/api/v1/reception/feedback").json()] == ["Meh"]
    bad = press.post(
        "/api/v1/reception/feedback/moderate",
        json.dumps({"ids": [], "decision": "maybe"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    summary = signed_in(Role.DANCER).get(
        f"/api/v1/reception/performances/{Feedback.objects.first().performance_id}/feedback"
    )
    assert summary.json()["count"] == 1 and summary.json()["distribution"]["5"] == 1


def test_behind_a_trusted_proxy_the_survey_counts_the_forwarded_address(live_token):
    """One nginx in front (CALLBOARD_TRUSTED_PROXIES=1): every request reaches Callboard from
    the proxy's address, so the limit must count the address the proxy forwarded, and an
    address the client wrote into the header itself must not let it dodge the limit."""
    client = Client(REMOTE_ADDR="10.0.0.2")
    url = f"/api/v1/reception/surveys/{live_token}/answers"

    def answer(forwarded: str) -> int:
        return client.post(
            url,
            json.dumps({"rating": 5}),
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=forwarded,
        ).status_code

    with override_settings(CALLBOARD_FEEDBACK_PER_ADDRESS=2, CALLBOARD_TRUSTED_PROXIES=1):
        first = [answer("198.51.100.7"), answer("198.51.100.7")]
        forged = answer("1.2.3.4, 198.51.100.7")  # the client's own guess, then the proxy's
        other = answer("198.51.100.8")  # someone else behind the same proxy
    assert first == [201, 201]
    assert forged == 429
    assert other == 201
