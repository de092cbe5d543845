import pytest
from django.utils import timezone

from callboard.core import services
from callboard.core.errors import ValidationFailed
from callboard.core.roles import Role

pytestmark = pytest.mark.django_db


def test_token_authenticates_api_until_revoked(client, make_user):
    user = make_user(Role.DANCER)
    token, raw = services.api_token_create(user=user, name="script", now=timezone.now())
    ok = client.get("/api/v1/account/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert ok.status_code == 200
    assert ok.json()["roles"] == ["dancer"]
    services.api_token_revoke(user=user, token_id=token.pk, now=timezone.now())
    refused = client.get("/api/v1/account/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 401
    assert "message" in refused.json()


def test_token_needs_a_name(make_user):
    with pytest.raises(ValidationFailed):
        services.api_token_create(user=make_user(), name="  ", now=timezone.now())
