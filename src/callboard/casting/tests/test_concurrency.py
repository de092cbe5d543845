"""People editing the same cell at the same moment, each on their own connection (PostgreSQL)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import IntegrityError, connections, transaction

from callboard.casting import services
from callboard.casting.models import CastAssignment
from callboard.core.actors import CALLBOARD
from callboard.core.errors import DomainError
from conftest import require_postgres

from .conftest import NOW, make_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(targets):
    barrier = threading.Barrier(len(targets))
    outcomes: list = [None] * len(targets)

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = ("ok", targets[i]())
        except DomainError as exc:
            outcomes[i] = (type(exc).__name__, exc.message)
        except IntegrityError as exc:
            outcomes[i] = ("IntegrityError", str(exc))
        except Exception as exc:  # anything else would be a 500
            outcomes[i] = ("crash", repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(targets))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_racing_editors_never_fill_a_slot_twice():
    require_postgres()
    w = make_world(performances=1)
    p = w.performances[0]
    dancers = [w.dancer(w.swans) for _ in range(8)]

    def assign(d):
        return lambda: (
            services.cast_assign(
                performance=p, role=w.swans, dancer=d, slot=0, by=CALLBOARD, now=NOW
            ).assignment.pk
        )

    outcomes = _race([assign(d) for d in dancers])
    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds["ok"] == 1, outcomes
    assert kinds["Conflict"] == 7, outcomes
    assert CastAssignment.objects.filter(performance=p, role=w.swans, slot=0).count() == 1


def test_racing_edits_never_put_a_dancer_on_stage_twice():
    require_postgres()
    w = make_world(performances=1)
    p = w.performances[0]
    d = w.dancer(
        w.queen, w.swans, rank="soloist"
    )  # the Swan Queen and the swans share the lakeside
    outcomes = _race(
        [
            lambda: (
                services.cast_assign(
                    performance=p, role=w.queen, dancer=d, by=CALLBOARD, now=NOW
                ).assignment.pk
            ),
            lambda: (
                services.cast_assign(
                    performance=p, role=w.swans, dancer=d, by=CALLBOARD, now=NOW
                ).assignment.pk
            ),
        ]
    )
    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds == Counter({"ok": 1, "ValidationFailed": 1}), outcomes
    assert CastAssignment.objects.filter(dancer=d).count() == 1


def test_the_database_alone_keeps_a_slot_single_under_racing_writes():
    require_postgres()
    w = make_world(performances=1)
    p = w.performances[0]
    dancers = [w.dancer(w.swans) for _ in range(6)]

    def insert(d):
        def go():
            with transaction.atomic():
                return CastAssignment.objects.create(
                    performance=p, role=w.swans, slot=3, dancer=d, assigned_at=NOW
                ).pk

        return go

    outcomes = _race([insert(d) for d in dancers])
    kinds = Counter(kind for kind, _ in outcomes)
    assert kinds == Counter({"ok": 1, "IntegrityError": 5}), outcomes
    assert CastAssignment.objects.filter(performance=p, role=w.swans, slot=3).count() == 1
