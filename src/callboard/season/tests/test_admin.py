import pytest

from callboard.season.tests.factories import (
    PerformanceFactory,
    ProgrammeWorkFactory,
    TourFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODELS = ["venue", "season", "tour", "programme", "programmework", "performance"]


def test_every_season_model_has_a_working_admin(client):
    performance = PerformanceFactory()
    ProgrammeWorkFactory(programme=performance.programme)
    TourFactory(season=performance.programme.season)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model in MODELS:
        assert client.get(f"/admin/season/{model}/").status_code == 200, model
        assert client.get(f"/admin/season/{model}/add/").status_code == 200, model
    assert client.get(f"/admin/season/performance/{performance.pk}/change/").status_code == 200


def test_admin_refuses_a_venue_with_a_bad_time_zone(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(
        "/admin/season/venue/add/",
        {"name": "Nowhere", "city": "Uglich", "time_zone": "Europe/Uglich", "capacity": "100"},
    )
    assert response.status_code == 200
    assert "is not a time zone name" in response.content.decode()


def test_api_documentation_lists_the_season(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/season/performances" in schema["paths"]
