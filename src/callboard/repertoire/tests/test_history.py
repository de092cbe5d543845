"""Every write of the repertoire checks who is writing and goes into the history."""

from __future__ import annotations

import pytest

from callboard.audit.models import AuditEntry
from callboard.audit.tests.conftest import entries
from callboard.core.errors import PermissionDenied
from callboard.core.roles import Role
from callboard.repertoire import services
from callboard.repertoire.models import Work
from callboard.repertoire.tests.factories import CommissionFactory, DancerFactory, RoleFactory

pytestmark = pytest.mark.django_db


def test_a_work_added_and_changed_is_in_the_history(make_user, now):
    master = make_user(Role.BALLET_MASTER)
    work = services.work_create(title="Giselle", duration_minutes=110, by=master, now=now)
    services.work_update(work=work, changes={"duration_minutes": 120}, by=master, now=now)
    created, changed = entries(kind=AuditEntry.Kind.REPERTOIRE)
    assert created.action == "repertoire.work_create" and created.actor == master
    assert changed.changes == {"duration_minutes": [110, 120]}


def test_who_knows_which_role_is_in_the_history(make_user, now):
    dancer, role = DancerFactory(), RoleFactory(name="Myrtha")
    services.dancer_role_set(
        dancer=dancer, role=role, status="learning", by=make_user(Role.BALLET_MASTER), now=now
    )
    (entry,) = entries(action="repertoire.dancer_role_set")
    assert "Myrtha" in entry.summary and entry.parent_id == role.pk


def test_advancing_a_commission_records_the_move(make_user, now):
    commission = CommissionFactory(status="commissioned")
    services.commission_advance(
        commission=commission,
        to_status="in_creation",
        by=make_user(Role.ARTISTIC_DIRECTOR),
        now=now,
    )
    (entry,) = entries(action="repertoire.commission_advance")
    assert entry.changes == {"status": ["commissioned", "in_creation"]}


def test_a_dancer_may_not_change_the_repertoire(make_user, now):
    with pytest.raises(PermissionDenied):
        services.work_create(title="X", duration_minutes=10, by=make_user(Role.DANCER), now=now)
    with pytest.raises(PermissionDenied):
        services.milestone_create(
            commission=CommissionFactory(),
            title="Showing",
            by=make_user(Role.BALLET_MASTER),
            now=now,
        )
    assert not Work.objects.filter(title="X").exists()
    assert not AuditEntry.objects.exists()
