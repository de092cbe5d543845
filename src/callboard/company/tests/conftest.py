"""Fixtures of the company tests."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from callboard.core import services as core_services


class Api:
    """A JSON client for /api/v1/company/ signed in with a personal token."""

    def __init__(self, client: Any, raw_token: str | None) -> None:
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"} if raw_token else {}

    def _url(self, path: str) -> str:
        return "/api/v1/company" + path

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(self._url(path), params, **self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            self._url(path), json.dumps(body or {}), content_type="application/json", **self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            self._url(path), json.dumps(body), content_type="application/json", **self.headers
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(self._url(path), **self.headers)


@pytest.fixture
def api_as(client, make_user):  # type: ignore[no-untyped-def]
    """``api_as(Role.COMPANY_MANAGER)`` -> an :class:`Api` acting with that role (or ``user=``)."""

    def make(*roles: Any, user: Any = None) -> Api:
        user = user or make_user(*roles)
        _token, raw = core_services.api_token_create(user=user, name="tests", now=timezone.now())
        api = Api(client, raw)
        api.user = user  # type: ignore[attr-defined]
        return api

    return make


@pytest.fixture
def anonymous_api(client):  # type: ignore[no-untyped-def]
    return Api(client, None)


@pytest.fixture(autouse=True)
def _quick_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Argon2 is slow on purpose; these tests sign many users in and never check passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
