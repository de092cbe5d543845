"""The address of the client behind a request, read correctly behind trusted reverse proxies.

``CALLBOARD_TRUSTED_PROXIES`` says how many proxies of the company's own stand in front of
Callboard (nginx, a load balancer). Each appends the address it received the request from to
``X-Forwarded-For``, so with *n* trusted proxies the client is the *n*-th address from the
right; anything further left was written by the client itself and cannot be trusted. With 0
(the default, Callboard serving directly) the header is ignored and ``REMOTE_ADDR`` is the
client.

Rate limits (the audience survey, reservations per address, the sign-in lockout) all read the
address here, so a client cannot dodge them by sending a header of its own.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def trusted_proxies() -> int:
    return max(0, int(getattr(settings, "CALLBOARD_TRUSTED_PROXIES", 0)))


def client_address(request: HttpRequest) -> str:
    """The client's IP address as text, or "" when it cannot be told."""
    direct = _valid(str(request.META.get("REMOTE_ADDR", "") or ""))
    proxies = trusted_proxies()
    if not proxies:
        return direct
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", "") or "").split(",")
    hops = [part.strip() for part in forwarded if part.strip()]
    if len(hops) < proxies:
        # Fewer hops than proxies: the request did not pass through all of them, so every
        # address in the header may be the client's own invention. The peer that connected
        # is the only address known to be real.
        return direct
    return _valid(hops[-proxies]) or direct
