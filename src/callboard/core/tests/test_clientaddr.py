"""The client's address behind trusted proxies (CALLBOARD_TRUSTED_PROXIES)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory, override_settings

from callboard.core.clientaddr import client_address


def _request(remote: str = "10.0.0.2", forwarded: str | None = None):  # type: ignore[no-untyped-def]
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_header_is_ignored():
    with override_settings(CALLBOARD_TRUSTED_PROXIES=0):
        assert client_address(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "1.2.3.4, 198.51.100.7", "198.51.100.7"),  # the leftmost is the client's invention
        (2, "1.2.3.4, 198.51.100.7, 10.0.0.9", "198.51.100.7"),  # balancer, then nginx
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "[2001:db8::1]:443", "2001:db8::1"),
        (1, "198.51.100.7:51234", "198.51.100.7"),
    ],
)
def test_the_client_is_the_address_the_nearest_trusted_proxy_was_given(
    proxies, forwarded, expected
):
    with override_settings(CALLBOARD_TRUSTED_PROXIES=proxies):
        assert client_address(_request(forwarded=forwarded)) == expected


def test_a_request_that_skipped_the_proxies_is_known_by_its_own_address():
    with override_settings(CALLBOARD_TRUSTED_PROXIES=2):
        # Only one hop: the header may be entirely the client's own.
        assert client_address(_request("203.0.113.9", "1.2.3.4")) == "203.0.113.9"
        assert client_address(_request("203.0.113.9")) == "203.0.113.9"


def test_garbage_in_the_header_falls_back_to_the_peer():
    with override_settings(CALLBOARD_TRUSTED_PROXIES=1):
        assert client_address(_request("10.0.0.2", "not-an-address")) == "10.0.0.2"
        assert client_address(_request("10.0.0.2", "\x00' OR 1=1")) == "10.0.0.2"
    assert client_address(_request("garbage")) == ""
