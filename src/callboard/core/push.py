"""Push notifications to a person's phone (Web Push, with the company's VAPID keys).

Optional: nothing is offered or sent unless ``CALLBOARD_VAPID_PUBLIC_KEY`` and
``CALLBOARD_VAPID_PRIVATE_KEY`` are set (``callboard push_keys`` makes a pair).

- A person's browser subscribes from their own page (``push_subscribe``: the endpoint its
  push service gave it and the keys to encrypt for it); they can stop it (``push_unsubscribe``).
  Both are the person's own doing on their own device: no ``by``, no history entry.
- ``push_queue`` is called inside the transaction that makes what it tells of (a published
  schedule); after the commit a background job per subscription encrypts the message for
  that browser (RFC 8291, aes128gcm), signs a VAPID token (RFC 8292) and posts it to the
  endpoint (``pywebpush``). A rolled-back change sends nothing.
- A push service that answers 404 or 410 says the subscription has gone (the app was
  removed, permission withdrawn): it is deleted. Other failures are noted on the
  subscription (``last_error``) and logged; a notification is a courtesy beside the notice
  and the e-mail, which stay the record, so it is not tried again.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import logging
from collections.abc import Iterable
from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from callboard.core import jobs
from callboard.core.errors import ValidationFailed
from callboard.core.models import PushSubscription

log = logging.getLogger(__name__)

SEND_JOB = "callboard.core.push.push_send"
TTL_SECONDS = 60 * 60 * 24  # a phone switched off for a day still gets the news
GONE = (404, 410)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def new_vapid_keys() -> tuple[str, str]:
    """A new VAPID key pair (P-256), as (public, private), each base64url: the public key in
    the uncompressed form browsers take, the private key as its 32 raw bytes."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return _b64(public), _b64(private.private_numbers().private_value.to_bytes(32, "big"))


def push_enabled() -> bool:
    """Whether the company has VAPID keys, so that phones may subscribe."""
    return bool(settings.CALLBOARD_VAPID_PUBLIC_KEY and settings.CALLBOARD_VAPID_PRIVATE_KEY)


def public_key() -> str:
    """The key a browser subscribes with (``applicationServerKey``), base64url."""
    return str(settings.CALLBOARD_VAPID_PUBLIC_KEY)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _key(value: str, *, size: int, what: str) -> str:
    text = (value or "").strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raw = b""
    if len(raw) != size:
        raise ValidationFailed(
            _("The browser sent no valid %(what)s: turn notifications off and on again.")
            % {"what": what},
            field=what,
        )
    return text


@transaction.atomic
def push_subscribe(
    *, user: User, endpoint: str, p256dh: str, auth: str, now: dt.datetime
) -> PushSubscription:
    """Let ``user``'s browser be sent push notifications (their own doing: no ``by``).

    The same endpoint subscribed again (a browser renewing it) takes the new keys."""
    if not push_enabled():
        raise ValidationFailed(
            _("This company has not set up notifications to phones; ask the company manager.")
        )
    address = (endpoint or "").strip()
    parts = urlsplit(address)
    secure = parts.scheme == "https" or (parts.scheme == "http" and _loopback(parts.hostname or ""))
    if not secure or not parts.hostname or len(address) > 1000:
        raise ValidationFailed(
            _("The browser gave no secure address for notifications; try another browser."),
            field="endpoint",
        )
    values = {
        "user": user,
        "p256dh": _key(p256dh, size=65, what="p256dh"),
        "auth": _key(auth, size=16, what="auth"),
        "created_at": now,
        "last_error": "",
    }
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=address, defaults=values
    )
    return subscription


@transaction.atomic
def push_unsubscribe(*, user: User, endpoint: str) -> bool:
    """Stop notifications to one of ``user``'s browsers; False when it was not subscribed."""
    deleted, _rows = PushSubscription.objects.filter(
        user=user, endpoint=(endpoint or "").strip()
    ).delete()
    return bool(deleted)


def push_queue(
    *, user_ids: Iterable[int], title: str, body: str, url: str, tag: str = "callboard"
) -> int:
    """Send a notification to every subscribed browser of these users, after the commit.

    Returns how many browsers it goes to (0 when notifications are not set up)."""
    if not push_enabled():
        return 0
    payload = json.dumps(
        {"title": title[:120], "body": body[:400], "url": url, "tag": tag}, ensure_ascii=False
    )
    ids = list(
        PushSubscription.objects.filter(user_id__in=set(user_ids)).values_list("pk", flat=True)
    )
    for pk in ids:
        transaction.on_commit(partial(_dispatch, pk, payload))
    return len(ids)


def _dispatch(pk: int, payload: str) -> None:
    try:
        jobs.enqueue(SEND_JOB, subscription_id=pk, payload=payload)
    except Exception:  # never fail the request that published the schedule
        log.exception("push notification to subscription %s could not be handed to a worker", pk)


def push_send(*, subscription_id: int, payload: str) -> str:
    """The job: encrypt ``payload`` for one browser and post it to its push service."""
    from pywebpush import WebPushException, webpush

    subscription = PushSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return jobs.gone("push_send", subscription_id=subscription_id)
    endpoint = urlsplit(subscription.endpoint)
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=payload,
            vapid_private_key=settings.CALLBOARD_VAPID_PRIVATE_KEY,
            vapid_claims={
                "sub": settings.CALLBOARD_VAPID_SUBJECT,
                "aud": f"{endpoint.scheme}://{endpoint.netloc}",
            },
            ttl=TTL_SECONDS,
            timeout=10,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in GONE:
            subscription.delete()
            return "gone"
        _failed(subscription, f"{status or ''} {exc}".strip())
        return "failed"
    except Exception as exc:  # the push service cannot be reached: a timeout, a refusal
        _failed(subscription, f"{type(exc).__name__}: {exc}")
        return "failed"
    subscription.last_sent_at = timezone.now()
    subscription.last_error = ""
    subscription.save(update_fields=["last_sent_at", "last_error"])
    return "sent"


def _failed(subscription: PushSubscription, error: str) -> None:
    log.warning("push notification to %s failed: %s", subscription.endpoint[:80], error)
    subscription.last_error = error[:300]
    subscription.save(update_fields=["last_error"])
