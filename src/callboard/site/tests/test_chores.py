"""The chores beat sends: each runs by itself with ``callboard chores``, and the backup keeps
the newest files."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from django.core.management import call_command

from callboard.core import tasks
from callboard.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_every_chore_is_listed_with_its_interval(settings):
    out = io.StringIO()
    call_command("chores", "--list", stdout=out)
    listed = out.getvalue()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert f"{name}: {entry['task']}" in listed
    for task in (
        "callboard.boxoffice.sweep",
        "callboard.boxoffice.waiting_list_offers",
        "callboard.scheduling.reap_lost_runs",
        "callboard.casting.reap_lost_suggestions",
        "callboard.core.emails_send_due",
        "callboard.core.jobs_redispatch",
        "callboard.core.heartbeat",
        "callboard.scheduling.availability_reminders",
    ):
        assert task in listed


def test_every_chore_names_a_task_that_exists(settings):
    from callboard.celery import app

    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry


def test_every_chore_runs_once_by_hand():
    out = io.StringIO()
    call_command("chores", stdout=out)
    assert "worker-heartbeat:" in out.getvalue()
    assert "boxoffice-sweep: {'claims': 0, 'carts': 0, 'holds': 0, 'orders': 0}" in out.getvalue()
    assert "waiting-list-offers: {'expired': 0, 'bought': 0, 'offered': 0}" in out.getvalue()
    assert "availability-reminders: 0" in out.getvalue()
    assert WorkerHeartbeat.objects.count() == 1


def test_an_unknown_chore_is_named_with_the_known_ones():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"No chore is called tidy-up\. Known: boxoffice-sweep"):
        call_command("chores", "tidy-up")


def test_the_scheduled_backup_writes_a_backup_and_keeps_the_newest(settings, tmp_path):
    settings.CALLBOARD_BACKUP_DIR = str(tmp_path)
    settings.CALLBOARD_BACKUP_KEEP = 2
    for stamp in ("20261101-033000", "20261102-033000"):
        (tmp_path / f"callboard-{stamp}.cbk").write_bytes(b"old")
    (tmp_path / "notes.txt").write_text("not a backup: left alone")
    written = tasks.backup.apply().get()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["callboard-20261102-033000.cbk", written.rsplit("/", 1)[-1], "notes.txt"]
    with gzip.open(written, "rt") as stream:
        header = json.loads(stream.readline())
    assert header["format"] == "callboard-backup"


def test_no_backup_folder_means_no_backup(settings):
    settings.CALLBOARD_BACKUP_DIR = ""
    assert tasks.backup.apply().get().startswith("off")
