"""Sign-ins, and failed ones, are in the history."""

from __future__ import annotations

import pytest

from callboard.audit.models import AuditEntry
from callboard.audit.tests.conftest import entries
from callboard.core.testing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_sign_in_is_in_the_history(client):
    user = UserFactory(username="klara", first_name="Klára", last_name="Kalmurzaev")
    response = client.post("/login/", {"username": "klara", "password": PASSWORD})
    assert response.status_code == 302
    (entry,) = entries(kind=AuditEntry.Kind.SIGNIN)
    assert (entry.action, entry.actor, entry.who) == ("signin.succeed", user, "Klára Kalmurzaev")
    assert (entry.record_type, entry.record_id) == ("auth.user", user.pk)


def test_a_failed_sign_in_is_in_the_history_with_the_name_tried(client):
    user = UserFactory(username="klara")
    client.post("/login/", {"username": "klara", "password": "wrong"})
    client.post("/login/", {"username": "nobody", "password": "wrong"})
    known, unknown = entries(kind=AuditEntry.Kind.SIGNIN)
    assert (known.action, known.actor, known.record_id) == ("signin.fail", None, user.pk)
    assert "klara" in known.summary
    assert (unknown.record_id, unknown.changes) == (0, {"user_name": [None, "nobody"]})
