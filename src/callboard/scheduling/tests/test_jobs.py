"""core.jobs: the embedded thread runner and the inline runner."""

from __future__ import annotations

import threading

import pytest
from django.test import override_settings

from callboard.core import jobs

SEEN: list[int] = []
DONE = threading.Event()


def remember(value: int) -> None:
    SEEN.append(value)
    DONE.set()


def test_a_thread_job_runs_in_the_background_and_returns_an_id():
    SEEN.clear()
    DONE.clear()
    with override_settings(CALLBOARD_JOBS="thread"):
        job = jobs.enqueue("callboard.scheduling.tests.test_jobs.remember", value=7)
    assert len(job) == 32
    assert DONE.wait(10)
    assert SEEN == [7]


def test_an_inline_job_runs_at_once():
    SEEN.clear()
    with override_settings(CALLBOARD_JOBS="inline"):
        jobs.enqueue("callboard.scheduling.tests.test_jobs.remember", value=3)
    assert SEEN == [3]


def test_a_typo_in_the_job_path_fails_in_the_caller():
    with pytest.raises((ImportError, AttributeError, ValueError)):
        jobs.enqueue("callboard.scheduling.tests.test_jobs.nope")


def test_an_unknown_mode_is_refused():
    with override_settings(CALLBOARD_JOBS="carrier-pigeon"), pytest.raises(ValueError):
        jobs.enqueue("callboard.scheduling.tests.test_jobs.remember", value=1)
