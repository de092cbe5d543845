"""The iCalendar feed, read by a real client parser (ical.js, as in Thunderbird)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from callboard.scheduling import services
from callboard.scheduling.models import Call
from callboard.scheduling.tests.conftest import solve
from conftest import missing_requirement

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[4]
ICAL_JS = ROOT / "node_modules" / "ical.js"
PARSE = """
import ICAL from 'ical.js';
import { readFileSync } from 'node:fs';
const text = readFileSync(0, 'utf8');
const comp = new ICAL.Component(ICAL.parse(text));
const out = comp.getAllSubcomponents('vevent').map((v) => {
  const e = new ICAL.Event(v);
  return { uid: e.uid, summary: e.summary, start: e.startDate.toJSDate().toISOString(),
           end: e.endDate.toJSDate().toISOString(), sequence: e.sequence,
           status: v.getFirstPropertyValue('status'), location: e.location };
});
console.log(JSON.stringify({ name: comp.getFirstPropertyValue('x-wr-calname'), events: out }));
"""


def parse_with_ical_js(body: bytes) -> dict:
    node = shutil.which("node")
    if node is None:
        missing_requirement("node is not installed: install Node.js to check the feed with ical.js")
    if not ICAL_JS.exists():
        missing_requirement("node_modules/ical.js is missing: run `npm install` (make does)")
    done = subprocess.run(
        [node, "--input-type=module", "-e", PARSE],
        input=body,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


def test_the_personal_feed_parses_in_ical_js_and_updates_in_place(client, world, now):
    solve(world, now)
    services.schedule_publish(
        period=world.period, by=world.master, now=now, firm=True, send_email=False
    )
    token = services.feed_token_create(user=world.klara_user, scope="personal", now=now)
    url = reverse("scheduling:feed", args=[token.token])

    first = parse_with_ical_js(client.get(url).content)
    assert first["name"] == "Calls of Klára Kalmurzaev"
    assert [e["summary"] for e in first["events"]] == ["Pas de deux"]
    event = first["events"][0]
    assert event["status"] == "CONFIRMED" and "Studio" in event["location"]

    call = Call.objects.get(schedule__status="draft", request=world.pdd)
    shift = dt.timedelta(hours=2)
    expected = (call.starts_at + shift).astimezone(dt.UTC).isoformat().replace("+00:00", ".000Z")
    services.call_move(
        call=call,
        studio=call.studio,
        starts_at=call.starts_at + shift,
        ends_at=call.ends_at + shift,
        by=world.master,
        now=now,
    )
    services.schedule_publish(period=world.period, by=world.master, now=now, send_email=False)

    second = parse_with_ical_js(client.get(url).content)
    assert [e["uid"] for e in second["events"]] == [event["uid"]]  # the same event, replaced
    moved = second["events"][0]
    assert moved["start"] != event["start"] and moved["sequence"] > event["sequence"]
    assert moved["start"] == expected


def test_the_company_feed_is_for_staff_and_lists_everyone(client, world, now):
    solve(world, now)
    services.schedule_publish(period=world.period, by=world.master, now=now, send_email=False)
    token = services.feed_token_create(user=world.master, scope="company", now=now)
    parsed = parse_with_ical_js(client.get(reverse("scheduling:feed", args=[token.token])).content)
    assert {e["summary"] for e in parsed["events"]} == {"Pas de deux", "Variation", "Corps"}
    assert len({e["uid"] for e in parsed["events"]}) == len(parsed["events"])


def test_an_unknown_feed_address_is_a_404(client, db):
    assert client.get(reverse("scheduling:feed", args=["nope"])).status_code == 404
