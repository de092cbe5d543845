"""``callboard schedule solve|publish|show``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from callboard.company.tests.plans import DAY1, DAY3
from callboard.scheduling.models import Schedule

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("schedule", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_solve_publish_and_show_from_the_command_line(world):
    out, err = run(
        "solve", "--from", str(DAY1), "--to", str(DAY3), "--time-limit", "2", "--workers", "1"
    )
    assert "Finished" in out and "Best schedule" in out
    assert "[" in err and "bound" in err  # the progress bar
    out, _ = run("publish", "--from", str(DAY1), "--to", str(DAY3), "--firm")
    assert "version 1" in out and "firm" in out
    shown = "".join(run("show", str(d))[0] for d in (DAY1, DAY1.replace(day=25), DAY3))
    assert "Pas de deux" in shown and "Klára Kalmurzaev" in shown
    draft = Schedule.objects.get(status="draft")
    out, _ = run("publish", "--schedule", str(draft.pk))
    assert "version 2" in out


@pytest.mark.parametrize(
    "args",
    [
        ("solve", "--from", "tomorrow", "--to", "2026-11-26"),
        ("solve", "--from", "2026-11-26", "--to", "2026-11-20"),
        ("solve", "--from", "2026-11-24", "--to", "2026-11-26", "--time-limit", "-1"),
        ("publish", "--from", "2030-01-01", "--to", "2030-01-02"),
        ("publish",),
        ("publish", "--schedule", "99999"),
        ("show", "2026-02-30"),
    ],
)
def test_bad_input_exits_with_code_2_and_a_clear_message(world, args):
    with pytest.raises(CommandError) as failed:
        run(*args)
    assert failed.value.returncode == 2
    assert str(failed.value)


def test_publishing_a_published_version_is_refused(world):
    run("solve", "--from", str(DAY1), "--to", str(DAY3), "--time-limit", "2", "--workers", "1")
    run("publish", "--from", str(DAY1), "--to", str(DAY3))
    version = Schedule.objects.get(status="published")
    with pytest.raises(CommandError) as failed:
        run("publish", "--schedule", str(version.pk))
    assert failed.value.returncode == 2 and "never changes" in str(failed.value)
