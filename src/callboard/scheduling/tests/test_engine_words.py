"""The scheduler engine's own sentences in the reader's language.

The engine writes English templates with their values (``solver/messages.py``); the app writes
them in the reader's language where it shows them: a penalty's detail and why a request was
left out on the explanation, the broken rules on the review, a finished run's page and log
(kept in English, written again for each reader).
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import translation

from callboard.company.tests.plans import DAY1, DAY3
from callboard.core.i18n import reader_text
from callboard.scheduling import adapters, selectors, services
from callboard.scheduling.solver.messages import Joined, Label, Minutes, say
from callboard.scheduling.tests.conftest import solve

ZONE = dt.timezone(dt.timedelta(hours=3))
CYRILLIC = re.compile("[А-Яа-яЁё]")


def _anna_cannot_come(world, now):
    services.unavailability_create(
        person=world.anna,
        starts_at=dt.datetime.combine(DAY1, dt.time(0), tzinfo=ZONE),
        ends_at=dt.datetime.combine(DAY3 + dt.timedelta(days=1), dt.time(0), tzinfo=ZONE),
        reason="",
        by=world.master,
        now=now,
    )


def _explanation(world, language):
    with translation.override(language):
        draft = services.draft_of(world.period)
        calls = selectors.schedule_calls(draft)
        report = services.review_rows(world.period, adapters.rows_of(calls), calls)
        return adapters.explain_schedule(report.problem, report.solver_calls, report.mapping)


def _variation(details, language):
    with translation.override(language):
        name = reader_text("Variation")  # a label Callboard wrote, shown in the reader's words
    left_out = [u for u in details["unplaced"] if u["label"] == "Variation"]
    assert left_out, details["unplaced"]
    unplaced = next(g for g in details["goals"] if g["goal"] == "unplaced")
    details_of_it = [line for line in unplaced["lines"] if line.startswith(f"{name}: ")]
    assert details_of_it, unplaced["lines"]
    detail = details_of_it[0]
    return detail, left_out[0]["reason"]


def test_a_penalty_and_a_reason_for_leaving_out_are_in_the_readers_language(world, now):
    _anna_cannot_come(world, now)
    solve(world, now)

    detail, reason = _variation(_explanation(world, "ru"), "ru")
    assert "не поставлено 45 мин (приоритет" in detail, detail
    assert "not placed" not in detail and "priority" not in detail
    assert reason.startswith("Ни одно время не подходит: "), reason
    assert "Anna Orlova: недоступность (вариантов начала: " in reason, reason
    assert "No time" not in detail and "unavailable" not in reason and "start time" not in reason

    detail, reason = _variation(_explanation(world, "en"), "en")
    assert "Variation: 45 min not placed (priority" in detail, detail
    assert reason.startswith("No time works: Anna Orlova is unavailable ("), reason
    assert not CYRILLIC.search(detail + reason)


def test_a_finished_run_reads_in_russian_though_it_was_kept_in_english(client, world, now):
    _anna_cannot_come(world, now)
    run = solve(world, now)
    assert "No time works: Anna Orlova is unavailable" in run.log  # kept as the engine said it
    assert run.result["unplaced"][0]["why"]["msgid"] == "No time works: %(reasons)s."
    client.force_login(world.master)

    page = client.get(f"/schedule/runs/{run.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    log = page[page.index('<pre class="log">') :]
    log = log[: log.index("</pre>")]
    # The costs in words (from the run's result) and its log (stored text) both say why.
    assert page.count("Ни одно время не подходит: Anna Orlova: недоступность") >= 2, page
    assert "Ни одно время не подходит" in log, log
    assert "No time works" not in page and "is unavailable" not in page

    english = client.get(f"/schedule/runs/{run.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No time works: Anna Orlova is unavailable" in english
    assert "Ни одно время" not in english

    # The API's run says it in the reader's language too.
    api = client.get(f"/api/v1/schedule/runs/{run.pk}", HTTP_ACCEPT_LANGUAGE="ru").json()
    assert "Ни одно время не подходит" in api["log"] and "No time works" not in api["log"]
    api = client.get(f"/api/v1/schedule/runs/{run.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "No time works: Anna Orlova is unavailable" in api["log"]


def test_an_older_runs_english_reason_is_translated_from_the_catalogue(db):
    # Runs kept before the engine's sentences carried their values: only the English text.
    stored = (
        "Variation (45 min) could not be placed: No time works: Anna Orlova is unavailable "
        "(3 start times); every studio that fits is taken (1 start time)."
    )
    with translation.override("ru"):
        said = reader_text(stored)
    assert said == (
        "Вариация (45 мин): не удалось разместить — Ни одно время не подходит: Anna Orlova: "
        "недоступность (вариантов начала: 3); все подходящие залы заняты (вариантов начала: 1)."
    ), said


def test_an_engine_sentence_writes_its_values_the_readers_way():
    text = say(
        "%(who)s works %(duration)s on %(day)s; the agreement allows %(allowed)s.",
        who="Klára Kalmurzaev",
        duration=Minutes(135),
        day="Mon 7 Dec",
        allowed=Minutes(120),
    )
    assert (
        str(text)
        == "Klára Kalmurzaev works 2 h 15 min on Mon 7 Dec; the agreement allows 2 h 00 min."
    )
    with translation.override("ru"):
        said = adapters.engine_words(text)
    assert said == (
        "Klára Kalmurzaev: работа 2 ч 15 мин (Mon 7 Dec); договор допускает 2 ч 00 мин."
    ), said
    listed = say("No time works: %(reasons)s.", reasons=Joined((Label("Class"), "x"), "; "))
    assert type(text).from_json(listed.to_json()) == listed


def test_a_kept_conflict_reads_in_russian():
    # An infeasible run's log keeps the engine's conflict in English, sentence after sentence.
    stored = (
        "These cannot all be scheduled: the required request “Corps” (2 h 00 min); the locked call "
        "“Variation” on Tue 24 Nov 10:00 in Studio A. They would fit without the rule(s): most "
        "minutes of work a day."
    )
    with translation.override("ru"):
        said = reader_text(stored)
    assert said.startswith("Это нельзя поставить в расписание вместе: обязательная заявка «"), said
    assert (
        "заявка «Corps» (2 ч 00 мин); закреплённый вызов «Вариация» (вт, 24 нояб., 10:00, " in said
    )
    assert "Studio A)" in said, said  # a Tuesday: the weekday says which year
    assert said.endswith("Всё встало бы без правил: наибольшее число минут работы в день."), said
