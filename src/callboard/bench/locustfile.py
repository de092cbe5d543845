"""The users of ``bench/load.py``: run by locust in its own process, never imported by Django.

``CALLBOARD_LOAD_SESSIONS`` names the JSON file the bench seeded: the day of the published
week, one session per dancer and a few management sessions. Half the users are dancers,
each signed in as a dancer of their own, opening "my calls"; the other half are the
management opening the day's call sheet (three times in four) or the callboard's plans.
Each user waits one to three seconds between pages, as a person reading them would. Any
answer but a 200 is a failure; so is a page without the calls it should show.
"""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path
from typing import Any

from locust import HttpUser, between, task

SEEDED: dict[str, Any] = json.loads(Path(os.environ["CALLBOARD_LOAD_SESSIONS"]).read_text())
DAY: str = SEEDED["day"]
_dancers = itertools.cycle(SEEDED["dancers"])
_managers = itertools.cycle(SEEDED["managers"])


def _check(response: Any, *, expect: str) -> None:
    if response.status_code != 200:
        response.failure(f"HTTP {response.status_code}")
    elif expect not in response.text:
        response.failure(f"the page does not show {expect!r}")
    else:
        response.success()


class Dancer(HttpUser):
    """A dancer checking their own calls on a phone."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        me = next(_dancers)
        self.name = me["name"]
        self.client.cookies.set("sessionid", me["session"])

    @task
    def my_calls(self) -> None:
        with self.client.get(
            "/schedule/me/", name="my calls", allow_redirects=False, catch_response=True
        ) as response:
            _check(response, expect="Rehearsal group")


class Management(HttpUser):
    """The ballet master's office and the wall: the day's call sheet, the plans."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.cookies.set("sessionid", next(_managers))

    @task(3)
    def call_sheet(self) -> None:
        with self.client.get(
            f"/schedule/board/{DAY}/",
            name="call sheet (board/<day>)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            _check(response, expect="Rehearsal group")

    @task(1)
    def plans(self) -> None:
        with self.client.get(
            "/schedule/",
            name="callboard plans (/schedule/)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            _check(response, expect="review the draft")
