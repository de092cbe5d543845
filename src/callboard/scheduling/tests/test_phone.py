"""The dancer's phone: My calls a week back and on and on any day, the first publication told
to everyone it calls, the home-screen manifest, the service worker's offline copy (the
person's own pages only), and push notifications posted to a real (local) push service,
encrypted for the browser and signed with the company's VAPID key."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.staticfiles import finders

from callboard.company.tests.plans import DAY1, DAY3
from callboard.core import push
from callboard.core.models import OutboundEmail, PushSubscription
from callboard.scheduling import services
from callboard.scheduling.models import Notice
from callboard.scheduling.tests.conftest import solve

ME = "/schedule/me/"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ------------------------------------------------------------------------------ My calls


@pytest.fixture
def published(world, now):
    solve(world, now)
    return services.schedule_publish(
        period=world.period, by=world.master, now=now, firm=True, send_email=False
    ).version


def test_my_calls_go_a_week_back_and_on(client, world, published):
    client.force_login(world.klara_user)
    page = client.get(ME, {"day": DAY1.isoformat()}).content.decode()
    assert f'href="{ME}?day={(DAY1 - dt.timedelta(days=7)).isoformat()}"' in page
    assert f'href="{ME}?day={(DAY1 + dt.timedelta(days=7)).isoformat()}"' in page
    assert "Pas de deux" in page
    # A week on: nothing published there yet, and the page says so.
    later = client.get(ME, {"day": (DAY1 + dt.timedelta(days=7)).isoformat()})
    assert later.status_code == 200
    calls = later.content.decode().split('id="today"')[1].split('id="notices"')[0]
    assert "Pas de deux" not in calls and "No calls today." in calls


def test_my_calls_open_on_a_chosen_day(client, world, published):
    client.force_login(world.klara_user)
    page = client.get(ME, {"day": DAY3.isoformat()}).content.decode()
    assert 'type="date" id="pick-day" name="day" value="2026-11-26"' in page
    assert "Go to a day" in page


@pytest.mark.parametrize("garbage", ["tomorrow", "2026-13-45", "0001-01-01", "'; drop"])
def test_a_garbage_day_falls_back_to_today_with_a_message(client, world, published, garbage):
    client.force_login(world.klara_user)
    response = client.get(ME, {"day": garbage})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the day as YYYY-MM-DD" in page and "showing today" in page
    assert ">Today ·" in page or "Today" in page.split('id="today"')[1][:200]


# ------------------------------------------------------------------------------ first news


@pytest.mark.parametrize("firm", [False, True], ids=["tentative", "firm"])
def test_the_first_publication_tells_each_person_of_their_calls(
    world, now, firm, django_capture_on_commit_callbacks
):
    solve(world, now)
    with django_capture_on_commit_callbacks(execute=False):
        result = services.schedule_publish(period=world.period, by=world.master, now=now, firm=firm)
    calls = list(result.version.calls.prefetch_related("called"))
    expected = {(cp.person_id, c.pk) for c in calls for cp in c.called.all()}
    notices = list(Notice.objects.filter(schedule=result.version))
    assert {(n.person_id, n.new_call_id) for n in notices} == expected
    assert result.notices == len(expected) > 0
    assert all(n.kind == Notice.Kind.ADDED and not n.late for n in notices)
    state = "firm" if firm else "tentative"
    assert all(f"({state})" in n.body for n in notices)
    # One e-mail per person, listing all their calls.
    people = {pk for pk, _call in expected}
    emails = OutboundEmail.objects.filter(kind="scheduling.notice")
    assert emails.count() == len(people)
    klara = emails.get(to=world.klara.email)
    mine = [n for n in notices if n.person_id == world.klara.pk]
    assert all(n.email_id == klara.pk for n in mine)
    assert all(n.subject in klara.body for n in mine)
    assert "published" in klara.subject


def test_a_second_publication_tells_only_of_changes(world, now, published):
    again = services.schedule_publish(period=world.period, by=world.master, now=now)
    assert again.notices == 0


# ------------------------------------------------------------------------------ home screen


def test_the_manifest_puts_my_calls_on_the_home_screen(client):
    response = client.get("/schedule/me/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == ME and manifest["scope"] == ME
    assert manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        path = icon["src"].removeprefix("/static/")
        assert finders.find(path), f"{icon['src']} is not a static file"


def test_every_page_has_a_favicon(client, world):
    client.force_login(world.klara_user)
    page = client.get(ME).content.decode()
    assert 'rel="manifest"' in page
    assert re.search(r'<link rel="icon" href="/static/callboard/icons/favicon\.ico"', page)
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 302
    assert finders.find(favicon["Location"].removeprefix("/static/"))


# ------------------------------------------------------------------------------ offline


def _worker(client) -> str:
    response = client.get("/schedule/me/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    return response.content.decode()


def test_the_service_worker_keeps_only_the_persons_own_pages(client, world, make_user):
    client.force_login(world.klara_user)
    script = _worker(client)
    pages = re.search(r'const PAGES = "([^"]+)";', script)[1]
    assets = json.loads(re.search(r"const ASSETS = (\[[^\]]*\]);", script)[1])
    assert pages == ME
    assert assets and all(a.startswith("/static/") for a in assets)
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    # Whatever the worker puts in its cache is a My calls page or one of those files: every
    # cache.put / addAll sits behind isMyCallsPage or takes ASSETS.
    assert script.count("cache.put(") == 1
    put_at = script.index("cache.put(")
    assert script.rindex("if (!isMyCallsPage(url)) { return; }", 0, put_at) > 0
    assert re.findall(r"addAll\((\w+)\)", script) == ["ASSETS"]
    assert "url.pathname === PAGES" in script  # the page itself, not what lies under it
    # Each person's copy has a name of its own; another sign-in's copy is deleted.
    cache = re.search(r'const CACHE = "([^"]+)";', script)[1]
    client.force_login(make_user(username="eleonora"))
    other = re.search(r'const CACHE = "([^"]+)";', _worker(client))[1]
    assert cache != other and cache.startswith("my-calls-") and other.startswith("my-calls-")
    assert cache != f"my-calls-{world.klara_user.pk}"  # not guessable from the id


def test_the_service_worker_is_only_for_the_signed_in(client):
    response = client.get("/schedule/me/sw.js")
    assert response.status_code == 302 and "/login/" in response["Location"]


# ------------------------------------------------------------------------------ push


class PushService:
    """A push service on 127.0.0.1: keeps every request it receives; answers ``status``."""

    def __init__(self, status: int = 201) -> None:
        self.received: list[dict] = []
        self.status = status
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                outer.received.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> PushService:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class Browser:
    """What a browser keeps for one push subscription: its key pair and auth secret."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

        self.private = ec.generate_private_key(ec.SECP256R1())
        public = self.private.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        self.p256dh = _b64(public)
        self.secret = os.urandom(16)
        self.auth = _b64(self.secret)

    def read(self, body: bytes) -> dict:
        import http_ece

        plain = http_ece.decrypt(
            body, private_key=self.private, auth_secret=self.secret, version="aes128gcm"
        )
        return json.loads(plain)


@pytest.fixture
def vapid(settings):
    public, private = push.new_vapid_keys()
    settings.CALLBOARD_VAPID_PUBLIC_KEY = public
    settings.CALLBOARD_VAPID_PRIVATE_KEY = private
    settings.CALLBOARD_VAPID_SUBJECT = "mailto:company@example-ballet.org"
    return public


def _check_vapid(authorization: str, *, public: str, audience: str) -> dict:
    """Verify the VAPID token (RFC 8292) with the company's public key; return its claims."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    match = re.fullmatch(r"vapid t=([\w.-]+), ?k=([\w-]+)", authorization)
    assert match, authorization
    token, key = match.groups()
    assert key == public
    head, body, signature = token.split(".")
    raw = _unb64(signature)
    verifier = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(key))
    verifier.verify(  # raises InvalidSignature when it was not signed with our private key
        encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
        f"{head}.{body}".encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    assert json.loads(_unb64(head))["alg"] == "ES256"
    claims = json.loads(_unb64(body))
    assert claims["aud"] == audience
    return claims


def test_a_phone_subscribes_and_is_told_of_its_first_calls(
    client, world, now, vapid, django_capture_on_commit_callbacks
):
    browser = Browser()
    client.force_login(world.klara_user)
    with PushService() as service:
        endpoint = f"{service.url}/push/klara-phone"
        response = client.post(
            "/schedule/me/push/",
            {"endpoint": endpoint, "keys": {"p256dh": browser.p256dh, "auth": browser.auth}},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        assert PushSubscription.objects.get().user == world.klara_user
        page = client.get(ME).content.decode()
        assert f'data-key="{vapid}"' in page
        solve(world, now)
        with django_capture_on_commit_callbacks(execute=True):
            services.schedule_publish(period=world.period, by=world.master, now=now)
    assert len(service.received) == 1  # one notification for all her calls
    sent = service.received[0]
    assert sent["path"] == "/push/klara-phone"
    headers = {k.lower(): v for k, v in sent["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm"
    assert int(headers["ttl"]) == push.TTL_SECONDS
    claims = _check_vapid(headers["authorization"], public=vapid, audience=service.url)
    assert claims["sub"] == "mailto:company@example-ballet.org"
    assert 0 < claims["exp"] - dt.datetime.now(dt.UTC).timestamp() <= 24 * 3600
    message = browser.read(sent["body"])
    assert "published" in message["title"]
    assert message["url"].startswith(ME + "?day=")
    assert "Pas de deux" in message["body"]
    subscription = PushSubscription.objects.get()
    assert subscription.last_sent_at is not None and subscription.last_error == ""


def test_a_subscription_the_push_service_says_is_gone_is_removed(
    world, now, vapid, django_capture_on_commit_callbacks
):
    browser = Browser()
    with PushService(status=410) as service:
        push.push_subscribe(
            user=world.klara_user,
            endpoint=f"{service.url}/push/old-phone",
            p256dh=browser.p256dh,
            auth=browser.auth,
            now=now,
        )
        solve(world, now)
        with django_capture_on_commit_callbacks(execute=True):
            services.schedule_publish(period=world.period, by=world.master, now=now)
    assert len(service.received) == 1
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body, status",
    [
        ({"endpoint": "http://push.example.com/x", "keys": {"p256dh": "A", "auth": "B"}}, 422),
        ({"endpoint": "https://push.example.com/x", "keys": {"p256dh": "short", "auth": "x"}}, 422),
        (["not", "a", "subscription"], 400),
    ],
    ids=["plain-http", "bad-keys", "not-an-object"],
)
def test_a_bad_subscription_is_refused_with_a_reason(client, world, vapid, body, status):
    client.force_login(world.klara_user)
    response = client.post("/schedule/me/push/", body, content_type="application/json")
    assert response.status_code == status
    assert response.json()["message"]
    assert not PushSubscription.objects.exists()


def test_without_vapid_keys_no_phone_is_offered_notifications(client, world, settings):
    settings.CALLBOARD_VAPID_PUBLIC_KEY = settings.CALLBOARD_VAPID_PRIVATE_KEY = ""
    client.force_login(world.klara_user)
    assert 'id="push"' not in client.get(ME).content.decode()
    browser = Browser()
    response = client.post(
        "/schedule/me/push/",
        {
            "endpoint": "https://push.example.com/x",
            "keys": {"p256dh": browser.p256dh, "auth": browser.auth},
        },
        content_type="application/json",
    )
    assert response.status_code == 422 and "not set up" in response.json()["message"]


def test_a_phone_turns_notifications_off(client, world, now, vapid):
    browser = Browser()
    push.push_subscribe(
        user=world.klara_user,
        endpoint="https://push.example.com/klara",
        p256dh=browser.p256dh,
        auth=browser.auth,
        now=now,
    )
    client.force_login(world.klara_user)
    response = client.post(
        "/schedule/me/push/",
        {"endpoint": "https://push.example.com/klara", "off": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert not PushSubscription.objects.exists()
